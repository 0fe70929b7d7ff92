// The detections CSV that `canopy track` reads (docs/cli.md). The header
// names the form:
//   Cartesian ENU: time_s,x_m,y_m,z_m                       (metres, world frame)
//   radar polar:   time_s,sensor,range_m,azimuth_rad,elevation_rad[,range_rate_mps]
// in any column order; extra columns (truth_id, snr_db ...) are ignored. A
// sensor that does not measure range or elevation (a 2-D radar, a passive
// sensor) leaves that cell empty.
// Every problem is an error naming FILE:LINE and the column; the caller
// exits 2. Blank lines and CRLF endings are accepted.
//
//   auto d = io::read_detections_file("plots.csv", {.sensor_names = {"r1", "r2"}});
//   if (!d) { print(d.error().message); return 2; }
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/tracking/types.h"

namespace canopy::io {

// What a polar sensor's rows carry besides azimuth.
struct PolarAxes {
  bool range = true;
  bool elevation = true;
  bool range_rate = false;
};

struct DetectionsOptions {
  std::vector<std::string> sensor_names{};  // polar input: sensor i is sensor_names[i]
  // Per sensor, as sensor_names: its axes, which each row must give and no
  // other. Empty: every sensor measures range and elevation, and a row's
  // range rate is read where its cell is not empty.
  std::vector<PolarAxes> sensor_axes{};
  double reorder_window_s = 0.5;  // times may go back by this much
};

struct Detections {
  bool polar = false;
  // Sorted by time (stable); ids are the 1-based data row numbers.
  std::vector<tracking::Measurement> measurements;
};

// Longest line accepted.
inline constexpr size_t kMaxLineBytes = 1 << 20;

core::Result<Detections> read_detections(std::istream& in, const std::string& file_name,
                                         const DetectionsOptions& options);
core::Result<Detections> read_detections_file(const std::string& path,
                                              const DetectionsOptions& options);

}  // namespace canopy::io
