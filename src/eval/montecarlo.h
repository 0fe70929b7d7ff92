// Monte Carlo over runs of one scenario (docs/montecarlo.md): each run is
// the scenario with its own run index, so its random streams are keyed by
// (scenario seed, run index, entity) and any run can be repeated alone with
// `canopy run --seed S --run I`. A run is scored into one row of named
// metrics; rows aggregate into means and 95 % intervals.
//
//   std::vector<eval::RunRecord> rows;
//   eval::run_many(scenario, indices, /*threads=*/2, [&](eval::RunRecord r) {
//     rows.push_back(std::move(r));        // called one at a time
//   });
//   std::ranges::sort(rows, {}, &eval::RunRecord::run);
//   nlohmann::ordered_json agg =
//       eval::aggregate_metrics(rows, eval::metric_set(scenario), scenario.run.seed);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/eval/metrics.h"
#include "canopy/scenario/scenario.h"

namespace canopy::eval {

// One completed run. values follow the scenario's metric_set(); NaN marks a
// value the run does not define (a rate with no trials, a median of nothing).
struct RunRecord {
  int run = 0;
  std::vector<double> values;
  double wall_s = 0;  // not part of runs.csv
};

// Runs the scenario once as run `run_index` and scores it. Thread-safe: the
// scenario is only read. Fails if the world cannot be built (e.g. a raid's
// aim cannot be reached in that run's draws). Once *cancel turns true the
// run is abandoned (an error saying so).
core::Result<RunRecord> run_once(const scenario::Scenario& scenario, int run_index,
                                 const std::atomic<bool>* cancel = nullptr);

// Runs the given run indices on `threads` worker threads. on_done receives
// each completed run, one call at a time, in completion order. Returns the
// first failure (the remaining runs are abandoned). Once *cancel turns true
// no further run starts and runs under way are abandoned, unreported.
core::Result<void> run_many(const scenario::Scenario& scenario, std::span<const int> runs,
                            int threads, const std::function<void(RunRecord)>& on_done,
                            const std::atomic<bool>* cancel = nullptr);

// A row of runs.csv (whose header is "run,seed,<metric names>"): values in
// shortest round-trip form, NaN as an empty cell, so a row read back gives
// the same doubles.
std::string runs_csv_row(const RunRecord& record, std::uint64_t seed);
// Parses a row written by runs_csv_row for these metrics (or a longer one:
// columns after the metrics are ignored).
core::Result<RunRecord> parse_runs_csv_row(std::string_view line, const MetricSet& metrics);

// aggregate.json's "metrics": for every metric its estimate and 95 %
// interval, clipped to the metric's range; no interval from fewer than two
// runs (null). rows must be sorted by run; the result depends only on them.
nlohmann::ordered_json aggregate_metrics(std::span<const RunRecord> rows, const MetricSet& metrics,
                                         std::uint64_t seed);

// The values of one metric over the rows (NaN where undefined).
std::vector<double> column(std::span<const RunRecord> rows, int metric);

}  // namespace canopy::eval
