// canopy compare: designs on common random numbers, with paired differences
// (docs/montecarlo.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "canopy/core/atomic_file.h"
#include "canopy/core/text.h"
#include "canopy/eval/metrics.h"
#include "canopy/eval/montecarlo.h"
#include "canopy/eval/statistics.h"
#include "canopy/io/csv.h"
#include "canopy/scenario/source.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"
#include "montecarlo_cmd.h"
#include "montecarlo_common.h"
#include "ranks.h"
#include "report_cmd.h"

namespace canopy {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// Each source's design; `paths` gets each source's name.
Outcome<std::vector<Design>> load_designs(std::vector<scenario::Source> sources,
                                          std::vector<std::string>& paths) {
  std::vector<Design> designs;
  for (auto& src : sources) {
    paths.push_back(src.name);
    auto d = load_design(std::move(src));
    if (!d) return std::unexpected(d.error());
    designs.push_back(std::move(*d));
  }
  return designs;
}

// Common random numbers: every design runs on the first design's seed,
// which is returned.
std::uint64_t use_common_seed(std::vector<Design>& designs, const MonteCarloCmdOptions& o) {
  const bool root = Ranks::get().rank() == 0;
  const std::uint64_t seed = designs[0].scenario.run.seed;
  for (auto& d : designs) {
    if (d.scenario.run.seed != seed && root && !o.quiet)
      fmt::print(stderr,
                 "canopy compare: {} runs on seed {} (the first design's), not its own {}\n",
                 d.source.name, seed, d.scenario.run.seed);
    d.scenario.run.seed = seed;
  }
  return seed;
}

// Each design's name, source and directory (design-K, where its Monte
// Carlo goes).
struct ComparePlan {
  ordered_json designs_json;
  std::vector<Target> targets;
};

ComparePlan plan_compare(const std::vector<std::string>& paths, const std::vector<Design>& designs,
                         const MonteCarloCmdOptions& o) {
  ordered_json designs_json = ordered_json::array();
  std::vector<Target> targets;
  for (size_t k = 0; k < designs.size(); ++k) {
    const std::string dir = fmt::format("design-{}", k);
    designs_json.push_back({{"name", fs::path(paths[k]).stem().string()},
                            {"source", paths[k]},
                            {"scenario", designs[k].scenario.name},
                            {"dir", dir}});
    targets.push_back({fs::path(o.out_dir) / dir, &designs[k]});
  }
  return {std::move(designs_json), std::move(targets)};
}

// A Monte Carlo per design; the rows on rank 0 (none on the others).
Outcome<std::vector<std::vector<eval::RunRecord>>> run_designs(const std::vector<Target>& targets,
                                                               const MonteCarloCmdOptions& o) {
  std::vector<std::vector<eval::RunRecord>> rows;
  for (size_t k = 0; k < targets.size(); ++k) {
    auto r = montecarlo_in(targets[k].dir, *targets[k].design, o,
                           fmt::format("design {}/{}", k + 1, targets.size()));
    if (!r) return std::unexpected(r.error());
    rows.push_back(std::move(*r));
  }
  return rows;
}

ordered_json num(double x) { return std::isfinite(x) ? ordered_json(x) : ordered_json(nullptr); }

std::string bounds(const ordered_json& ci) {
  return ci.is_array() ? fmt::format("{},{}", csv_number(ci[0]), csv_number(ci[1]))
                       : std::string(",");
}

// One metric of compare.json (each design's estimate, and its paired and
// unpaired difference from the first design); appends its rows to `csv`.
ordered_json compare_metric(const std::string& name, const std::vector<Design>& designs,
                            const ordered_json& designs_json,
                            const std::vector<std::vector<eval::RunRecord>>& rows,
                            const std::vector<ordered_json>& aggregates, std::string& csv) {
  const eval::MetricDef def = *eval::find_metric(name);
  // A difference of two values in [min, max] lies in [min - max, max - min].
  const double span = def.max - def.min;
  auto interval = [&](const eval::Estimate& e) {
    return std::isfinite(e.lo) ? ordered_json{std::max(e.lo, -span), std::min(e.hi, span)}
                               : ordered_json(nullptr);
  };
  ordered_json per = ordered_json::array(), diffs = ordered_json::array();
  const int base_index = designs[0].metrics.index(name);
  for (size_t k = 0; k < designs.size(); ++k) {
    const int index = designs[k].metrics.index(name);
    const ordered_json a =
        index >= 0 ? aggregates[k][static_cast<size_t>(index)] : ordered_json(nullptr);
    const ordered_json estimate = a.is_null() ? ordered_json(nullptr) : a["estimate"];
    const ordered_json ci = a.is_null() ? ordered_json(nullptr) : a["ci95"];
    per.push_back({{"estimate", estimate}, {"ci95", ci}});
    std::string diff_cells = ",,,,,,";
    if (k > 0 && index >= 0 && base_index >= 0) {
      const auto base = eval::column(rows[0], base_index);
      const auto col = eval::column(rows[k], index);
      const eval::Estimate paired = eval::paired_difference(base, col);
      const eval::Estimate unpaired = eval::welch_difference(base, col);
      // How many times narrower the paired interval is than the unpaired.
      const double ratio = (paired.hi - paired.lo) > 0
                               ? (unpaired.hi - unpaired.lo) / (paired.hi - paired.lo)
                               : std::numeric_limits<double>::quiet_NaN();
      diffs.push_back({{"design", k},
                       {"mean", num(paired.estimate)},
                       {"ci95", interval(paired)},
                       {"pairs", paired.n},
                       {"unpaired_ci95", interval(unpaired)},
                       {"width_ratio", num(ratio)},
                       {"method", "paired student-t over runs; unpaired: Welch"}});
      const ordered_json& d = diffs.back();
      diff_cells = fmt::format(",{},{},{},{}", csv_number(d["mean"]), bounds(d["ci95"]),
                               bounds(d["unpaired_ci95"]), csv_number(d["width_ratio"]));
    } else if (k > 0) {  // one of the two designs has no such metric
      diffs.push_back({{"design", k}, {"mean", nullptr}, {"ci95", nullptr}});
    }
    csv += fmt::format("{},{},{},{}{}\n", io::csv_field(name),
                       io::csv_field(designs_json[k]["name"].get<std::string>()),
                       csv_number(estimate), bounds(ci), diff_cells);
  }
  return {{"name", name},
          {"kind", def.kind == eval::MetricKind::kProportion ? "proportion" : "mean"},
          {"unit", def.unit},
          {"per_design", per},
          {"differences", diffs}};
}

// compare.json's body and compare.csv: every metric of any design.
struct CompareTables {
  ordered_json metrics;
  std::string csv;
};

CompareTables compare_metrics(const std::vector<Design>& designs, const ordered_json& designs_json,
                              const std::vector<std::vector<eval::RunRecord>>& rows,
                              std::uint64_t seed) {
  std::vector<ordered_json> aggregates;
  for (size_t k = 0; k < designs.size(); ++k)
    aggregates.push_back(eval::aggregate_metrics(rows[k], designs[k].metrics, seed));
  ordered_json metrics = ordered_json::array();
  std::string csv =
      "metric,design,estimate,lo,hi,difference,difference_lo,difference_hi,unpaired_lo,unpaired_hi,"
      "width_ratio\n";
  for (const std::string& name : metric_names(designs))
    metrics.push_back(compare_metric(name, designs, designs_json, rows, aggregates, csv));
  return {std::move(metrics), std::move(csv)};
}

ordered_json compare_json(std::uint64_t seed, const MonteCarloCmdOptions& o,
                          const ordered_json& designs_json, const ordered_json& metrics) {
  return {
      {"command", "compare"},
      {"seed", seed},
      {"runs", o.runs},
      {"baseline", 0},
      {"note",
       "differences are design minus the first design, per run on common random numbers (the same "
       "seed and run indices), with a paired Student-t interval; unpaired_ci95 is Welch's interval "
       "from the same runs treated as independent; both are clipped to the range a difference "
       "can take; width_ratio = unpaired width / paired width (how many times narrower common "
       "random numbers made the interval)"},
      {"designs", designs_json},
      {"metrics", metrics}};
}

// The summary on stdout: each design minus the first, run by run, on the
// headline metrics and the first design's areas' leak rates.
void print_compare(const std::vector<Design>& designs, const ordered_json& designs_json,
                   const ordered_json& metrics, std::uint64_t seed, const MonteCarloCmdOptions& o) {
  fmt::print("canopy compare: {} designs x {} runs on common random numbers (seed {})\n",
             designs.size(), o.runs, seed);
  for (size_t k = 1; k < designs.size(); ++k) {
    fmt::print("\n  {} minus {}, run by run\n",
               core::printable(designs_json[k]["name"].get<std::string>()),
               core::printable(designs_json[0]["name"].get<std::string>()));
    fmt::print("  {:<34} {:>11}  {:<30} {}\n", "metric", "difference", "[95 % paired interval]",
               "width ratio (unpaired / paired)");
    std::vector<std::string> shown(std::begin(eval::kHeadlineMetrics),
                                   std::end(eval::kHeadlineMetrics));
    for (const std::string& area : designs[0].metrics.areas())
      shown.push_back(eval::member_name("leak_rate", area));
    for (const std::string& name : shown) {
      const ordered_json m = find_metric(metrics, name);
      const ordered_json d = m.is_null() ? ordered_json(nullptr) : m["differences"][k - 1];
      if (d.is_null() || d["mean"].is_null()) {
        fmt::print("  {:<34} {:>11}\n", core::printable(name), "—");
        continue;
      }
      fmt::print(
          "  {:<34} {:>+11.4g}  {:<30} {}\n", core::printable(name), d["mean"].get<double>(),
          d["ci95"].is_array() ? fmt::format("[{:+.4g}, {:+.4g}]", d["ci95"][0].get<double>(),
                                             d["ci95"][1].get<double>())
                               : std::string("[—]"),
          d["width_ratio"].is_number() ? fmt::format("{:.1f}", d["width_ratio"].get<double>())
                                       : std::string("—"));
    }
  }
  fmt::print("\n  wrote {0}/compare.json, {0}/compare.csv and a Monte Carlo per design\n",
             o.out_dir);
}

}  // namespace

int cmd_compare(const std::vector<std::string>& paths, const MonteCarloCmdOptions& o) {
  std::vector<scenario::Source> sources;
  for (const auto& p : paths) {
    auto src = scenario::read_source(p);
    if (!src) return report_failure({kExitBadInput, src.error().message}, "compare");
    sources.push_back(std::move(*src));
  }
  return compare_sources(std::move(sources), o);
}

int compare_sources(std::vector<scenario::Source> sources, const MonteCarloCmdOptions& o) {
  if (o.catch_signals) catch_interrupts();
  const bool root = Ranks::get().rank() == 0;
  if (sources.size() < 2)
    return report_failure({kExitBadInput, "give at least two designs"}, "compare");
  std::vector<std::string> paths;
  auto designs = load_designs(std::move(sources), paths);
  if (!designs) return report_failure(designs.error(), "compare");
  const std::uint64_t seed = use_common_seed(*designs, o);

  const ComparePlan plan = plan_compare(paths, *designs, o);
  if (auto ok = claim_output(o.out_dir, "compare", plan.targets, "compare.json",
                             {{"seed", seed}, {"runs", o.runs}, {"designs", plan.designs_json}}, o);
      !ok)
    return report_failure(ok.error(), "compare");
  const auto rows = run_designs(plan.targets, o);
  if (!rows) return report_failure(rows.error(), "compare");
  if (!root) return kExitOk;

  const CompareTables tables = compare_metrics(*designs, plan.designs_json, *rows, seed);
  const ordered_json compare = compare_json(seed, o, plan.designs_json, tables.metrics);
  for (const auto& [name, text] :
       {std::pair{"compare.json", compare.dump(2) + "\n"}, {"compare.csv", tables.csv}}) {
    if (auto ok = core::write_file_atomically(fs::path(o.out_dir) / name, text); !ok)
      return report_failure({kExitRunFailed, ok.error().message}, "compare");
  }
  if (!o.quiet) print_compare(*designs, plan.designs_json, tables.metrics, seed, o);
  return o.report ? cmd_report({.dir = o.out_dir, .quiet = o.quiet}) : kExitOk;
}

namespace {

// compare's positionals.
void add_designs(CLI::App& cmd, MonteCarloArgs& a) {
  cmd.add_option("designs", a.designs, "2 to 64 scenario YAML files")
      ->required()
      ->expected(2, CLI::detail::expected_max_vector_size)  // shown as "FILE ..."
      ->check(CLI::ExistingFile);
}

int run_compare(const MonteCarloArgs& a) {
  if (a.designs.size() > 64) {
    print_error(fmt::format("canopy compare: {} designs; at most 64", a.designs.size()));
    return kExitBadInput;
  }
  return cmd_compare(a.designs, a.mc);
}

}  // namespace

Command add_compare_command(CLI::App& parent) {
  return add_mc_command(parent, "compare",
                        "Designs on common random numbers, with paired differences", add_designs,
                        run_compare);
}

}  // namespace canopy
