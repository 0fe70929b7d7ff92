// The whole chain's targets on the default scenario with its batteries,
// pooled over seeds 1-20 (3,940 rockets): impact-prediction calibration at
// 2, 5 and 10 s after confirmation, the miss distance shrinking with track
// age, the engage decision's confusion matrix, the alert metrics against
// the baselines, the closed-loop safety promises (every warnable impact
// warned, no false kill claim beyond 0.5 %, no alert cancelled over a live
// rocket, few debris alerts and wrong-target kills) and the engagement
// (interception, leak rate, miss distance). The README quotes the same
// figures (bash tools/engage_seeds.sh 20, bash tools/assess_seeds.sh 20).
#include <gtest/gtest.h>

#include <thread>

#include "canopy/eval/assess_metrics.h"
#include "canopy/eval/engagement_metrics.h"
#include "canopy/eval/run_scorer.h"
#include "canopy/eval/safety_metrics.h"
#include "canopy/eval/statistics.h"
#include "canopy/scenario/load.h"
#include "canopy/sim/world.h"

namespace canopy::eval {
namespace {

struct Collect : sim::EventSink {
  explicit Collect(const scenario::Scenario& sc)
      : scorer(sc.alert_zones), safety(sc.doctrine.min_warning_s), run(sc) {}
  void on_event(const sim::Event& e) override {
    scorer.on_event(e);
    safety.on_event(e);
    run.on_event(e);
  }
  AssessScorer scorer;
  SafetyScorer safety;
  RunScorer run;
};

struct SeedRun {
  AssessMetrics assess;
  SafetyMetrics safety;
  RunSummary summary;
};

std::vector<SeedRun> run_seeds(int seeds) {
  const scenario::Scenario sc = *scenario::load_default();
  std::vector<SeedRun> out(static_cast<size_t>(seeds));
  auto work = [&](int first) {
    for (int s = first; s < seeds; s += 2) {
      sim::WorldOptions opts;
      opts.seed = static_cast<std::uint64_t>(s + 1);
      opts.trajectory_interval_s = 0;
      opts.picture_interval_s = 0;
      auto world = sim::World::create(sc, opts);
      ASSERT_TRUE(world.has_value());
      Collect sink(sc);
      world->set_sink(&sink);
      world->run();
      out[static_cast<size_t>(s)] = {sink.scorer.result(), sink.safety.result(),
                                     sink.run.result(world->stats())};
    }
  };
  std::thread other(work, 1);
  work(0);
  other.join();
  return out;
}

TEST(DefendedDefaultScenario, MeetsTheChainsTargetsOverTwentySeeds) {
  const std::vector<SeedRun> all = run_seeds(20);
  std::vector<AssessMetrics> runs;
  for (const SeedRun& r : all) runs.push_back(r.assess);
  // Calibration: pooled coverage of the 95 % ellipse in [0.93, 0.97] at
  // each checkpoint, with at least 2,000 rockets.
  for (size_t c = 0; c < 3; ++c) {
    int inside = 0, total = 0;
    for (const auto& m : runs) {
      inside += m.checkpoints[c].inside_95;
      total += m.checkpoints[c].rockets;
    }
    const double coverage = static_cast<double>(inside) / total;
    EXPECT_GE(total, 2000);
    EXPECT_GE(coverage, 0.93) << "checkpoint " << runs[0].checkpoints[c].after_confirm_s << " s";
    EXPECT_LE(coverage, 0.97) << "checkpoint " << runs[0].checkpoints[c].after_confirm_s << " s";
  }
  // The median miss shrinks with track age: each bin up to 20-30 s below
  // the one before (seed 1's curve, bins with enough predictions).
  const auto& bins = runs[0].by_age;
  for (size_t b = 1; b < bins.size() && bins[b].hi_s <= 30; ++b)
    EXPECT_LT(bins[b].median_miss_m, bins[b - 1].median_miss_m) << "bin from " << bins[b].lo_s;

  int threats = 0, declared = 0, open = 0, open_declared = 0, long_flights = 0, early = 0;
  std::array<int, 3> missed{};
  std::array<double, 3> false_pop_s{}, warning{}, own_warning{};
  int impacts = 0;
  for (const auto& m : runs) {
    threats += m.true_threats;
    declared += m.threat_declared;
    open += m.open_ground;
    open_declared += m.open_declared;
    long_flights += m.long_flight_threats;
    early += m.long_flight_early;
    impacts += m.alerts[0].impacts_in_zones;
    for (size_t p = 0; p < 3; ++p) {
      missed[p] += m.alerts[p].missed;
      false_pop_s[p] += m.alerts[p].false_population_s;
      warning[p] += m.alerts[p].mean_warning_s * m.alerts[p].impacts_in_zones;
      own_warning[p] += m.alerts[p].mean_own_warning_s * m.alerts[p].impacts_in_zones;
    }
  }
  EXPECT_GE(static_cast<double>(declared) / threats, 0.995);
  EXPECT_GE(static_cast<double>(early) / long_flights, 0.995);
  EXPECT_LE(static_cast<double>(open_declared) / open, 0.05);
  EXPECT_GT(impacts, 2000);
  EXPECT_EQ(missed[0], 0);
  EXPECT_LE(false_pop_s[0], 0.25 * false_pop_s[1]);
  // Warning from the rocket's own alerts: at least 90 % of baseline (b)'s.
  EXPECT_GE(own_warning[0], 0.9 * own_warning[2]);

  // Closed-loop safety.
  int warnable = 0, assessments = 0, false_claims = 0, cancelled_alive = 0;
  int alerts_on = 0, debris_alerts = 0, fired = 0, wrong = 0;
  for (const SeedRun& r : all) {
    warnable += r.safety.warnable_impacts;
    EXPECT_EQ(r.safety.unwarned, 0);
    EXPECT_EQ(r.safety.late, 0);
    for (const std::string& b : r.safety.breaches)
      if (b.find("claimed killed") == std::string::npos) ADD_FAILURE() << b;
    assessments += r.safety.kill_assessments;
    false_claims += r.safety.false_kill_claims;
    cancelled_alive += r.safety.alerts_cancelled_while_alive;
    alerts_on += r.safety.alerts_on;
    debris_alerts += r.safety.alerts_on_no_rocket;
    fired += r.safety.interceptors_fired;
    wrong += r.safety.wrong_target_kills;
  }
  EXPECT_GT(warnable, 2000);
  EXPECT_GT(assessments, 1000);
  EXPECT_LE(false_claims, 0.005 * assessments);
  EXPECT_EQ(cancelled_alive, 0);
  EXPECT_LE(debris_alerts, 0.05 * alerts_on);
  EXPECT_LE(wrong, 0.01 * fired);

  // Engagement: interception, pooled leak rate, miss distance.
  int engaged = 0, intercepted = 0, leakers = 0, threatening = 0;
  std::vector<double> misses;
  for (const SeedRun& r : all) {
    const EngagementMetrics e = engagement_metrics(r.summary);
    engaged += e.rockets_engaged;
    intercepted += e.rockets_intercepted;
    leakers += e.leakers;
    threatening += e.threatening;
    misses.insert(misses.end(), r.summary.miss_m.begin(), r.summary.miss_m.end());
  }
  EXPECT_GE(intercepted, 0.85 * engaged);
  EXPECT_LE(leakers, 0.117 * threatening);
  EXPECT_GE(percentile(misses, 0.5), 0.5);
  EXPECT_LE(percentile(misses, 0.5), 5.0);
}

}  // namespace
}  // namespace canopy::eval
