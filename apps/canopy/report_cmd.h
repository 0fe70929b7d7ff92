// `canopy report DIR [--no-exports] [--no-viewer] [--background FILE ...]`:
// report.html for a run, Monte Carlo, sweep or compare directory, plus
// replay.czml and impacts.geojson for a run (docs/report.md). `canopy run
// --report` writes the same files into the run's staging directory, before
// it is moved into place.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "canopy/io/report.h"

namespace canopy {

struct ReportCmdOptions {
  std::string dir;
  bool exports = true;  // run directories: replay.czml and impacts.geojson
  bool viewer = true;   // run directories: embed the replay viewer
  bool quiet = false;   // no "wrote ..." lines
  // Where to write, when not `dir` itself: the staging directory that
  // becomes `dir` (paths are printed and shown as under `dir`).
  std::string staged_in{};
  // Run directories: GeoJSON layers under the replay map (--background),
  // read by load_background_files.
  std::vector<io::BackgroundLayer> background = {};
};

// Reads the --background files (io::read_backgrounds); on failure prints
// the message, which names the file and the place at fault, and returns the
// exit code 2. `command` prefixes the message ("canopy report").
std::expected<std::vector<io::BackgroundLayer>, int> load_background_files(
    const std::vector<std::string>& paths, std::string_view command);

// Writes the files; on failure prints the message (which names the file and
// line at fault) and returns the exit code: 2 for bad input, 1 if writing
// failed.
std::expected<io::ReportFiles, int> write_report_files(const ReportCmdOptions& options);
// "wrote DIR/report.html (120 kB)" and the others.
void print_report_files(const io::ReportFiles& files, const std::string& dir);

// write_report_files, then print_report_files unless quiet; the exit code.
int cmd_report(const ReportCmdOptions& options);

}  // namespace canopy
