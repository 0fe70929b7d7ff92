// What canopy montecarlo, sweep and compare share (private to the app; the
// public entry points are in montecarlo_cmd.h): their flags, loading a
// design, claiming an output directory, one Monte Carlo in a directory, and
// reporting failures.
//
//   auto d = load_design(std::move(source));
//   if (!d) return report_failure(d.error(), "sweep");
//   if (auto ok = claim_output(out, "sweep", targets, "sweep.json", identity, o); !ok) ...
//   auto rows = montecarlo_in(dir, *d, o, "combination 1/4");
//
// Defined in montecarlo_cmd.cc.
#pragma once

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/eval/metrics.h"
#include "canopy/eval/montecarlo.h"
#include "canopy/scenario/scenario.h"
#include "canopy/scenario/source.h"
#include "exit_codes.h"
#include "montecarlo_cmd.h"

namespace CLI {
class App;
}

namespace canopy {

// Adds the flags every Monte Carlo command takes (--runs, --threads, --out,
// --resume, --force, --quiet, --report) to `cmd`, bound to `mc` (each
// command its own). `default_out` is the --out the help shows; out_dir
// stays empty without --out, for with_default_out to fill in.
void add_mc_options(CLI::App& cmd, MonteCarloCmdOptions& mc, const char* default_out);

// `mc` after `cmd` has parsed, with `cmd`'s default --out in place of an
// empty out_dir (no --out, or --out '').
const MonteCarloCmdOptions& with_default_out(MonteCarloCmdOptions& mc, const CLI::App& cmd);

// SIGINT and SIGTERM stop the runs at the next run boundary; completed runs
// stay in the checkpoint for --resume. (SIGKILL cannot be caught; the
// checkpoint survives it too.)
void catch_interrupts();

struct Failure {
  int code = kExitRunFailed;
  std::string message;
};
template <class T>
using Outcome = std::expected<T, Failure>;

inline std::unexpected<Failure> failure(int code, std::string message) {
  return std::unexpected(Failure{code, std::move(message)});
}

// Prints "canopy COMMAND: message" (once, from rank 0, for a failure another
// rank reported) and returns the failure's exit code.
int report_failure(const Failure& f, const char* command);

struct Design {
  scenario::Source source;
  scenario::Scenario scenario;
  std::string stored_yaml;  // self-contained, for scenario.yaml
  eval::MetricSet metrics;  // its runs.csv columns
};

// The scenario of `source`, or its errors (exit 2).
Outcome<Design> load_design(scenario::Source source);

// A Monte Carlo a command is about to run, and where.
struct Target {
  std::filesystem::path dir;
  const Design* design;
};

// Before any run: refuses (exit 2, nothing changed) an output directory
// that holds another command's result, or a result of this command with
// other designs or settings: `manifest` (sweep.json, compare.json) must
// match `identity`'s keys, and each target's Monte Carlo its design. With
// --force (and no --resume) canopy's results there are removed instead. A
// run directory is always refused. Rank 0 decides.
Outcome<void> claim_output(const std::filesystem::path& out, std::string_view command,
                           const std::vector<Target>& targets, const std::string& manifest,
                           const nlohmann::ordered_json& identity, const MonteCarloCmdOptions& o);

// One Monte Carlo in `dir`, spread over the ranks and threads; returns the
// rows (sorted by run) on rank 0, nothing on the others.
Outcome<std::vector<eval::RunRecord>> montecarlo_in(const std::filesystem::path& dir,
                                                    const Design& design,
                                                    const MonteCarloCmdOptions& o,
                                                    const std::string& label);

// The metric called `name` in an aggregate's metrics, or null.
nlohmann::ordered_json find_metric(const nlohmann::ordered_json& metrics, std::string_view name);

// "estimate  [lo, hi]"; "—" for what the runs do not define or bound.
std::string fmt_estimate(const nlohmann::ordered_json& m);

// The metric names of the designs, each once, in first-seen order.
std::vector<std::string> metric_names(const std::vector<Design>& designs);

// A JSON number as a CSV cell; "" for anything else.
std::string csv_number(const nlohmann::ordered_json& j);

}  // namespace canopy
