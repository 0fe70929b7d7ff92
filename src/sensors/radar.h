// A radar: coverage (sector, elevation and range limits, the Earth's
// horizon), scan timing, detection (fixed Pd or an SNR model with the
// object's radar cross-section), measurement noise, clutter, latency and
// outages (docs/sensors.md).
//
//   sensors::Radar radar(scenario.sensors[0], 0);
//   if (!radar.in_outage(t)) {
//     core::Stream rng(seed, run, core::tag("radar"), 0, scan_index);
//     sensors::Scan scan = radar.observe(t, objects, rng, next_plot_id, origins);
//   }
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/random.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/plot.h"
#include "canopy/sensors/sensor.h"

namespace canopy::sensors {

using core::Vec3;

// Range, azimuth (clockwise from +N, [0, 2 pi)) and elevation (above the
// e-n plane) of a point, in the frame's axes translated to the sensor.
struct Polar {
  double range_m = 0;
  double azimuth_rad = 0;
  double elevation_rad = 0;
};
Polar polar_from_W(const Vec3& p_sensor_W, const Vec3& p_W);
Vec3 W_from_polar(const Vec3& p_sensor_W, const Polar& polar);
// Rate of change of range of an object at p_W moving at v_W.
double range_rate_mps(const Vec3& p_sensor_W, const Vec3& p_W, const Vec3& v_W);

// Effective Earth radius for radio line of sight (standard refraction).
inline constexpr double kEffectiveEarthRadius_m = 4.0 / 3.0 * core::kEarthRadius_m;
// Whether the straight path from sensor to point clears a sphere of the
// effective radius (4/3 Earth), which bends rays as standard refraction does.
bool line_of_sight(const Vec3& p_sensor_W, const Vec3& p_W);

// The radar model; with `measures` short of all three axes, also a 2-D
// radar or a passive sensor (the same coverage and detection, fewer axes).
class Radar final : public Sensor {
 public:
  using Sensor::Sensor;

  // Inside the range, elevation and sector limits, and in line of sight.
  CoverageMiss coverage_miss(const Vec3& p_W) const override;
  // Whether an azimuth (clockwise from +N) lies in the sector.
  bool in_sector(double azimuth_rad) const;
  // Probability of detecting an object of this cross-section at this range.
  double detection_probability(double range_m, double rcs_m2) const;
  // Signal-to-noise ratio (dB) of the SNR model; NaN with a fixed Pd.
  double snr_db(double range_m, double rcs_m2) const;

  // The scan at t_s: a plot for each object in coverage that is detected,
  // plus clutter, shuffled, with ids from next_plot_id. The truth behind
  // each plot is appended to `origins`. Random draws in a fixed order:
  // per object (in the given order) detection then the noise of each axis
  // measured; then the clutter count and each clutter plot; then the
  // shuffle.
  Scan observe(double t_s, std::span<const Object> objects, core::Stream& rng,
               std::uint64_t& next_plot_id, std::vector<PlotOrigin>& origins) const override;
};

// A Poisson variate from uniform draws (portable): Knuth's product method
// below a mean of 30, a rounded normal approximation above.
int poisson(core::Stream& rng, double mean);

}  // namespace canopy::sensors
