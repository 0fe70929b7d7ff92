// Ballistic tables and aiming for unguided rockets, built on Flight
// (docs/physics.md).
//
//   physics::ReachBand band = physics::reach_band(rocket, env);
//   // band.min_range_m .. band.max_range_m: "medium reaches 2.1-22.4 km"
//   auto aim = physics::solve_aim(rocket, env, launch_en_m, aim_en_m, band);
//   if (aim) launch along aim->dir_W;
#pragma once

#include <vector>

#include "canopy/core/error.h"
#include "canopy/physics/flight.h"

namespace canopy::physics {

// One row of a range table: a launch from the origin's ground point.
struct RangePoint {
  double elevation_rad = 0;
  double range_m = 0;  // great-circle ground distance, launch to impact
  double apogee_m = 0;
  double flight_time_s = 0;
  double impact_speed_mps = 0;
};

// Flies one trajectory from the ground point at launch_en_m with the given
// elevation and azimuth in the launch point's horizon.
RangePoint fly_range_point(const RocketParams& rocket, const Environment& env, double elevation_rad,
                           double azimuth_rad = 0.0, const Vec2& launch_en_m = Vec2::Zero(),
                           IntegratorOptions opts = {});

// The same flight, sampled every interval_s from the launch (t = 0) by the
// integrator's dense output, with the ground impact as the last sample.
std::vector<State> fly_trajectory(const RocketParams& rocket, const Environment& env,
                                  double elevation_rad, double azimuth_rad, const Vec2& launch_en_m,
                                  double interval_s, IntegratorOptions opts = {});

// Range table over elevations [from, to] in steps.
std::vector<RangePoint> range_table(const RocketParams& rocket, const Environment& env,
                                    double from_rad, double to_rad, double step_rad);

inline constexpr double kMinLaunchElevation_rad = 10.0 * 3.14159265358979323846 / 180.0;

// The ground ranges a rocket type reaches on the low-angle branch: from the
// minimum elevation (10 degrees) to the elevation of maximum range.
struct ReachBand {
  double min_range_m = 0;
  double max_range_m = 0;
  double min_elevation_rad = kMinLaunchElevation_rad;
  double max_range_elevation_rad = 0;
  bool contains(double range_m) const { return range_m >= min_range_m && range_m <= max_range_m; }
};

// Band for a launch in calm air from the origin (wind is a run-time effect).
ReachBand reach_band(const RocketParams& rocket, const Environment& env);

struct AimSolution {
  double elevation_rad = 0;  // in the launch point's horizon
  double azimuth_rad = 0;    // clockwise from north
  Vec3 dir_W = Vec3::UnitZ();
  Vec2 impact_en_m = Vec2::Zero();
  double miss_m = 0;  // nominal impact to aim point
  int iterations = 0;
};

// Solves elevation (low branch, within the band's elevations) and azimuth so
// that the nominal trajectory (this rocket, this environment) lands within
// tolerance_m of the aim point. Fails if the aim point is out of reach.
core::Result<AimSolution> solve_aim(const RocketParams& rocket, const Environment& env,
                                    const Vec2& launch_en_m, const Vec2& aim_en_m,
                                    const ReachBand& band, double tolerance_m = 0.1,
                                    IntegratorOptions opts = {});

}  // namespace canopy::physics
