#include <gtest/gtest.h>

#include <cmath>

#include "canopy/core/earth.h"
#include "canopy/core/geodetic.h"
#include "canopy/core/polygon.h"
#include "canopy/core/random.h"
#include "canopy/core/units.h"

namespace canopy::core {
namespace {

TEST(Earth, GroundPointsLieAtAltitudeZeroAndUpRaisesAltitude) {
  Stream rng(1, 0, tag("earth"));
  for (int i = 0; i < 2000; ++i) {
    const Vec2 en(rng.uniform(-2e5, 2e5), rng.uniform(-2e5, 2e5));
    const Vec3 g = ground_point(en);
    EXPECT_NEAR(altitude_m(g), 0.0, 1e-6);
    const double h = rng.uniform(0, 3e4);
    EXPECT_NEAR(altitude_m(g + h * up_at(g)), h, 1e-6);
  }
}

TEST(Earth, SeventyKilometresDownrangeTheGroundIsAbout385MetresBelowTheTangentPlane) {
  const double d = 70000;
  EXPECT_NEAR(ground_point({d, 0}).z(),
              -(kEarthRadius_m - std::sqrt(kEarthRadius_m * kEarthRadius_m - d * d)), 1e-6);
  EXPECT_NEAR(ground_point({d, 0}).z(), -384.6, 0.5);
}

TEST(Earth, HorizonIsOrthonormalRightHandedAndRoundTripsAngles) {
  const Horizon h0 = horizon_at(Vec3::Zero());
  EXPECT_TRUE(h0.east.isApprox(Vec3::UnitX()));
  EXPECT_TRUE(h0.north.isApprox(Vec3::UnitY()));
  Stream rng(2, 0, tag("horizon"));
  for (int i = 0; i < 2000; ++i) {
    const Horizon h = horizon_at(ground_point({rng.uniform(-1e5, 1e5), rng.uniform(-1e5, 1e5)}));
    EXPECT_NEAR(h.east.dot(h.north), 0.0, 1e-12);
    EXPECT_NEAR(h.east.cross(h.north).dot(h.up), 1.0, 1e-12);
    const double el = rng.uniform(-1.5, 1.5), az = rng.uniform(0, 2 * kPi);
    const Vec3 d = h.direction(el, az);
    EXPECT_NEAR(d.norm(), 1.0, 1e-12);
    EXPECT_NEAR(h.elevation_rad(d), el, 1e-9);
    EXPECT_NEAR(std::remainder(h.azimuth_rad(d) - az, 2 * kPi), 0.0, 1e-9);
  }
}

TEST(Earth, GroundDistanceIsTheArcAndNearlyPlanarForShortBaselines) {
  EXPECT_NEAR(ground_distance_m({0, 0}, {1000, 0}), 1000.0, 1e-3);
  const double d = ground_distance_m({-20000, 0}, {20000, 0});
  EXPECT_NEAR(d, 40000.0, 1.0);
  EXPECT_GT(d, 40000.0);  // the arc is longer than the chord's projection
}

TEST(GeoFrame, RoundTripsLatLonWithinAMicrometre) {
  const GeoFrame f(33.2, -44.6, 0);
  EXPECT_NEAR(f.en_from_latlon(33.2, -44.6).norm(), 0.0, 1e-9);
  Stream rng(3, 0, tag("geo"));
  for (int i = 0; i < 2000; ++i) {
    const Vec3 p(rng.uniform(-2e5, 2e5), rng.uniform(-2e5, 2e5), rng.uniform(-3e3, 3e4));
    const LatLon ll = f.latlon_from_enu(p);
    EXPECT_LT((f.enu_from_latlon(ll.lat_deg, ll.lon_deg, ll.alt_m) - p).norm(), 1e-6);
  }
}

TEST(Polygon, AreaContainmentAndDistancesOfAnLShape) {
  // L-shape: 2x2 square minus its top-right 1x1 quarter, clockwise.
  const Polygon l({{0, 0}, {0, 2}, {1, 2}, {1, 1}, {2, 1}, {2, 0}});
  EXPECT_DOUBLE_EQ(l.area_m2(), 3.0);
  EXPECT_TRUE(l.contains({0.5, 1.5}));
  EXPECT_FALSE(l.contains({1.5, 1.5}));
  EXPECT_TRUE(l.contains({2, 0.5}));  // boundary
  EXPECT_DOUBLE_EQ(l.distance_m({1.5, 1.5}), 0.5);
  EXPECT_DOUBLE_EQ(l.distance_m({0.5, 0.5}), 0.0);
  EXPECT_DOUBLE_EQ(l.max_distance_m({0, 0}), std::sqrt(5.0));
  EXPECT_FALSE(l.first_self_intersection());
}

TEST(Polygon, FindsBowTiesAndFoldBacksAndDropsARepeatedClosingVertex) {
  EXPECT_TRUE(Polygon({{0, 0}, {1, 1}, {1, 0}, {0, 1}}).first_self_intersection());
  EXPECT_TRUE(Polygon({{0, 0}, {2, 0}, {1, 0}, {1, 1}}).first_self_intersection());
  EXPECT_EQ(Polygon({{0, 0}, {1, 0}, {1, 1}, {0, 0}}).vertices().size(), 3u);
}

TEST(Polygon, UniformSamplesFillAConcaveShapeInProportionToArea) {
  const Polygon l({{0, 0}, {0, 2}, {1, 2}, {1, 1}, {2, 1}, {2, 0}});
  Stream rng(4, 0, tag("sample"));
  const int n = 30000;
  int upper = 0;
  for (int i = 0; i < n; ++i) {
    const Vec2 p = l.sample_uniform(rng);
    ASSERT_TRUE(l.contains(p));
    upper += p.y() > 1.0;
  }
  // The upper arm is 1/3 of the area; 5 standard deviations.
  EXPECT_NEAR(upper / static_cast<double>(n), 1.0 / 3.0, 5 * std::sqrt(2.0 / 9.0 / n));
}

TEST(Stream, SameKeysSameSequenceOtherKeysOther) {
  Stream a(7, 0, tag("x"), 3), b(7, 0, tag("x"), 3), c(7, 1, tag("x"), 3), d(8, 0, tag("x"), 3);
  for (int i = 0; i < 100; ++i) {
    const auto va = a.bits();
    EXPECT_EQ(va, b.bits());
    EXPECT_NE(va, c.bits());
    EXPECT_NE(va, d.bits());
  }
}

TEST(Stream, NormalAndDiscDrawsHaveTheRightMoments) {
  Stream rng(9, 0, tag("moments"));
  const int n = 200000;
  double s = 0, s2 = 0, inner = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    s += z;
    s2 += z * z;
    const Vec2 p = rng.uniform_in_disc(2.0);
    ASSERT_LE(p.norm(), 2.0);
    inner += p.norm() < 1.0;
    const double u = rng.uniform();
    ASSERT_TRUE(u >= 0.0 && u < 1.0);
  }
  EXPECT_NEAR(s / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(inner / n, 0.25, 5 * std::sqrt(0.25 * 0.75 / n));  // area fraction
}

}  // namespace
}  // namespace canopy::core
