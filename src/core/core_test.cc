#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "canopy/core/check.h"
#include "canopy/core/earth.h"
#include "canopy/core/geodetic.h"
#include "canopy/core/input_file.h"
#include "canopy/core/polygon.h"
#include "canopy/core/random.h"
#include "canopy/core/text.h"
#include "canopy/core/units.h"

namespace canopy::core {
namespace {

TEST(Check, AFailedContractNamesWhereAndWhatAndAborts) {
  const int tracks = -1;
  EXPECT_DEATH(CANOPY_CHECK(tracks >= 0, "{} tracks", tracks),
               "internal error at .*core_test.cc:[0-9]+ .*: tracks >= 0: -1 tracks");
  EXPECT_DEATH(CANOPY_CHECK(tracks > 0), "internal error at .*: tracks > 0\n");
}

TEST(Check, AHeldContractCostsNothingVisible) {
  int formatted = 0;
  auto count = [&] { return ++formatted; };
  CANOPY_CHECK(1 + 1 == 2, "{}", count());
  EXPECT_EQ(formatted, 0);  // the message is built only on failure
}

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

namespace canopy::core {
namespace {

TEST(Text, WellFormedUtf8IsAcceptedAndEveryIllFormedByteIsFound) {
  EXPECT_EQ(first_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("Sd\xC3\xA9rot \xD7\x90 \xE2\x80\xAE \xF0\x9F\x9A\x80"),
            std::nullopt);
  EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);                               // lone continuation
  EXPECT_EQ(first_invalid_utf8("a\xC3("), 1u);                               // bad second byte
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);                             // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);                         // overlong
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);                        // surrogate U+D800
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);                     // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ok\xE2\x82"), 2u);                           // truncated
  EXPECT_EQ(first_invalid_utf8(std::string_view("a\0b", 3)), std::nullopt);  // NUL is text
}

TEST(Text, PrintableEscapesEveryControlCharacterAndKeepsOtherText) {
  EXPECT_EQ(printable("Sd\xC3\xA9rot"), "Sd\xC3\xA9rot");
  EXPECT_EQ(printable("a\x1B[2Jb"), "a\\e[2Jb");
  EXPECT_EQ(printable(std::string_view("n\0\n\t\r\x7F", 6)), "n\\x00\\n\\t\\r\\x7f");
  EXPECT_EQ(printable("\xC2\x9B"), "\\u009b");  // C1 CSI
  EXPECT_EQ(printable("\xFFz"), "\\xffz");
  EXPECT_EQ(printable("a\\b"), "a\\\\b");
}

TEST(InputFile, ReadsRegularFilesWholeAndRefusesTheRest) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("canopy_input_{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "a.txt";
  std::ofstream(file, std::ios::binary) << std::string(100000, 'x');
  auto text = read_input_file(file);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(text->size(), 100000u);

  auto refused = [](const std::filesystem::path& p) {
    auto r = read_input_file(p);
    return r ? std::string("read") : r.error().message;
  };
  EXPECT_EQ(refused(dir / "missing"), "no such file");
  EXPECT_EQ(refused(dir), "it is a directory");
  EXPECT_EQ(refused("/dev/zero"), "it is a device, not a regular file");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(refused(dir / "fifo"), "it is a FIFO (named pipe), not a regular file");  // no wait
  std::filesystem::create_symlink("l2", dir / "l1");
  std::filesystem::create_symlink("l1", dir / "l2");
  EXPECT_NE(refused(dir / "l1").find("symlink loop"), std::string::npos);

  set_input_limit_bytes(50000);
  EXPECT_EQ(refused(file), "it is 0.1 MiB; the limit is 0.0 MiB (raise it with --max-input-mib)");
  set_input_limit_bytes(kDefaultInputLimit_bytes);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace canopy::core
