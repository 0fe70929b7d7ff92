#include "canopy/engage/flyout.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "canopy/engage/guidance.h"

namespace canopy::engage {

Vec3 launch_direction_W(const Vec3& launcher_W, const Vec3& point_W) {
  const Vec3 up = core::up_at(launcher_W);
  Vec3 d = (point_W - launcher_W).normalized();
  const double sin_el = d.dot(up);
  if (sin_el >= std::sin(kMinLaunchElevation_rad)) return d;
  Vec3 horizontal = d - sin_el * up;
  if (horizontal.norm() < 1e-9) return up;
  horizontal.normalize();
  return std::cos(kMinLaunchElevation_rad) * horizontal + std::sin(kMinLaunchElevation_rad) * up;
}

std::optional<Flyout> fly_to_point(const scenario::InterceptorType& type, const Vec3& launcher_W,
                                   const Vec3& point_W, double h, double tolerance_m) {
  physics::Environment env;  // calm air over the sphere
  auto f = physics::GuidedFlight::launch(type.params, env, type.max_accel_mps2, launcher_W,
                                         launch_direction_W(launcher_W, point_W), 0.0,
                                         type.autopilot_lag_s);
  Vec3 r_prev = point_W - f.current().p_W;
  Vec3 w_prev = -f.current().v_W;
  while (f.flight_time_s() < type.max_flight_s) {
    const physics::State& s = f.current();
    const bool guided = s.v_W.norm() >= kGuidanceMinSpeed_mps;
    f.step(h, guided ? pn_accel_W(point_W - s.p_W, -s.v_W, kNavigationConstant) : Vec3::Zero());
    const Vec3 r = point_W - f.current().p_W;
    const Vec3 w = -f.current().v_W;
    if (f.altitude_m() < -1.0) return std::nullopt;
    // Passing the point: the range starts to grow.
    if (r.dot(w) > 0 && f.flight_time_s() > 0.5) {
      const physics::ClosestApproach ca = physics::closest_approach(r_prev, w_prev, r, w, h);
      if (ca.distance_m > tolerance_m) return std::nullopt;
      const physics::State at = f.state_at(f.previous().t_s + ca.s * h);
      return Flyout{at.t_s, at.v_W.norm()};
    }
    r_prev = r;
    w_prev = w;
  }
  return std::nullopt;
}

FlyoutTable FlyoutTable::build(const scenario::InterceptorType& type, Grid grid) {
  FlyoutTable t;
  t.grid_ = grid;
  t.nr_ = static_cast<int>(std::floor(grid.max_range_m / grid.range_step_m)) + 1;
  t.na_ = static_cast<int>(std::floor(grid.max_alt_m / grid.alt_step_m)) + 1;
  t.cells_.resize(static_cast<size_t>(t.nr_) * static_cast<size_t>(t.na_));
  const Vec3 launcher = core::ground_point(core::Vec2::Zero());
  for (int ia = 0; ia < t.na_; ++ia) {
    const double alt = t.row_alt_m(ia);
    int misses = 0;  // in a row, past a reachable node
    bool any = false;
    for (int ir = 0; ir < t.nr_; ++ir) {
      const double range = ir * grid.range_step_m;
      // The point `range` along the ground to the east, `alt` above it.
      const Vec3 ground = core::ground_point(core::Vec2(range, 0.0));
      const Vec3 point = ground + alt * core::up_at(ground);
      const auto fo = fly_to_point(type, launcher, point, grid.step_s);
      t.cells_[static_cast<size_t>(ia) * static_cast<size_t>(t.nr_) + static_cast<size_t>(ir)] = fo;
      if (fo) {
        any = true;
        misses = 0;
        t.max_reach_m_ = std::max(t.max_reach_m_, range);
      } else if (any && ++misses >= 3) {
        break;  // beyond the reach at this altitude
      }
    }
  }
  return t;
}

std::optional<Flyout> FlyoutTable::at(double range_m, double alt_m) const {
  if (range_m < 0 || alt_m < grid_.min_alt_m) return std::nullopt;
  const double fr = range_m / grid_.range_step_m;
  const int ir = static_cast<int>(fr);
  const int ia = static_cast<int>(alt_m / grid_.alt_step_m);
  if (ir + 1 >= nr_ || ia + 1 >= na_) return std::nullopt;
  const double ur = fr - ir;
  const double ua = (alt_m - row_alt_m(ia)) / (row_alt_m(ia + 1) - row_alt_m(ia));
  Flyout out{0, 0};
  for (int da = 0; da < 2; ++da) {
    for (int dr = 0; dr < 2; ++dr) {
      const auto& c = cells_[static_cast<size_t>(ia + da) * static_cast<size_t>(nr_) +
                             static_cast<size_t>(ir + dr)];
      const double w = (dr ? ur : 1 - ur) * (da ? ua : 1 - ua);
      if (w == 0) continue;
      if (!c) return std::nullopt;
      out.t_s += w * c->t_s;
      out.speed_mps += w * c->speed_mps;
    }
  }
  return out;
}

const FlyoutTable& flyout_table(const scenario::InterceptorType& type) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<FlyoutTable>> tables;
  // Keyed by every parameter the flights use.
  const auto& p = type.params;
  std::string key =
      fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", p.launch_mass_kg, p.propellant_mass_kg,
                  p.burn_time_s, p.thrust_N, p.diameter_m, p.cd_factor, type.max_accel_mps2,
                  type.max_flight_s, type.autopilot_lag_s);
  for (size_t i = 0; i < p.cd.mach.size(); ++i)
    key += fmt::format("|{},{}", p.cd.mach[i], p.cd.cd[i]);
  std::lock_guard lock(mutex);
  auto& slot = tables[key];
  if (!slot) slot = std::make_unique<FlyoutTable>(FlyoutTable::build(type));
  return *slot;
}

}  // namespace canopy::engage
