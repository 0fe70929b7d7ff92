// `canopy track DETECTIONS.csv --out TRACKS.csv`: the tracker alone on
// recorded detections (docs/cli.md).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "canopy/io/detections_csv.h"
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

// Reads `--sensors` and `--threats` files (an empty path reads nothing and
// leaves its vector as it is); prints the diagnostics; the exit code.
int read_tracker_files(const std::string& sensors_path, const std::string& threats_path,
                       std::vector<scenario::Sensor>* sensors,
                       std::vector<scenario::RocketType>* threats);

// Motion model ("cv", "ca", "ballistic", "imm"), filter ("ekf", "ukf") and
// association ("gnn", "jpda") by the names the command line takes.
void set_tracker_choices(scenario::TrackerConfig& config, std::string_view model,
                         std::string_view filter, std::string_view association);

// How detections are read for these sensors and this tracker.
io::DetectionsOptions detections_options(const std::vector<scenario::Sensor>& sensors,
                                         const scenario::TrackerConfig& config);

struct TrackStats {
  std::int64_t scans = 0, rows = 0, tracks_started = 0, tracks_confirmed = 0;
};

// The tracker on detections already read (the Python module's
// `canopy.track`): writes the tracks CSV that `canopy track` writes to `out`.
// Returns the exit code; errors name `detections_name`.
int track_detections(const io::Detections& detections, const std::string& detections_name,
                     const std::vector<scenario::Sensor>& sensors,
                     const std::vector<scenario::RocketType>& threats, const TrackOptions& options,
                     std::ostream& out, TrackStats* stats = nullptr);

}  // namespace canopy
