#include "canopy/physics/ballistics.h"

#include <gtest/gtest.h>

#include "canopy/core/random.h"
#include "canopy/core/units.h"
#include "canopy/physics/examples.h"

namespace canopy::physics {
namespace {

TEST(Ballistics, MediumReaches21To24KmIn70To85Seconds) {
  // Public sources give 20-ish km for 122 mm-class rockets.
  const ReachBand band = reach_band(example_medium_rocket(), Environment{});
  const RangePoint best =
      fly_range_point(example_medium_rocket(), Environment{}, band.max_range_elevation_rad);
  EXPECT_GE(best.range_m, 21000);
  EXPECT_LE(best.range_m, 24000);
  EXPECT_GE(best.flight_time_s, 70);
  EXPECT_LE(best.flight_time_s, 85);
  EXPECT_NEAR(core::rad_to_deg(band.max_range_elevation_rad), 45, 10);
}

TEST(Ballistics, RangeGrowsAlongTheLowBranch) {
  const ReachBand band = reach_band(example_medium_rocket(), Environment{});
  const auto rows = range_table(example_medium_rocket(), Environment{}, band.min_elevation_rad,
                                band.max_range_elevation_rad, core::deg_to_rad(2.5));
  ASSERT_GT(rows.size(), 10u);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GT(rows[i].range_m, rows[i - 1].range_m);
    EXPECT_GT(rows[i].apogee_m, rows[i - 1].apogee_m);
    EXPECT_GT(rows[i].flight_time_s, rows[i - 1].flight_time_s);
  }
  EXPECT_NEAR(rows.front().range_m, band.min_range_m, 1e-6);
  EXPECT_LE(rows.back().range_m, band.max_range_m + 1e-6);
}

TEST(Ballistics, SampledTrajectoryLandsWhereTheRangePointLands) {
  const Environment env{};
  const double el = core::deg_to_rad(40);
  const RangePoint point = fly_range_point(example_medium_rocket(), env, el);
  for (const double dt : {0.1, 1.0, 7.0}) {
    const auto samples = fly_trajectory(example_medium_rocket(), env, el, 0.0, Vec2::Zero(), dt);
    ASSERT_GE(samples.size(), 3u);
    EXPECT_EQ(samples.front().t_s, 0.0);
    for (size_t i = 1; i + 1 < samples.size(); ++i)
      EXPECT_NEAR(samples[i].t_s, static_cast<double>(i) * dt, 1e-9);
    EXPECT_NEAR(samples.back().t_s, point.flight_time_s, 1e-9);
    EXPECT_NEAR(samples.back().v_W.norm(), point.impact_speed_mps, 1e-9);
    double top = 0;
    for (const auto& s : samples) top = std::max(top, altitude_m(env, s.p_W));
    EXPECT_NEAR(top, point.apogee_m, 0.01 * point.apogee_m);  // sampled, not step ends
  }
}

TEST(Ballistics, SolvedAimLandsWithinOneMetre) {
  // Seeded property test: random launch points, aim points inside the band,
  // random wind profiles.
  const RocketParams r = example_medium_rocket();
  const ReachBand band = reach_band(r, Environment{});
  core::Stream rng(2024, 0, core::tag("aim-test"));
  for (int i = 0; i < 40; ++i) {
    Environment env;
    if (i % 2) {
      env.wind = {{0.0, 8000.0},
                  {Vec2(rng.uniform(-10, 10), rng.uniform(-10, 10)),
                   Vec2(rng.uniform(-25, 25), rng.uniform(-25, 25))}};
    }
    const Vec2 launch(rng.uniform(-30e3, 30e3), rng.uniform(-30e3, 30e3));
    const double range = rng.uniform(band.min_range_m + 500, band.max_range_m - 500);
    const double bearing = rng.uniform(0, 2 * core::kPi);
    const Vec2 aim = launch + range * Vec2(std::sin(bearing), std::cos(bearing));
    const auto sol = solve_aim(r, env, launch, aim, band);
    ASSERT_TRUE(sol.has_value()) << sol.error().message;
    EXPECT_LT(sol->miss_m, 1.0);
    EXPECT_GE(sol->elevation_rad, band.min_elevation_rad - 1e-12);
    EXPECT_LE(sol->elevation_rad, band.max_range_elevation_rad + 1e-12);
    // Fly it again from scratch: the stated direction does land there.
    const Vec3 p0 = core::ground_point(launch);
    const Vec2 hit = Flight::launch(r, env, p0, sol->dir_W, 0).fly_to_ground().p_W.head<2>();
    EXPECT_LT(core::ground_distance_m(hit, aim), 1.0);
  }
}

TEST(Ballistics, AimBeyondTheBandFails) {
  const ReachBand band = reach_band(example_medium_rocket(), Environment{});
  EXPECT_FALSE(solve_aim(example_medium_rocket(), Environment{}, {0, 0},
                         {0, band.max_range_m + 2000}, band));
  EXPECT_FALSE(
      solve_aim(example_medium_rocket(), Environment{}, {0, 0}, {0, band.min_range_m - 500}, band));
}

}  // namespace
}  // namespace canopy::physics
