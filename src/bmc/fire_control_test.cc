// Fire control alone, on scripted plots: a radar turns the truth of rockets
// flown by the integrator into plots, a tracker built as the battle manager
// builds its own makes tracks of them, and every confirmed track past boost
// is declared a threat to the town. Interceptors scripted from the fire
// orders report their flight and how it ended. Each test claims one
// contract of FireControl: one round in flight per threat under
// shoot-look-shoot, with its track uplinked; a dud replaced at once; the
// magazine and its reload; no window, no shot; a kill claim revoked when
// the rocket shows up again.
#include "canopy/bmc/fire_control.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "canopy/bmc/battle_manager.h"  // make_tracker, measurement_from_plot
#include "canopy/bmc/test_support.h"

namespace canopy::bmc {
namespace {

using test::Fate;
using test::kTick_s;

// The threat value every declared threat gets (the town's value).
constexpr double kTownValue = 1000;

// The tracker the battle manager would run, with the true wind as forecast.
tracking::Tracker make_tracker(const scenario::Scenario& sc) {
  return bmc::make_tracker(Knowledge::from_scenario(sc, sc.environment));
}

// Fire control over a scripted sky and a tracker, stepped every scan.
struct Bench {
  explicit Bench(const scenario::Scenario& sc, std::uint64_t seed = 23)
      : sky(sc, seed),
        library(tracking::ThreatLibrary::from_rocket_types(sc.rocket_types)),
        tracker(make_tracker(sc)),
        fc(sc.interceptor_types, sc.batteries, sc.defended_areas, sc.doctrine, sc.environment,
           sc.sensors, sc.rocket_types) {
    // Discounting its own interceptors' plots is the battle manager's job.
    sky.interceptors_visible = false;
  }

  // One scan period: the downlink and the scans, the tracker, the threats
  // (refreshed every second), then fire control, which is shown `seen`'s
  // picture instead of the tracker's if given.
  FireControlOrders step(const tracking::Tracker* seen = nullptr) {
    const double t = ++k * kTick_s;
    const test::Tick tick = sky.tick(t);
    for (const sensors::Scan& scan : tick.scans) {
      const scenario::Sensor& radar = sky.scenario().sensors[static_cast<size_t>(scan.sensor)];
      tracking::ScanInput in{scan.sensor, scan.t_s, scan.arrival_s, {}};
      std::vector<Vec3> plots_W;
      for (const sensors::Plot& p : scan.plots) {
        plots_W.push_back(
            sensors::W_from_polar(radar.p_W, {*p.range_m, p.azimuth_rad, *p.elevation_rad}));
        in.measurements.push_back(measurement_from_plot(p));
      }
      fc.observe(scan.t_s, scan.sensor, plots_W);
      tracker.receive(std::move(in));
    }
    tracker.advance_to(t);
    for (const tracking::TrackEvent& e : tracker.take_events())
      if (e.kind == tracking::TrackEvent::Kind::kEnd) fc.track_ended(e.track, t);
    if (t >= next_threat_s - 1e-9) {
      next_threat_s = t + 1.0;
      for (const tracking::TrackSnapshot& s : tracker.picture(t)) {
        if (s.ballistic.p_boost >= kMaxBoostProbability) continue;
        ThreatTrack th;
        th.track = s.id;
        th.threat_value = kTownValue;
        th.path = engage::predict_path(ballistic_estimate(s, library), sky.scenario().environment);
        fc.update_threat(s.id, std::move(th));
      }
    }
    FireControlOrders out = fc.step(t, tick.reports, seen != nullptr ? *seen : tracker);
    for (const FireOrder& f : out.fire) sky.fire(f);
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(fire, out.fire);
    append(kills, out.assessments);
    append(revoked, out.revoked);
    append(holds, out.holds);
    append(plans, out.plans);
    return out;
  }
  double now() const { return k * kTick_s; }
  void until(double t_end_s) {
    while ((k + 1) * kTick_s <= t_end_s + 1e-9) step();
  }
  bool held(int track, HoldReason reason) const {
    return std::any_of(holds.begin(), holds.end(), [&](const EngagementHold& h) {
      return h.track == track && h.reason == reason;
    });
  }

  test::ScriptedSky sky;
  tracking::ThreatLibrary library;
  tracking::Tracker tracker;
  FireControl fc;
  int k = 0;
  double next_threat_s = 0;
  std::vector<FireOrder> fire;
  std::vector<KillAssessment> kills;
  std::vector<KillRevoked> revoked;
  std::vector<EngagementHold> holds;
  std::vector<EngagementPlan> plans;
};

TEST(FireControl, UplinksItsTrackToTheOneRoundInFlight) {
  Bench b(test::town_scenario());
  b.sky.fate = Fate::kDud;
  test::TruthRocket& rocket = b.sky.launch(test::town_aim(), 2.0);
  while (b.fire.empty() && b.now() < 40) b.step();
  ASSERT_EQ(b.fire.size(), 1u);
  const FireOrder f = b.fire[0];
  EXPECT_EQ(b.fc.interceptors_left(), 19);
  EXPECT_TRUE(b.fc.active());

  // While it flies: no second round (shoot-look-shoot), and every step an
  // uplink of its track, which follows the rocket.
  int uplinks = 0;
  while (b.now() + kTick_s < f.t_intercept_s + 3 - 1e-9) {
    const FireControlOrders out = b.step();
    EXPECT_TRUE(out.fire.empty()) << b.now();
    const double t = b.now();
    const auto truth = rocket.at(t);
    ASSERT_TRUE(truth.has_value());
    for (const Uplink& u : out.uplinks) {
      ASSERT_EQ(u.interceptor, f.interceptor);
      EXPECT_EQ(u.target.t_s, t);
      EXPECT_LT((u.target.p_W - truth->p_W).norm(), 150.0) << t;
      ++uplinks;
    }
    // Its plots would be discounted where its downlink puts it, not 300 m
    // off.
    const Vec3 p = test::ScriptedSky::position(f, t + 0.1);
    EXPECT_TRUE(b.fc.near_own_interceptor(t + 0.1, p, 1.0));
    EXPECT_FALSE(b.fc.near_own_interceptor(t + 0.1, p + Vec3(0, 300, 0), 100.0));
  }
  EXPECT_GE(uplinks, static_cast<int>((f.t_intercept_s - f.t_s) / kTick_s));
  EXPECT_TRUE(b.kills.empty());
}

TEST(FireControl, ADudIsReplannedAtOnceWithoutAssessment) {
  // Interceptors that never fuze: each ends with a downlink report, and the
  // threat is planned for again in that same step (the round then flies at
  // its best launch time, within one replan period), up to
  // shots_per_threat.
  Bench b(test::town_scenario());
  b.sky.fate = Fate::kDud;
  const test::TruthRocket& rocket = b.sky.launch(test::town_aim(), 2.0);
  b.until(rocket.impact().t_s - 1);
  ASSERT_EQ(b.fire.size(), 2u);
  const FireOrder& first = b.fire[0];
  EXPECT_EQ(b.fire[1].track, first.track);
  // The first ends (reported) in the first step from t_intercept + 3 s.
  const double ended_s = std::ceil((first.t_intercept_s + 3) / kTick_s - 1e-9) * kTick_s;
  const auto replan = std::find_if(b.plans.begin(), b.plans.end(), [&](const EngagementPlan& p) {
    return p.t_s > first.t_s && p.rounds > 0;
  });
  ASSERT_NE(replan, b.plans.end());
  EXPECT_NEAR(replan->t_s, ended_s, 1e-9);
  EXPECT_GE(b.fire[1].t_s, ended_s - 1e-9);
  EXPECT_LE(b.fire[1].t_s, ended_s + b.sky.scenario().doctrine.replan_s + 1e-9);
  EXPECT_TRUE(b.kills.empty());
  EXPECT_TRUE(b.held(first.track, HoldReason::kShotsExhausted));
  EXPECT_EQ(b.fc.interceptors_left(), 18);
}

TEST(FireControl, DetonationBeforeAnyUplinkIsReplannedAtOnce) {
  // Fire control is shown an empty picture from the step it fires on, so
  // its interceptor is never uplinked; it fuzes 300 m from the rocket,
  // which flies on. The detonation has nothing to weigh (no estimate of the
  // rocket): no assessment, and the threat is planned for again in that
  // same step, as after a dud (not at a periodic plan: one every 5 s).
  scenario::Scenario sc = test::town_scenario();
  sc.doctrine.replan_s = 5;
  double t_fire = 0;
  {
    Bench probe(sc);
    probe.sky.launch(test::town_aim(), 2.0);
    while (probe.fire.empty() && probe.now() < 40) probe.step();
    ASSERT_EQ(probe.fire.size(), 1u);
    t_fire = probe.now();
  }
  Bench b(sc);
  b.sky.fate = Fate::kMiss;
  const test::TruthRocket& rocket = b.sky.launch(test::town_aim(), 2.0);
  b.until(t_fire - kTick_s);
  const tracking::Tracker blind = make_tracker(sc);
  while (b.sky.detonations().empty() && b.now() < rocket.impact().t_s) {
    const FireControlOrders out = b.step(&blind);
    EXPECT_TRUE(out.uplinks.empty()) << b.now();
  }
  ASSERT_FALSE(b.fire.empty());  // (the replan may fire again at once)
  EXPECT_NEAR(b.fire[0].t_s, t_fire, 1e-9);
  ASSERT_EQ(b.sky.detonations().size(), 1u);
  const double t_det = b.sky.detonations()[0].t_s;
  EXPECT_TRUE(b.kills.empty());
  const auto replan = std::find_if(b.plans.begin(), b.plans.end(), [&](const EngagementPlan& p) {
    return p.t_s > t_fire && p.rounds > 0;
  });
  ASSERT_NE(replan, b.plans.end());
  EXPECT_NEAR(replan->t_s, t_det, 1e-9);
}

TEST(FireControl, EmptiedLauncherFiresAgainOnlyAfterItsReload) {
  // One launcher of one round, reloaded 8 s after its shot; two rockets on
  // the town a second apart.
  scenario::Scenario sc = test::town_scenario();
  sc.batteries[0].launchers = {{{2000, 0}, 1, 8.0}};
  Bench b(sc);
  b.sky.launch(test::town_aim(), 2.0);
  b.sky.launch({300, -200}, 3.0);
  while (b.fire.empty() && b.now() < 40) b.step();
  ASSERT_EQ(b.fire.size(), 1u);
  const FireOrder first = b.fire[0];
  const size_t plans = b.plans.size();
  EXPECT_EQ(b.fc.interceptors_left(), 0);

  // Empty until the reload: the other threat waits for inventory.
  const double reload_s = first.t_s + 8;
  b.until(reload_s - kTick_s);
  EXPECT_EQ(b.fire.size(), 1u);
  EXPECT_EQ(b.fc.interceptors_left(), 0);
  EXPECT_EQ(b.plans.size(), plans);  // nothing to plan with an empty magazine
  // Full again at the reload, planned for at once, and the round goes to
  // the other threat (the first is in flight, or being assessed) at its
  // best launch time.
  b.step();
  ASSERT_EQ(b.plans.size(), plans + 1);
  EXPECT_EQ(b.plans.back().t_s, reload_s);
  EXPECT_EQ(b.plans.back().rounds, 1);
  while (b.fire.size() < 2 && b.now() < reload_s + 10) b.step();
  ASSERT_EQ(b.fire.size(), 2u);
  const FireOrder& second = b.fire[1];
  EXPECT_NE(second.track, first.track);
  EXPECT_GE(second.t_s, reload_s - 1e-9);
  EXPECT_EQ(second.launcher, first.launcher);
  EXPECT_EQ(b.fc.interceptors_left(), 0);
  const auto hold = std::find_if(b.holds.begin(), b.holds.end(), [&](const EngagementHold& h) {
    return h.track == second.track && h.reason == HoldReason::kNoInventory;
  });
  ASSERT_NE(hold, b.holds.end());
  EXPECT_LT(hold->t_s, reload_s);
}

TEST(FireControl, ThreatOutOfReachIsHeldForNoWindow) {
  // The battery 60 km east: beyond its interceptors' reach.
  scenario::Scenario sc = test::town_scenario();
  for (scenario::Launcher& l : sc.batteries[0].launchers) l.position_en_m.x() += 58000;
  Bench b(sc);
  const test::TruthRocket& rocket = b.sky.launch(test::town_aim(), 2.0);
  b.until(rocket.impact().t_s - 5);
  ASSERT_FALSE(b.plans.empty());  // it was a threat, and planned for
  EXPECT_TRUE(b.fire.empty());
  for (const EngagementPlan& p : b.plans) EXPECT_EQ(p.rounds, 0) << p.t_s;
  ASSERT_FALSE(b.holds.empty());
  for (const EngagementHold& h : b.holds) EXPECT_EQ(h.reason, HoldReason::kNoWindow) << h.t_s;
  EXPECT_EQ(b.fc.interceptors_left(), 20);
}

TEST(FireControl, KillClaimIsRevokedWhenTheRocketReappears) {
  // The interceptor fuzes 2 m from the rocket, which flies on; the radar
  // loses it for 4 s from the detonation, so the empty gate claims a kill,
  // then sees it again on its intact path.
  Bench b(test::town_scenario());
  b.sky.fate = Fate::kGraze;
  b.sky.launch(test::town_aim(), 2.0);
  while (b.sky.detonations().empty() && b.now() < 60) b.step();
  ASSERT_EQ(b.sky.detonations().size(), 1u);
  const double t_det = b.sky.detonations()[0].t_s;
  const int track = b.fire.at(0).track;
  b.sky.blind_from_s = t_det + 0.01;
  b.sky.blind_until_s = t_det + 4;

  b.until(t_det + 3.5);
  ASSERT_EQ(b.kills.size(), 1u);
  EXPECT_TRUE(b.kills[0].killed);
  EXPECT_EQ(b.kills[0].track, track);
  EXPECT_TRUE(b.fc.killed(track));
  EXPECT_TRUE(b.revoked.empty());

  b.until(t_det + 8);
  ASSERT_EQ(b.revoked.size(), 1u);
  const KillRevoked& r = b.revoked[0];
  EXPECT_EQ(r.track, track);
  EXPECT_EQ(r.interceptor, b.sky.detonations()[0].interceptor);
  EXPECT_GT(r.t_s, t_det + 4);
  EXPECT_FALSE(b.fc.killed(track));
}

}  // namespace
}  // namespace canopy::bmc
