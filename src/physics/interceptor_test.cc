#include "canopy/physics/interceptor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "canopy/physics/examples.h"

namespace canopy::physics {
namespace {

RocketParams motor() { return example_interceptor(); }

// Vacuum over a flat Earth with uniform gravity: the closed forms' world.
Environment vacuum() {
  Environment env;
  env.earth = EarthModel::kFlatUniform;
  env.air = false;
  return env;
}

// The motor with its thrust off: a coasting airframe.
RocketParams coasting() {
  RocketParams p = motor();
  p.thrust_N = 0;
  return p;
}

TEST(LateralAccel, IsPerpendicularToTheVelocityAndLimited) {
  const Vec3 v(100, 0, 0);
  const Vec3 a = lateral_accel_W(Vec3(50, 300, 400), v, 294.2);
  EXPECT_NEAR(a.dot(v), 0, 1e-9);
  EXPECT_NEAR(a.norm(), 294.2, 1e-9);
  EXPECT_NEAR(a.y() / a.z(), 0.75, 1e-12);  // direction kept
  EXPECT_NEAR(lateral_accel_W(Vec3(0, 3, 4), v, 294.2).norm(), 5, 1e-12);
}

TEST(GuidedFlight, VerticalBurnInVacuumMatchesTheRocketEquation) {
  // Thrust along the velocity keeps a vertical launch vertical; in vacuum
  // and uniform gravity the burnout speed is the exit speed plus
  // F T / mp ln(m0 / m1) - g T.
  const Environment env = vacuum();
  const RocketParams p = motor();
  auto f = GuidedFlight::launch(p, env, 300, Vec3::Zero(), Vec3::UnitZ(), 0);
  while (f.flight_time_s() < p.burn_time_s - 1e-9) f.step(0.001, Vec3::Zero());
  const double expected =
      kLauncherExitSpeed_mps +
      p.thrust_N * p.burn_time_s / p.propellant_mass_kg *
          std::log(p.launch_mass_kg / (p.launch_mass_kg - p.propellant_mass_kg)) -
      9.80665 * p.burn_time_s;
  EXPECT_NEAR(f.current().v_W.z(), expected, 0.01);
  EXPECT_NEAR(f.current().v_W.head<2>().norm(), 0, 1e-9);
}

TEST(GuidedFlight, LateralCommandDoesNoWork) {
  // In vacuum with no thrust and uniform gravity, a lateral command turns
  // the velocity but keeps the speed that gravity alone would give.
  const Environment env = vacuum();
  const RocketParams p = coasting();
  auto free = GuidedFlight::launch(p, env, 1000, Vec3::Zero(), Vec3::UnitX(), 0);
  auto turning = free;
  for (int i = 0; i < 200; ++i) {
    free.step(0.01, Vec3::Zero());
    const Vec3 v = turning.current().v_W;
    turning.step(0.01, 0.2 * Vec3(-v.y(), v.x(), 0).normalized());
  }
  // (The command is held over each step: a 2e-6 relative speed error.)
  EXPECT_NEAR(turning.current().v_W.norm(), free.current().v_W.norm(), 1e-4);
  EXPECT_NEAR(turning.current().v_W.y(), std::sin(0.4), 1e-3);  // turned 0.2 rad/s for 2 s
}

TEST(GuidedFlight, AutopilotLagIsFirstOrder) {
  // A horizontal command on a vertical flight: after one time constant the
  // airframe achieves 1 - 1/e of it.
  const Environment env = vacuum();
  const RocketParams p = coasting();
  const double tau = 0.15;
  auto f = GuidedFlight::launch(p, env, 1000, Vec3::Zero(), Vec3::UnitZ(), 0, tau);
  // (A small command: the 1 m/s exit speed must stay nearly vertical.)
  for (int i = 0; i < 15; ++i) f.step(0.01, Vec3(1e-3, 0, 0));
  EXPECT_NEAR(f.accel_W().x(), 1e-3 * (1 - std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(f.accel_W().z(), -9.80665, 1e-6);
}

TEST(ClosestApproach, MatchesTheClosedFormForStraightLines) {
  // Relative motion at constant velocity: r(t) = r0 + w t, closest at
  // t* = -r0.w / |w|^2.
  const Vec3 r0(-1000, 3, -2), w(2000, 0.5, 1);
  const double h = 1.0;
  const ClosestApproach ca = closest_approach(r0, w, r0 + h * w, w, h);
  const double t_star = -r0.dot(w) / w.squaredNorm();
  EXPECT_NEAR(ca.s * h, t_star, 1e-7);
  EXPECT_NEAR(ca.distance_m, (r0 + t_star * w).norm(), 1e-6);
}

}  // namespace
}  // namespace canopy::physics
