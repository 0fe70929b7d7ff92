// Interceptor guidance and lethality (docs/engage.md).
//
// Midcourse: true proportional navigation on the battle manager's uplinked
// track of the target, a = N Vc (Omega x u) with u the line of sight, Omega
// its rotation rate and Vc the closing speed; N = kNavigationConstant.
// Terminal: inside the seeker's range the line of sight comes from the
// seeker's own noisy angle measurements, smoothed with an alpha-beta filter
// on the relative position (range from the uplinked track, direction from
// the seeker; the interceptor's own acceleration is known from its inertial
// unit).
//
//   engage::Guidance g(type);
//   g.uplink({t, p_W, v_W});                     // at the radar's update rate
//   if (g.terminal()) g.seeker(t, los_unit_W, own, a_own_W);
//   Vec3 a_cmd = g.command(t, own_state);
#pragma once

#include <optional>

#include "canopy/core/earth.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"

namespace canopy::engage {

using core::Vec3;

// The chi-square gate on [p, v] (6 degrees of freedom, probability 0.9999)
// within which two estimates are taken for the same object.
inline constexpr double kSameObjectChi2 = 27.856;
// The seeker locks on the object whose position and velocity best match
// the uplinked track (smallest chi-square with the track's covariance,
// carried to the lock time, plus kSeekerMatchFloor_m / _mps per axis), if
// that match is within kSameObjectChi2, and holds it.
inline constexpr double kSeekerMatchFloor_m = 15;
inline constexpr double kSeekerMatchFloor_mps = 8;

// Navigation constant of the proportional navigation law.
inline constexpr double kNavigationConstant = 4.0;
// Guidance starts once the interceptor is this fast: before, it flies
// along the launcher's pointing (proportional navigation at low speed
// would turn it far off the collision course).
inline constexpr double kGuidanceMinSpeed_mps = 300;

// True proportional navigation: the acceleration command for relative
// position r = target - interceptor and relative velocity w.
Vec3 pn_accel_W(const Vec3& r_W, const Vec3& w_W, double navigation_constant);

// The target as the battle manager's track gives it, with the track's
// covariance of [p, v] (for the seeker to pick the object that matches).
struct TargetState {
  double t_s = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
  Eigen::Matrix<double, 6, 6> P_pv = Eigen::Matrix<double, 6, 6>::Identity();
};

// The interceptor's onboard guidance computer.
class Guidance {
 public:
  explicit Guidance(const scenario::InterceptorType& type,
                    double navigation_constant = kNavigationConstant);

  // A new track state of the target from the battle manager.
  void uplink(const TargetState& target);
  bool has_target() const { return target_.has_value(); }
  // The target's position predicted from the latest uplink (gravity only).
  Vec3 predicted_target_W(double t_s) const;
  Vec3 predicted_target_velocity_W(double t_s) const;

  // Whether the target (as predicted) is inside the seeker's range.
  bool in_seeker_range(double t_s, const Vec3& own_p_W) const;
  // How well an object at (p_W, v_W) at t_s matches the uplinked target: a
  // chi-square on 6 degrees of freedom (infinite without an uplink).
  double match_chi2(double t_s, const Vec3& p_W, const Vec3& v_W) const;
  // One seeker measurement: the unit line of sight to the target (noisy).
  void seeker(double t_s, const Vec3& los_unit_W, const physics::State& own, const Vec3& a_own_W);
  bool terminal() const { return terminal_; }

  // The acceleration command (lateral limiting is the airframe's).
  Vec3 command(double t_s, const physics::State& own) const;

 private:
  double navigation_constant_;
  double seeker_range_m_;
  std::optional<TargetState> target_;
  bool terminal_ = false;
  // Terminal filter: relative position and velocity at t_rel_s_.
  double t_rel_s_ = 0;
  Vec3 r_W_ = Vec3::Zero(), w_W_ = Vec3::Zero();
};

}  // namespace canopy::engage
