// 3-DOF point-mass flight of rockets (and, in a later issue, interceptors):
// parameters, environment, the equations of motion as pure functions, and a
// fixed-step RK4 integrator that steps exactly to burnout and locates the
// ground impact by root finding (docs/physics.md).
//
//   physics::RocketParams rocket = ...;              // filled from the scenario
//   physics::Environment env;                        // curved Earth, air, no wind
//   physics::Flight f = physics::Flight::launch(rocket, env, p_launch_W, dir_W, t0);
//   while (!f.landed()) f.step();                    // or f.advance_to(t)
//   physics::State s = f.state_at(t);                // dense output in [t0, now]
//   physics::Impact hit = *f.impact();
#pragma once

#include <optional>
#include <vector>

#include "canopy/core/earth.h"

namespace canopy::physics {

using core::Vec2;
using core::Vec3;

// Drag coefficient against Mach number, interpolated linearly and clamped
// at the ends of the table. Mach values strictly increasing.
struct CdTable {
  std::vector<double> mach;
  std::vector<double> cd;
  double at(double mach_number) const;
};

struct RocketParams {
  double launch_mass_kg = 0;
  double propellant_mass_kg = 0;
  double burn_time_s = 0;
  double thrust_N = 0;
  double diameter_m = 0;
  CdTable cd;
  // Multiplies the whole Cd(Mach) curve; drawn per rocket from N(1, sigma).
  double cd_factor = 1.0;

  double reference_area_m2() const;
  // Mass at a time since ignition: falls linearly over the burn.
  double mass_kg(double time_since_ignition_s) const;
};

// Wind in the frame's east/north axes, linear in altitude, clamped at the
// ends of the profile. An empty profile means calm air.
struct WindProfile {
  std::vector<double> alt_m;
  std::vector<Vec2> wind_en_mps;
  Vec2 at(double altitude_m) const;
};

enum class EarthModel {
  kSphere,      // the normative model: central gravity, spherical ground
  kFlatUniform  // test configuration: g = 9.80665 m/s^2 along -U, ground u = 0
};

struct Environment {
  EarthModel earth = EarthModel::kSphere;
  bool air = true;  // false: vacuum (no drag)
  WindProfile wind;
};

// Truth kinematic state in the world frame.
struct State {
  double t_s = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
};

// Altitude under the chosen Earth model.
double altitude_m(const Environment& env, const Vec3& p_W);
// Gravitational acceleration under the chosen Earth model.
Vec3 gravity_W(const Environment& env, const Vec3& p_W);
// Drag acceleration on a body of the given mass; zero in vacuum.
Vec3 drag_accel_W(const Environment& env, const RocketParams& rocket, const Vec3& p_W,
                  const Vec3& v_W, double mass_kg);
// Total acceleration of a rocket `time_since_ignition_s` after ignition,
// thrusting along `thrust_dir_W` (unit) while the motor burns.
Vec3 rocket_accel_W(const Environment& env, const RocketParams& rocket, const Vec3& thrust_dir_W,
                    double time_since_ignition_s, const Vec3& p_W, const Vec3& v_W);

struct Impact {
  double t_s = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
};

struct IntegratorOptions {
  double boost_step_s = 0.02;  // step while the motor burns
  double coast_step_s = 0.5;   // step after burnout
  double max_flight_s = 3600;  // safety stop
};

// One rocket in flight: its RK4 trajectory, kept as the current step's two
// ends for dense (cubic Hermite) output.
class Flight {
 public:
  static Flight launch(const RocketParams& rocket, const Environment& env, const Vec3& p_launch_W,
                       const Vec3& dir_W, double t_launch_s, IntegratorOptions opts = {});
  // A flight already past burnout, coasting from the given state (the
  // rocket's burnout mass and drag apply).
  static Flight coast_from(const RocketParams& rocket, const Environment& env, const State& state,
                           IntegratorOptions opts = {});

  // Takes one integrator step (shortened to land exactly on burnout, and
  // ending at the ground impact if the step crosses the ground).
  void step();
  // Steps until the trajectory covers time t (or the rocket has landed).
  void advance_to(double t_s);
  // Flies to the ground.
  const Impact& fly_to_ground();

  bool landed() const { return impact_.has_value(); }
  const std::optional<Impact>& impact() const { return impact_; }
  // State at the end of the latest step.
  const State& current() const { return now_; }
  double t_launch_s() const { return t_launch_s_; }
  // Dense output for t within the latest step [previous().t_s, current().t_s].
  State state_at(double t_s) const;
  // As state_at, for a caller that lazy stepping may have carried past t_s:
  // outside the latest step the position and velocity are those of its
  // nearer end (off by up to one step), stamped t_s.
  State state_at_clamped(double t_s) const;
  const State& previous() const { return prev_; }
  // Highest altitude reached at a step end so far.
  double max_altitude_m() const { return max_altitude_m_; }

 private:
  enum class Phase { kBoost, kCoast };
  Flight() = default;
  bool boosting(double t_s) const;
  Vec3 accel(Phase phase, double t_s, const Vec3& p_W, const Vec3& v_W) const;
  State rk4(Phase phase, const State& s, const Vec3& a0, double h) const;
  State locate_impact(Phase phase, const Vec3& a0, double h);

  RocketParams rocket_;
  Environment env_;
  IntegratorOptions opts_;
  Vec3 thrust_dir_W_ = Vec3::UnitZ();
  double t_launch_s_ = 0;
  State prev_, now_;
  Vec3 a_prev_ = Vec3::Zero(), a_now_ = Vec3::Zero();
  std::optional<Impact> impact_;
  double max_altitude_m_ = 0;
  Phase a_now_phase_ = Phase::kBoost;
};

}  // namespace canopy::physics
