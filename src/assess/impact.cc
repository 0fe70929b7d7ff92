#include "canopy/assess/impact.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "canopy/core/random.h"
#include "canopy/physics/atmosphere.h"

namespace canopy::assess {
namespace {

using Vec6 = Eigen::Matrix<double, 6, 1>;
// The augmented state of the unscented transform: [p, v, kd, wind error e, n].
constexpr int kAug = 9;
using VecA = Eigen::Matrix<double, kAug, 1>;
using MatA = Eigen::Matrix<double, kAug, kAug>;

// d[p, v]/dt under gravity and drag (the physics module's Earth and air).
Vec6 derivative(const physics::Environment& env, const physics::CdTable& cd, double kd,
                const Vec2& wind_error, const Vec6& s) {
  const Vec3 p = s.head<3>(), v = s.tail<3>();
  Vec6 f;
  f.head<3>() = v;
  Vec3 a = physics::gravity_W(env, p);
  if (env.air) {
    const double alt = physics::altitude_m(env, p);
    const physics::AirSample air = physics::us76_air(alt);
    const Vec2 w = env.wind.at(alt) + wind_error;
    const Vec3 u = v - Vec3(w.x(), w.y(), 0.0);
    const double speed = u.norm();
    a -= (0.5 * air.density_kgpm3 * kd * cd.at(speed / air.speed_of_sound_mps) * speed) * u;
  }
  f.tail<3>() = a;
  return f;
}

// A symmetric square root, tolerant of a covariance that is only
// semi-definite after rounding: eigenvalues floored at zero.
template <int N>
Eigen::Matrix<double, N, N> sqrt_psd(const Eigen::Matrix<double, N, N>& P) {
  const Eigen::Matrix<double, N, N> S = 0.5 * (P + P.transpose());
  Eigen::LLT<Eigen::Matrix<double, N, N>> llt(S);
  if (llt.info() == Eigen::Success) return llt.matrixL();
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> es(S);
  return es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

VecA augment(const Vec7& x) {
  VecA a = VecA::Zero();
  a.head<7>() = x;
  return a;
}

MatA augment(const Mat7& P, double wind_sigma) {
  MatA A = MatA::Zero();
  A.topLeftCorner<7, 7>() = P;
  A(7, 7) = A(8, 8) = wind_sigma * wind_sigma;
  return A;
}

// Mean and covariance of ground points (e, n, t), equal weights.
void moments(const std::vector<Eigen::Vector3d>& pts, ImpactPrediction& ip) {
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  for (const auto& q : pts) mean += q;
  mean /= static_cast<double>(pts.size());
  Eigen::Matrix3d C = Eigen::Matrix3d::Zero();
  for (const auto& q : pts) C += (q - mean) * (q - mean).transpose();
  C /= static_cast<double>(pts.size());
  ip.p_en_m = mean.head<2>();
  ip.cov_en_m2 = C.topLeftCorner<2, 2>();
  ip.t_impact_s = mean.z();
  ip.sigma_t_impact_s = std::sqrt(C(2, 2));
}

}  // namespace

physics::RocketParams drag_body(double kd, const physics::CdTable& cd) {
  physics::RocketParams body;
  body.launch_mass_kg = 1;
  body.diameter_m = std::sqrt(4 * std::max(0.0, kd) / 3.14159265358979323846);
  body.cd = cd;
  return body;
}

std::optional<GroundPoint> fly_to_ground(const physics::Environment& env,
                                         const physics::CdTable& cd, const Vec7& x, double t0,
                                         const Vec2& wind_error, double h, double horizon_s) {
  const double kd = std::max(0.0, x(6));
  Vec6 s = x.head<6>();
  double alt = physics::altitude_m(env, s.head<3>());
  if (alt <= 0) return GroundPoint{s.head<3>(), t0};
  Vec6 f = derivative(env, cd, kd, wind_error, s);
  for (double t = t0; t - t0 < horizon_s; t += h) {
    const Vec6 k2 = derivative(env, cd, kd, wind_error, s + 0.5 * h * f);
    const Vec6 k3 = derivative(env, cd, kd, wind_error, s + 0.5 * h * k2);
    const Vec6 k4 = derivative(env, cd, kd, wind_error, s + h * k3);
    const Vec6 next = s + h / 6 * (f + 2 * k2 + 2 * k3 + k4);
    const Vec6 f_next = derivative(env, cd, kd, wind_error, next);
    const double alt_next = physics::altitude_m(env, next.head<3>());
    if (alt_next <= 0) {
      // The crossing on the step's cubic Hermite interpolant (positions and
      // velocities at both ends), by regula falsi (Illinois).
      auto at = [&](double u) -> Vec3 {
        const double u2 = u * u, u3 = u2 * u;
        return (2 * u3 - 3 * u2 + 1) * s.head<3>() + (u3 - 2 * u2 + u) * h * s.tail<3>() +
               (-2 * u3 + 3 * u2) * next.head<3>() + (u3 - u2) * h * next.tail<3>();
      };
      double lo = 0, hi = 1, g_lo = alt, g_hi = alt_next, u = 1;
      int side = 0;
      for (int it = 0; it < 60; ++it) {
        u = g_lo == g_hi ? 0.5 * (lo + hi)
                         : std::clamp((lo * g_hi - hi * g_lo) / (g_hi - g_lo), lo, hi);
        const double g = physics::altitude_m(env, at(u));
        if (std::abs(g) < 1e-3 || hi - lo < 1e-12) break;
        if ((g <= 0) == (g_hi <= 0)) {
          hi = u, g_hi = g;
          if (side == -1) g_lo *= 0.5;
          side = -1;
        } else {
          lo = u, g_lo = g;
          if (side == +1) g_hi *= 0.5;
          side = +1;
        }
      }
      return GroundPoint{at(u), t + u * h};
    }
    s = next;
    f = f_next;
    alt = alt_next;
  }
  return std::nullopt;
}

core::Result<ImpactPrediction> ImpactPredictor::predict(const BallisticEstimate& est) const {
  if (!est.x.allFinite() || !est.P.allFinite())
    return core::fail("impact prediction: the track's estimate is not finite");
  auto ip =
      config_.method == PredictorConfig::Method::kUnscented ? unscented(est) : monte_carlo(est);
  if (ip) add_process_noise(*ip);
  return ip;
}

core::Result<ImpactPrediction> ImpactPredictor::unscented(const BallisticEstimate& est) const {
  // Sigma points x +- sqrt(n) L e_i (kappa = 0, equal weights 1 / 2n): the
  // mean and covariance of the ground points are exact to second order.
  const VecA mean = augment(est.x);
  const MatA L = sqrt_psd<kAug>(augment(est.P, config_.wind_error_sigma_mps));
  const double scale = std::sqrt(static_cast<double>(kAug));
  std::vector<Eigen::Vector3d> pts;
  pts.reserve(2 * kAug);
  ImpactPrediction ip;
  ip.t_s = est.t_s;
  for (int i = 0; i < kAug; ++i) {
    for (int sign : {+1, -1}) {
      const VecA a = mean + sign * scale * L.col(i);
      const auto g = fly_to_ground(config_.environment, est.cd, a.head<7>(), est.t_s, a.tail<2>(),
                                   config_.step_s, config_.horizon_s);
      if (!g) {
        ++ip.lost;
        continue;
      }
      pts.emplace_back(g->p_W.x(), g->p_W.y(), g->t_s);
    }
  }
  if (ip.lost > 0)
    return core::fail(
        fmt::format("impact prediction: {} of {} sigma points did not reach the "
                    "ground within {:.0f} s",
                    ip.lost, 2 * kAug, config_.horizon_s));
  moments(pts, ip);
  return ip;
}

core::Result<ImpactPrediction> ImpactPredictor::monte_carlo(const BallisticEstimate& est) const {
  const VecA mean = augment(est.x);
  const MatA L = sqrt_psd<kAug>(augment(est.P, config_.wind_error_sigma_mps));
  core::Stream rng(config_.seed, core::tag("impact-mc"));
  physics::IntegratorOptions opts;
  opts.max_flight_s = config_.horizon_s;
  std::vector<Eigen::Vector3d> pts;
  ImpactPrediction ip;
  ip.t_s = est.t_s;
  for (int k = 0; k < config_.samples; ++k) {
    VecA z;
    for (int i = 0; i < kAug; ++i) z(i) = rng.normal();
    const VecA a = mean + L * z;
    const physics::RocketParams body = drag_body(a(6), est.cd);
    physics::Environment env = config_.environment;
    if (env.wind.alt_m.empty()) {
      env.wind.alt_m = {0.0};
      env.wind.wind_en_mps = {Vec2::Zero()};
    }
    for (Vec2& w : env.wind.wind_en_mps) w += a.tail<2>();
    const physics::State start{est.t_s, a.head<3>(), a.segment<3>(3)};
    if (physics::altitude_m(env, start.p_W) <= 0) {
      pts.emplace_back(start.p_W.x(), start.p_W.y(), start.t_s);
      continue;
    }
    physics::Flight f = physics::Flight::coast_from(body, env, start, opts);
    const physics::Impact& hit = f.fly_to_ground();
    if (physics::altitude_m(env, hit.p_W) > 1.0) {
      ++ip.lost;
      continue;
    }
    pts.emplace_back(hit.p_W.x(), hit.p_W.y(), hit.t_s);
  }
  if (pts.empty()) return core::fail("impact prediction: no sample reached the ground");
  moments(pts, ip);
  return ip;
}

void ImpactPredictor::add_process_noise(ImpactPrediction& ip) const {
  // White acceleration noise of density q^2 over the time to go T moves the
  // ground point by q^2 T^3 / 3 per horizontal axis (double integral).
  const double T = std::max(0.0, ip.t_impact_s - ip.t_s);
  const double q2 = config_.process_noise_mps2 * config_.process_noise_mps2;
  ip.cov_en_m2.diagonal().array() += q2 * T * T * T / 3;
}

}  // namespace canopy::assess
