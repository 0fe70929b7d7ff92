#include <gtest/gtest.h>

#include "canopy/assess/alerts.h"
#include "canopy/assess/threat.h"

namespace canopy::assess {
namespace {

core::Polygon square(double e0, double n0, double size) {
  return core::Polygon({{e0, n0}, {e0 + size, n0}, {e0 + size, n0 + size}, {e0, n0 + size}});
}

ImpactPrediction at(double e, double n, double sigma, double t_impact, double t = 0) {
  ImpactPrediction ip;
  ip.t_s = t;
  ip.p_en_m = {e, n};
  ip.cov_en_m2 = sigma * sigma * Eigen::Matrix2d::Identity();
  ip.t_impact_s = t_impact;
  return ip;
}

TEST(ThreatEvaluation, SumsAreaProbabilitiesAndValues) {
  std::vector<scenario::DefendedArea> areas = {{"west", 100, square(-2000, -1000, 2000)},
                                               {"east", 50, square(0, -1000, 2000)}};
  // Centred on the shared edge, small spread: half in each.
  const ThreatEvaluation ev = evaluate_threat(at(0, 0, 50, 60), areas);
  ASSERT_EQ(ev.p_area.size(), 2u);
  EXPECT_NEAR(ev.p_area[0], 0.5, 1e-6);
  EXPECT_NEAR(ev.p_area[1], 0.5, 1e-6);
  EXPECT_NEAR(ev.p_hit, 1.0, 1e-6);
  EXPECT_NEAR(ev.threat_value, 75, 1e-4);
  // Far away: nothing.
  EXPECT_EQ(evaluate_threat(at(20000, 0, 50, 60), areas).p_hit, 0.0);
}

TEST(ThreatBoard, DeclaresAtPEngageAndReleasesBelowPReleaseOnly) {
  scenario::Doctrine d;
  d.p_engage = 0.3;
  d.p_release = 0.1;
  ThreatBoard board(d);
  auto eval = [](double p) {
    ThreatEvaluation ev;
    ev.p_hit = p;
    return ev;
  };
  // First evaluation is always logged (here: not a threat).
  auto first = board.update(7, 1.0, eval(0.2), 50.0);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->threat);
  EXPECT_DOUBLE_EQ(first->time_to_impact_s, 49.0);
  EXPECT_FALSE(board.update(7, 2.0, eval(0.29), 50.0));
  auto on = board.update(7, 3.0, eval(0.3), 50.0);
  ASSERT_TRUE(on);
  EXPECT_TRUE(on->threat);
  EXPECT_DOUBLE_EQ(on->p_hit, 0.3);
  // Hysteresis: 0.15 keeps it declared, 0.09 releases it.
  EXPECT_FALSE(board.update(7, 4.0, eval(0.15), 50.0));
  EXPECT_TRUE(board.is_threat(7));
  auto off = board.update(7, 5.0, eval(0.09), 50.0);
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->threat);
  EXPECT_DOUBLE_EQ(off->time_to_impact_s, 45.0);
}

class AlertsTest : public ::testing::Test {
 protected:
  // Three zones in a row, 2 km wide: [0, 2], [2, 4], [10, 12] km east.
  std::vector<core::Polygon> polys = {square(0, 0, 2000), square(2000, 0, 2000),
                                      square(10000, 0, 2000)};
  std::vector<const core::Polygon*> zones() { return {&polys[0], &polys[1], &polys[2]}; }
  std::vector<double> p_zone(const ImpactPrediction& ip) {
    return polygon_probabilities(ip, zones());
  }
  // A probability board with hysteresis (alert at 0.05, release below
  // 0.01) on which track 1's wide early prediction (at 5 s, impact at 60 s)
  // has alerted zones 0 and 1.
  AlertBoard board_alerting_zones_0_and_1() {
    doctrine.p_alert = 0.05;
    doctrine.p_alert_release = 0.01;
    AlertBoard board(AlertPolicy::kProbability, doctrine, zones());
    std::vector<AlertChange> out;
    const ImpactPrediction ip = at(2000, 1000, 1500, 60, 5);
    board.update(1, 5, ip, p_zone(ip), out);
    EXPECT_EQ(out.size(), 2u);
    return board;
  }
  scenario::Doctrine doctrine;
};

TEST_F(AlertsTest, AlertsTheThreatenedZoneOnlyAndHoldsUntilImpactPlusMargin) {
  doctrine.alert_hold_s = 5;
  AlertBoard board(AlertPolicy::kProbability, doctrine, zones());
  std::vector<AlertChange> out;
  // Centre of zone 0, 300 m spread: zone 0 only.
  const ImpactPrediction ip = at(1000, 1000, 300, 40.0, 10.0);
  board.update(4, 10.0, ip, p_zone(ip), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].on);
  EXPECT_EQ(out[0].zone, 0);
  EXPECT_EQ(out[0].track, 4);
  EXPECT_DOUBLE_EQ(out[0].t_impact_s, 40.0);
  EXPECT_TRUE(board.zone_alerted(0));
  EXPECT_FALSE(board.zone_alerted(1));
  out.clear();
  board.expire(44.9, out);
  EXPECT_TRUE(out.empty());
  board.expire(45.2, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].on);
  EXPECT_DOUBLE_EQ(out[0].t_s, 45.0);  // at the hold's end
}

TEST_F(AlertsTest, CancelsWhenTheThreatMovesAwayWithHysteresis) {
  // Early: wide spread over zones 0 and 1.
  AlertBoard board = board_alerting_zones_0_and_1();
  std::vector<AlertChange> out;
  // Later: tight in zone 1; zone 0 falls below the release level.
  const ImpactPrediction ip = at(3000, 1000, 200, 60, 20);
  board.update(1, 20, ip, p_zone(ip), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].on);
  EXPECT_EQ(out[0].zone, 0);
  EXPECT_TRUE(board.zone_alerted(1));
}

TEST_F(AlertsTest, AnAlertIsNotReleasedOnceTheImpactIsNearerThanTheMinimumWarning) {
  doctrine.min_warning_s = 10;
  AlertBoard board = board_alerting_zones_0_and_1();
  std::vector<AlertChange> out;
  // 8 s before impact the prediction leaves zone 0: the alert stays.
  const ImpactPrediction ip = at(3000, 1000, 200, 60, 52);
  board.update(1, 52, ip, p_zone(ip), out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(board.zone_alerted(0));
  // It runs out its hold (impact + alert_hold_s).
  board.expire(60 + doctrine.alert_hold_s + 0.1, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].reason, AlertEnd::kHoldEnded);
}

TEST_F(AlertsTest, ACancelledTrackStopsAtOnceOthersHoldAndNothingRepeats) {
  AlertBoard board(AlertPolicy::kProbability, doctrine, zones());
  std::vector<AlertChange> out;
  const ImpactPrediction ip = at(1000, 1000, 100, 50, 10);
  board.update(1, 10, ip, p_zone(ip), out);
  board.update(2, 10, ip, p_zone(ip), out);
  ASSERT_EQ(out.size(), 2u);
  out.clear();
  // A second prediction with the alerts on reports nothing.
  board.update(2, 11, ip, p_zone(ip), out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(board.track_alerted(2));
  board.cancel_track(2, 21, AlertEnd::kKilled, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].track, 2);
  EXPECT_DOUBLE_EQ(out[0].t_s, 21);
  EXPECT_EQ(out[0].reason, AlertEnd::kKilled);
  EXPECT_FALSE(board.track_alerted(2));
  EXPECT_TRUE(board.zone_alerted(0));  // track 1 still holds it
  // The run ends before track 1's hold: it stops then, as run_end.
  out.clear();
  board.end_all(30, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].reason, AlertEnd::kRunEnd);
  EXPECT_FALSE(board.zone_alerted(0));
}

TEST_F(AlertsTest, BaselinesAlertByRadiusAndTheWholeRegion) {
  std::vector<AlertChange> out;
  const ImpactPrediction ip = at(1000, 1000, 10, 50, 10);
  AlertBoard radius(AlertPolicy::kRadius, doctrine, zones());
  radius.update(1, 10, ip, {}, out);
  ASSERT_EQ(out.size(), 2u);  // zones 0 and 1 lie within 5 km, zone 2 is 9 km away
  EXPECT_EQ(out[0].zone, 0);
  EXPECT_EQ(out[1].zone, 1);
  out.clear();
  AlertBoard region(AlertPolicy::kRegion, doctrine, zones());
  region.update(1, 10, ip, {}, out);
  EXPECT_EQ(out.size(), 3u);
}

}  // namespace
}  // namespace canopy::assess
