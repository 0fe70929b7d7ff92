// `canopy track DETECTIONS.csv --out TRACKS.csv`: the tracker alone on
// recorded detections (docs/cli.md).
#pragma once

#include <string>

#include "canopy/scenario/scenario.h"

namespace canopy {

struct TrackOptions {
  std::string detections_path;
  std::string out_path;
  std::string sensors_path;  // YAML with `sensors:` (needed for polar input)
  std::string threats_path;  // YAML with `rocket_types:` (the threat library)
  double sigma_m = 0;        // Cartesian input: per-axis noise
  bool flat_earth = false;   // uniform g and flat ground
  bool quiet = false;
  scenario::TrackerConfig config;  // model, filter, association, ...
};

// Returns the process exit code.
int cmd_track(const TrackOptions& options);

}  // namespace canopy
