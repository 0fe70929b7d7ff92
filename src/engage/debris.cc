#include "canopy/engage/debris.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "canopy/assess/impact.h"
#include "canopy/engage/intercept.h"
#include "canopy/physics/atmosphere.h"
#include "canopy/physics/warhead.h"

namespace canopy::engage {
namespace {

// Samples along a fragment path are this close in units of its drag's
// damping time (and no closer than kMinSample_s).
constexpr double kSampleDamping = 0.2;
constexpr double kMinSample_s = 0.01;

double segment_distance(const Vec3& p, const Vec3& a, const Vec3& b) {
  const Vec3 ab = b - a;
  const double len2 = ab.squaredNorm();
  const double s = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return (p - (a + s * ab)).norm();
}

}  // namespace

DebrisCloud DebrisCloud::from_kill(const physics::State& at, double rocket_mass_kg,
                                   const physics::Environment& forecast, double sigma_p_m,
                                   double sigma_v_mps, DebrisCloudOptions options) {
  DebrisCloud c;
  c.t0_s_ = at.t_s;
  c.t_end_s_ = at.t_s;
  c.sigma_p_m_ = sigma_p_m;
  c.sigma_v_mps_ = sigma_v_mps;
  c.options_ = options;
  const double m_max = std::max(kMinFragmentMass_kg, kMaxFragmentShare * rocket_mass_kg);
  const int n = std::max(2, options.sizes);
  const physics::CdTable flat{{0.0}, {1.0}};
  physics::IntegratorOptions io;
  io.coast_step_s = std::min(0.25, options.sample_s);
  for (int k = 0; k < n; ++k) {
    // Log-spaced masses from the heaviest (smallest kd) to the lightest.
    const double m =
        m_max * std::pow(kMinFragmentMass_kg / m_max, static_cast<double>(k) / (n - 1));
    const double kd = physics::fragment_kd(m);
    physics::Flight f = physics::Flight::coast_from(assess::drag_body(kd, flat), forecast, at, io);
    std::vector<Sample> path;
    Sample s{at.t_s, at.p_W, at.v_W, 0.0, kThrowSigmas * physics::kFragmentSpread_mps, 0.0, false};
    for (;;) {
      // The throw's speed, damped by drag over the interval (from its
      // start); the fragment's airspeed is taken with the throw across
      // the flight, |u| = sqrt(base^2 + throw^2). The interval is short
      // while drag is stiff (a light fragment at high speed), so that
      // samples follow it.
      const double alt = physics::altitude_m(forecast, s.p_W);
      const core::Vec2 w = forecast.wind.at(alt);
      const double base = (s.v_W - Vec3(w.x(), w.y(), 0)).norm();
      const double rho = forecast.air ? physics::us76_air(alt).density_kgpm3 : 0.0;
      const double rate = 0.5 * rho * kd * std::hypot(base, s.reach_mps);
      const double stiff = rho * kd * std::max(base, s.reach_mps);
      const double h =
          std::clamp(kSampleDamping / std::max(stiff, 1e-9), kMinSample_s, options.sample_s);
      s.damping_per_s = rate;
      path.push_back(s);
      const double t = s.t_s + h;
      const double decay = std::exp(-rate * h);
      s.reach_m += rate > 1e-12 ? s.reach_mps * (1 - decay) / rate : s.reach_mps * h;
      s.reach_mps *= decay;
      s.t_s = t;
      f.advance_to(t);
      if (f.landed() && f.impact()->t_s <= t) {
        const physics::Impact& hit = *f.impact();
        s.t_s = hit.t_s;
        s.p_W = hit.p_W;
        s.v_W = hit.v_W;
        s.landed = true;
        path.push_back(s);
        c.t_end_s_ = std::max(c.t_end_s_, hit.t_s);
        break;
      }
      const physics::State st = f.state_at(t);
      s.p_W = st.p_W;
      s.v_W = st.v_W;
      if (t - at.t_s >= options.max_duration_s) {
        path.push_back(s);
        c.t_end_s_ = std::max(c.t_end_s_, t);
        break;
      }
    }
    c.paths_.push_back(std::move(path));
  }
  return c;
}

DebrisCloud::Sample DebrisCloud::at(int k, double t_s) const {
  const std::vector<Sample>& path = paths_[static_cast<size_t>(k)];
  if (t_s <= path.front().t_s) return path.front();
  if (t_s >= path.back().t_s) return path.back();
  const auto it = std::upper_bound(path.begin(), path.end(), t_s,
                                   [](double t, const Sample& x) { return t < x.t_s; });
  const Sample& b = *it;
  const Sample& a = *(it - 1);
  const double h = b.t_s - a.t_s, dt = t_s - a.t_s, s = dt / h;
  // Cubic Hermite in position, linear in velocity.
  const double s2 = s * s, s3 = s2 * s;
  Sample out;
  out.t_s = t_s;
  out.p_W = (2 * s3 - 3 * s2 + 1) * a.p_W + (s3 - 2 * s2 + s) * h * a.v_W +
            (-2 * s3 + 3 * s2) * b.p_W + (s3 - s2) * h * b.v_W;
  out.v_W = (1 - s) * a.v_W + s * b.v_W;
  // The throw's reach exactly, as drag damps it over the interval.
  const double rate = a.damping_per_s;
  const double decay = std::exp(-rate * dt);
  out.reach_m = a.reach_m + (rate > 1e-12 ? a.reach_mps * (1 - decay) / rate : a.reach_mps * dt);
  out.reach_mps = a.reach_mps * decay;
  return out;
}

bool DebrisCloud::could_be_fragment(double t_s, const Vec3& p_W, const Vec3& v_W, double sigma_p_m,
                                    double sigma_v_mps) const {
  return contains(t_s, p_W, &v_W, 3 * sigma_p_m, 3 * (sigma_v_mps + sigma_v_mps_));
}

bool DebrisCloud::could_reach(double t_s, const Vec3& p_W, double radius_m) const {
  return contains(t_s, p_W, nullptr, radius_m, 0);
}

bool DebrisCloud::contains(double t_s, const Vec3& p_W, const Vec3* v_W, double p_slack_m,
                           double v_slack_mps) const {
  if (t_s > t_end_s_ || t_s < t0_s_ - 1.0) return false;
  const double tau = std::max(0.0, t_s - t0_s_);
  p_slack_m += 3 * (sigma_p_m_ + sigma_v_mps_ * tau) + options_.position_margin_m;
  v_slack_mps += options_.speed_margin_mps;
  // Consecutive fragment sizes bound the family between them (a size that
  // has landed holds its landing point: the sizes just lighter are still
  // falling near it).
  for (int k = 0; k < sizes(); ++k) {
    const Sample a = at(k, t_s);
    const Sample b = k + 1 < sizes() ? at(k + 1, t_s) : a;
    if (segment_distance(p_W, a.p_W, b.p_W) > std::max(a.reach_m, b.reach_m) + p_slack_m) continue;
    if (v_W == nullptr ||
        segment_distance(*v_W, a.v_W, b.v_W) <= std::max(a.reach_mps, b.reach_mps) + v_slack_mps)
      return true;
  }
  return false;
}

}  // namespace canopy::engage
