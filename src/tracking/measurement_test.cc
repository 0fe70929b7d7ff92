#include "canopy/tracking/measurement.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <numbers>
#include <set>
#include <string>

#include "canopy/core/random.h"
#include "canopy/tracking/tracker.h"

namespace canopy::tracking {
namespace {

using Config = scenario::TrackerConfig;

// A sensor at (500, 700, 20) measuring the given axes.
scenario::Sensor sensor(bool range, bool elevation, double sigma_rate = 0) {
  scenario::Sensor s;
  s.name = "s";
  s.p_W = Vec3(500, 700, 20);
  s.measures_range = range;
  s.measures_elevation = elevation;
  s.sigma_range_rate_mps = range ? sigma_rate : 0;
  s.min_range_m = 1e3;
  s.max_range_m = 60e3;
  s.min_elevation_rad = 0.01;
  s.max_elevation_rad = 1.2;
  return s;
}

struct AxisSet {
  std::string name;
  bool range, elevation;
  double sigma_rate;
  int dim;
};
const AxisSet kAxisSets[] = {{"3-D with range rate", true, true, 1.0, 4},
                             {"3-D", true, true, 0, 3},
                             {"2-D", true, false, 0, 2},
                             {"2-D with range rate", true, false, 1.0, 3},
                             {"passive", false, true, 0, 2}};

StateVec random_state(core::Stream& rng) {
  StateVec x(6);
  x << rng.uniform(-30e3, 30e3), rng.uniform(-30e3, 30e3), rng.uniform(100, 15e3),
      rng.uniform(-500, 500), rng.uniform(-500, 500), rng.uniform(-500, 500);
  return x;
}

TEST(Measurement, EveryAxisSetHasTheJacobianOfItsPrediction) {
  core::Stream rng(5, core::tag("axis-jacobian"));
  for (const AxisSet& a : kAxisSets) {
    const auto m = MeasurementModel::of_sensor(sensor(a.range, a.elevation, a.sigma_rate));
    ASSERT_EQ(m.dim(), a.dim) << a.name;
    for (int k = 0; k < 50; ++k) {
      const StateVec x = random_state(rng);
      const Eigen::MatrixXd H = m.jacobian(x);
      Eigen::MatrixXd Hn(m.dim(), 6);
      for (int i = 0; i < 6; ++i) {
        StateVec lo = x, hi = x;
        lo(i) -= 1e-2;
        hi(i) += 1e-2;
        // The residual unwraps azimuth wherever it sits in z.
        Hn.col(i) = m.residual(m.predict(hi), m.predict(lo)) / 2e-2;
      }
      EXPECT_LT((H - Hn).norm(), 1e-7 * (1 + Hn.norm())) << a.name << " " << k;
    }
  }
}

TEST(Measurement, AzimuthIsWrappedWhereverItSits) {
  // Azimuth is z(1) with range, z(0) without: a residual across north is small.
  for (const AxisSet& a : kAxisSets) {
    const auto m = MeasurementModel::of_sensor(sensor(a.range, a.elevation, a.sigma_rate));
    const int az = a.range ? 1 : 0;
    MeasVec z = MeasVec::Zero(m.dim()), z_hat = MeasVec::Zero(m.dim());
    z(az) = 0.01;
    z_hat(az) = 2 * std::numbers::pi - 0.01;
    EXPECT_NEAR(m.residual(z, z_hat)(az), 0.02, 1e-12) << a.name;
  }
}

TEST(Measurement, VolumeElementsIntegrateToTheCoverageVolume) {
  // Over the sensor's coverage (all round), each axis set's volume element
  // integrated over the axes it measures gives the same volume: that of the
  // shell sector, 2 pi (sin el_max - sin el_min) (r_max^3 - r_min^3) / 3.
  const scenario::Sensor s = sensor(true, true);
  const double volume = 2 * std::numbers::pi *
                        (std::sin(s.max_elevation_rad) - std::sin(s.min_elevation_rad)) *
                        (std::pow(s.max_range_m, 3) - std::pow(s.min_range_m, 3)) / 3;
  const int n = 400;  // midpoint rule per axis
  const double dr = (s.max_range_m - s.min_range_m) / n;
  const double del = (s.max_elevation_rad - s.min_elevation_rad) / n;
  auto integrate = [&](bool range, bool elevation) {
    const auto m = MeasurementModel::of_sensor(sensor(range, elevation));
    double sum = 0;
    for (int i = 0; i < (range ? n : 1); ++i) {
      for (int j = 0; j < (elevation ? n : 1); ++j) {
        MeasVec z(m.dim());
        int k = 0;
        if (range) z(k++) = s.min_range_m + (i + 0.5) * dr;
        z(k++) = 1.0;  // azimuth: no dependence
        if (elevation) z(k) = s.min_elevation_rad + (j + 0.5) * del;
        sum += m.volume_element(z) * (range ? dr : 1) * (elevation ? del : 1);
      }
    }
    return 2 * std::numbers::pi * sum;
  };
  EXPECT_NEAR(integrate(true, true) / volume, 1, 1e-5);
  EXPECT_NEAR(integrate(true, false) / volume, 1, 1e-5);
  EXPECT_NEAR(integrate(false, true) / volume, 1, 1e-5);
}

TEST(Measurement, PositionFixTakesAnUnmeasuredAxisFromTheCoverage) {
  const scenario::Sensor s = sensor(true, false);
  const auto m = MeasurementModel::of_sensor(s);
  MeasVec z(2);
  z << 20e3, 0.3;
  const PositionFix fix = position_fix(m, z);
  // At the middle of the elevation band, spread as a uniform over it.
  const double el = 0.5 * (s.min_elevation_rad + s.max_elevation_rad);
  const Vec3 d = fix.p_W - s.p_W;
  EXPECT_NEAR(d.norm(), 20e3, 1e-6);
  EXPECT_NEAR(std::asin(d.z() / d.norm()), el, 1e-12);
  const double sigma_el = (s.max_elevation_rad - s.min_elevation_rad) / std::sqrt(12.0);
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(fix.P_W);
  EXPECT_NEAR(std::sqrt(es.eigenvalues().maxCoeff()), 20e3 * sigma_el, 1.0);

  const scenario::Sensor p = sensor(false, true);
  const auto passive = MeasurementModel::of_sensor(p);
  EXPECT_FALSE(passive.fixes_position());
  MeasVec zp(2);
  zp << 0.3, 0.2;
  const PositionFix fp = position_fix(passive, zp);
  EXPECT_NEAR((fp.p_W - p.p_W).norm(), 0.5 * (p.min_range_m + p.max_range_m), 1e-6);
}

// A rocket-like straight climb seen by a 3-D radar and by a sensor of the
// given axes; plots are the models' predictions plus their own noise.
struct TwoSensorRun {
  int confirmed = 0;
  int second_sensor_associations = 0;
};
TwoSensorRun track_with(bool with_3d, bool range, bool elevation) {
  scenario::Sensor a = sensor(true, true);
  a.p_W = Vec3(0, 0, 10);
  a.sigma_range_m = 10;
  a.sigma_azimuth_rad = a.sigma_elevation_rad = 1.5e-3;
  scenario::Sensor b = sensor(range, elevation);
  b.p_W = Vec3(15e3, 10e3, 10);
  b.sigma_range_m = 30;
  b.sigma_azimuth_rad = b.sigma_elevation_rad = 1e-3;
  Config cfg;
  cfg.model = Config::Model::kCv;
  cfg.reorder_window_s = 0;
  EstimatorConfig est;
  est.model = Config::Model::kCv;
  est.environment.earth = physics::EarthModel::kFlatUniform;
  est.threats = ThreatLibrary::generic();
  Tracker tracker(cfg, {SensorInfo::polar(a, 0), SensorInfo::polar(b, 1)}, est);
  const MeasurementModel models[] = {MeasurementModel::of_sensor(a),
                                     MeasurementModel::of_sensor(b)};
  core::Stream rng(9, core::tag("two-sensors"));
  std::uint64_t id = 1;
  std::set<std::uint64_t> second;
  TwoSensorRun out;
  for (int k = 0; k < 80; ++k) {
    for (int s = with_3d ? 0 : 1; s < 2; ++s) {
      const double t = 0.25 * k + 0.125 * s;
      StateVec x(6);
      x << 5e3 + 250 * t, 2e3 + 50 * t, 4000 + 100 * t, 250, 50, 100;
      const MeasurementModel& m = models[s];
      MeasVec z = m.predict(x);
      for (int i = 0; i < m.dim(); ++i) z(i) += std::sqrt(m.noise()(i, i)) * rng.normal();
      if (s == 1) second.insert(id);
      tracker.receive({s, t, t, {{.id = id++, .sensor = s, .t_s = t, .z = z}}});
    }
    tracker.flush();
    for (const TrackEvent& e : tracker.take_events())
      out.confirmed += e.kind == TrackEvent::Kind::kConfirm;
  }
  for (const Association& as : tracker.take_associations())
    out.second_sensor_associations += static_cast<int>(second.contains(as.plot_id));
  return out;
}

TEST(Tracker, PlotsWithoutRangeOrElevationUpdateTracksButStartNone) {
  for (const auto& [range, elevation] : {std::pair{true, false}, {false, true}}) {
    // Alone, a 2-D radar or a passive sensor starts no track ...
    EXPECT_EQ(track_with(false, range, elevation).confirmed, 0) << range;
    // ... beside a 3-D radar, its plots update the one track.
    const TwoSensorRun both = track_with(true, range, elevation);
    EXPECT_EQ(both.confirmed, 1) << range;
    EXPECT_GT(both.second_sensor_associations, 70) << range;
  }
}

}  // namespace
}  // namespace canopy::tracking
