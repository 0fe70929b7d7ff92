#include "canopy/physics/ballistics.h"

#include <fmt/format.h>

#include <cmath>

#include "canopy/core/units.h"

namespace canopy::physics {
namespace {

// Ground distance between two horizontal positions under the Earth model.
double ground_range_m(const Environment& env, const Vec2& a, const Vec2& b) {
  return env.earth == EarthModel::kSphere ? core::ground_distance_m(a, b) : (b - a).norm();
}

Vec3 launch_point_W(const Environment& env, const Vec2& en_m) {
  return env.earth == EarthModel::kSphere ? core::ground_point(en_m) : Vec3(en_m.x(), en_m.y(), 0);
}

core::Horizon launch_horizon(const Environment& env, const Vec3& p_W) {
  if (env.earth == EarthModel::kSphere) return core::horizon_at(p_W);
  return core::Horizon{Vec3::UnitX(), Vec3::UnitY(), Vec3::UnitZ()};
}

// Azimuth at `from` of the direction to `to`, both horizontal positions.
double bearing_rad(const Environment& env, const Vec2& from, const Vec2& to) {
  const Vec3 p_from = launch_point_W(env, from);
  return launch_horizon(env, p_from).azimuth_rad(launch_point_W(env, to) - p_from);
}

double wrap_pi(double a) { return std::remainder(a, 2.0 * core::kPi); }

}  // namespace

RangePoint fly_range_point(const RocketParams& rocket, const Environment& env, double elevation_rad,
                           double azimuth_rad, const Vec2& launch_en_m, IntegratorOptions opts) {
  const Vec3 p0_W = launch_point_W(env, launch_en_m);
  const Vec3 dir_W = launch_horizon(env, p0_W).direction(elevation_rad, azimuth_rad);
  Flight f = Flight::launch(rocket, env, p0_W, dir_W, 0.0, opts);
  const Impact& hit = f.fly_to_ground();
  RangePoint r;
  r.elevation_rad = elevation_rad;
  r.range_m = ground_range_m(env, launch_en_m, hit.p_W.head<2>());
  r.apogee_m = f.max_altitude_m();
  r.flight_time_s = hit.t_s;
  r.impact_speed_mps = hit.v_W.norm();
  return r;
}

std::vector<State> fly_trajectory(const RocketParams& rocket, const Environment& env,
                                  double elevation_rad, double azimuth_rad, const Vec2& launch_en_m,
                                  double interval_s, IntegratorOptions opts) {
  const Vec3 p0_W = launch_point_W(env, launch_en_m);
  const Vec3 dir_W = launch_horizon(env, p0_W).direction(elevation_rad, azimuth_rad);
  Flight f = Flight::launch(rocket, env, p0_W, dir_W, 0.0, opts);
  std::vector<State> samples{f.current()};
  for (int i = 1;; ++i) {
    const double t = i * interval_s;
    f.advance_to(t);
    if (f.landed() && t >= f.impact()->t_s) break;
    samples.push_back(f.state_at(t));
  }
  const Impact& hit = *f.impact();
  samples.push_back({hit.t_s, hit.p_W, hit.v_W});
  return samples;
}

std::vector<RangePoint> range_table(const RocketParams& rocket, const Environment& env,
                                    double from_rad, double to_rad, double step_rad) {
  std::vector<RangePoint> rows;
  for (int i = 0;; ++i) {
    const double el = from_rad + i * step_rad;
    if (el > to_rad + 1e-12) break;
    rows.push_back(fly_range_point(rocket, env, el));
  }
  return rows;
}

ReachBand reach_band(const RocketParams& rocket, const Environment& env_in) {
  Environment env = env_in;
  env.wind = {};
  auto range_at = [&](double el) { return fly_range_point(rocket, env, el).range_m; };

  // Golden-section search for the elevation of maximum range.
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = core::deg_to_rad(15.0), b = core::deg_to_rad(75.0);
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = range_at(c), fd = range_at(d);
  while (b - a > core::deg_to_rad(0.01)) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = range_at(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = range_at(d);
    }
  }
  ReachBand band;
  band.max_range_elevation_rad = 0.5 * (a + b);
  band.max_range_m = range_at(band.max_range_elevation_rad);
  band.min_range_m = range_at(band.min_elevation_rad);
  return band;
}

core::Result<AimSolution> solve_aim(const RocketParams& rocket, const Environment& env,
                                    const Vec2& launch_en_m, const Vec2& aim_en_m,
                                    const ReachBand& band, double tolerance_m,
                                    IntegratorOptions opts) {
  const double target_range = ground_range_m(env, launch_en_m, aim_en_m);
  const double target_bearing = bearing_rad(env, launch_en_m, aim_en_m);
  const double el_lo = band.min_elevation_rad, el_hi = band.max_range_elevation_rad;

  // Elevation is found by a bracketed secant on range (monotonic on the low
  // branch); azimuth by turning through the bearing error of each impact.
  AimSolution sol;
  double az = target_bearing;
  double el = el_lo + (el_hi - el_lo) * std::clamp((target_range - band.min_range_m) /
                                                       (band.max_range_m - band.min_range_m),
                                                   0.0, 1.0);
  double lo = el_lo, hi = el_hi;
  double prev_el = NAN, prev_err = NAN;
  for (int it = 1; it <= 60; ++it) {
    const Vec3 p0_W = launch_point_W(env, launch_en_m);
    const core::Horizon hz = launch_horizon(env, p0_W);
    Flight f = Flight::launch(rocket, env, p0_W, hz.direction(el, az), 0.0, opts);
    const Vec2 impact_en = f.fly_to_ground().p_W.head<2>();
    const double miss = ground_range_m(env, impact_en, aim_en_m);
    sol = AimSolution{el, az, hz.direction(el, az), impact_en, miss, it};
    if (miss <= tolerance_m) return sol;

    // Turn the azimuth through the bearing error of this impact.
    az = std::fmod(
        az + wrap_pi(target_bearing - bearing_rad(env, launch_en_m, impact_en)) + 2.0 * core::kPi,
        2.0 * core::kPi);
    // Range error: shrink the bracket, then step by secant (bisect if it leaves).
    const double err = ground_range_m(env, launch_en_m, impact_en) - target_range;
    if (err < 0)
      lo = el;
    else
      hi = el;
    double next = std::isnan(prev_err) || err == prev_err
                      ? el - err / (band.max_range_m - band.min_range_m) * (el_hi - el_lo)
                      : el - err * (el - prev_el) / (err - prev_err);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    prev_el = el;
    prev_err = err;
    el = next;
    if (hi - lo < 1e-13) break;
  }
  return core::fail(fmt::format(
      "no launch elevation within {:.1f}-{:.1f} deg lands within {} m of "
      "the aim point ({:.0f} m away; best miss {:.1f} m)",
      core::rad_to_deg(el_lo), core::rad_to_deg(el_hi), tolerance_m, target_range, sol.miss_m));
}

}  // namespace canopy::physics
