#include "canopy/engage/guidance.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace canopy::engage {
namespace {

// Alpha-beta gains of the terminal filter, per seeker measurement (every
// guidance step): they trade the seeker's angle noise against lag.
constexpr double kAlpha = 0.35;
constexpr double kBeta = 0.06;

Vec3 gravity_at(const Vec3& p_W) { return physics::gravity_W(physics::Environment{}, p_W); }

}  // namespace

Vec3 pn_accel_W(const Vec3& r_W, const Vec3& w_W, double n) {
  const double r2 = r_W.squaredNorm();
  if (r2 <= 0) return Vec3::Zero();
  const double r = std::sqrt(r2);
  const Vec3 u = r_W / r;
  const Vec3 omega = r_W.cross(w_W) / r2;
  const double closing = -r_W.dot(w_W) / r;
  return n * closing * omega.cross(u);
}

Guidance::Guidance(const scenario::InterceptorType& type, double navigation_constant)
    : navigation_constant_(navigation_constant), seeker_range_m_(type.seeker.range_m) {}

void Guidance::uplink(const TargetState& target) { target_ = target; }

Vec3 Guidance::predicted_target_W(double t_s) const {
  if (!target_) return Vec3::Zero();
  const double dt = t_s - target_->t_s;
  return target_->p_W + dt * target_->v_W + 0.5 * dt * dt * gravity_at(target_->p_W);
}

Vec3 Guidance::predicted_target_velocity_W(double t_s) const {
  if (!target_) return Vec3::Zero();
  return target_->v_W + (t_s - target_->t_s) * gravity_at(target_->p_W);
}

bool Guidance::in_seeker_range(double t_s, const Vec3& own_p_W) const {
  return target_ && (predicted_target_W(t_s) - own_p_W).norm() <= seeker_range_m_;
}

double Guidance::match_chi2(double t_s, const Vec3& p_W, const Vec3& v_W) const {
  if (!target_) return std::numeric_limits<double>::infinity();
  const double dt = t_s - target_->t_s;
  Eigen::Matrix<double, 6, 6> F = Eigen::Matrix<double, 6, 6>::Identity();
  F.topRightCorner<3, 3>() = dt * Eigen::Matrix3d::Identity();
  Eigen::Matrix<double, 6, 6> S = F * target_->P_pv * F.transpose();
  S.diagonal().head<3>().array() += kSeekerMatchFloor_m * kSeekerMatchFloor_m;
  S.diagonal().tail<3>().array() += kSeekerMatchFloor_mps * kSeekerMatchFloor_mps;
  Eigen::Matrix<double, 6, 1> d;
  d << p_W - predicted_target_W(t_s), v_W - predicted_target_velocity_W(t_s);
  return d.dot(S.ldlt().solve(d));
}

void Guidance::seeker(double t_s, const Vec3& los_unit_W, const physics::State& own,
                      const Vec3& a_own_W) {
  // The range comes from the uplinked track, the direction from the seeker.
  const Vec3 r_uplink = predicted_target_W(t_s) - own.p_W;
  const Vec3 z = r_uplink.norm() * los_unit_W;
  if (!terminal_) {
    terminal_ = true;
    t_rel_s_ = t_s;
    r_W_ = z;
    w_W_ = predicted_target_velocity_W(t_s) - own.v_W;
    return;
  }
  const double dt = t_s - t_rel_s_;
  // Both fall under gravity; the interceptor's own acceleration is known.
  const Vec3 a_rel = gravity_at(own.p_W) - a_own_W;
  const Vec3 r_pred = r_W_ + dt * w_W_ + 0.5 * dt * dt * a_rel;
  const Vec3 w_pred = w_W_ + dt * a_rel;
  const Vec3 innovation = z - r_pred;
  r_W_ = r_pred + kAlpha * innovation;
  w_W_ = w_pred + (dt > 0 ? kBeta / dt : 0.0) * innovation;
  t_rel_s_ = t_s;
}

Vec3 Guidance::command(double t_s, const physics::State& own) const {
  if (own.v_W.norm() < kGuidanceMinSpeed_mps) return Vec3::Zero();
  if (terminal_) {
    const double dt = t_s - t_rel_s_;
    return pn_accel_W(r_W_ + dt * w_W_, w_W_, navigation_constant_);
  }
  if (!target_) return Vec3::Zero();
  return pn_accel_W(predicted_target_W(t_s) - own.p_W, predicted_target_velocity_W(t_s) - own.v_W,
                    navigation_constant_);
}

}  // namespace canopy::engage
