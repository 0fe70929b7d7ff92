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
//   return add_mc_command(parent, "sweep", "...", add_own_flags, run_sweep);
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
#include "commands.h"
#include "exit_codes.h"
#include "montecarlo_cmd.h"

namespace canopy {

// The flags of one Monte Carlo command (montecarlo, sweep or compare: each
// command its own), bound by add_mc_command.
struct MonteCarloArgs {
  MonteCarloCmdOptions mc;
  std::string path;                  // montecarlo, sweep: the scenario
  std::vector<std::string> sets;     // sweep: --set
  std::vector<std::string> designs;  // compare: the scenarios
};

// Adds the Monte Carlo command `name` to `parent`: `add_own` adds its
// positionals and own flags, then come the flags every Monte Carlo command
// takes (--runs, --threads, --out, --resume, --force, --quiet, --report).
// Without --out, or with an empty one, the results go to out/<name>, as
// the help says. The Command's `run` calls `run` on the parsed flags.
Command add_mc_command(CLI::App& parent, const char* name, const char* description,
                       void (*add_own)(CLI::App& cmd, MonteCarloArgs& args),
                       int (*run)(const MonteCarloArgs& args));

// The optional SCENARIO positional of montecarlo and sweep (an `add_own`).
void add_scenario_positional(CLI::App& cmd, MonteCarloArgs& args);

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
