// Flyout tables (docs/engage.md): for one interceptor type, the time to
// reach each (ground range, altitude) point from the launcher and the speed
// left there, built by flying the real guided model (physics::GuidedFlight
// under proportional navigation to the point, launched toward it raised to
// at least kMinLaunchElevation) over a grid, and read by bilinear
// interpolation. Built once per interceptor type and shared by every run in
// the process (flyout_table()).
//
//   const engage::FlyoutTable& t = engage::flyout_table(type);
//   if (auto f = t.at(range_m, alt_m)) use(f->t_s, f->speed_mps);
#pragma once

#include <optional>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/physics/interceptor.h"
#include "canopy/scenario/scenario.h"

namespace canopy::engage {

using core::Vec3;

// Launch elevation is at least this (the launcher's pointing).
inline constexpr double kMinLaunchElevation_rad = 20 * 3.14159265358979323846 / 180;
// Guidance and integration step of interceptor flights (the world's tick
// must not be longer; see docs/engage.md).
inline constexpr double kGuidanceStep_s = 0.01;

// The launch direction toward an intercept point, raised to at least
// kMinLaunchElevation above the launcher's horizon.
Vec3 launch_direction_W(const Vec3& launcher_W, const Vec3& point_W);

struct Flyout {
  double t_s = 0;        // time from launch to the point
  double speed_mps = 0;  // speed there
};

// One direct flight of the guided model to a fixed point: when it passes
// closest to the point and how fast; nothing if it passes farther than
// `tolerance_m`, lands, or runs out of flight time.
std::optional<Flyout> fly_to_point(const scenario::InterceptorType& type, const Vec3& launcher_W,
                                   const Vec3& point_W, double step_s = kGuidanceStep_s,
                                   double tolerance_m = 15.0);

class FlyoutTable {
 public:
  // Nodes every range_step_m in ground range and every alt_step_m in
  // altitude, but for the lowest row, which lies at min_alt_m: a point on
  // the ground is no intercept point (an airframe with an autopilot lag
  // dips below the ground flying at one), and the rows below the first
  // step are interpolated between min_alt_m and alt_step_m.
  struct Grid {
    double range_step_m = 1000, max_range_m = 30000;
    double alt_step_m = 1000, max_alt_m = 14000;
    double min_alt_m = 100;
    double step_s = 0.02;  // guidance step of the table's flights
  };
  static FlyoutTable build(const scenario::InterceptorType& type, Grid grid);
  static FlyoutTable build(const scenario::InterceptorType& type) { return build(type, Grid{}); }

  // Bilinear in (ground range, altitude); nothing outside the grid (below
  // min_alt_m included) or where a corner is unreachable.
  std::optional<Flyout> at(double ground_range_m, double altitude_m) const;
  const Grid& grid() const { return grid_; }
  // The farthest reachable ground range in the table.
  double max_reach_m() const { return max_reach_m_; }

 private:
  Grid grid_;
  int nr_ = 0, na_ = 0;
  std::vector<std::optional<Flyout>> cells_;  // [ia * nr + ir]
  double row_alt_m(int ia) const { return ia == 0 ? grid_.min_alt_m : ia * grid_.alt_step_m; }
  double max_reach_m_ = 0;
};

// The process-wide table for an interceptor type (built on first use;
// thread-safe).
const FlyoutTable& flyout_table(const scenario::InterceptorType& type);

}  // namespace canopy::engage
