#include "canopy/physics/warhead.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace canopy::physics {
namespace {

TEST(KillProbability, IsFlatInsideTheLethalRadiusAndFallsBeyond) {
  EXPECT_DOUBLE_EQ(kill_probability(0, 8, 0.9), 0.9);
  EXPECT_DOUBLE_EQ(kill_probability(8, 8, 0.9), 0.9);
  EXPECT_NEAR(kill_probability(16, 8, 0.9), 0.9 * std::exp(-2.0), 1e-12);
  EXPECT_LT(kill_probability(19.2, 8, 0.9), 0.02);
  EXPECT_GT(kill_probability(12, 8, 0.9), kill_probability(13, 8, 0.9));
}

// A sphere of the fragments' density: its volume gives back its mass, and
// Cd A / m follows from its diameter.
TEST(Fragment, SizeAndDragFollowFromItsMassAndDensity) {
  for (double m : {0.05, 1.0, 12.5}) {
    const double d = fragment_diameter_m(m);
    EXPECT_NEAR(kFragmentDensity_kgpm3 * std::numbers::pi * d * d * d / 6, m, 1e-12 * m);
    EXPECT_NEAR(fragment_kd(m), kFragmentCd * std::numbers::pi * d * d / 4 / m, 1e-15);
  }
  // Heavier fragments carry further: kd falls as m^(-1/3).
  EXPECT_NEAR(fragment_kd(8.0) / fragment_kd(1.0), 0.5, 1e-12);
}

// Seeded property: the fragments share the burnout mass, start where the
// rocket was killed and spread about its velocity by kFragmentSpread_mps.
TEST(MakeFragments, ShareTheMassAndSpreadAboutTheRocketsVelocity) {
  const State at{12.0, Vec3(1000, 2000, 3000), Vec3(-400, 50, -200)};
  const double mass_kg = 20;
  double sum_dv2 = 0;
  int n = 0;
  for (int draw = 0; draw < 200; ++draw) {
    core::Stream rng(11, static_cast<std::uint64_t>(draw));
    const std::vector<Fragment> fragments = make_fragments(at, mass_kg, rng);
    ASSERT_EQ(fragments.size(), static_cast<size_t>(kFragmentCount));
    double total = 0;
    for (const Fragment& f : fragments) {
      total += f.body.launch_mass_kg;
      EXPECT_GE(f.body.launch_mass_kg, 0.05);
      EXPECT_DOUBLE_EQ(f.body.diameter_m, fragment_diameter_m(f.body.launch_mass_kg));
      EXPECT_EQ(f.state.t_s, at.t_s);
      EXPECT_EQ(f.state.p_W, at.p_W);
      sum_dv2 += (f.state.v_W - at.v_W).squaredNorm();
      n += 3;
    }
    // Only the 0.05 kg floor can add mass.
    EXPECT_GE(total, mass_kg - 1e-9);
    EXPECT_LE(total, mass_kg + kFragmentCount * 0.05);
  }
  // 3600 normal draws: the spread per axis within 5 % of its sigma.
  EXPECT_NEAR(std::sqrt(sum_dv2 / n), kFragmentSpread_mps, 0.05 * kFragmentSpread_mps);
}

}  // namespace
}  // namespace canopy::physics
