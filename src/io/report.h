// `canopy report DIR`: one self-contained report.html for a run, Monte
// Carlo, sweep or compare directory (docs/report.md), and for a run also
// replay.czml (Cesium) and impacts.geojson. The page has no external
// resource: CSS inline, plots as inline SVG, the replay viewer's bundle and
// the replay data (docs/replay.md) embedded.
//
//   auto files = io::write_report("out/run1");
//   if (!files) { std::cerr << files.error().message << "\n"; return 2; }
//   std::cout << files->html.string() << "\n";
//
// Every output is written atomically; on any error nothing is written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/io/replay_background.h"
#include "canopy/io/run_data.h"

namespace canopy::io {

struct ReportOptions {
  bool exports = true;  // run directories: also write replay.czml and impacts.geojson
  bool viewer = true;   // run directories: embed the replay and the viewer
  // The directory's name as the page shows it, when it is written before
  // being moved into place (`canopy run --report`); empty: the directory's.
  std::filesystem::path shown_dir;
  // Run directories: background layers drawn under the replay map (--background).
  std::vector<BackgroundLayer> background;
};

struct ReportFiles {
  enum class Kind { kRun, kMonteCarlo, kSweep, kCompare };
  Kind kind = Kind::kRun;
  std::filesystem::path html;                  // DIR/report.html
  std::vector<std::filesystem::path> exports;  // replay.czml, impacts.geojson, when written
  std::vector<std::string> notes;              // what was left out and why
};

// What a directory holds: a run (summary.json + events.jsonl), a Monte Carlo
// (aggregate.json), a sweep (sweep.json) or a compare (compare.json), or an
// error saying it is none of them.
core::Result<ReportFiles::Kind> detect_directory(const std::filesystem::path& dir);

// Writes DIR/report.html (and a run's exports).
core::Result<ReportFiles> write_report(const std::filesystem::path& dir,
                                       const ReportOptions& options = {});

// The report page of a run, without writing anything.
std::string run_report_html(const RunData& run, const ReportOptions& options = {});

// Warning times of canopy's alert policy (docs/report.md): for each warhead
// impact inside an alert zone (the first zone listed that contains it), the
// impact time minus the start of the zone's alert hold covering it; no value
// if no hold covers it. Empty without a scenario.
struct WarningTimes {
  std::vector<double> warned_s;  // impacts covered by a hold
  int unwarned = 0;              // impacts in zones that no hold covered
};
WarningTimes warning_times(const RunData& run);

}  // namespace canopy::io
