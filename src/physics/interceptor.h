// 3-DOF flight of a guided interceptor (docs/engage.md): the rocket's
// physics (gravity, US76 air, Mach-dependent drag, wind) with two
// differences. Thrust acts along the velocity; guidance adds a commanded
// lateral acceleration, perpendicular to the velocity and limited in size.
// The interceptor leaves its launcher along the launcher's pointing.
//
//   physics::GuidedFlight f = physics::GuidedFlight::launch(params, env, max_accel, p_W, dir_W,
//   t0); while (...) f.step(h, a_cmd_W);    // command held over the step physics::State s =
//   f.current();
#pragma once

#include "canopy/physics/flight.h"

namespace canopy::physics {

// The lateral part of a commanded acceleration: its component perpendicular
// to the velocity, scaled down to at most max_accel_mps2.
Vec3 lateral_accel_W(const Vec3& a_cmd_W, const Vec3& v_W, double max_accel_mps2);

// Total acceleration of an interceptor `tau_s` after ignition, with a
// lateral command already limited (lateral_accel_W).
Vec3 interceptor_accel_W(const Environment& env, const RocketParams& params, double tau_s,
                         const Vec3& p_W, const Vec3& v_W, const Vec3& a_lateral_W);

// Speed with which the interceptor leaves the launcher (along its pointing).
inline constexpr double kLauncherExitSpeed_mps = 1.0;

class GuidedFlight {
 public:
  // `autopilot_lag_s`: the airframe achieves the commanded acceleration
  // through a first-order lag of this time constant (0: at once).
  static GuidedFlight launch(const RocketParams& params, const Environment& env,
                             double max_accel_mps2, const Vec3& p_launch_W, const Vec3& dir_W,
                             double t_launch_s, double autopilot_lag_s = 0);

  // One RK4 step of length h. The achieved acceleration moves toward the
  // command through the autopilot lag (exactly, for a command held over
  // the step) and is then held over the step, its lateral part re-projected
  // on the velocity at every stage.
  void step(double h, const Vec3& a_cmd_W);

  const State& current() const { return now_; }
  const State& previous() const { return prev_; }
  double t_launch_s() const { return t_launch_s_; }
  double flight_time_s() const { return now_.t_s - t_launch_s_; }
  double altitude_m() const;
  bool burning() const { return flight_time_s() < params_.burn_time_s; }
  // Acceleration of the latest step's end (for dense output and tests).
  const Vec3& accel_W() const { return a_now_; }
  // Cubic Hermite state within the latest step.
  State state_at(double t_s) const;

 private:
  Vec3 accel(double t_s, const Vec3& p_W, const Vec3& v_W, const Vec3& a_cmd_W) const;
  RocketParams params_;
  Environment env_;
  double max_accel_mps2_ = 0;
  double autopilot_lag_s_ = 0;
  Vec3 a_achieved_W_ = Vec3::Zero();
  double t_launch_s_ = 0;
  State prev_, now_;
  Vec3 a_prev_ = Vec3::Zero(), a_now_ = Vec3::Zero();
};

// Closest approach of two bodies within one step of length h, from their
// relative position r and relative velocity w at the step's two ends
// (cubic Hermite in between): the fraction s in [0, 1] of the step and the
// distance there.
struct ClosestApproach {
  double s = 0;
  double distance_m = 0;
};
ClosestApproach closest_approach(const Vec3& r0, const Vec3& w0, const Vec3& r1, const Vec3& w1,
                                 double h);

}  // namespace canopy::physics
