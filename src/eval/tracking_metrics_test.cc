#include "canopy/eval/tracking_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "canopy/core/random.h"

namespace canopy::eval {
namespace {

TEST(TrackingMetrics, PerfectTracksScoreZero) {
  TrackingScorer s;
  for (int k = 0; k < 10; ++k) {
    const std::vector<TruthPoint> truth = {{1, Vec3(k, 0, 0), Vec3(1, 0, 0)},
                                           {2, Vec3(0, 1000, 0), Vec3::Zero()}};
    const std::vector<TrackPoint> tracks = {{10, truth[0].p_W, truth[0].v_W},
                                            {11, truth[1].p_W, truth[1].v_W}};
    const std::vector<double> ages = {1.0 * k, 1.0 * k};
    s.add_scan(k, truth, tracks, ages);
  }
  const TrackingMetrics m = s.result();
  EXPECT_EQ(m.scans, 10);
  EXPECT_DOUBLE_EQ(m.gospa_mean_m, 0);
  EXPECT_EQ(m.id_switches, 0);
  EXPECT_EQ(m.false_tracks, 0);
  EXPECT_EQ(m.rockets_tracked, 2);
}

TEST(TrackingMetrics, MissedTargetCostsCOverRootTwo) {
  TrackingScorer s;
  const std::vector<TruthPoint> truth = {{1, Vec3::Zero(), Vec3::Zero()}};
  s.add_scan(0, truth, {}, {});
  EXPECT_NEAR(s.result().gospa_mean_m, 200 / std::sqrt(2.0), 1e-9);
  EXPECT_EQ(s.result().missed_points, 1);
}

TEST(TrackingMetrics, SwapCountsOneSwitchPerTarget) {
  TrackingScorer s;
  const std::vector<TruthPoint> truth = {{1, Vec3(0, 0, 0), Vec3::Zero()},
                                         {2, Vec3(1000, 0, 0), Vec3::Zero()}};
  const std::vector<double> ages = {1, 1};
  s.add_scan(0, truth, std::vector<TrackPoint>{{10, truth[0].p_W}, {11, truth[1].p_W}}, ages);
  s.add_scan(1, truth, std::vector<TrackPoint>{{11, truth[0].p_W}, {10, truth[1].p_W}}, ages);
  EXPECT_EQ(s.result().id_switches, 2);
}

TEST(TrackingMetrics, BreakIsCountedWhenATargetIsLostAndFound) {
  TrackingScorer s;
  const std::vector<TruthPoint> truth = {{1, Vec3::Zero(), Vec3::Zero()}};
  const std::vector<double> age = {1};
  s.add_scan(0, truth, std::vector<TrackPoint>{{10, Vec3::Zero()}}, age);
  s.add_scan(1, truth, {}, {});
  s.add_scan(2, truth, std::vector<TrackPoint>{{12, Vec3::Zero()}}, age);
  EXPECT_EQ(s.result().track_breaks, 1);
  EXPECT_EQ(s.result().id_switches, 1);
}

TEST(TrackingMetrics, NeesOfExactCovarianceAveragesStateDimension) {
  TrackingScorer s;
  core::Stream rng(1, core::tag("nees"));
  Eigen::Matrix<double, 6, 6> P = Eigen::Matrix<double, 6, 6>::Identity();
  P.diagonal() << 100, 100, 400, 4, 4, 9;
  for (int k = 0; k < 4000; ++k) {
    const std::vector<TruthPoint> truth = {{1, Vec3::Zero(), Vec3::Zero()}};
    TrackPoint t{5, Vec3::Zero(), Vec3::Zero(), P};
    for (int i = 0; i < 3; ++i) {
      t.p_W(i) = std::sqrt(P(i, i)) * rng.normal();
      t.v_W(i) = std::sqrt(P(3 + i, 3 + i)) * rng.normal();
    }
    const std::vector<double> age = {0.5 * (k % 20)};
    s.add_scan(k, truth, std::vector<TrackPoint>{t}, age);
  }
  EXPECT_NEAR(s.result().nees_mean, 6.0, 0.25);
  EXPECT_EQ(s.result().nees_by_age.size(), 5u);
}

TEST(TrackingMetrics, ConfirmationLatencyIsFromFirstDetection) {
  TrackingScorer s;
  s.first_detected(3, 10.0);
  s.confirmed(7, 3, 10.75);
  s.confirmed(8, 3, 12.0);  // a later track on the same rocket does not count
  EXPECT_DOUBLE_EQ(s.result().mean_confirm_latency_s, 0.75);
}

}  // namespace
}  // namespace canopy::eval
