#include "canopy/eval/run_scorer.h"

#include <gtest/gtest.h>

#include "canopy/eval/engagement_metrics.h"

namespace canopy::eval {
namespace {

scenario::Scenario two_towns() {
  scenario::Scenario sc;
  sc.defended_areas = {{"North", 1000, {}}, {"South", 250, {}}};
  sc.interceptor_types.emplace_back().cost = 40000;
  sc.batteries.emplace_back().name = "b1";
  return sc;
}

sim::LaunchEvent launch(int rocket, std::optional<std::string> area) {
  sim::LaunchEvent e;
  e.rocket = rocket;
  e.impact_area = std::move(area);
  return e;
}
sim::ImpactEvent impact(double t, int rocket, std::optional<std::string> area) {
  sim::ImpactEvent e;
  e.t_s = t;
  e.rocket = rocket;
  e.area = std::move(area);
  return e;
}
sim::FireEvent fire(double t, int rocket) {
  sim::FireEvent e;
  e.t_s = t;
  e.battery = "b1";
  e.rocket = rocket;
  return e;
}
sim::InterceptEvent intercept(double t, int rocket, bool killed, double miss_m) {
  sim::InterceptEvent e;
  e.t_s = t;
  e.rocket = rocket;
  e.miss_m = miss_m;
  e.killed = killed;
  e.altitude_m = 3000;
  return e;
}
sim::KillAssessmentEvent assessment(bool killed, std::optional<bool> truth,
                                    std::optional<int> rocket) {
  sim::KillAssessmentEvent e;
  e.killed = killed;
  e.rocket_killed = truth;
  e.rocket = rocket;
  return e;
}
sim::InterceptorEndEvent end(const char* reason) {
  sim::InterceptorEndEvent e;
  e.reason = reason;
  return e;
}
sim::AlertEvent alert(bool on, int policy) {
  sim::AlertEvent e;
  e.on = on;
  e.policy = policy;
  return e;
}
sim::ThreatDecisionEvent decision(bool threat) {
  sim::ThreatDecisionEvent e;
  e.threat = threat;
  return e;
}
sim::EngagementPlanEvent plan(double gap) {
  sim::EngagementPlanEvent e;
  e.gap = gap;
  return e;
}

TEST(RunScorer, ImpactsCountAgainstTheAreaTheEventNamesWithItsValue) {
  RunScorer s(two_towns());
  for (int r = 1; r <= 3; ++r)
    s.on_event(launch(r, r == 3 ? std::nullopt : std::optional("North")));
  s.on_event(impact(50, 1, "North"));
  s.on_event(impact(51, 2, "South"));
  s.on_event(impact(52, 3, std::nullopt));
  sim::WorldStats stats;
  stats.scenario = "t";
  stats.rockets_planned = 3;
  const RunSummary r = s.result(stats);
  EXPECT_EQ(r.rockets_launched, 3);
  EXPECT_EQ(r.threatening, 2);
  EXPECT_EQ(r.impacts, 3);
  EXPECT_EQ(r.impacts_in_areas, 2);
  EXPECT_EQ(r.impacts_open_ground, 1);
  EXPECT_DOUBLE_EQ(r.value_hit, 1250);
  ASSERT_EQ(r.areas.size(), 2u);
  EXPECT_EQ(r.areas[1].leakers, 1);
  EXPECT_DOUBLE_EQ(r.areas[1].value_hit, 250);
  EXPECT_EQ(r.scenario, "t");  // the world's telemetry passes through
  EXPECT_EQ(r.rockets_planned, 3);
}

TEST(RunScorer, ARocketIsEngagedOnceAndNotWhenFiredAtAfterItsKill) {
  RunScorer s(two_towns());
  s.on_event(launch(1, "North"));
  s.on_event(launch(2, std::nullopt));
  s.on_event(launch(3, "South"));
  s.on_event(fire(10, 1));
  s.on_event(fire(11, 1));                // a second shot: still one engaged rocket
  s.on_event(fire(12, 2));                // open ground
  s.on_event(intercept(20, 3, true, 2));  // killed by a shot at another track
  s.on_event(fire(21, 3));                // too late: not an engagement
  s.on_event(intercept(22, 1, true, 3));
  s.on_event(intercept(23, 2, false, 60));
  const RunSummary r = s.result(sim::WorldStats{});
  EXPECT_EQ(r.interceptors_fired, 4);
  EXPECT_DOUBLE_EQ(r.interceptor_cost, 4 * 40000.0);
  EXPECT_EQ(r.rockets_engaged, 2);
  EXPECT_EQ(r.engaged_in_areas, 1);
  EXPECT_EQ(r.engaged_open_ground, 1);
  EXPECT_EQ(r.rockets_killed, 2);
  EXPECT_EQ(r.killed_in_areas, 2);
  EXPECT_DOUBLE_EQ(r.value_saved, 1250);
  EXPECT_EQ(r.miss_m, (std::vector<double>{2, 3, 60}));
  const EngagementMetrics m = engagement_metrics(r);
  EXPECT_DOUBLE_EQ(m.interception_rate, 1.0);  // both engaged rockets died
  EXPECT_DOUBLE_EQ(m.miss_median_m, 3);
}

TEST(RunScorer, KillAssessmentsAreRightWhenTheyMatchTheTruthAndFalseTracksAreLeftOut) {
  RunScorer s(two_towns());
  s.on_event(assessment(true, true, 1));
  s.on_event(assessment(true, false, 2));
  s.on_event(assessment(false, std::nullopt, std::nullopt));  // a false track: no truth
  s.on_event(plan(0.02));
  s.on_event(plan(0.01));
  s.on_event(end("fuzed"));
  s.on_event(end("timeout"));
  const RunSummary r = s.result(sim::WorldStats{});
  EXPECT_EQ(r.kill_assessments, 2);
  EXPECT_EQ(r.kill_assessments_right, 1);
  EXPECT_EQ(r.plans, 2);
  EXPECT_DOUBLE_EQ(r.max_plan_gap, 0.02);
  EXPECT_EQ(r.fuzed, 1);
}

TEST(RunScorer, OnlyCanopysPolicyCountsAlertsAndOnlyDeclarationsCountThreats) {
  RunScorer s(two_towns());
  s.on_event(alert(true, 0));
  s.on_event(alert(false, 0));
  s.on_event(alert(true, 2));  // a baseline's
  s.on_event(decision(true));
  s.on_event(decision(false));
  sim::TrackEvent track;
  track.kind = sim::TrackEvent::Kind::kStart;
  s.on_event(track);
  track.kind = sim::TrackEvent::Kind::kConfirm;
  s.on_event(track);
  const RunSummary r = s.result(sim::WorldStats{});
  EXPECT_EQ(r.alerts_on, 1);
  EXPECT_EQ(r.threats_declared, 1);
  EXPECT_EQ(r.tracks_started, 1);
  EXPECT_EQ(r.tracks_confirmed, 1);
}

// The per-area figures come from the same pass as the run's totals, and add
// up to them.
TEST(RunScorer, CountsThreatsEngagementsKillsAndLeakersPerArea) {
  RunScorer scorer(two_towns());
  for (const sim::Event& e : std::vector<sim::Event>{
           launch(1, "North"), launch(2, "North"), launch(3, "South"), launch(4, std::nullopt),
           fire(1, 1), fire(2, 1), fire(3, 2), fire(4, 4), intercept(5, 1, true, 2),  // killed
           [] {  // a fragment of 2: not a kill of 2
             sim::InterceptEvent e = intercept(6, 2, true, 1);
             e.debris = true;
             return e;
           }(),
           intercept(7, 2, false, 30),  // missed
           fire(8, 1),                  // at a dead rocket: engaged once only
           impact(20, 2, "North"), impact(21, 3, "South"), impact(22, 4, std::nullopt)})
    scorer.on_event(e);
  const RunSummary r = scorer.result({});
  ASSERT_EQ(r.areas.size(), 2u);
  const AreaFigures& north = r.areas[0];
  const AreaFigures& south = r.areas[1];
  EXPECT_EQ(north.threatening, 2);
  EXPECT_EQ(north.engaged, 2);
  EXPECT_EQ(north.intercepted, 1);
  EXPECT_EQ(north.leakers, 1);
  EXPECT_EQ(north.value_hit, 1000);
  EXPECT_EQ(south.threatening, 1);
  EXPECT_EQ(south.engaged, 0);
  EXPECT_EQ(south.leakers, 1);
  EXPECT_EQ(south.value_hit, 250);
  EXPECT_EQ(north.threatening + south.threatening, r.threatening);
  EXPECT_EQ(north.engaged + south.engaged, r.engaged_in_areas);
  EXPECT_EQ(north.intercepted + south.intercepted, r.killed_in_areas);
  EXPECT_EQ(north.leakers + south.leakers, r.impacts_in_areas);
  const auto j = to_json(r.areas);
  EXPECT_EQ(j[0]["leak_rate"], 0.5);
  EXPECT_EQ(j[1]["name"], "South");
}

}  // namespace
}  // namespace canopy::eval
