// What a radar reports: plots, grouped into scans. A plot carries no truth;
// the simulation alone keeps the map from plot id to the object (or clutter)
// that caused it.
//
//   sensors::Scan scan = radar.observe(t, objects, rng, next_plot_id, origins);
//   for (const sensors::Plot& p : scan.plots) ...   // origins: the truth, sim only
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace canopy::sensors {

// One detection. Range, azimuth and elevation are measured in the frame's
// axes translated to the sensor: azimuth clockwise from +N in [0, 2 pi),
// elevation above the e-n plane. Range and elevation are there when the
// sensor measures them (scenario::Sensor::measures_range, _elevation).
struct Plot {
  std::uint64_t id = 0;  // opaque; unique within a run
  int sensor = 0;        // index into the scenario's sensors
  double t_s = 0;        // measurement time
  std::optional<double> range_m;
  double azimuth_rad = 0;
  std::optional<double> elevation_rad;
  std::optional<double> range_rate_mps;
  std::optional<double> snr_db;
};

// Everything one radar measured at one time: possibly no plots at all (an
// empty scan still tells the tracker that the objects it expected were
// missed). A radar in an outage sends no scans.
struct Scan {
  int sensor = 0;
  double t_s = 0;        // measurement time
  double arrival_s = 0;  // t_s + the radar's latency
  std::vector<Plot> plots;
};

}  // namespace canopy::sensors
