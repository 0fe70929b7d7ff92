// The sensor seam: what the simulation and the tracker need of any sensor.
// A sensor covers some volume, sends scans of plots at its own times, and
// says which axes its plots carry (scenario::Sensor's `measures`: a 3-D
// radar range, azimuth and elevation; a 2-D radar no elevation; a passive
// sensor no range). Radar (radar.h) is the one model today; a new kind of
// sensor derives from Sensor and is made by make_sensor.
//
//   std::unique_ptr<sensors::Sensor> s = sensors::make_sensor(scenario.sensors[0], 0);
//   if (!s->in_outage(t)) scan = s->observe(t, objects, rng, next_plot_id, origins);
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/random.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/plot.h"

namespace canopy::sensors {

using core::Vec3;

// A truth object the simulation shows a sensor.
struct Object {
  int id = 0;  // >= 1
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
  double rcs_m2 = 0.05;
};

// The truth behind a plot, kept by the simulation only.
struct PlotOrigin {
  std::uint64_t plot_id = 0;
  int object = -1;  // -1: clutter
};

// Why a point is outside a sensor's coverage: the first test it fails, in
// the order the radar model applies them.
enum class CoverageMiss { kNone, kRange, kElevation, kSector, kHorizon };

class Sensor {
 public:
  Sensor(const scenario::Sensor& spec, int index) : spec_(spec), index_(index) {}
  virtual ~Sensor() = default;
  Sensor(const Sensor&) = default;
  Sensor& operator=(const Sensor&) = default;

  // Geometry, noise and the axes measured (public knowledge, never truth).
  const scenario::Sensor& spec() const { return spec_; }
  int index() const { return index_; }
  bool in_outage(double t_s) const;

  // kNone when a point is in coverage; otherwise the limit it is beyond.
  virtual CoverageMiss coverage_miss(const Vec3& p_W) const = 0;
  bool covers(const Vec3& p_W) const { return coverage_miss(p_W) == CoverageMiss::kNone; }

  // The scan at t_s: a plot for each object detected, plus false plots,
  // with ids from next_plot_id; the truth behind each plot is appended to
  // `origins`. Nothing in an outage. The same draws give the same scan.
  virtual Scan observe(double t_s, std::span<const Object> objects, core::Stream& rng,
                       std::uint64_t& next_plot_id, std::vector<PlotOrigin>& origins) const = 0;

 private:
  scenario::Sensor spec_;
  int index_ = 0;
};

// The model a scenario sensor entry asks for.
std::unique_ptr<Sensor> make_sensor(const scenario::Sensor& spec, int index);

}  // namespace canopy::sensors
