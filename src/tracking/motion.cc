#include "canopy/tracking/motion.h"

#include <algorithm>
#include <cmath>

#include "canopy/core/earth.h"
#include "canopy/physics/atmosphere.h"

namespace canopy::tracking {
namespace {

// Longest RK4 sub-step of the ballistic models.
constexpr double kMaxSubstep_s = 0.25;
// Altitude step of the central difference for d(drag)/d(altitude).
constexpr double kAltitudeStep_m = 5.0;

// Adds white-noise blocks for a chain x -> x' -> ... of the given order on
// each of three axes: components [base + axis + 3 k] for k = 0..order.
void add_white_noise(StateMat& Q, int order, double density, double dt) {
  // Integral of e^{A s} B B^T e^{A^T s} for an integrator chain.
  for (int i = 0; i <= order; ++i) {
    for (int j = 0; j <= order; ++j) {
      const int pi = order - i, pj = order - j;  // powers of dt
      double fact_i = 1, fact_j = 1;
      for (int k = 2; k <= pi; ++k) fact_i *= k;
      for (int k = 2; k <= pj; ++k) fact_j *= k;
      const double v = density * std::pow(dt, pi + pj + 1) / ((pi + pj + 1) * fact_i * fact_j);
      for (int axis = 0; axis < 3; ++axis) Q(3 * i + axis, 3 * j + axis) += v;
    }
  }
}

}  // namespace

double cd_slope(const physics::CdTable& t, double m) {
  if (t.mach.size() < 2 || m <= t.mach.front() || m >= t.mach.back()) return 0.0;
  const size_t i =
      static_cast<size_t>(std::upper_bound(t.mach.begin(), t.mach.end(), m) - t.mach.begin()) - 1;
  return (t.cd[i + 1] - t.cd[i]) / (t.mach[i + 1] - t.mach[i]);
}

// ---- constant velocity, constant acceleration ---------------------------

StateVec NearlyConstantModel::propagate(const StateVec& x, double dt, StateMat* F) const {
  // dt^n / n!, the integrator chain's coefficient n derivatives up (n <= 2).
  const auto coef = [dt](int n) { return n == 1 ? dt : 0.5 * dt * dt; };
  // Each derivative k but the last moves by the higher ones over dt.
  StateVec out = x;
  for (int k = 0; k < order_; ++k) {
    Vec3 step = coef(1) * x.segment<3>(3 * (k + 1));
    for (int j = k + 2; j <= order_; ++j) step += coef(j - k) * x.segment<3>(3 * j);
    out.segment<3>(3 * k) += step;
  }
  if (F) {
    F->setIdentity(dim(), dim());
    for (int k = 0; k < order_; ++k) {
      for (int j = k + 1; j <= order_; ++j)
        F->block<3, 3>(3 * k, 3 * j).diagonal().setConstant(coef(j - k));
    }
  }
  return out;
}

StateMat NearlyConstantModel::process_noise(const StateVec&, double dt) const {
  StateMat Q = StateMat::Zero(dim(), dim());
  add_white_noise(Q, order_, q_ * q_, dt);
  return Q;
}

// ---- ballistic ----------------------------------------------------------

BallisticModel::BallisticModel(physics::Environment env, physics::CdTable cd_shape, Thrust thrust,
                               Noise noise)
    : env_(std::move(env)), cd_(std::move(cd_shape)), thrust_(thrust), noise_(noise) {}

Vec3 BallisticModel::drag(const Vec3& /*p_W*/, const Vec3& v_W, double alt, double kd,
                          Eigen::Matrix3d* d_dv) const {
  if (!env_.air) {
    if (d_dv) d_dv->setZero();
    return Vec3::Zero();
  }
  const physics::AirSample air = physics::us76_air(alt);
  const core::Vec2 w = env_.wind.at(alt);
  const Vec3 u = v_W - Vec3(w.x(), w.y(), 0.0);
  const double speed = u.norm();
  const double mach = speed / air.speed_of_sound_mps;
  const double cd = cd_.at(mach);
  const double k = 0.5 * air.density_kgpm3 * kd;
  if (d_dv) {
    // d/du of -k cd(M) |u| u, with M = |u| / a.
    if (speed > 1e-9) {
      const Vec3 uh = u / speed;
      *d_dv =
          -k * (cd * (speed * Eigen::Matrix3d::Identity() + speed * uh * uh.transpose()) +
                cd_slope(cd_, mach) * speed * speed / air.speed_of_sound_mps * uh * uh.transpose());
    } else {
      d_dv->setZero();
    }
  }
  return -k * cd * speed * u;
}

StateVec BallisticModel::derivative(const StateVec& x, StateMat* A) const {
  const int n = dim();
  const Vec3 p = x.head<3>(), v = x.segment<3>(3);
  const double kd = x(6);
  const double alt = physics::altitude_m(env_, p);
  StateVec f = StateVec::Zero(n);
  f.head<3>() = v;
  Eigen::Matrix3d dd_dv;
  const Vec3 a_drag = drag(p, v, alt, kd, A ? &dd_dv : nullptr);
  Vec3 a = physics::gravity_W(env_, p) + a_drag;
  const double speed = v.norm();
  const bool thrusting = thrust_ == Thrust::kBoost && speed > 1e-9;
  if (thrusting) a += x(7) * v / speed;
  f.segment<3>(3) = a;
  if (!A) return f;

  A->setZero(n, n);
  A->block<3, 3>(0, 3).setIdentity();
  // Gravity gradient.
  if (env_.earth == physics::EarthModel::kSphere) {
    const Vec3 r = p - core::earth_centre_W();
    const double rn = r.norm();
    A->block<3, 3>(3, 0) = -core::kEarthGM_m3ps2 / (rn * rn * rn) *
                           (Eigen::Matrix3d::Identity() - 3.0 * r * r.transpose() / (rn * rn));
  }
  // Drag: through the altitude (density, speed of sound, wind) and velocity.
  if (env_.air) {
    const Vec3 up = env_.earth == physics::EarthModel::kSphere ? core::up_at(p) : Vec3::UnitZ();
    const Vec3 da_dh = (drag(p, v, alt + kAltitudeStep_m, kd, nullptr) -
                        drag(p, v, alt - kAltitudeStep_m, kd, nullptr)) /
                       (2 * kAltitudeStep_m);
    A->block<3, 3>(3, 0) += da_dh * up.transpose();
    A->block<3, 3>(3, 3) = dd_dv;
    A->block<3, 1>(3, 6) = kd != 0 ? Vec3(a_drag / kd) : drag(p, v, alt, 1.0, nullptr);
  }
  if (thrusting) {
    const Vec3 vh = v / speed;
    A->block<3, 3>(3, 3) += x(7) / speed * (Eigen::Matrix3d::Identity() - vh * vh.transpose());
    A->block<3, 1>(3, 7) = vh;
  }
  return f;
}

StateVec BallisticModel::propagate(const StateVec& x0, double dt, StateMat* F) const {
  const int n = dim();
  StateVec x = x0;
  if (thrust_ == Thrust::kCoast) x(7) = 0;
  if (F) F->setIdentity(n, n);
  if (thrust_ == Thrust::kCoast && F) (*F)(7, 7) = 0;
  if (dt <= 0) return x;
  const int steps = std::max(1, static_cast<int>(std::ceil(dt / kMaxSubstep_s - 1e-9)));
  const double h = dt / steps;
  StateMat A1, A2, A3, A4;
  for (int s = 0; s < steps; ++s) {
    if (!F) {
      const StateVec k1 = derivative(x, nullptr);
      const StateVec k2 = derivative(x + 0.5 * h * k1, nullptr);
      const StateVec k3 = derivative(x + 0.5 * h * k2, nullptr);
      const StateVec k4 = derivative(x + h * k3, nullptr);
      x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
      continue;
    }
    // RK4 on the state and on the variational equation dPhi/dt = A(x) Phi:
    // the Jacobian of exactly this discrete step.
    const StateMat& Phi = *F;
    const StateVec k1 = derivative(x, &A1);
    const StateMat K1 = A1 * Phi;
    const StateVec x2 = x + 0.5 * h * k1;
    const StateVec k2 = derivative(x2, &A2);
    const StateMat K2 = A2 * (Phi + 0.5 * h * K1);
    const StateVec x3 = x + 0.5 * h * k2;
    const StateVec k3 = derivative(x3, &A3);
    const StateMat K3 = A3 * (Phi + 0.5 * h * K2);
    const StateVec x4 = x + h * k3;
    const StateVec k4 = derivative(x4, &A4);
    const StateMat K4 = A4 * (Phi + h * K3);
    x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    *F += h / 6 * (K1 + 2 * K2 + 2 * K3 + K4);
  }
  return x;
}

StateMat BallisticModel::process_noise(const StateVec&, double dt) const {
  const int n = dim();
  StateMat Q = StateMat::Zero(n, n);
  add_white_noise(Q, 1, noise_.accel * noise_.accel, dt);
  const double kd_rate = noise_.kd_rel * noise_.kd_scale;
  Q(6, 6) = kd_rate * kd_rate * dt;
  if (thrust_ == Thrust::kBoost) {
    Q(7, 7) = noise_.thrust * noise_.thrust * dt;
  } else if (thrust_ == Thrust::kCoast) {
    Q(7, 7) = 1e-6;  // keeps the covariance positive definite
  }
  return Q;
}

}  // namespace canopy::tracking
