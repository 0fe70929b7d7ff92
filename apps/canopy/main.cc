// canopy: the command line (docs/cli.md).
//
//   canopy run [SCENARIO] [--out DIR] [--seed N] [--run I] [--quiet]
//   canopy montecarlo [SCENARIO] --runs N [--threads T] [--out DIR] [--resume | --force]
//   canopy sweep [SCENARIO] --set 'KEY=[V1, V2, ...]' [--set ...] [--one-at-a-time] --runs N [...]
//   canopy compare A.yaml B.yaml [...] --runs N [...]
//   canopy report DIR [--no-exports] [--no-viewer] [--background FILE ...]
//   canopy validate SCENARIO
//   canopy range-table TYPE [SCENARIO] [--from-deg A] [--to-deg B] [--step-deg S] [--csv]
//   canopy track DETECTIONS.csv --out TRACKS.csv [--sigma-m S | --sensors FILE] [--model M] ...
//   canopy wta INSTANCE.json [--exact] [--time-limit-s T] [--seed N] [--out FILE]
//   canopy generate --seed N [--out FILE] [--rockets MIN-MAX] [--max-duration-s S] ...
//
// Exit codes: 0 success; 1 failure while running (e.g. output cannot be
// written); 2 bad input (flags, scenario); 3 internal error.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "canopy/core/input_file.h"
#include "canopy/core/text.h"
#include "canopy/engage/coverage.h"
#include "canopy/scenario/estimate.h"
#include "canopy/scenario/load.h"
#include "exit_codes.h"
#include "generate_cmd.h"
#include "messages.h"
#include "montecarlo_cmd.h"
#include "range_table_cmd.h"
#include "ranks.h"
#include "report_cmd.h"
#include "run_cmd.h"
#include "track_cmd.h"
#include "wta_cmd.h"

namespace canopy {
namespace {

int cmd_validate(const std::string& path) {
  auto sc = load_scenario(path);
  if (!sc) return kExitBadInput;
  // The radars and batteries by name ("no radars" when there are none).
  auto names = [](const auto& items, const char* what) {
    std::string list;
    for (const auto& item : items) list += (list.empty() ? " " : ", ") + core::printable(item.name);
    return list.empty() ? fmt::format("no {}", what) : what + list;
  };
  fmt::print(
      "{}: ok ({} defended areas, {} alert zones, {} rocket types, {} raids, {} rockets, {}, {})\n",
      path, sc->defended_areas.size(), sc->alert_zones.size(), sc->rocket_types.size(),
      sc->raids.size(), sc->total_rockets(), names(sc->sensors, "radars"),
      names(sc->batteries, "batteries"));
  // Coverage gaps are warnings: the scenario stays valid (docs/cli.md).
  for (const auto& w : engage::coverage_warnings(*sc))
    fmt::print(stderr, "{}: warning: {}\n", path, core::printable(w.text()));
  const scenario::WorkEstimate work = scenario::estimate_work(*sc);
  fmt::print("  work: {}\n", work.text());
  if (work.large())
    fmt::print(stderr,
               "{}: warning: a large run (over {:.0f} s of CPU or {} rockets in flight); "
               "`canopy run --max-wall-s` bounds it\n",
               path, scenario::kLargeCpu_s, scenario::kLargePeak);
  return kExitOk;
}

// `canopy run`'s arguments, bound by add_run_command.
struct RunArgs {
  std::string path, out_dir = "out";
  std::optional<std::uint64_t> seed;
  double traj_dt = 1.0;
  bool quiet = false;
  int run_index = 0;
  std::optional<double> max_wall_s;
  bool plots = false, report = false;
  std::vector<std::string> background;
};

CLI::App* add_run_command(CLI::App& app, RunArgs& a) {
  auto* run = app.add_subcommand("run", "Run a scenario (the built-in default without one)");
  run->add_option("scenario", a.path, "Scenario YAML file")->check(CLI::ExistingFile);
  run->add_option("--out", a.out_dir, "Output directory (created if missing)")
      ->capture_default_str();
  run->add_option("--seed", a.seed, "Seed, overriding run.seed of the scenario");
  run->add_option("--trajectory-interval", a.traj_dt,
                  "Seconds between trajectory samples in trajectories.csv (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  run->add_flag("--quiet", a.quiet, "Print nothing but errors");
  run->add_option("--run", a.run_index,
                  "Run index: repeats run I of a Monte Carlo on the same seed (its random streams)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  run->add_option("--max-wall-s", a.max_wall_s,
                  "Stop after this much wall time, keep the run so far (marked unfinished), exit 1")
      ->check(CLI::Range(0.001, 1e9));
  run->add_flag("--plots", a.plots, "Also write the radar plots to plots.csv");
  auto* run_report_flag =
      run->add_flag("--report", a.report,
                    "Also write report.html (with the replay), replay.czml and impacts.geojson");
  run->add_option("--background", a.background,
                  "GeoJSON file (lines, polygons) drawn under the replay map; repeatable")
      ->allow_extra_args(false)
      ->needs(run_report_flag);
  return run;
}

int run_run(const RunArgs& a) {
  return cmd_run(a.path, {.out_dir = a.out_dir,
                          .seed = a.seed,
                          .run_index = a.run_index,
                          .trajectory_interval_s = a.traj_dt,
                          .plots = a.plots,
                          .report = a.report,
                          .quiet = a.quiet,
                          .max_wall_s = a.max_wall_s,
                          .keep_going = {},
                          .background = a.background});
}

// `canopy track`'s arguments, bound by add_track_command.
struct TrackArgs {
  TrackOptions tr;
  std::string model = "ballistic", filter = "ekf", assoc = "gnn", earth = "sphere";
};

CLI::App* add_track_command(CLI::App& app, TrackArgs& a) {
  TrackOptions& tr = a.tr;
  auto* track = app.add_subcommand("track", "Run the tracker alone on recorded detections");
  track->add_option("detections", tr.detections_path, "Detections CSV")
      ->required()
      ->check(CLI::ExistingFile);
  track->add_option("--out", tr.out_path, "Tracks CSV to write")->required();
  track->add_option("--sigma-m", tr.sigma_m, "Cartesian input: per-axis noise, metres");
  track->add_option("--sensors", tr.sensors_path, "Polar input: YAML with the sensors")
      ->check(CLI::ExistingFile);
  track->add_option("--threats", tr.threats_path, "YAML with rocket_types: the threat library")
      ->check(CLI::ExistingFile);
  track->add_option("--model", a.model, "Motion model")
      ->check(CLI::IsMember({"cv", "ca", "ballistic", "imm"}))
      ->capture_default_str();
  track->add_option("--filter", a.filter, "Filter")
      ->check(CLI::IsMember({"ekf", "ukf"}))
      ->capture_default_str();
  track->add_option("--association", a.assoc, "Data association")
      ->check(CLI::IsMember({"gnn", "jpda"}))
      ->capture_default_str();
  track->add_option("--earth", a.earth, "sphere, or flat (uniform g, flat ground)")
      ->check(CLI::IsMember({"sphere", "flat"}))
      ->capture_default_str();
  track->add_option("--confirm-m", tr.config.confirm_m, "Confirm after M hits ...")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  track->add_option("--confirm-n", tr.config.confirm_n, "... in N scans")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  track
      ->add_option("--reorder-window", tr.config.reorder_window_s,
                   "Seconds by which input times may go backwards")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  track->add_flag("--quiet", tr.quiet, "Print nothing but errors");
  return track;
}

int run_track(TrackArgs& a) {
  TrackOptions& tr = a.tr;
  if (tr.config.confirm_m > tr.config.confirm_n) {
    print_error("canopy track: --confirm-m must not exceed --confirm-n");
    return kExitBadInput;
  }
  set_tracker_choices(tr.config, a.model, a.filter, a.assoc);
  tr.flat_earth = a.earth == "flat";
  return cmd_track(tr);
}

CLI::App* add_validate_command(CLI::App& app, std::string& path) {
  auto* validate = app.add_subcommand("validate", "Check a scenario and report every error");
  validate->add_option("scenario", path, "Scenario YAML file")->required();
  return validate;
}

// `canopy range-table`'s arguments, bound by add_range_table_command.
struct RangeTableArgs {
  std::string type, path;
  double from_deg = 10, to_deg = 80, step_deg = 5;
  bool csv = false;
};

CLI::App* add_range_table_command(CLI::App& app, RangeTableArgs& a) {
  auto* rt = app.add_subcommand("range-table",
                                "Range, apogee, flight time and impact speed against elevation");
  rt->add_option("type", a.type, "Rocket type name")->required();
  rt->add_option("scenario", a.path, "Scenario YAML file (default: the built-in scenario)")
      ->check(CLI::ExistingFile);
  rt->add_option("--from-deg", a.from_deg, "First elevation")->capture_default_str();
  rt->add_option("--to-deg", a.to_deg, "Last elevation")->capture_default_str();
  rt->add_option("--step-deg", a.step_deg, "Elevation step")->capture_default_str();
  rt->add_flag("--csv", a.csv, "CSV output (SI units)");
  return rt;
}

CLI::App* add_wta_command(CLI::App& app, WtaOptions& wo) {
  auto* wta = app.add_subcommand("wta", "Solve a static weapon-target assignment instance (JSON)");
  wta->add_option("instance", wo.instance_path, "Instance JSON: values, p, counts")->required();
  wta->add_flag("--exact", wo.exact, "Exact solver (small instances only)");
  wta->add_option("--time-limit-s", wo.time_limit_s, "Wall-time limit of the fast solver")
      ->capture_default_str();
  wta->add_option("--seed", wo.seed, "Seed of the fast solver's search")->capture_default_str();
  wta->add_option("--out", wo.out_path, "Write the solution JSON here (default: stdout)");
  return wta;
}

// The arguments of montecarlo, sweep and compare, bound by their
// add_..._command: one set of options for the three (only one runs).
struct MonteCarloArgs {
  MonteCarloCmdOptions mc;
  std::string path;
  std::vector<std::string> sweep_sets, compare_paths;
};

// The options every Monte Carlo command takes; `default_out` is the
// default --out shown in the help.
void add_mc_options(CLI::App* cmd, MonteCarloCmdOptions& mc, const char* default_out) {
  cmd->add_option("--runs", mc.runs, "Runs (each on its own run index)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--threads", mc.threads, "Worker threads (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  // Only shown here: the three commands share `mc`, so main_impl applies
  // the parsed command's default after parsing.
  cmd->add_option("--out", mc.out_dir, "Output directory")->default_str(default_out);
  auto* resume =
      cmd->add_flag("--resume", mc.resume, "Complete an interrupted set from its checkpoint");
  cmd->add_flag("--force", mc.force,
                "Overwrite a directory holding another result (otherwise refused, exit 2)")
      ->excludes(resume);
  cmd->add_flag("--quiet", mc.quiet, "Print nothing but errors");
  cmd->add_flag("--report", mc.report, "Also write report.html");
}

CLI::App* add_montecarlo_command(CLI::App& app, MonteCarloArgs& a) {
  auto* montecarlo = app.add_subcommand(
      "montecarlo", "Monte Carlo: metrics per run (runs.csv) and their 95 % intervals");
  montecarlo->add_option("scenario", a.path, "Scenario YAML file (default: the built-in one)")
      ->check(CLI::ExistingFile);
  add_mc_options(montecarlo, a.mc, "out/montecarlo");
  return montecarlo;
}

CLI::App* add_sweep_command(CLI::App& app, MonteCarloArgs& a) {
  auto* sweep = app.add_subcommand("sweep", "A Monte Carlo for every combination of --set values");
  sweep->add_option("scenario", a.path, "Scenario YAML file (default: the built-in one)")
      ->check(CLI::ExistingFile);
  sweep
      ->add_option("--set", a.sweep_sets,
                   "KEY=[V1, V2, ...] (YAML list), e.g. raids[0].count=[10, 40]")
      ->required();
  sweep->add_flag("--one-at-a-time", a.mc.one_at_a_time,
                  "Vary each --set key alone around the base scenario (a tornado of the "
                  "headline metrics) instead of every combination");
  add_mc_options(sweep, a.mc, "out/sweep");
  return sweep;
}

CLI::App* add_compare_command(CLI::App& app, MonteCarloArgs& a) {
  auto* compare =
      app.add_subcommand("compare", "Designs on common random numbers, with paired differences");
  compare->add_option("designs", a.compare_paths, "2 to 64 scenario YAML files")
      ->required()
      ->expected(2, CLI::detail::expected_max_vector_size)  // shown as "FILE ..."
      ->check(CLI::ExistingFile);
  add_mc_options(compare, a.mc, "out/compare");
  return compare;
}

int run_compare(const MonteCarloArgs& a) {
  if (a.compare_paths.size() > 64) {
    print_error(fmt::format("canopy compare: {} designs; at most 64", a.compare_paths.size()));
    return kExitBadInput;
  }
  return cmd_compare(a.compare_paths, a.mc);
}

// `canopy report`'s arguments, bound by add_report_command.
struct ReportArgs {
  ReportCmdOptions opts;
  bool no_exports = false, no_viewer = false;
  std::vector<std::string> background;
};

CLI::App* add_report_command(CLI::App& app, ReportArgs& a) {
  auto* report = app.add_subcommand(
      "report", "report.html for a run, Monte Carlo, sweep or compare directory");
  report->add_option("dir", a.opts.dir, "Output directory of run, montecarlo, sweep or compare")
      ->required();
  report->add_flag("--no-exports", a.no_exports, "Skip replay.czml and impacts.geojson");
  auto* no_viewer_flag =
      report->add_flag("--no-viewer", a.no_viewer, "Leave the replay viewer out of the page");
  report
      ->add_option("--background", a.background,
                   "GeoJSON file (lines, polygons) drawn under the replay map; repeatable")
      ->allow_extra_args(false)
      ->excludes(no_viewer_flag);
  report->add_flag("--quiet", a.opts.quiet, "Print nothing but errors");
  return report;
}

int run_report(ReportArgs& a) {
  a.opts.exports = !a.no_exports;
  a.opts.viewer = !a.no_viewer;
  auto background = load_background_files(a.background, "canopy report");
  if (!background) return background.error();
  a.opts.background = std::move(*background);
  return cmd_report(a.opts);
}

int main_impl(int argc, char** argv) {
  CLI::App app{"canopy: counter-rocket defense battle-management simulation", "canopy"};
  app.set_version_flag("--version", std::string("canopy ") + CANOPY_VERSION);
  app.require_subcommand(1);
  // Global: accepted before or after the subcommand.
  app.fallthrough();
  std::uint64_t max_input_mib = core::kDefaultInputLimit_bytes >> 20;
  app.add_option("--max-input-mib", max_input_mib,
                 "Largest input file read (scenario, GeoJSON, detections, WTA instance, run "
                 "files), MiB")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));

  // The subcommands, in the order the help lists them.
  RunArgs run_args;
  CLI::App* run = add_run_command(app, run_args);
  TrackArgs track_args;
  CLI::App* track = add_track_command(app, track_args);
  std::string validate_path;
  CLI::App* validate = add_validate_command(app, validate_path);
  RangeTableArgs rt;
  add_range_table_command(app, rt);
  WtaOptions wo;
  CLI::App* wta = add_wta_command(app, wo);
  MonteCarloArgs mc;
  CLI::App* montecarlo = add_montecarlo_command(app, mc);
  CLI::App* sweep = add_sweep_command(app, mc);
  CLI::App* compare = add_compare_command(app, mc);
  ReportArgs report_args;
  CLI::App* report = add_report_command(app, report_args);
  const GenerateCommand generate = add_generate_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  core::set_input_limit_bytes(max_input_mib << 20);
  if (run->parsed()) return run_run(run_args);
  if (report->parsed()) return run_report(report_args);
  for (const CLI::App* cmd : {montecarlo, sweep, compare})
    if (cmd->parsed() && mc.mc.out_dir.empty())
      mc.mc.out_dir = cmd->get_option("--out")->get_default_str();
  if (montecarlo->parsed()) return cmd_montecarlo(mc.path, mc.mc);
  if (sweep->parsed()) return cmd_sweep(mc.path, mc.sweep_sets, mc.mc);
  if (compare->parsed()) return run_compare(mc);
  if (track->parsed()) return run_track(track_args);
  if (validate->parsed()) return cmd_validate(validate_path);
  if (generate.app->parsed()) return generate.run();
  if (wta->parsed()) return cmd_wta(wo);
  return cmd_range_table(rt.type, rt.path, rt.from_deg, rt.to_deg, rt.step_deg, rt.csv);
}

}  // namespace
}  // namespace canopy

int main(int argc, char** argv) {
  canopy::Ranks::init(argc, argv);
  try {
    return canopy::main_impl(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "canopy: internal error: {}\n", e.what());
    return canopy::kExitInternal;
  }
}
