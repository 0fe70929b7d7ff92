#include "canopy/physics/interceptor.h"

#include <algorithm>
#include <cmath>

namespace canopy::physics {

Vec3 lateral_accel_W(const Vec3& a_cmd_W, const Vec3& v_W, double max_accel_mps2) {
  const double speed = v_W.norm();
  Vec3 a = a_cmd_W;
  if (speed > 0) {
    const Vec3 u = v_W / speed;
    a -= a.dot(u) * u;
  }
  const double n = a.norm();
  if (n > max_accel_mps2) a *= max_accel_mps2 / n;
  return a;
}

Vec3 interceptor_accel_W(const Environment& env, const RocketParams& params, double tau_s,
                         const Vec3& p_W, const Vec3& v_W, const Vec3& a_lateral_W) {
  const double m = params.mass_kg(tau_s);
  Vec3 a = gravity_W(env, p_W) + drag_accel_W(env, params, p_W, v_W, m) + a_lateral_W;
  const double speed = v_W.norm();
  if (tau_s < params.burn_time_s && speed > 0) a += (params.thrust_N / m / speed) * v_W;
  return a;
}

GuidedFlight GuidedFlight::launch(const RocketParams& params, const Environment& env,
                                  double max_accel_mps2, const Vec3& p_launch_W, const Vec3& dir_W,
                                  double t_launch_s, double autopilot_lag_s) {
  GuidedFlight f;
  f.autopilot_lag_s_ = autopilot_lag_s;
  f.params_ = params;
  f.env_ = env;
  f.max_accel_mps2_ = max_accel_mps2;
  f.t_launch_s_ = t_launch_s;
  f.now_ = State{t_launch_s, p_launch_W, kLauncherExitSpeed_mps * dir_W.normalized()};
  f.prev_ = f.now_;
  f.a_now_ = f.accel(t_launch_s, f.now_.p_W, f.now_.v_W, Vec3::Zero());
  f.a_prev_ = f.a_now_;
  return f;
}

Vec3 GuidedFlight::accel(double t_s, const Vec3& p_W, const Vec3& v_W, const Vec3& a_cmd_W) const {
  const double tau = t_s - t_launch_s_;
  return interceptor_accel_W(env_, params_, tau, p_W, v_W,
                             lateral_accel_W(a_cmd_W, v_W, max_accel_mps2_));
}

void GuidedFlight::step(double h, const Vec3& a_cmd) {
  a_achieved_W_ =
      autopilot_lag_s_ > 0
          ? Vec3(a_achieved_W_ + (1 - std::exp(-h / autopilot_lag_s_)) * (a_cmd - a_achieved_W_))
          : a_cmd;
  const Vec3& a_cmd_W = a_achieved_W_;
  const State s = now_;
  // Burnout inside the step: the thrust term switches at tau = burn time;
  // RK4 across it is first order there, which the small guidance step keeps
  // negligible (docs/engage.md).
  const Vec3 k1v = accel(s.t_s, s.p_W, s.v_W, a_cmd_W);
  const Vec3 k1p = s.v_W;
  const Vec3 k2v = accel(s.t_s + h / 2, s.p_W + h / 2 * k1p, s.v_W + h / 2 * k1v, a_cmd_W);
  const Vec3 k2p = s.v_W + h / 2 * k1v;
  const Vec3 k3v = accel(s.t_s + h / 2, s.p_W + h / 2 * k2p, s.v_W + h / 2 * k2v, a_cmd_W);
  const Vec3 k3p = s.v_W + h / 2 * k2v;
  const Vec3 k4v = accel(s.t_s + h, s.p_W + h * k3p, s.v_W + h * k3v, a_cmd_W);
  const Vec3 k4p = s.v_W + h * k3v;
  prev_ = s;
  a_prev_ = k1v;
  now_.t_s = s.t_s + h;
  now_.p_W = s.p_W + h / 6 * (k1p + 2 * k2p + 2 * k3p + k4p);
  now_.v_W = s.v_W + h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
  a_now_ = accel(now_.t_s, now_.p_W, now_.v_W, a_cmd_W);
}

double GuidedFlight::altitude_m() const { return physics::altitude_m(env_, now_.p_W); }

namespace {

// Cubic Hermite on [0, 1] through (x0, h d0) and (x1, h d1).
Vec3 hermite(const Vec3& x0, const Vec3& d0, const Vec3& x1, const Vec3& d1, double h, double s) {
  const double s2 = s * s, s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * x0 + (s3 - 2 * s2 + s) * h * d0 + (-2 * s3 + 3 * s2) * x1 +
         (s3 - s2) * h * d1;
}

}  // namespace

State GuidedFlight::state_at(double t_s) const {
  const double h = now_.t_s - prev_.t_s;
  if (h <= 0) return now_;
  const double s = std::clamp((t_s - prev_.t_s) / h, 0.0, 1.0);
  return {t_s, hermite(prev_.p_W, prev_.v_W, now_.p_W, now_.v_W, h, s),
          hermite(prev_.v_W, a_prev_, now_.v_W, a_now_, h, s)};
}

ClosestApproach closest_approach(const Vec3& r0, const Vec3& w0, const Vec3& r1, const Vec3& w1,
                                 double h) {
  auto dist = [&](double s) { return hermite(r0, w0, r1, w1, h, s).norm(); };
  // |r(s)| of a cubic has at most a few local minima on [0, 1]: bracket the
  // best of a fine grid, then golden-section search inside the bracket.
  constexpr int kGrid = 16;
  int best = 0;
  double best_d = dist(0);
  for (int i = 1; i <= kGrid; ++i) {
    const double d = dist(static_cast<double>(i) / kGrid);
    if (d < best_d) best = i, best_d = d;
  }
  double a = std::max(0, best - 1) / static_cast<double>(kGrid);
  double b = std::min(kGrid, best + 1) / static_cast<double>(kGrid);
  constexpr double kPhi = 0.6180339887498949;
  double c = b - kPhi * (b - a), d = a + kPhi * (b - a);
  double fc = dist(c), fd = dist(d);
  for (int it = 0; it < 40; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - kPhi * (b - a), fc = dist(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + kPhi * (b - a), fd = dist(d);
    }
  }
  const double s = 0.5 * (a + b);
  ClosestApproach out{s, dist(s)};
  if (best_d < out.distance_m) out = {static_cast<double>(best) / kGrid, best_d};
  return out;
}

}  // namespace canopy::physics
