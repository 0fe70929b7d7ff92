// `canopy report DIR [--no-exports] [--no-viewer]`: report.html for a run,
// Monte Carlo, sweep or compare directory, plus replay.czml and
// impacts.geojson for a run (docs/report.md). `canopy run --report` calls
// the same function on its output directory once the run is committed.
#pragma once

#include <string>

namespace canopy {

struct ReportCmdOptions {
  std::string dir;
  bool exports = true;  // run directories: replay.czml and impacts.geojson
  bool viewer = true;   // run directories: embed the replay viewer
  bool quiet = false;   // no "wrote ..." lines
};

// Returns the process exit code: 0, or 2 for bad input (the message, which
// names the file and line at fault, goes to stderr), or 1 if writing failed.
int cmd_report(const ReportCmdOptions& options);

}  // namespace canopy
