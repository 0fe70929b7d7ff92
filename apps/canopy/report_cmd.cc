#include "report_cmd.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>

#include "canopy/core/text.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"

namespace canopy {

std::expected<io::ReportFiles, int> write_report_files(const ReportCmdOptions& options) {
  io::ReportOptions opts;
  opts.exports = options.exports;
  opts.viewer = options.viewer;
  if (!options.staged_in.empty()) opts.shown_dir = options.dir;
  opts.background = options.background;
  auto files = io::write_report(options.staged_in.empty() ? options.dir : options.staged_in, opts);
  if (!files) {
    print_error(fmt::format("canopy report: {}", files.error().message));
    return std::unexpected(files.error().kind == core::Error::Kind::kOutput ? kExitRunFailed
                                                                            : kExitBadInput);
  }
  // What the background layers leave out, and where they have no map.
  if (!options.background.empty()) {
    if (files->kind != io::ReportFiles::Kind::kRun) {
      files->notes.push_back("--background: only a run's replay has a map; the files are not used");
    } else {
      for (const auto& layer : options.background)
        if (layer.points > 0)
          files->notes.push_back(fmt::format(
              "--background {}: {} point position{} not drawn (only lines and polygons are)",
              core::printable(layer.name), layer.points, layer.points == 1 ? "" : "s"));
    }
  }
  return std::move(*files);
}

std::expected<std::vector<io::BackgroundLayer>, int> load_background_files(
    const std::vector<std::string>& paths, std::string_view command) {
  const std::vector<std::filesystem::path> files(paths.begin(), paths.end());
  auto layers = io::read_backgrounds(files);
  if (!layers) {
    print_error(
        fmt::format("{}: --background: {}", command, core::printable(layers.error().message)));
    return std::unexpected(kExitBadInput);
  }
  return std::move(*layers);
}

void print_report_files(const io::ReportFiles& files, const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path html = fs::path(dir) / files.html.filename();
  std::error_code ec;
  const auto size = fs::file_size(html, ec);
  const double kb = ec ? 0.0 : static_cast<double>(size) / 1e3;
  fmt::print("wrote {} ({})\n", html.string(),
             kb < 1000 ? fmt::format("{:.0f} kB", kb) : fmt::format("{:.1f} MB", kb / 1e3));
  for (const auto& f : files.exports)
    fmt::print("wrote {}\n", (fs::path(dir) / f.filename()).string());
  for (const auto& n : files.notes) fmt::print("note: {}\n", n);
}

int cmd_report(const ReportCmdOptions& options) {
  auto files = write_report_files(options);
  if (!files) return files.error();
  if (!options.quiet) print_report_files(*files, options.dir);
  return kExitOk;
}

namespace {

// `canopy report`'s flags, bound by add_report_command.
struct ReportArgs {
  ReportCmdOptions opts;
  bool no_exports = false, no_viewer = false;
  std::vector<std::string> background;
};

int run_report(ReportArgs& a) {
  a.opts.exports = !a.no_exports;
  a.opts.viewer = !a.no_viewer;
  auto background = load_background_files(a.background, "canopy report");
  if (!background) return background.error();
  a.opts.background = std::move(*background);
  return cmd_report(a.opts);
}

}  // namespace

Command add_report_command(CLI::App& parent) {
  auto a = std::make_shared<ReportArgs>();
  auto* report = parent.add_subcommand(
      "report", "report.html for a run, Monte Carlo, sweep or compare directory");
  report->add_option("dir", a->opts.dir, "Output directory of run, montecarlo, sweep or compare")
      ->required();
  report->add_flag("--no-exports", a->no_exports, "Skip replay.czml and impacts.geojson");
  auto* no_viewer_flag =
      report->add_flag("--no-viewer", a->no_viewer, "Leave the replay viewer out of the page");
  report
      ->add_option("--background", a->background,
                   "GeoJSON file (lines, polygons) drawn under the replay map; repeatable")
      ->allow_extra_args(false)
      ->excludes(no_viewer_flag);
  report->add_flag("--quiet", a->opts.quiet, "Print nothing but errors");
  return {report, [a] { return run_report(*a); }};
}

}  // namespace canopy
