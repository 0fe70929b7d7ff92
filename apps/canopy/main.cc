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
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

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

  std::string run_path, out_dir = "out";
  std::optional<std::uint64_t> seed;
  double traj_dt = 1.0;
  bool quiet = false;
  auto* run = app.add_subcommand("run", "Run a scenario (the built-in default without one)");
  run->add_option("scenario", run_path, "Scenario YAML file")->check(CLI::ExistingFile);
  run->add_option("--out", out_dir, "Output directory (created if missing)")->capture_default_str();
  run->add_option("--seed", seed, "Seed, overriding run.seed of the scenario");
  run->add_option("--trajectory-interval", traj_dt,
                  "Seconds between trajectory samples in trajectories.csv (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  run->add_flag("--quiet", quiet, "Print nothing but errors");
  int run_index = 0;
  run->add_option("--run", run_index,
                  "Run index: repeats run I of a Monte Carlo on the same seed (its random streams)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  std::optional<double> max_wall_s;
  run->add_option("--max-wall-s", max_wall_s,
                  "Stop after this much wall time, keep the run so far (marked unfinished), exit 1")
      ->check(CLI::Range(0.001, 1e9));
  bool plots = false, run_report = false;
  run->add_flag("--plots", plots, "Also write the radar plots to plots.csv");
  auto* run_report_flag =
      run->add_flag("--report", run_report,
                    "Also write report.html (with the replay), replay.czml and impacts.geojson");
  std::vector<std::string> run_background;
  run->add_option("--background", run_background,
                  "GeoJSON file (lines, polygons) drawn under the replay map; repeatable")
      ->allow_extra_args(false)
      ->needs(run_report_flag);

  TrackOptions tr;
  std::string tr_model = "ballistic", tr_filter = "ekf", tr_assoc = "gnn", tr_earth = "sphere";
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
  track->add_option("--model", tr_model, "Motion model")
      ->check(CLI::IsMember({"cv", "ca", "ballistic", "imm"}))
      ->capture_default_str();
  track->add_option("--filter", tr_filter, "Filter")
      ->check(CLI::IsMember({"ekf", "ukf"}))
      ->capture_default_str();
  track->add_option("--association", tr_assoc, "Data association")
      ->check(CLI::IsMember({"gnn", "jpda"}))
      ->capture_default_str();
  track->add_option("--earth", tr_earth, "sphere, or flat (uniform g, flat ground)")
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

  std::string validate_path;
  auto* validate = app.add_subcommand("validate", "Check a scenario and report every error");
  validate->add_option("scenario", validate_path, "Scenario YAML file")->required();

  std::string rt_type, rt_path;
  double from_deg = 10, to_deg = 80, step_deg = 5;
  bool csv = false;
  auto* rt = app.add_subcommand("range-table",
                                "Range, apogee, flight time and impact speed against elevation");
  rt->add_option("type", rt_type, "Rocket type name")->required();
  rt->add_option("scenario", rt_path, "Scenario YAML file (default: the built-in scenario)")
      ->check(CLI::ExistingFile);
  rt->add_option("--from-deg", from_deg, "First elevation")->capture_default_str();
  rt->add_option("--to-deg", to_deg, "Last elevation")->capture_default_str();
  rt->add_option("--step-deg", step_deg, "Elevation step")->capture_default_str();
  rt->add_flag("--csv", csv, "CSV output (SI units)");

  WtaOptions wo;
  auto* wta = app.add_subcommand("wta", "Solve a static weapon-target assignment instance (JSON)");
  wta->add_option("instance", wo.instance_path, "Instance JSON: values, p, counts")->required();
  wta->add_flag("--exact", wo.exact, "Exact solver (small instances only)");
  wta->add_option("--time-limit-s", wo.time_limit_s, "Wall-time limit of the fast solver")
      ->capture_default_str();
  wta->add_option("--seed", wo.seed, "Seed of the fast solver's search")->capture_default_str();
  wta->add_option("--out", wo.out_path, "Write the solution JSON here (default: stdout)");

  MonteCarloCmdOptions mc;
  std::string mc_path;
  std::vector<std::string> sweep_sets, compare_paths;
  auto add_mc_options = [&](CLI::App* cmd, const char* default_out) {
    mc.out_dir = default_out;
    cmd->add_option("--runs", mc.runs, "Runs (each on its own run index)")
        ->capture_default_str()
        ->check(CLI::Range(1, 10000000));
    cmd->add_option("--threads", mc.threads, "Worker threads (0: one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024));
    cmd->add_option("--out", mc.out_dir, "Output directory")->capture_default_str();
    auto* resume =
        cmd->add_flag("--resume", mc.resume, "Complete an interrupted set from its checkpoint");
    cmd->add_flag("--force", mc.force,
                  "Overwrite a directory holding another result (otherwise refused, exit 2)")
        ->excludes(resume);
    cmd->add_flag("--quiet", mc.quiet, "Print nothing but errors");
    cmd->add_flag("--report", mc.report, "Also write report.html");
  };
  auto* montecarlo = app.add_subcommand(
      "montecarlo", "Monte Carlo: metrics per run (runs.csv) and their 95 % intervals");
  montecarlo->add_option("scenario", mc_path, "Scenario YAML file (default: the built-in one)")
      ->check(CLI::ExistingFile);
  add_mc_options(montecarlo, "out/montecarlo");
  auto* sweep = app.add_subcommand("sweep", "A Monte Carlo for every combination of --set values");
  sweep->add_option("scenario", mc_path, "Scenario YAML file (default: the built-in one)")
      ->check(CLI::ExistingFile);
  sweep
      ->add_option("--set", sweep_sets,
                   "KEY=[V1, V2, ...] (YAML list), e.g. raids[0].count=[10, 40]")
      ->required();
  sweep->add_flag("--one-at-a-time", mc.one_at_a_time,
                  "Vary each --set key alone around the base scenario (a tornado of the "
                  "headline metrics) instead of every combination");
  add_mc_options(sweep, "out/sweep");
  auto* compare =
      app.add_subcommand("compare", "Designs on common random numbers, with paired differences");
  compare->add_option("designs", compare_paths, "2 to 64 scenario YAML files")
      ->required()
      ->expected(2, CLI::detail::expected_max_vector_size)  // shown as "FILE ..."
      ->check(CLI::ExistingFile);
  add_mc_options(compare, "out/compare");

  ReportCmdOptions report_opts;
  bool no_exports = false, no_viewer = false;
  auto* report = app.add_subcommand(
      "report", "report.html for a run, Monte Carlo, sweep or compare directory");
  report
      ->add_option("dir", report_opts.dir, "Output directory of run, montecarlo, sweep or compare")
      ->required();
  report->add_flag("--no-exports", no_exports, "Skip replay.czml and impacts.geojson");
  auto* no_viewer_flag =
      report->add_flag("--no-viewer", no_viewer, "Leave the replay viewer out of the page");
  std::vector<std::string> report_background;
  report
      ->add_option("--background", report_background,
                   "GeoJSON file (lines, polygons) drawn under the replay map; repeatable")
      ->allow_extra_args(false)
      ->excludes(no_viewer_flag);
  report->add_flag("--quiet", report_opts.quiet, "Print nothing but errors");
  const GenerateCommand generate = add_generate_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  core::set_input_limit_bytes(max_input_mib << 20);
  if (run->parsed())
    return cmd_run(run_path, {.out_dir = out_dir,
                              .seed = seed,
                              .run_index = run_index,
                              .trajectory_interval_s = traj_dt,
                              .plots = plots,
                              .report = run_report,
                              .quiet = quiet,
                              .max_wall_s = max_wall_s,
                              .keep_going = {},
                              .background = run_background});
  if (report->parsed()) {
    report_opts.exports = !no_exports;
    report_opts.viewer = !no_viewer;
    auto background = load_background_files(report_background, "canopy report");
    if (!background) return background.error();
    report_opts.background = std::move(*background);
    return cmd_report(report_opts);
  }
  if (montecarlo->parsed()) return cmd_montecarlo(mc_path, mc);
  if (sweep->parsed()) return cmd_sweep(mc_path, sweep_sets, mc);
  if (compare->parsed()) {
    if (compare_paths.size() > 64) {
      print_error(fmt::format("canopy compare: {} designs; at most 64", compare_paths.size()));
      return kExitBadInput;
    }
    return cmd_compare(compare_paths, mc);
  }
  if (track->parsed()) {
    if (tr.config.confirm_m > tr.config.confirm_n) {
      print_error("canopy track: --confirm-m must not exceed --confirm-n");
      return kExitBadInput;
    }
    set_tracker_choices(tr.config, tr_model, tr_filter, tr_assoc);
    tr.flat_earth = tr_earth == "flat";
    return cmd_track(tr);
  }
  if (validate->parsed()) return cmd_validate(validate_path);
  if (generate.app->parsed()) return generate.run();
  if (wta->parsed()) return cmd_wta(wo);
  return cmd_range_table(rt_type, rt_path, from_deg, to_deg, step_deg, csv);
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
