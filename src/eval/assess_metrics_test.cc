#include "canopy/eval/assess_metrics.h"

#include <gtest/gtest.h>

namespace canopy::eval {
namespace {

core::Polygon square(double e0, double n0, double size) {
  return core::Polygon({{e0, n0}, {e0 + size, n0}, {e0 + size, n0 + size}, {e0, n0 + size}});
}

// Two zones: Z0 = [0, 1] km x [0, 1] km (population 1000) and Z1 = [2, 3]
// km x [0, 1] km (population 500).
class AssessMetricsTest : public ::testing::Test {
 protected:
  AssessMetricsTest()
      : scorer({{"Z0", "zero", 1000, square(0, 0, 1000)},
                {"Z1", "one", 500, square(2000, 0, 1000)}}) {}

  // in_area: the truth of the rocket's undefended impact point.
  void launch(int rocket, double t, bool in_area = false) {
    sim::LaunchEvent e;
    e.t_s = t;
    e.rocket = rocket;
    if (in_area) e.impact_area = "Town";
    scorer.on_event(e);
  }
  void impact(int rocket, double t, double e_m, double n_m, bool in_area) {
    sim::ImpactEvent e;
    e.t_s = t;
    e.rocket = rocket;
    e.p_W = core::Vec3(e_m, n_m, 0);
    if (in_area) e.area = "town";
    scorer.on_event(e);
  }
  void confirm(int track, int rocket, double t) {
    sim::TrackEvent e;
    e.t_s = t;
    e.t_meas_s = t;
    e.kind = sim::TrackEvent::Kind::kConfirm;
    e.track = track;
    e.rocket = rocket;
    scorer.on_event(e);
  }
  void predict(int track, int rocket, double t, double since_confirm, double e_m, double n_m,
               double sigma) {
    sim::ImpactPredictionEvent e;
    e.t_s = t;
    e.track = track;
    e.rocket = rocket;
    e.p_en_m = {e_m, n_m};
    e.cov_en_m2 = sigma * sigma * Eigen::Matrix2d::Identity();
    e.since_confirm_s = since_confirm;
    scorer.on_event(e);
  }
  void decide(int track, std::optional<int> rocket, double t, bool threat) {
    sim::ThreatDecisionEvent e;
    e.t_s = t;
    e.track = track;
    e.rocket = rocket;
    e.threat = threat;
    scorer.on_event(e);
  }
  void alert(int policy, int zone, int track, int rocket, double t, bool on) {
    sim::AlertEvent e;
    e.t_s = t;
    e.on = on;
    e.zone = zone;
    e.track = track;
    e.rocket = rocket;
    e.policy = policy;
    scorer.on_event(e);
  }
  AssessScorer scorer;
};

TEST_F(AssessMetricsTest, HandCountedCalibrationDecisionsAndAlerts) {
  // Rocket 1: launched at 0, confirmed at 2, lands at (500, 500) in a town
  // and in Z0 at 62 s: a 62 s flight, declared at 30 (lead 32 s).
  // Rocket 2: launched at 5, confirmed at 7, lands on open ground in Z1 at
  // 40 s; declared at 20 (an open-ground declaration).
  // Rocket 3: launched at 10, lands outside every zone at 30; never tracked.
  // Rocket 4: launched at 12 towards the town, declared at 20 and killed
  // (it never lands): a true threat declared, with no lead time.
  launch(1, 0, true);
  launch(2, 5);
  launch(3, 10);
  launch(4, 12, true);
  confirm(11, 1, 2);
  confirm(12, 2, 7);
  // Rocket 1's predictions: at 3 s (1 s after confirmation) 2 km off with
  // sigma 1 km (inside: d^2 = 4 < 5.99), at 6 s (4 s) 400 m off with
  // sigma 100 m (outside), at 11 s (9 s) 10 m off (inside).
  predict(11, 1, 3, 1, 2500, 500, 1000);
  predict(11, 1, 6, 4, 900, 500, 100);
  predict(11, 1, 11, 9, 510, 500, 20);
  // Rocket 2: one prediction at 8 s (1 s), 50 m off, sigma 10 m: outside.
  predict(12, 2, 8, 1, 2550, 500, 10);
  decide(11, 1, 10, false);
  decide(11, 1, 30, true);
  decide(12, 2, 20, true);
  decide(99, std::nullopt, 25, true);  // a false track declared
  decide(13, 4, 20, true);
  // canopy's alerts: Z0 by track 11 from 20 to 67; Z1 by track 12 from 35
  // to 45 (5 s of warning: missed); Z1 also by track 11 from 15 to 18 (a
  // false alert: 3 s x 500).
  alert(0, 0, 11, 1, 20, true);
  alert(0, 0, 11, 1, 67, false);
  alert(0, 1, 12, 2, 35, true);
  alert(0, 1, 12, 2, 45, false);
  alert(0, 1, 11, 1, 15, true);
  alert(0, 1, 11, 1, 18, false);
  // Baseline (b): Z0 from 3 (track 11) and 8 (track 12) to 67 and 45;
  // Z1 likewise. Zone intervals: [3, 67] for both.
  for (int z = 0; z < 2; ++z) {
    alert(2, z, 11, 1, 3, true);
    alert(2, z, 12, 2, 8, true);
    alert(2, z, 12, 2, 45, false);
    alert(2, z, 11, 1, 67, false);
  }
  impact(3, 30, 5000, 5000, false);
  impact(2, 40, 2500, 500, false);
  impact(1, 62, 500, 500, true);

  const AssessMetrics m = scorer.result();
  EXPECT_EQ(m.rockets_launched, 4);
  EXPECT_EQ(m.rockets_tracked, 2);
  EXPECT_EQ(m.predictions, 4);
  // Checkpoints 2/5/10 s after confirmation: rocket 1 at 4, 7 and 12 s
  // takes its predictions of 3, 6 and 11 s; rocket 2 at 9, 12 and 17 s
  // takes its one prediction of 8 s each time.
  ASSERT_EQ(m.checkpoints.size(), 3u);
  EXPECT_EQ(m.checkpoints[0].rockets, 2);
  EXPECT_EQ(m.checkpoints[0].inside_95, 1);  // rocket 1's 3 s prediction
  EXPECT_EQ(m.checkpoints[1].inside_95, 0);
  EXPECT_EQ(m.checkpoints[2].inside_95, 1);
  EXPECT_DOUBLE_EQ(m.checkpoints[0].coverage, 0.5);
  // The confusion matrix, over every rocket (the killed one too).
  EXPECT_EQ(m.true_threats, 2);
  EXPECT_EQ(m.threat_declared, 2);
  EXPECT_EQ(m.open_ground, 2);
  EXPECT_EQ(m.open_declared, 1);
  EXPECT_DOUBLE_EQ(m.open_declared_fraction, 0.5);
  EXPECT_EQ(m.false_tracks_declared, 1);
  EXPECT_EQ(m.long_flight_threats, 1);
  EXPECT_EQ(m.long_flight_early, 1);
  EXPECT_DOUBLE_EQ(m.min_lead_s, 32);
  // canopy's alerts: rocket 1 warned 42 s; rocket 2 warned 5 s (missed).
  const AlertPolicyMetrics& a = m.alerts[0];
  EXPECT_EQ(a.impacts_in_zones, 2);
  EXPECT_EQ(a.missed, 1);
  EXPECT_EQ(a.warned, 1);
  EXPECT_DOUBLE_EQ(a.mean_warning_s, (42 + 5) / 2.0);
  EXPECT_EQ(a.zone_alerts, 3);
  EXPECT_EQ(a.false_zone_alerts, 1);
  EXPECT_DOUBLE_EQ(a.false_population_s, 3 * 500);
  EXPECT_DOUBLE_EQ(a.total_population_s, 47 * 1000 + 10 * 500 + 3 * 500);
  // Baseline (b): zone warnings 59 and 37; own-rocket warnings 59 and 32.
  const AlertPolicyMetrics& b = m.alerts[2];
  EXPECT_EQ(b.missed, 0);
  EXPECT_DOUBLE_EQ(b.mean_warning_s, (59 + 37) / 2.0);
  EXPECT_DOUBLE_EQ(b.mean_own_warning_s, (59 + 32) / 2.0);
  // Baseline (a) raised nothing: both impacts missed.
  EXPECT_EQ(m.alerts[1].missed, 2);
}

}  // namespace
}  // namespace canopy::eval
