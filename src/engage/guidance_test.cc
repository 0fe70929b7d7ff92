#include "canopy/engage/guidance.h"

#include <gtest/gtest.h>

#include <cmath>

#include "canopy/core/random.h"
#include "canopy/engage/flyout.h"
#include "canopy/physics/examples.h"
#include "canopy/physics/interceptor.h"

namespace canopy::engage {
namespace {

scenario::InterceptorType generic() {
  scenario::InterceptorType t;
  t.name = "generic";
  t.params = physics::example_interceptor();
  return t;
}

struct Engagement {
  double miss_m = 1e9;
  double t_s = 0;
};

// Flies the generic interceptor at a target moving at constant velocity
// (flat Earth, no air: the closed-form target), the guidance fed with the
// target's state every `uplink_s` (plus noise) and, inside the seeker's
// range, with seeker angles of the given noise.
Engagement engage(const Vec3& target_p0, const Vec3& target_v, double uplink_sigma_m,
                  double seeker_sigma_rad, core::Stream& rng, bool use_seeker = true) {
  scenario::InterceptorType type = generic();
  type.seeker.sigma_rad = seeker_sigma_rad;
  physics::Environment env;
  env.earth = physics::EarthModel::kFlatUniform;
  env.air = false;
  Guidance g(type);
  auto target_at = [&](double t) { return Vec3(target_p0 + t * target_v); };
  const double h = kGuidanceStep_s;
  const Vec3 launcher = Vec3::Zero();
  // Launch toward the target's position 8 s later (a rough intercept point).
  Vec3 dir = (target_at(8.0) - launcher).normalized();
  auto f = physics::GuidedFlight::launch(type.params, env, type.max_accel_mps2, launcher, dir, 0,
                                         type.autopilot_lag_s);
  Engagement e;
  Vec3 r_prev = target_at(0) - f.current().p_W, w_prev = target_v - f.current().v_W;
  double next_uplink = 0;
  while (f.flight_time_s() < type.max_flight_s) {
    const double t = f.current().t_s;
    if (t >= next_uplink - 1e-9) {
      // The track: the truth plus noise, and gravity-free motion is what
      // the target does (the guidance's gravity term is a small bias).
      const Vec3 noise = uplink_sigma_m * Vec3(rng.normal(), rng.normal(), rng.normal());
      g.uplink({t, target_at(t) + noise, target_v});
      next_uplink += 0.25;
    }
    if (use_seeker && g.in_seeker_range(t, f.current().p_W)) {
      Vec3 los = (target_at(t) - f.current().p_W).normalized();
      los += seeker_sigma_rad * Vec3(rng.normal(), rng.normal(), rng.normal());
      g.seeker(t, los.normalized(), f.current(), f.accel_W());
    }
    f.step(h, g.command(t, f.current()));
    const Vec3 r = target_at(f.current().t_s) - f.current().p_W;
    const Vec3 w = target_v - f.current().v_W;
    if (r.dot(w) > 0 && f.flight_time_s() > 1) {
      const physics::ClosestApproach ca = physics::closest_approach(r_prev, w_prev, r, w, h);
      e.miss_m = ca.distance_m;
      e.t_s = f.previous().t_s + ca.s * h;
      return e;
    }
    r_prev = r;
    w_prev = w;
  }
  return e;
}

TEST(ProportionalNavigation, CommandIsNormalToTheLineOfSightAndScalesWithN) {
  const Vec3 r(1000, 0, 0), w(-800, 40, 0);
  const Vec3 a3 = pn_accel_W(r, w, 3), a4 = pn_accel_W(r, w, 4);
  EXPECT_NEAR(a3.dot(r), 0, 1e-9);
  EXPECT_NEAR(a4.norm() / a3.norm(), 4.0 / 3.0, 1e-12);
  // Closed form: N Vc lambda_dot with lambda_dot = 40 / 1000 and Vc = 800.
  EXPECT_NEAR(a3.y(), 3 * 800 * 0.04, 1e-9);
}

TEST(ProportionalNavigation, HitsAConstantVelocityTargetWithPerfectTrack) {
  core::Stream rng(1);
  // A rocket 9 km out at 3 km altitude, coming in at 700 m/s.
  const Engagement e = engage({9000, 2000, 5000}, {-600, -100, -250}, 0, 0, rng, false);
  EXPECT_LT(e.miss_m, 1.0) << e.t_s;
  EXPECT_GT(e.t_s, 3);
  EXPECT_LT(e.t_s, 15);
}

TEST(ProportionalNavigation, SeekerCutsTheMissOfANoisyTrack) {
  // An uplinked track with 20 m noise alone misses by about that much; the
  // seeker's 1 mrad angles bring the miss inside the lethal radius.
  int uplink_hits = 0, seeker_hits = 0;
  const int n = 40;
  for (int i = 0; i < n; ++i) {
    core::Stream a(7, i), b(7, i);
    const Vec3 p0(8000 + 100 * i, -1500, 3500), v(-550, 80, -300);
    if (engage(p0, v, 20, 1e-3, a, false).miss_m <= 8) ++uplink_hits;
    if (engage(p0, v, 20, 1e-3, b, true).miss_m <= 8) ++seeker_hits;
  }
  EXPECT_GE(seeker_hits, 36) << "uplink only: " << uplink_hits;
  EXPECT_GT(seeker_hits, uplink_hits + 8);
}

TEST(FlyoutTable, AgreesWithDirectFlyouts) {
  const scenario::InterceptorType type = generic();
  const FlyoutTable& table = flyout_table(type);
  EXPECT_GT(table.max_reach_m(), 8000);
  core::Stream rng(3);
  int compared = 0;
  for (int i = 0; i < 30; ++i) {
    const double range = rng.uniform(1000, table.max_reach_m() * 0.8);
    const double alt = rng.uniform(500, 9000);
    const double az = rng.uniform(0, 6.283);
    const core::Vec2 en(range * std::sin(az), range * std::cos(az));
    const Vec3 ground = core::ground_point(en);
    const auto direct = fly_to_point(type, core::ground_point(core::Vec2::Zero()),
                                     ground + alt * core::up_at(ground));
    const auto tab = table.at(range, alt);
    if (!direct || !tab) continue;
    ++compared;
    EXPECT_NEAR(tab->t_s, direct->t_s, 0.02 * direct->t_s + 0.1) << range << " m, " << alt << " m";
    EXPECT_NEAR(tab->speed_mps, direct->speed_mps, 0.03 * direct->speed_mps)
        << range << " m, " << alt << " m";
  }
  EXPECT_GE(compared, 20);
  // Out of the table: nothing.
  EXPECT_FALSE(table.at(table.grid().max_range_m + 1000, 1000));
}

TEST(FlyoutTable, ReachesLowInterceptPointsWithAnAutopilotLag) {
  // An airframe with a lag dips below the ground flying at some ground-level
  // points; the table's lowest row lies above the ground, and one
  // unreachable node does not end a row (both once cut every low intercept
  // beyond 3 km).
  scenario::InterceptorType type = generic();
  type.autopilot_lag_s = 0.15;
  const FlyoutTable& table = flyout_table(type);
  for (double range = 2000; range <= 10000; range += 1000) {
    for (double alt : {150.0, 600.0, 900.0}) {
      const auto tab = table.at(range, alt);
      ASSERT_TRUE(tab.has_value()) << range << " m, " << alt << " m";
      const Vec3 ground = core::ground_point(core::Vec2(range, 0));
      const auto direct = fly_to_point(type, core::ground_point(core::Vec2::Zero()),
                                       ground + alt * core::up_at(ground));
      ASSERT_TRUE(direct.has_value()) << range << " m, " << alt << " m";
      EXPECT_NEAR(tab->t_s, direct->t_s, 0.03 * direct->t_s + 0.1)
          << range << " m, " << alt << " m";
    }
  }
  EXPECT_FALSE(table.at(5000, 50));  // below the lowest row
}

TEST(LaunchDirection, IsRaisedToTwentyDegrees) {
  const Vec3 launcher = core::ground_point(core::Vec2::Zero());
  const Vec3 far = core::ground_point(core::Vec2(10000, 0)) + 500 * Vec3::UnitZ();
  const Vec3 d = launch_direction_W(launcher, far);
  EXPECT_NEAR(std::asin(d.dot(core::up_at(launcher))), kMinLaunchElevation_rad, 1e-9);
  const Vec3 high = core::ground_point(core::Vec2(1000, 0)) + 5000 * Vec3::UnitZ();
  EXPECT_NEAR((launch_direction_W(launcher, high) - (high - launcher).normalized()).norm(), 0,
              1e-12);
}

}  // namespace
}  // namespace canopy::engage
