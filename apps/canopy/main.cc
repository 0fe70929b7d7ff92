// canopy: the command line (docs/cli.md).
//
//   canopy run [SCENARIO] [--out DIR] [--seed N] [--run I] [--quiet]
//   canopy montecarlo [SCENARIO] --runs N [--threads T] [--out DIR] [--resume]
//   canopy sweep [SCENARIO] --set 'KEY=[V1, V2, ...]' [--set ...] --runs N [...]
//   canopy compare A.yaml B.yaml [...] --runs N [...]
//   canopy report DIR [--no-exports] [--no-viewer]
//   canopy validate SCENARIO
//   canopy range-table TYPE [SCENARIO] [--from-deg A] [--to-deg B] [--step-deg S] [--csv]
//   canopy track DETECTIONS.csv --out TRACKS.csv [--sigma-m S | --sensors FILE] [--model M] ...
//   canopy wta INSTANCE.json [--exact] [--time-limit-s T] [--seed N] [--out FILE]
//   canopy generate --seed N [--out FILE] [--rockets MIN-MAX] [--max-duration-s S] ...
//
// Exit codes: 0 success; 1 failure while running (e.g. output cannot be
// written); 2 bad input (flags, scenario); 3 internal error.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "canopy/core/input_file.h"
#include "canopy/core/text.h"
#include "canopy/core/units.h"
#include "canopy/eval/engagement_metrics.h"
#include "canopy/eval/scoring_sink.h"
#include "canopy/io/atomic_file.h"
#include "canopy/io/run_files.h"
#include "canopy/physics/ballistics.h"
#include "canopy/scenario/estimate.h"
#include "canopy/scenario/load.h"
#include "canopy/scenario/source.h"
#include "canopy/sim/world.h"
#include "exit_codes.h"
#include "generate_cmd.h"
#include "montecarlo_cmd.h"
#include "ranks.h"
#include "report_cmd.h"
#include "track_cmd.h"
#include "wta_cmd.h"

namespace canopy {
namespace {

// Loads the named scenario, or the built-in default; prints every
// diagnostic on failure.
std::optional<scenario::Scenario> load(const std::string& path,
                                       scenario::Source* source = nullptr) {
  auto src = scenario::read_source(path);
  if (!src) {
    fmt::print(stderr, "{}\n", src.error().message);
    return std::nullopt;
  }
  auto sc = scenario::load(*src);
  if (source != nullptr) *source = std::move(*src);
  if (sc) return std::move(*sc);
  for (const auto& d : sc.error()) fmt::print(stderr, "{}\n", core::printable(d.to_string()));
  fmt::print(stderr, "{} error{} in {}\n", sc.error().size(), sc.error().size() == 1 ? "" : "s",
             path.empty() ? "<default>" : path);
  return std::nullopt;
}

void print_summary(const sim::RunSummary& s, const eval::TrackingMetrics* tracking,
                   const eval::AssessMetrics* assessment, const eval::EngagementMetrics* engagement,
                   const eval::SafetyMetrics* safety, const std::string& out_dir, bool plots) {
  fmt::print("canopy run: scenario '{}', seed {}, {:.1f} s simulated\n",
             core::printable(s.scenario), s.seed, s.sim_time_s);
  fmt::print("  rockets launched   {:>6} of {} planned\n", s.rockets_launched, s.rockets_planned);
  fmt::print("  impacts            {:>6}  ({} in defended areas, {} on open ground)\n", s.impacts,
             s.impacts_in_areas, s.impacts_open_ground);
  if (s.in_flight_at_end > 0) fmt::print("  still in flight    {:>6}\n", s.in_flight_at_end);
  fmt::print("\n  {:<24} {:>8} {:>14} {:>14}\n", "defended area", "impacts", "value", "value hit");
  for (const auto& a : s.areas) {
    fmt::print("  {:<24} {:>8} {:>14.0f} {:>14.0f}\n", core::printable(a.name), a.impacts, a.value,
               a.value_hit);
  }
  fmt::print("  {:<24} {:>8} {:>14} {:>14.0f}\n", "total", s.impacts_in_areas, "", s.value_hit);
  if (s.scans > 0) {
    fmt::print("\n  radars: {} scans, {} plots ({} clutter); {} of {} rockets detected\n", s.scans,
               s.plots, s.clutter_plots, s.rockets_detected, s.rockets_launched);
    fmt::print("  tracks: {} started, {} confirmed\n", s.tracks_started, s.tracks_confirmed);
  }
  if (tracking != nullptr) fmt::print("{}", eval::summary_text(*tracking));
  if (assessment != nullptr) fmt::print("{}", eval::summary_text(*assessment));
  if (engagement != nullptr) fmt::print("{}", eval::summary_text(*engagement));
  if (safety != nullptr) fmt::print("{}", eval::summary_text(*safety));
  fmt::print(
      "\n  wrote {0}/events.jsonl, {0}/trajectories.csv, {0}/tracks.csv, {0}/interceptors.csv,\n"
      "        {0}/scenario.yaml, {0}/summary.json{1}\n",
      out_dir, plots ? fmt::format(", {}/plots.csv", out_dir) : "");
}

int cmd_run(const std::string& path, const std::string& out_dir, std::optional<std::uint64_t> seed,
            int run_index, double trajectory_interval_s, bool plots, bool report, bool quiet,
            std::optional<double> max_wall_s) {
  scenario::Source source;
  auto sc = load(path, &source);
  if (!sc) return kExitBadInput;
  sim::WorldOptions opts;
  opts.seed = seed;
  opts.run_index = run_index;
  opts.trajectory_interval_s = trajectory_interval_s;
  auto world = sim::World::create(*sc, opts);
  if (!world) {
    fmt::print(stderr, "{}: {}\n", sc->source, world.error().message);
    return kExitBadInput;
  }
  io::RunFilesOptions file_opts;
  file_opts.plots = plots;
  file_opts.scenario_yaml = scenario::self_contained_yaml(source, *sc);
  for (const auto& sensor : sc->sensors) file_opts.range_rate |= sensor.sigma_range_rate_mps > 0;
  // The run's files (and its report) go into a staging directory beside
  // the target, moved into place at once when all are whole.
  auto staged = io::StagedDir::open(out_dir, io::kRunDirectoryFiles);
  if (!staged) {
    fmt::print(stderr, "canopy run: {}\n", staged.error().message);
    return kExitRunFailed;
  }
  auto files = io::RunFiles::open(staged->path(), file_opts);
  if (!files) {
    fmt::print(stderr, "canopy run: {}\n", files.error().message);
    return kExitRunFailed;
  }
  // The tracking metrics score the battle manager's picture against truth.
  eval::ScoringSink scoring(&*files, *sc);
  world->set_sink(&scoring);

  const scenario::WorkEstimate work = scenario::estimate_work(*sc);
  if (!quiet || work.large()) fmt::print(stderr, "canopy run: {}\n", work.text());
  if (work.large() && !max_wall_s)
    fmt::print(stderr, "canopy run: warning: a large run; --max-wall-s bounds it\n");

  // Step the world; a progress line on a terminal once the run passes 1 s.
  // --max-wall-s stops it at a step boundary.
  const bool tty = !quiet && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  bool progress_shown = false, out_of_time = false;
  for (long n = 0; !world->done() && !files->failed() && !out_of_time; ++n) {
    world->step();
    if (n % 200 != 0) continue;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    out_of_time = max_wall_s && wall.count() >= *max_wall_s;
    if (!tty || wall.count() < 1.0) continue;
    fmt::print(stderr, "\r  t = {:7.1f} / {:.0f} s   launched {:>5} / {}   in flight {:>5}   ",
               world->time_s(), world->duration_s(), world->summary().rockets_launched,
               world->summary().rockets_planned, world->in_flight());
    progress_shown = true;
  }
  if (progress_shown) fmt::print(stderr, "\n");

  const bool tracked = !sc->sensors.empty();
  const eval::TrackingMetrics metrics = scoring.result();
  const eval::AssessMetrics assessment = scoring.assessment();
  nlohmann::ordered_json sections;
  if (tracked) {
    sections["tracking"] = eval::to_json(metrics);
    sections["assessment"] = eval::to_json(assessment);
  }
  const bool defended = tracked && !sc->batteries.empty();
  const eval::EngagementMetrics engagement = eval::engagement_metrics(world->summary());
  if (defended) sections["engagement"] = eval::to_json(engagement);
  const eval::SafetyMetrics safety = scoring.safety();
  if (tracked) sections["safety"] = eval::to_json(safety);
  if (out_of_time) {
    sections["unfinished"] = {{"reason", "max_wall_s"},
                              {"max_wall_s", *max_wall_s},
                              {"sim_time_s", world->time_s()},
                              {"duration_s", world->duration_s()}};
  }
  if (auto ok = files->commit(world->summary(), sections); !ok) {
    fmt::print(stderr, "canopy run: {}\n", ok.error().message);
    return kExitRunFailed;
  }
  std::optional<io::ReportFiles> report_files;
  if (report) {
    auto written =
        write_report_files({.dir = out_dir, .quiet = quiet, .staged_in = staged->path()});
    if (!written) return written.error();
    report_files = std::move(*written);
  }
  if (auto ok = staged->commit(); !ok) {
    fmt::print(stderr, "canopy run: {}\n", ok.error().message);
    return kExitRunFailed;
  }
  if (!quiet) {
    print_summary(world->summary(), tracked ? &metrics : nullptr, tracked ? &assessment : nullptr,
                  defended ? &engagement : nullptr, tracked ? &safety : nullptr, out_dir, plots);
    if (report_files) print_report_files(*report_files, out_dir);
  }
  if (out_of_time) {
    fmt::print(stderr,
               "canopy run: stopped by --max-wall-s {} at t = {:.1f} of {:.0f} s; {} holds the "
               "run so far (summary.json: \"unfinished\")\n",
               *max_wall_s, world->time_s(), world->duration_s(), out_dir);
    return kExitRunFailed;
  }
  return kExitOk;
}

int cmd_validate(const std::string& path) {
  auto sc = load(path);
  if (!sc) return kExitBadInput;
  fmt::print("{}: ok ({} defended areas, {} alert zones, {} rocket types, {} raids, {} rockets)\n",
             path, sc->defended_areas.size(), sc->alert_zones.size(), sc->rocket_types.size(),
             sc->raids.size(), sc->total_rockets());
  const scenario::WorkEstimate work = scenario::estimate_work(*sc);
  fmt::print("  work: {}\n", work.text());
  if (work.large())
    fmt::print(stderr,
               "{}: warning: a large run (over {:.0f} s of CPU or {} rockets in flight); "
               "`canopy run --max-wall-s` bounds it\n",
               path, scenario::kLargeCpu_s, scenario::kLargePeak);
  return kExitOk;
}

int cmd_range_table(const std::string& type_name, const std::string& path, double from_deg,
                    double to_deg, double step_deg, bool csv) {
  auto sc = load(path);
  if (!sc) return kExitBadInput;
  const scenario::RocketType* type = nullptr;
  std::string names;
  for (const auto& t : sc->rocket_types) {
    if (t.name == type_name) type = &t;
    names += (names.empty() ? "" : ", ") + t.name;
  }
  if (type == nullptr) {
    fmt::print(stderr, "canopy range-table: no rocket type '{}' in {} (types: {})\n",
               core::printable(type_name), sc->source, core::printable(names));
    return kExitBadInput;
  }
  if (!(step_deg > 0) || !(from_deg >= 0.5) || !(to_deg <= 89.5) || from_deg > to_deg) {
    fmt::print(
        stderr,
        "canopy range-table: need 0.5 <= --from-deg <= --to-deg <= 89.5 and --step-deg > 0\n");
    return kExitBadInput;
  }
  // Calm air, launched from the origin: the type's own performance.
  physics::Environment env = sc->environment;
  env.wind = {};
  const auto rows = physics::range_table(type->params, env, core::deg_to_rad(from_deg),
                                         core::deg_to_rad(to_deg), core::deg_to_rad(step_deg));
  const physics::ReachBand band = physics::reach_band(type->params, env);
  const physics::RangePoint best =
      physics::fly_range_point(type->params, env, band.max_range_elevation_rad);
  auto print_row = [&](const physics::RangePoint& r, const char* note) {
    if (csv) {
      fmt::print("{:.3f},{:.1f},{:.1f},{:.2f},{:.1f}\n", core::rad_to_deg(r.elevation_rad),
                 r.range_m, r.apogee_m, r.flight_time_s, r.impact_speed_mps);
    } else {
      fmt::print("{:>9.2f} {:>10.2f} {:>10.2f} {:>9.1f} {:>11.0f}  {}\n",
                 core::rad_to_deg(r.elevation_rad), r.range_m / 1000, r.apogee_m / 1000,
                 r.flight_time_s, r.impact_speed_mps, note);
    }
  };
  if (csv) {
    fmt::print("elevation_deg,range_m,apogee_m,flight_time_s,impact_speed_mps\n");
  } else {
    fmt::print("range table for '{}' (calm air, standard atmosphere, curved Earth)\n",
               core::printable(type->name));
    fmt::print("reaches {:.1f}-{:.1f} km on the low branch (10 deg to {:.2f} deg)\n\n",
               band.min_range_m / 1000, band.max_range_m / 1000,
               core::rad_to_deg(band.max_range_elevation_rad));
    fmt::print("{:>9} {:>10} {:>10} {:>9} {:>11}\n", "elev_deg", "range_km", "apogee_km", "time_s",
               "impact_mps");
  }
  bool best_printed = false;
  for (const auto& r : rows) {
    if (!best_printed && r.elevation_rad > best.elevation_rad) {
      print_row(best, "<- maximum range");
      best_printed = true;
    }
    print_row(r, "");
  }
  if (!best_printed) print_row(best, "<- maximum range");
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
  run->add_flag("--report", run_report,
                "Also write report.html (with the replay), replay.czml and impacts.geojson");

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
    cmd->add_flag("--resume", mc.resume, "Complete an interrupted set from its checkpoint");
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
  add_mc_options(sweep, "out/sweep");
  auto* compare =
      app.add_subcommand("compare", "Designs on common random numbers, with paired differences");
  compare->add_option("designs", compare_paths, "Two or more scenario YAML files")
      ->required()
      ->expected(2, 64)
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
  report->add_flag("--no-viewer", no_viewer, "Leave the replay viewer out of the page");
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
    return cmd_run(run_path, out_dir, seed, run_index, traj_dt, plots, run_report, quiet,
                   max_wall_s);
  if (report->parsed()) {
    report_opts.exports = !no_exports;
    report_opts.viewer = !no_viewer;
    return cmd_report(report_opts);
  }
  if (montecarlo->parsed()) return cmd_montecarlo(mc_path, mc);
  if (sweep->parsed()) return cmd_sweep(mc_path, sweep_sets, mc);
  if (compare->parsed()) return cmd_compare(compare_paths, mc);
  if (track->parsed()) {
    using C = scenario::TrackerConfig;
    if (tr.config.confirm_m > tr.config.confirm_n) {
      fmt::print(stderr, "canopy track: --confirm-m must not exceed --confirm-n\n");
      return kExitBadInput;
    }
    tr.config.model = tr_model == "cv"          ? C::Model::kCv
                      : tr_model == "ca"        ? C::Model::kCa
                      : tr_model == "ballistic" ? C::Model::kBallistic
                                                : C::Model::kImm;
    tr.config.filter = tr_filter == "ukf" ? C::Filter::kUkf : C::Filter::kEkf;
    tr.config.association = tr_assoc == "jpda" ? C::Association::kJpda : C::Association::kGnn;
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
