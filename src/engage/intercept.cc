#include "canopy/engage/intercept.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "canopy/assess/area_probability.h"
#include "canopy/physics/warhead.h"

namespace canopy::engage {

ThreatPath predict_path(const assess::BallisticEstimate& est, const physics::Environment& forecast,
                        double dt_s) {
  ThreatPath path;
  const physics::State start{est.t_s, est.x.head<3>(), est.x.segment<3>(3)};
  path.states.push_back(start);
  if (physics::altitude_m(forecast, start.p_W) <= 0) return path;
  physics::IntegratorOptions opts;
  opts.coast_step_s = dt_s;
  physics::Flight f =
      physics::Flight::coast_from(assess::drag_body(est.x(6), est.cd), forecast, start, opts);
  for (double t = est.t_s + dt_s;; t += dt_s) {
    f.advance_to(t);
    if (f.landed() && f.impact()->t_s <= t) {
      const physics::Impact& hit = *f.impact();
      path.states.push_back({hit.t_s, hit.p_W, hit.v_W});
      break;
    }
    path.states.push_back(f.state_at(t));
    if (t - est.t_s > 600) break;
  }
  return path;
}

double typical_fragment_kd(double rocket_mass_kg) {
  return physics::fragment_kd(rocket_mass_kg / physics::kFragmentCount);
}

double expected_pk(const scenario::InterceptorType& type, double flight_s, double speed_mps) {
  // Full Pk with speed to spare; down to 70 % of it at the minimum speed or
  // the end of the flight time.
  const double speed_margin = std::clamp(
      (speed_mps - type.min_intercept_speed_mps) / std::max(1.0, type.min_intercept_speed_mps), 0.0,
      1.0);
  const double time_margin = std::clamp(1 - flight_s / type.max_flight_s, 0.0, 1.0);
  const double factor = 0.7 + 0.3 * std::min(1.0, 2 * std::min(speed_margin, time_margin));
  return type.pk_at_lethal_radius * factor;
}

namespace {

// P(debris on any defended area) for a kill at `at`: a typical fragment
// flown to the ground, spread by the fragments' throw over the fall.
double debris_probability(const physics::State& at, const InterceptContext& ctx) {
  if (ctx.areas == nullptr || ctx.areas->empty()) return 0;
  assess::Vec7 x;
  x << at.p_W, at.v_W, typical_fragment_kd(ctx.threat_mass_kg);
  const auto g = assess::fly_to_ground(ctx.forecast, physics::CdTable{{0.0}, {1.0}}, x, at.t_s,
                                       core::Vec2::Zero(), 1.0, 600);
  if (!g) return 0;
  // Drag takes most of the throw within seconds; half of it over the fall.
  const double sigma = 0.5 * physics::kFragmentSpread_mps * std::max(1.0, g->t_s - at.t_s) + 50;
  const Eigen::Matrix2d cov = sigma * sigma * Eigen::Matrix2d::Identity();
  double p = 0;
  for (const auto& area : *ctx.areas)
    p += assess::polygon_probability(g->p_W.head<2>(), cov, area.polygon);
  return std::min(1.0, p);
}

}  // namespace

InterceptWindow intercept_window(const ThreatPath& path, const Vec3& launcher_W, double ready_s,
                                 const InterceptContext& ctx) {
  InterceptWindow w;
  std::vector<InterceptOption> options;
  const scenario::InterceptorType& type = *ctx.type;
  for (const physics::State& s : path.states) {
    const double alt = core::altitude_m(s.p_W);
    if (alt < ctx.battery->min_intercept_alt_m || alt > ctx.battery->max_intercept_alt_m) continue;
    const double range = core::ground_distance_m(launcher_W.head<2>(), s.p_W.head<2>());
    const auto fo = ctx.table->at(range, alt);
    if (!fo || fo->t_s > type.max_flight_s || fo->speed_mps < type.min_intercept_speed_mps)
      continue;
    const double t_launch = s.t_s - fo->t_s;
    if (t_launch < ready_s) continue;
    InterceptOption o;
    o.t_launch_s = t_launch;
    o.t_intercept_s = s.t_s;
    o.p_W = s.p_W;
    o.flight_s = fo->t_s;
    o.speed_mps = fo->speed_mps;
    o.pk = expected_pk(type, fo->t_s, fo->speed_mps);
    options.push_back(o);
  }
  if (options.empty()) return w;
  w.feasible = true;
  w.earliest_launch_s = options.front().t_launch_s;
  w.latest_launch_s = options.front().t_launch_s;
  for (const auto& o : options) {
    w.earliest_launch_s = std::min(w.earliest_launch_s, o.t_launch_s);
    w.latest_launch_s = std::max(w.latest_launch_s, o.t_launch_s);
  }
  // Debris at a few candidates spread over the window; the earliest of the
  // best scores wins (it leaves the most time to look and shoot again).
  const int n = static_cast<int>(options.size());
  const int k = std::max(1, std::min(n, ctx.debris_candidates));
  bool have = false;
  for (int c = 0; c < k; ++c) {
    const int idx = k == 1 ? 0 : static_cast<int>(std::lround(c * (n - 1.0) / (k - 1.0)));
    InterceptOption o = options[static_cast<size_t>(idx)];
    const auto& s =
        *std::find_if(path.states.begin(), path.states.end(),
                      [&](const physics::State& st) { return st.t_s == o.t_intercept_s; });
    o.p_debris = ctx.debris_weight > 0 ? debris_probability(s, ctx) : 0.0;
    o.score = o.pk - ctx.debris_weight * o.p_debris;
    if (!have || o.score > w.best.score + 1e-3) {
      w.best = o;
      have = true;
    }
  }
  return w;
}

}  // namespace canopy::engage
