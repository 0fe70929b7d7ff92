#include "canopy/sensors/radar.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>

namespace canopy::sensors {
namespace {

scenario::Sensor spec() {
  scenario::Sensor s;
  s.name = "r";
  s.position_en_m = {0, 0};
  s.p_W = core::ground_point({0, 0}) + Vec3(0, 0, 10);
  s.azimuth_rad = 0;  // facing north
  s.sector_rad = 2 * std::numbers::pi / 3;
  s.min_range_m = 1e3;
  s.max_range_m = 100e3;
  s.revisit_s = 0.25;
  s.detection.pd = 0.9;
  return s;
}

TEST(Radar, PolarRoundTripsOverRandomPoints) {
  core::Stream rng(1, core::tag("polar"));
  const Vec3 sensor(100, -300, 15);
  for (int k = 0; k < 5000; ++k) {
    const Vec3 p(rng.uniform(-5e4, 5e4), rng.uniform(-5e4, 5e4), rng.uniform(-1e3, 2e4));
    const Polar pol = polar_from_W(sensor, p);
    EXPECT_GE(pol.azimuth_rad, 0);
    EXPECT_LT(pol.azimuth_rad, 2 * std::numbers::pi);
    EXPECT_LT((W_from_polar(sensor, pol) - p).norm(), 1e-6);
  }
}

TEST(Radar, AzimuthIsClockwiseFromNorth) {
  const Polar east = polar_from_W(Vec3::Zero(), Vec3(1000, 0, 0));
  EXPECT_NEAR(east.azimuth_rad, std::numbers::pi / 2, 1e-12);
  const Polar up = polar_from_W(Vec3::Zero(), Vec3(0, 1000, 1000));
  EXPECT_NEAR(up.elevation_rad, std::numbers::pi / 4, 1e-12);
}

TEST(Radar, EarthHidesLowTargetAtLongRange) {
  const Radar radar(spec(), 0);
  // 50 km north: the 4/3-Earth horizon from a 10 m mast hides 100 m of
  // altitude (radio horizon distance ~ sqrt(2 Re h)).
  const Vec3 ground = core::ground_point({0, 50e3});
  const Vec3 up = core::up_at(ground);
  EXPECT_FALSE(radar.covers(ground + 100 * up));
  EXPECT_TRUE(radar.covers(ground + 2000 * up));
  EXPECT_FALSE(line_of_sight(spec().p_W, ground + 30 * up));
  EXPECT_TRUE(line_of_sight(
      spec().p_W, core::ground_point({0, 5e3}) + 100 * core::up_at(core::ground_point({0, 5e3}))));
}

TEST(Radar, SectorExcludesTargetsBehind) {
  const Radar radar(spec(), 0);
  EXPECT_TRUE(radar.covers(Vec3(0, 20e3, 3000)));
  EXPECT_TRUE(radar.covers(Vec3(10e3, 20e3, 3000)));  // 27 deg off boresight
  EXPECT_FALSE(radar.covers(Vec3(20e3, 5e3, 3000)));  // 76 deg off
  EXPECT_FALSE(radar.covers(Vec3(0, -20e3, 3000)));   // behind
  EXPECT_FALSE(radar.covers(Vec3(0, 500, 100)));      // inside the minimum range
  EXPECT_FALSE(radar.covers(Vec3(0, 150e3, 30000)));  // beyond the maximum range
}

TEST(Radar, NoiseMatchesSigmaAndPdMatchesProbability) {
  scenario::Sensor s = spec();
  s.sigma_range_m = 10;
  s.sigma_azimuth_rad = 2e-3;
  s.sigma_elevation_rad = 1e-3;
  const Radar radar(s, 0);
  const Object obj{1, Vec3(3e3, 20e3, 4e3), Vec3::Zero(), 0.05};
  const Polar truth = polar_from_W(s.p_W, obj.p_W);
  double sr = 0, sa = 0, se = 0;
  int n = 0, scans = 20000;
  std::uint64_t id = 1;
  for (int k = 0; k < scans; ++k) {
    core::Stream rng(2, core::tag("noise"), static_cast<std::uint64_t>(k));
    std::vector<PlotOrigin> origins;
    const Scan scan = radar.observe(0.25 * k, std::span(&obj, 1), rng, id, origins);
    for (const Plot& p : scan.plots) {
      sr += std::pow(*p.range_m - truth.range_m, 2);
      sa += std::pow(std::remainder(p.azimuth_rad - truth.azimuth_rad, 2 * std::numbers::pi), 2);
      se += std::pow(*p.elevation_rad - truth.elevation_rad, 2);
      ++n;
    }
  }
  EXPECT_NEAR(static_cast<double>(n) / scans, 0.9, 0.01);
  EXPECT_NEAR(std::sqrt(sr / n), 10, 0.3);
  EXPECT_NEAR(std::sqrt(sa / n), 2e-3, 6e-5);
  EXPECT_NEAR(std::sqrt(se / n), 1e-3, 3e-5);
}

TEST(Radar, PlotsCarryOnlyTheAxesMeasured) {
  // A 2-D radar and a passive sensor: their plots, clutter included, lack
  // the axis not measured, and azimuth keeps its noise.
  for (const auto& [range, elevation] : {std::pair{true, false}, {false, true}}) {
    scenario::Sensor s = spec();
    s.measures_range = range;
    s.measures_elevation = elevation;
    s.false_alarms_per_scan = 1;
    const Radar radar(s, 0);
    const Object obj{1, Vec3(3e3, 20e3, 4e3), Vec3::Zero(), 0.05};
    const Polar truth = polar_from_W(s.p_W, obj.p_W);
    double sa = 0;
    int n = 0;
    std::uint64_t id = 1;
    for (int k = 0; k < 4000; ++k) {
      core::Stream rng(2, core::tag("axes"), static_cast<std::uint64_t>(k));
      std::vector<PlotOrigin> origins;
      const Scan scan = radar.observe(0.25 * k, std::span(&obj, 1), rng, id, origins);
      for (size_t i = 0; i < scan.plots.size(); ++i) {
        const Plot& p = scan.plots[i];
        EXPECT_EQ(p.range_m.has_value(), range);
        EXPECT_EQ(p.elevation_rad.has_value(), elevation);
        if (origins[i].object != 1) continue;
        sa += std::pow(std::remainder(p.azimuth_rad - truth.azimuth_rad, 2 * std::numbers::pi), 2);
        ++n;
      }
    }
    EXPECT_NEAR(std::sqrt(sa / n), s.sigma_azimuth_rad, 0.05 * s.sigma_azimuth_rad) << range;
  }
}

TEST(Radar, SnrModelLowersPdWithRangeAndRaisesItWithRcs) {
  scenario::Sensor s = spec();
  s.detection.kind = scenario::DetectionModel::Kind::kSnr;
  s.detection.rcs_m2 = 0.1;
  s.detection.reference_range_m = 50e3;
  s.detection.reference_snr_db = 15;
  s.detection.threshold_db = 13;
  const Radar radar(s, 0);
  EXPECT_NEAR(radar.snr_db(50e3, 0.1), 15, 1e-9);
  EXPECT_NEAR(radar.snr_db(25e3, 0.1), 15 + 40 * std::log10(2.0), 1e-9);
  EXPECT_GT(radar.detection_probability(20e3, 0.1), radar.detection_probability(60e3, 0.1));
  EXPECT_GT(radar.detection_probability(60e3, 1.0), radar.detection_probability(60e3, 0.1));
  // Swerling I: Pd = exp(-T / (1 + SNR)).
  const double snr = std::pow(10, 1.5), T = std::pow(10, 1.3);
  EXPECT_NEAR(radar.detection_probability(50e3, 0.1), std::exp(-T / (1 + snr)), 1e-12);
}

TEST(Radar, ClutterCountIsPoissonMeanAndInsideCoverage) {
  scenario::Sensor s = spec();
  s.false_alarms_per_scan = 3.5;
  const Radar radar(s, 0);
  double total = 0, total2 = 0;
  const int scans = 20000;
  std::uint64_t id = 1;
  for (int k = 0; k < scans; ++k) {
    core::Stream rng(3, core::tag("clutter"), static_cast<std::uint64_t>(k));
    std::vector<PlotOrigin> origins;
    const Scan scan = radar.observe(0, {}, rng, id, origins);
    total += static_cast<double>(scan.plots.size());
    total2 += std::pow(static_cast<double>(scan.plots.size()), 2);
    for (const Plot& p : scan.plots) {
      EXPECT_GE(*p.range_m, s.min_range_m);
      EXPECT_LE(*p.range_m, s.max_range_m);
      EXPECT_LE(std::abs(std::remainder(p.azimuth_rad, 2 * std::numbers::pi)),
                s.sector_rad / 2 + 1e-12);
    }
  }
  const double mean = total / scans, var = total2 / scans - mean * mean;
  EXPECT_NEAR(mean, 3.5, 0.05);
  EXPECT_NEAR(var, 3.5, 0.15);  // Poisson: variance = mean
}

TEST(Radar, OutageSilencesRadar) {
  scenario::Sensor s = spec();
  s.outages = {{10, 20}};
  s.false_alarms_per_scan = 5;
  const Radar radar(s, 0);
  EXPECT_FALSE(radar.in_outage(9.99));
  EXPECT_TRUE(radar.in_outage(10));
  EXPECT_FALSE(radar.in_outage(20));
  core::Stream rng(4, core::tag("outage"));
  std::uint64_t id = 1;
  std::vector<PlotOrigin> origins;
  const Object obj{1, Vec3(0, 20e3, 3e3), Vec3::Zero(), 0.05};
  EXPECT_TRUE(radar.observe(15, std::span(&obj, 1), rng, id, origins).plots.empty());
}

TEST(Radar, PlotIdsAreUniqueAndMappedToTruth) {
  scenario::Sensor s = spec();
  s.false_alarms_per_scan = 2;
  s.latency_s = 0.05;
  const Radar radar(s, 3);
  std::vector<Object> objects;
  for (int i = 1; i <= 10; ++i) objects.push_back({i, Vec3(i * 500.0, 20e3, 3e3), Vec3::Zero(), 1});
  std::uint64_t id = 100;
  std::vector<PlotOrigin> origins;
  std::set<std::uint64_t> ids;
  for (int k = 0; k < 50; ++k) {
    core::Stream rng(5, core::tag("ids"), static_cast<std::uint64_t>(k));
    const Scan scan = radar.observe(0.25 * k, objects, rng, id, origins);
    EXPECT_EQ(scan.sensor, 3);
    EXPECT_DOUBLE_EQ(scan.arrival_s, 0.25 * k + 0.05);
    for (const Plot& p : scan.plots) EXPECT_TRUE(ids.insert(p.id).second);
  }
  ASSERT_EQ(origins.size(), ids.size());
  for (const PlotOrigin& o : origins) {
    EXPECT_TRUE(ids.count(o.plot_id));
    EXPECT_TRUE(o.object == -1 || (o.object >= 1 && o.object <= 10));
  }
}

}  // namespace
}  // namespace canopy::sensors
