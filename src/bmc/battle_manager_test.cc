// The battle manager's whole chain on scripted plots: a radar turns the
// truth of rockets flown by the integrator into plots with its own noise,
// and interceptors scripted from the fire orders report their flight and
// how it ended. Each test claims one contract of BattleManager::step or
// finish: what it engages and alerts, what it leaves alone, how it counts
// its own interceptors, how it assesses a kill and re-engages a survivor.
#include "canopy/bmc/battle_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "canopy/bmc/test_support.h"

namespace canopy::bmc {
namespace {

using test::Fate;
using test::kTick_s;
using test::Vec2;

constexpr size_t kCanopy = assess::policy_index(assess::AlertPolicy::kProbability);
constexpr size_t kRadius = assess::policy_index(assess::AlertPolicy::kRadius);
constexpr size_t kRegion = assess::policy_index(assess::AlertPolicy::kRegion);

// Every order of a run, flattened.
struct Log {
  std::vector<TrackAssessment> assessments;
  std::vector<assess::ThreatDecision> decisions;
  std::array<std::vector<assess::AlertChange>, assess::kAlertPolicyCount> alerts;
  std::vector<FireOrder> fire;
  std::vector<Uplink> uplinks;
  std::vector<KillAssessment> kills;
  std::vector<EngagementHold> holds;
  std::vector<EngagementPlan> plans;
  std::vector<TrackClassChange> classes;
  std::vector<tracking::TrackEvent> track_events;

  void add(const Orders& o) {
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(assessments, o.assessments);
    append(decisions, o.decisions);
    for (size_t i = 0; i < alerts.size(); ++i) append(alerts[i], o.alerts[i].changes);
    append(fire, o.engagement.fire);
    append(uplinks, o.engagement.uplinks);
    append(kills, o.engagement.assessments);
    append(holds, o.engagement.holds);
    append(plans, o.engagement.plans);
    append(classes, o.classes);
  }
  // Zones a policy turned on.
  std::set<int> zones_on(size_t policy) const {
    std::set<int> out;
    for (const assess::AlertChange& c : alerts[policy])
      if (c.on) out.insert(c.zone);
    return out;
  }
  int confirmed_tracks() const {
    return static_cast<int>(std::count_if(track_events.begin(), track_events.end(), [](auto& e) {
      return e.kind == tracking::TrackEvent::Kind::kConfirm;
    }));
  }
};

// The battle manager over a scripted sky, stepped every scan.
struct Session {
  explicit Session(const scenario::Scenario& sc = test::town_scenario(), std::uint64_t seed = 11)
      : sky(sc, seed), bm(Knowledge::from_scenario(sc, sc.environment)) {}

  void until(double t_end_s) {
    for (; (k + 1) * kTick_s <= t_end_s + 1e-9; ++k) {
      const double t = (k + 1) * kTick_s;
      const test::Tick tick = sky.tick(t);
      const Orders o = bm.step(t, tick.scans, tick.reports);
      for (const FireOrder& f : o.engagement.fire) sky.fire(f);
      log.add(o);
      for (const tracking::TrackEvent& e : bm.take_track_events()) log.track_events.push_back(e);
    }
  }
  double now() const { return k * kTick_s; }

  test::ScriptedSky sky;
  BattleManager bm;
  Log log;
  int k = 0;
};

// One rocket on the town, killed by the first interceptor, run to its
// would-be impact and beyond: several tests read it.
const Session& town_run() {
  static Session* run = [] {
    auto* r = new Session();
    r->sky.launch(test::town_aim(), 2.0);
    r->until(r->sky.rockets()[0].impact().t_s + 6);
    return r;
  }();
  return *run;
}

TEST(BattleManager, NoOrdersWithoutPlots) {
  // An empty sky, scanned for a minute: every scan arrives, and is empty.
  Session r;
  r.until(60);
  const Log& log = r.log;
  EXPECT_TRUE(log.track_events.empty());
  EXPECT_TRUE(log.assessments.empty());
  EXPECT_TRUE(log.decisions.empty());
  for (const auto& changes : log.alerts) EXPECT_TRUE(changes.empty());
  EXPECT_TRUE(log.fire.empty());
  EXPECT_TRUE(log.holds.empty());
  EXPECT_TRUE(log.plans.empty());
  EXPECT_TRUE(r.bm.picture(r.now()).empty());
  EXPECT_EQ(r.bm.stats().predictions, 0);
  EXPECT_EQ(r.bm.fire_control().interceptors_left(), 20);
  EXPECT_GT(r.bm.tracker().stats().scans, 200);
}

TEST(BattleManager, RocketHeadedForOpenGroundIsNotEngaged) {
  Session r;
  const test::TruthRocket& rocket = r.sky.launch(test::open_ground_aim(), 2.0);
  const Vec2 impact = rocket.impact().p_W.head<2>();
  ASSERT_LT((impact - test::open_ground_aim()).norm(), 50.0);
  r.until(rocket.impact().t_s + 2);
  const Log& log = r.log;

  // It was tracked and assessed, and its predictions steered decisions.
  ASSERT_EQ(log.confirmed_tracks(), 1);
  ASSERT_FALSE(log.decisions.empty());
  const auto used = std::count_if(log.assessments.begin(), log.assessments.end(),
                                  [](const TrackAssessment& a) { return a.used; });
  EXPECT_GT(used, 10);
  // Never a threat, never a shot, never a hold.
  for (const assess::ThreatDecision& d : log.decisions) EXPECT_FALSE(d.threat) << d.t_s;
  for (const TrackAssessment& a : log.assessments) {
    EXPECT_FALSE(a.threat_declared) << a.t_s;
    if (a.used) {
      EXPECT_LT(a.threat.p_hit, 0.15) << a.t_s;
    }
  }
  EXPECT_TRUE(log.fire.empty());
  EXPECT_TRUE(log.holds.empty());
  EXPECT_EQ(r.bm.fire_control().interceptors_left(), 20);
  // The people where it falls are warned, the town is not.
  EXPECT_EQ(log.zones_on(kCanopy), std::set<int>{test::kOpenZone});
  // The last used prediction is near where it fell.
  auto last = std::find_if(log.assessments.rbegin(), log.assessments.rend(),
                           [](const TrackAssessment& a) { return a.used; });
  ASSERT_NE(last, log.assessments.rend());
  EXPECT_LT((last->prediction.p_en_m - impact).norm(), 300.0);
}

TEST(BattleManager, ThreatToADefendedAreaIsEngagedAndAlerted) {
  const Session& r = town_run();
  const Log& log = r.log;
  const test::TruthRocket& rocket = r.sky.rockets()[0];
  ASSERT_TRUE(r.sky.scenario().defended_areas[0].polygon.contains(rocket.impact().p_W.head<2>()));

  // Declared a threat ...
  const auto threat = std::find_if(log.decisions.begin(), log.decisions.end(),
                                   [](const assess::ThreatDecision& d) { return d.threat; });
  ASSERT_NE(threat, log.decisions.end());
  const int track = threat->track;
  EXPECT_GE(threat->p_hit, 0.5);
  // ... its zone alerted with at least the minimum warning ...
  const auto alert =
      std::find_if(log.alerts[kCanopy].begin(), log.alerts[kCanopy].end(),
                   [&](const assess::AlertChange& c) { return c.on && c.track == track; });
  ASSERT_NE(alert, log.alerts[kCanopy].end());
  EXPECT_EQ(alert->zone, test::kTownZone);
  EXPECT_LE(alert->t_s, rocket.impact().t_s - 10);
  // ... and engaged once: the battery's interceptor, fired after the
  // decision, meets it inside the battery's altitude band before it lands.
  ASSERT_EQ(log.fire.size(), 1u);
  const FireOrder& f = log.fire[0];
  EXPECT_EQ(f.track, track);
  EXPECT_EQ(f.battery, 0);
  EXPECT_GE(f.t_s, threat->t_s);
  EXPECT_GT(f.t_intercept_s, f.t_s);
  EXPECT_LT(f.t_intercept_s, rocket.impact().t_s);
  EXPECT_GE(core::altitude_m(f.intercept_W), 500 - 1e-6);
  EXPECT_LE(core::altitude_m(f.intercept_W), 10000 + 1e-6);
  EXPECT_GT(f.pk, 0.5);
  EXPECT_EQ(r.bm.fire_control().interceptors_left(), 19);
  // Its track is uplinked to it while it flies.
  const auto uplinks = std::count_if(log.uplinks.begin(), log.uplinks.end(), [&](const Uplink& u) {
    return u.interceptor == f.interceptor;
  });
  EXPECT_GE(uplinks, static_cast<long>((f.t_intercept_s - f.t_s) / kTick_s) - 2);
}

TEST(BattleManager, AlertsOnlyTheThreatenedZone) {
  const Log& log = town_run().log;
  // Canopy's policy sounds the town's zone alone; the whole-region baseline
  // sounds all three, so the others were candidates. (The 5 km baseline
  // sounds the town's zone too, and the north zone if an early, uncertain
  // prediction falls within 5 km of it.)
  EXPECT_EQ(log.zones_on(kCanopy), std::set<int>{test::kTownZone});
  EXPECT_TRUE(log.zones_on(kRadius).contains(test::kTownZone));
  EXPECT_EQ(log.zones_on(kRegion),
            (std::set<int>{test::kTownZone, test::kNorthZone, test::kOpenZone}));
}

TEST(BattleManager, OwnInterceptorPlotsAreDiscounted) {
  const Session& r = town_run();
  // The radar saw the interceptor every scan of its flight; all but (at
  // most) the first plot, made before its first downlink, were discounted,
  // and no track but the rocket's was ever confirmed.
  const int seen = r.sky.interceptor_plots();
  ASSERT_GT(seen, 10);
  EXPECT_GE(r.bm.stats().own_plots_discounted, seen - 1);
  EXPECT_LE(r.bm.stats().own_plots_discounted, seen);
  EXPECT_EQ(r.log.confirmed_tracks(), 1);
}

TEST(BattleManager, InterceptorsWithoutDownlinkAreNotDiscounted) {
  // The same sky with a silent downlink: the battle manager only knows
  // where its interceptor was launched, so none of its plots is discounted
  // and the radar makes a track of it.
  Session r;
  r.sky.downlink = false;
  r.sky.fate = Fate::kDud;
  r.sky.launch(test::town_aim(), 2.0);
  r.until(40);
  ASSERT_FALSE(r.log.fire.empty());
  ASSERT_GT(r.sky.interceptor_plots(), 10);
  EXPECT_EQ(r.bm.stats().own_plots_discounted, 0);
  EXPECT_GE(r.log.confirmed_tracks(), 2);
}

TEST(BattleManager, KillAssessedWhenTheTrackEnds) {
  const Session& r = town_run();
  const Log& log = r.log;
  ASSERT_EQ(r.sky.detonations().size(), 1u);
  const test::Detonation& det = r.sky.detonations()[0];
  ASSERT_TRUE(det.killed);
  const int track = log.fire.at(0).track;

  // The plots stop at the detonation; the track ends on its misses ...
  const auto end = std::find_if(log.track_events.begin(), log.track_events.end(), [&](auto& e) {
    return e.kind == tracking::TrackEvent::Kind::kEnd && e.track == track;
  });
  ASSERT_NE(end, log.track_events.end());
  // ... and one look later the kill is assessed from the empty gate.
  ASSERT_EQ(log.kills.size(), 1u);
  const KillAssessment& k = log.kills[0];
  EXPECT_EQ(k.track, track);
  EXPECT_EQ(k.interceptor, det.interceptor);
  EXPECT_EQ(k.outcome, engage::KillOutcome::kKilled);
  EXPECT_TRUE(k.killed);
  EXPECT_TRUE(k.track_ended);
  EXPECT_FALSE(k.held_by_track);
  EXPECT_GE(k.t_s, det.t_s + 2.5 - 1e-9);
  EXPECT_LT(k.t_s, det.t_s + 2.5 + kTick_s + 1e-9);
  EXPECT_LE(k.p_alive, engage::kKilledBelow);
  EXPECT_GT(k.covering_scans, 3);
  EXPECT_EQ(k.intact_hits, 0);
  EXPECT_LT(k.detonation_offset_m, 50);
  // The claim ends its alerts (on their hold after the track's end) at
  // once.
  bool alert_killed = false;
  for (const assess::AlertChange& c : log.alerts[kCanopy])
    if (c.track == track && !c.on)
      alert_killed |= c.reason == assess::AlertEnd::kKilled && c.t_s == k.t_s;
  EXPECT_TRUE(alert_killed);
  // One shot was enough: none followed.
  EXPECT_EQ(log.fire.size(), 1u);
}

TEST(BattleManagerDeathTest, AScanOfASensorItDoesNotKnowIsABug) {
  // Scans come from the sensors of the battle manager's own knowledge: one
  // of another sensor is a bug in canopy, stopped by a check rather than
  // read out of bounds.
  const scenario::Scenario sc = test::town_scenario();
  BattleManager bm(Knowledge::from_scenario(sc, sc.environment));
  sensors::Scan scan;
  scan.sensor = 1;  // the town has one radar
  scan.t_s = scan.arrival_s = 0.25;
  sensors::Plot plot;
  plot.sensor = 1;
  plot.t_s = 0.25;
  plot.range_m = 5000;
  scan.plots.push_back(plot);
  const std::vector<sensors::Scan> scans{scan};
  EXPECT_DEATH(bm.step(0.25, scans), "internal error at .*scan\\.sensor");
}

TEST(BattleManager, KillClaimedAfterItsTrackEndedClassesNoTrack) {
  // The track ended on its misses before the empty gate claimed the kill:
  // there is no track left to class as debris, and none is.
  const Session& r = town_run();
  ASSERT_EQ(r.log.kills.size(), 1u);
  const KillAssessment& k = r.log.kills[0];
  ASSERT_TRUE(k.killed);
  ASSERT_TRUE(k.track_ended);
  for (const TrackClassChange& c : r.log.classes) EXPECT_NE(c.track, k.track) << c.t_s;
}

TEST(BattleManager, SurvivorIsEngagedAgainUntilItsShotsAreSpent) {
  // Both interceptors detonate 300 m from the rocket, which flies on.
  Session r;
  r.sky.fate = Fate::kMiss;
  const test::TruthRocket& rocket = r.sky.launch(test::town_aim(), 2.0);
  r.until(rocket.impact().t_s + 1);
  const Log& log = r.log;

  // Shoot, look (the track is held while it is assessed), shoot again.
  ASSERT_EQ(log.fire.size(), 2u);
  const int track = log.fire[0].track;
  EXPECT_EQ(log.fire[1].track, track);
  ASSERT_EQ(log.kills.size(), 2u);
  for (const KillAssessment& k : log.kills) {
    EXPECT_EQ(k.track, track);
    EXPECT_EQ(k.outcome, engage::KillOutcome::kSurvived);
    EXPECT_FALSE(k.killed);
    EXPECT_GE(k.p_alive, engage::kSurvivedAbove);
    EXPECT_GT(k.intact_hits, 0);
  }
  const double t_det = r.sky.detonations().at(0).t_s;
  EXPECT_GE(log.kills[0].t_s, t_det + 2.5 - 1e-9);
  EXPECT_GE(log.fire[1].t_s, log.kills[0].t_s);
  EXPECT_LE(log.fire[1].t_s, log.kills[0].t_s + 1.0);
  auto held = [&](HoldReason reason, double from_s, double to_s) {
    return std::any_of(log.holds.begin(), log.holds.end(), [&](const EngagementHold& h) {
      return h.track == track && h.reason == reason && h.t_s >= from_s && h.t_s <= to_s;
    });
  };
  EXPECT_TRUE(held(HoldReason::kAssessing, t_det, log.kills[0].t_s));
  // Two shots a threat: after the second survives, no third.
  EXPECT_TRUE(held(HoldReason::kShotsExhausted, log.kills[1].t_s, rocket.impact().t_s));
  // Nothing was claimed, so the town's alert stood until the impact.
  for (const assess::AlertChange& c : log.alerts[kCanopy]) {
    EXPECT_NE(c.reason, assess::AlertEnd::kKilled);
    if (!c.on) {
      EXPECT_GE(c.t_s, rocket.impact().t_s - 1e-9);
    }
  }
  EXPECT_TRUE(log.zones_on(kCanopy).contains(test::kTownZone));
}

TEST(BattleManager, FinishEndsEveryAlert) {
  // Stop the run with a rocket in flight and its alerts on.
  Session r;
  const test::TruthRocket& rocket = r.sky.launch(test::open_ground_aim(), 2.0);
  r.until(rocket.impact().t_s - 15);
  for (size_t p = 0; p < assess::kAlertPolicyCount; ++p)
    ASSERT_FALSE(r.log.alerts[p].empty()) << "policy " << p;
  const double t_end = r.now();
  const Orders last = r.bm.finish(t_end);

  // Every alert still on stops now, in every policy; every track ends.
  for (size_t p = 0; p < assess::kAlertPolicyCount; ++p) {
    EXPECT_EQ(last.alerts[p].policy, assess::kAlertPolicies[p].policy);
    std::set<std::pair<int, int>> on;
    for (const assess::AlertChange& c : r.log.alerts[p]) {
      if (c.on) {
        on.insert({c.zone, c.track});
      } else {
        on.erase(std::pair(c.zone, c.track));
      }
    }
    ASSERT_FALSE(on.empty()) << "policy " << p;
    std::set<std::pair<int, int>> ended;
    for (const assess::AlertChange& c : last.alerts[p].changes) {
      EXPECT_FALSE(c.on);
      EXPECT_EQ(c.reason, assess::AlertEnd::kRunEnd);
      EXPECT_EQ(c.t_s, t_end);
      ended.insert({c.zone, c.track});
    }
    EXPECT_EQ(ended, on) << "policy " << p;
  }
  const auto events = r.bm.take_track_events();
  ASSERT_FALSE(events.empty());
  for (const tracking::TrackEvent& e : events) {
    EXPECT_EQ(e.kind, tracking::TrackEvent::Kind::kEnd);
    EXPECT_EQ(e.reason, tracking::EndReason::kRunEnd);
  }
  EXPECT_TRUE(r.bm.picture(t_end).empty());
}

}  // namespace
}  // namespace canopy::bmc
