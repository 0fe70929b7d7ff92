// `canopy run`: one run of a scenario into a run directory (docs/cli.md).
#include "run_cmd.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "canopy/core/atomic_file.h"
#include "canopy/core/text.h"
#include "canopy/engage/coverage.h"
#include "canopy/eval/engagement_metrics.h"
#include "canopy/eval/scoring_sink.h"
#include "canopy/io/run_files.h"
#include "canopy/scenario/estimate.h"
#include "canopy/scenario/load.h"
#include "canopy/sim/world.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"
#include "report_cmd.h"

namespace canopy {
namespace {

void print_summary(const eval::RunSummary& s, const eval::TrackingMetrics* tracking,
                   const eval::AssessMetrics* assessment, const eval::EngagementMetrics* engagement,
                   const eval::SafetyMetrics* safety, const std::string& out_dir, bool plots) {
  fmt::print("canopy run: scenario '{}', seed {}, {:.1f} s simulated\n",
             core::printable(s.scenario), s.seed, s.sim_time_s);
  fmt::print("  rockets launched   {:>6} of {} planned\n", s.rockets_launched, s.rockets_planned);
  fmt::print("  impacts            {:>6}  ({} in defended areas, {} on open ground)\n", s.impacts,
             s.impacts_in_areas, s.impacts_open_ground);
  if (s.in_flight_at_end > 0) fmt::print("  still in flight    {:>6}\n", s.in_flight_at_end);
  // Per area: the rockets whose undefended impact point was in it (truth),
  // how many the defense engaged and killed, and what fell in it.
  fmt::print("\n  {:<24} {:>11} {:>8} {:>11} {:>8} {:>9} {:>10} {:>11}\n", "defended area",
             "threatening", "engaged", "intercepted", "impacts", "leak rate", "value", "value hit");
  eval::AreaFigures total{.name = "total"};
  for (const auto& a : s.areas) {
    total.threatening += a.threatening;
    total.engaged += a.engaged;
    total.intercepted += a.intercepted;
    total.leakers += a.leakers;
    total.value_hit += a.value_hit;
  }
  auto row = [](const eval::AreaFigures& a, std::string value) {
    fmt::print("  {:<24} {:>11} {:>8} {:>11} {:>8} {:>9} {:>10} {:>11.0f}\n",
               core::printable(a.name), a.threatening, a.engaged, a.intercepted, a.leakers,
               a.threatening > 0 ? fmt::format("{:.1f} %", 100.0 * a.leakers / a.threatening)
                                 : std::string("—"),
               value, a.value_hit);
  };
  for (const auto& a : s.areas) row(a, fmt::format("{:.0f}", a.value));
  row(total, "");
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

}  // namespace

// Loads the named scenario, or the built-in default; prints every
// diagnostic on failure.
std::optional<scenario::Scenario> load_scenario(const std::string& path, scenario::Source* source) {
  auto src = scenario::read_source(path);
  if (!src) {
    print_error(src.error().message);
    return std::nullopt;
  }
  auto sc = scenario::load(*src);
  if (source != nullptr) *source = std::move(*src);
  if (sc) return std::move(*sc);
  for (const auto& d : sc.error()) print_error(core::printable(d.to_string()));
  print_error(fmt::format("{} error{} in {}", sc.error().size(), sc.error().size() == 1 ? "" : "s",
                          path.empty() ? "<default>" : path));
  return std::nullopt;
}

int cmd_run(const std::string& path, const RunCmdOptions& options) {
  scenario::Source source;
  auto sc = load_scenario(path, &source);
  if (!sc) return kExitBadInput;
  // Coverage gaps are warnings: the run goes on (docs/cli.md).
  for (const auto& w : engage::coverage_warnings(*sc))
    fmt::print(stderr, "{}: warning: {}\n", core::printable(sc->source), core::printable(w.text()));
  return run_scenario(source, *sc, options);
}

int run_scenario(const scenario::Source& source, const scenario::Scenario& scenario,
                 const RunCmdOptions& o) {
  const scenario::Scenario* sc = &scenario;
  // Bad --background files stop the command before it runs (exit 2).
  std::vector<io::BackgroundLayer> background;
  if (o.report && !o.background.empty()) {
    auto layers = load_background_files(o.background, "canopy run");
    if (!layers) return layers.error();
    background = std::move(*layers);
  }
  sim::WorldOptions opts;
  opts.seed = o.seed;
  opts.run_index = o.run_index;
  opts.trajectory_interval_s = o.trajectory_interval_s;
  auto world = sim::World::create(*sc, opts);
  if (!world) {
    print_error(fmt::format("{}: {}", sc->source, world.error().message));
    return kExitBadInput;
  }
  io::RunFilesOptions file_opts;
  file_opts.plots = o.plots;
  file_opts.scenario_yaml = scenario::self_contained_yaml(source, *sc);
  for (const auto& sensor : sc->sensors) file_opts.range_rate |= sensor.sigma_range_rate_mps > 0;
  // The run's files (and its report) go into a staging directory beside
  // the target, moved into place at once when all are whole.
  auto staged = core::StagedDir::open(o.out_dir, io::kRunDirectoryFiles);
  if (!staged) {
    print_error(fmt::format("canopy run: {}", staged.error().message));
    return kExitRunFailed;
  }
  auto files = io::RunFiles::open(staged->path(), file_opts);
  if (!files) {
    print_error(fmt::format("canopy run: {}", files.error().message));
    return kExitRunFailed;
  }
  // The tracking metrics score the battle manager's picture against truth.
  eval::ScoringSink scoring(&*files, *sc);
  world->set_sink(&scoring);

  const scenario::WorkEstimate work = scenario::estimate_work(*sc);
  if (!o.quiet || work.large()) fmt::print(stderr, "canopy run: {}\n", work.text());
  if (work.large() && !o.max_wall_s)
    fmt::print(stderr, "canopy run: warning: a large run; --max-wall-s bounds it\n");

  // Step the world; a progress line on a terminal once the run passes 1 s.
  // --max-wall-s stops it at a step boundary.
  const bool tty = !o.quiet && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  bool progress_shown = false, out_of_time = false;
  for (long n = 0; !world->done() && !files->failed() && !out_of_time; ++n) {
    world->step();
    if (n % 200 != 0) continue;
    if (o.keep_going && !o.keep_going()) return kExitInterrupted;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    out_of_time = o.max_wall_s && wall.count() >= *o.max_wall_s;
    if (!tty || wall.count() < 1.0) continue;
    fmt::print(stderr, "\r  t = {:7.1f} / {:.0f} s   launched {:>5} / {}   in flight {:>5}   ",
               world->time_s(), world->duration_s(), world->launched(),
               world->stats().rockets_planned, world->in_flight());
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
  const eval::RunSummary summary = scoring.summary(world->stats());
  const eval::EngagementMetrics engagement = eval::engagement_metrics(summary);
  if (defended) {
    sections["engagement"] = eval::to_json(engagement);
    sections["engagement"]["areas"] = eval::to_json(summary.areas);
  }
  const eval::SafetyMetrics safety = scoring.safety();
  if (tracked) sections["safety"] = eval::to_json(safety);
  if (out_of_time) {
    sections["unfinished"] = {{"reason", "max_wall_s"},
                              {"max_wall_s", *o.max_wall_s},
                              {"sim_time_s", world->time_s()},
                              {"duration_s", world->duration_s()}};
  }
  if (auto ok = files->commit(summary, sections); !ok) {
    print_error(fmt::format("canopy run: {}", ok.error().message));
    return kExitRunFailed;
  }
  std::optional<io::ReportFiles> report_files;
  if (o.report) {
    auto written = write_report_files({.dir = o.out_dir,
                                       .quiet = o.quiet,
                                       .staged_in = staged->path(),
                                       .background = std::move(background)});
    if (!written) return written.error();
    report_files = std::move(*written);
  }
  if (auto ok = staged->commit(); !ok) {
    print_error(fmt::format("canopy run: {}", ok.error().message));
    return kExitRunFailed;
  }
  if (!o.quiet) {
    print_summary(summary, tracked ? &metrics : nullptr, tracked ? &assessment : nullptr,
                  defended ? &engagement : nullptr, tracked ? &safety : nullptr, o.out_dir,
                  o.plots);
    if (report_files) print_report_files(*report_files, o.out_dir);
  }
  if (out_of_time) {
    print_error(fmt::format(
        "canopy run: stopped by --max-wall-s {} at t = {:.1f} of {:.0f} s; {} holds the "
        "run so far (summary.json: \"unfinished\")",
        *o.max_wall_s, world->time_s(), world->duration_s(), o.out_dir));
    return kExitRunFailed;
  }
  return kExitOk;
}

namespace {

// `canopy run`'s flags, bound by add_run_command.
struct RunArgs {
  std::string path;
  RunCmdOptions options;
};

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto a = std::make_shared<RunArgs>();
  RunCmdOptions& o = a->options;
  auto* run = parent.add_subcommand("run", "Run a scenario (the built-in default without one)");
  run->add_option("scenario", a->path, "Scenario YAML file")->check(CLI::ExistingFile);
  run->add_option("--out", o.out_dir, "Output directory (created if missing)")
      ->capture_default_str();
  run->add_option("--seed", o.seed, "Seed, overriding run.seed of the scenario");
  run->add_option("--trajectory-interval", o.trajectory_interval_s,
                  "Seconds between trajectory samples in trajectories.csv (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  run->add_flag("--quiet", o.quiet, "Print nothing but errors");
  run->add_option("--run", o.run_index,
                  "Run index: repeats run I of a Monte Carlo on the same seed (its random streams)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  run->add_option("--max-wall-s", o.max_wall_s,
                  "Stop after this much wall time, keep the run so far (marked unfinished), exit 1")
      ->check(CLI::Range(0.001, 1e9));
  run->add_flag("--plots", o.plots, "Also write the radar plots to plots.csv");
  auto* report_flag =
      run->add_flag("--report", o.report,
                    "Also write report.html (with the replay), replay.czml and impacts.geojson");
  run->add_option("--background", o.background,
                  "GeoJSON file (lines, polygons) drawn under the replay map; repeatable")
      ->allow_extra_args(false)
      ->needs(report_flag);
  return {run, [a] { return cmd_run(a->path, a->options); }};
}

}  // namespace canopy
