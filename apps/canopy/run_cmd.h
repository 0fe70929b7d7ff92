// `canopy run [SCENARIO] [--out DIR] ...`: one run of a scenario into a run
// directory (docs/cli.md). The Python module (python/) runs through the
// same function, so its files are the command's, byte for byte.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "canopy/scenario/scenario.h"
#include "canopy/scenario/source.h"

namespace canopy {

struct RunCmdOptions {
  std::string out_dir = "out";
  std::optional<std::uint64_t> seed;  // overrides run.seed
  int run_index = 0;
  double trajectory_interval_s = 1.0;
  bool plots = false;   // plots.csv
  bool report = false;  // report.html, replay.czml, impacts.geojson
  bool quiet = false;
  std::optional<double> max_wall_s;
  // Asked between steps, about every 200; false abandons the run: nothing
  // is written and the result is kExitInterrupted.
  std::function<bool()> keep_going;
  // With `report`: GeoJSON files drawn under the replay map (--background),
  // read before the run starts.
  std::vector<std::string> background = {};
};

// Loads the named scenario, or the built-in default for "", printing every
// diagnostic (print_error) on failure.
std::optional<scenario::Scenario> load_scenario(const std::string& path,
                                                scenario::Source* source = nullptr);

// Loads and runs; the process exit code.
int cmd_run(const std::string& path, const RunCmdOptions& options);

// Runs a scenario loaded from `source`; the process exit code.
int run_scenario(const scenario::Source& source, const scenario::Scenario& scenario,
                 const RunCmdOptions& options);

}  // namespace canopy
