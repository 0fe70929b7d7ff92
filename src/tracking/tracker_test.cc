#include "canopy/tracking/tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include "canopy/core/random.h"
#include "canopy/physics/examples.h"
#include "canopy/sensors/radar.h"

namespace canopy::tracking {
namespace {

using Config = scenario::TrackerConfig;

EstimatorConfig estimator(Config::Model model, bool flat = true) {
  EstimatorConfig e;
  e.model = model;
  e.environment.earth = flat ? physics::EarthModel::kFlatUniform : physics::EarthModel::kSphere;
  e.threats = ThreatLibrary::generic();
  return e;
}

// The tracker's configuration with the given model; the reorder window is
// off unless given.
Config config(Config::Model model, double reorder_window_s = 0) {
  Config cfg;
  cfg.model = model;
  cfg.reorder_window_s = reorder_window_s;
  return cfg;
}

// A straight-line target at constant velocity (no gravity: the CV model's
// own world).
Vec3 line(const Vec3& p0, const Vec3& v, double t) { return p0 + v * t; }

ScanInput cartesian_scan(double t, const std::vector<Vec3>& truth, double sigma, core::Stream& rng,
                         std::uint64_t& next_id) {
  ScanInput s;
  s.sensor = 0;
  s.t_s = s.arrival_s = t;
  for (const Vec3& p : truth) {
    Measurement m;
    m.id = next_id++;
    m.t_s = t;
    m.kind = Measurement::Kind::kCartesian;
    m.z.resize(3);
    m.z << p.x() + sigma * rng.normal(), p.y() + sigma * rng.normal(), p.z() + sigma * rng.normal();
    s.measurements.push_back(m);
  }
  return s;
}

scenario::Sensor radar_at(core::Vec2 en_m, std::string name) {
  scenario::Sensor s;
  s.name = std::move(name);
  s.position_en_m = en_m;
  s.p_W = core::ground_point(en_m);
  s.sector_rad = 2 * std::numbers::pi;
  s.max_range_m = 200e3;
  s.min_elevation_rad = -0.1;
  s.revisit_s = 0.25;
  return s;
}

ScanInput polar_scan(int sensor, const scenario::Sensor& spec, double t,
                     const std::vector<Vec3>& truth, core::Stream& rng, std::uint64_t& next_id) {
  ScanInput s;
  s.sensor = sensor;
  s.t_s = s.arrival_s = t;
  for (const Vec3& p : truth) {
    const sensors::Polar pol = sensors::polar_from_W(spec.p_W, p);
    Measurement m;
    m.id = next_id++;
    m.sensor = sensor;
    m.t_s = t;
    m.kind = Measurement::Kind::kPolar;
    m.z.resize(3);
    m.z << pol.range_m + spec.sigma_range_m * rng.normal(),
        pol.azimuth_rad + spec.sigma_azimuth_rad * rng.normal(),
        pol.elevation_rad + spec.sigma_elevation_rad * rng.normal();
    s.measurements.push_back(m);
  }
  return s;
}

int count(const std::vector<TrackEvent>& events, TrackEvent::Kind kind) {
  return static_cast<int>(std::count_if(events.begin(), events.end(),
                                        [&](const TrackEvent& e) { return e.kind == kind; }));
}

TEST(Tracker, ConfirmsTargetAfterMOfNPlots) {
  const Config cfg = config(Config::Model::kCv);
  Tracker tracker(cfg, {SensorInfo::cartesian(20)}, estimator(Config::Model::kCv));
  core::Stream rng(1, core::tag("test"));
  std::uint64_t id = 1;
  std::vector<TrackEvent> events;
  double confirmed_at = -1;
  for (int k = 0; k < 50; ++k) {
    const double t = 0.1 * k;
    tracker.receive(cartesian_scan(t, {line({0, 0, 3000}, {300, 100, 50}, t)}, 20, rng, id));
    tracker.flush();
    for (const TrackEvent& e : tracker.take_events()) {
      if (e.kind == TrackEvent::Kind::kConfirm && confirmed_at < 0) confirmed_at = e.t_s;
      events.push_back(e);
    }
  }
  EXPECT_EQ(count(events, TrackEvent::Kind::kStart), 1);
  EXPECT_EQ(count(events, TrackEvent::Kind::kConfirm), 1);
  EXPECT_EQ(count(events, TrackEvent::Kind::kEnd), 0);
  // Two plots start the track (one hit), two more confirm it (3 of 5).
  EXPECT_NEAR(confirmed_at, 0.3, 1e-9);
  const auto picture = tracker.picture(4.9);
  ASSERT_EQ(picture.size(), 1u);
  EXPECT_LT((picture[0].p_W - line({0, 0, 3000}, {300, 100, 50}, 4.9)).norm(), 30.0);
  EXPECT_LT((picture[0].v_W - Vec3(300, 100, 50)).norm(), 15.0);
}

TEST(Tracker, ClutterAloneConfirmsNoTrack) {
  Config cfg;
  cfg.reorder_window_s = 0;
  Tracker tracker(cfg, {SensorInfo::cartesian(20)}, estimator(Config::Model::kBallistic));
  core::Stream rng(2, core::tag("clutter"));
  std::uint64_t id = 1;
  std::vector<TrackEvent> events;
  for (int k = 0; k < 600; ++k) {
    std::vector<Vec3> clutter;
    for (int c = 0; c < 5; ++c)
      clutter.push_back({rng.uniform(-10e3, 30e3), rng.uniform(-10e3, 30e3), rng.uniform(0, 15e3)});
    tracker.receive(cartesian_scan(0.1 * k, clutter, 0, rng, id));
    tracker.flush();
    for (const TrackEvent& e : tracker.take_events()) events.push_back(e);
  }
  EXPECT_EQ(count(events, TrackEvent::Kind::kConfirm), 0);
  EXPECT_TRUE(tracker.picture(60).empty());
}

TEST(Tracker, TrackCoastsThroughOutage) {
  // A ballistic rocket seen by one radar that goes silent for 3 s: the track
  // coasts on its prediction and picks the rocket up again.
  const scenario::Sensor spec = radar_at({20e3, 0}, "r1");
  const Config cfg = config(Config::Model::kBallistic);
  Tracker tracker(cfg, {SensorInfo::polar(spec, 0)}, estimator(Config::Model::kBallistic, false));
  physics::Environment env;
  physics::RocketParams rocket = physics::example_medium_rocket();
  physics::Flight f = physics::Flight::launch(
      rocket, env, core::ground_point({0, 0}),
      core::horizon_at(core::ground_point({0, 0})).direction(0.7, std::numbers::pi / 2), 0.0);
  core::Stream rng(3, core::tag("outage"));
  std::uint64_t id = 1;
  std::vector<TrackEvent> events;
  for (int k = 40; k < 160; ++k) {  // 10 s to 40 s after launch, after burnout
    const double t = 0.25 * k;
    f.advance_to(t);
    if (f.landed()) break;
    if (t >= 20 && t < 23) continue;  // the outage: no scans at all
    tracker.receive(polar_scan(0, spec, t, {f.state_at(t).p_W}, rng, id));
    tracker.flush();
    for (const TrackEvent& e : tracker.take_events()) events.push_back(e);
  }
  EXPECT_EQ(count(events, TrackEvent::Kind::kConfirm), 1);
  EXPECT_EQ(count(events, TrackEvent::Kind::kEnd), 0);
  ASSERT_EQ(tracker.picture(f.current().t_s).size(), 1u);
}

TEST(Tracker, FusesTwoRadarsIntoOneTrack) {
  const scenario::Sensor a = radar_at({20e3, -5e3}, "a");
  const scenario::Sensor b = radar_at({15e3, 10e3}, "b");
  const Config cfg = config(Config::Model::kCv, 0.2);
  Tracker tracker(cfg, {SensorInfo::polar(a, 0), SensorInfo::polar(b, 1)},
                  estimator(Config::Model::kCv, false));
  core::Stream rng(4, core::tag("fusion"));
  std::uint64_t id = 1;
  std::vector<TrackEvent> events;
  for (int k = 0; k < 80; ++k) {
    const double t = 0.25 * k;
    const Vec3 p = line({0, 0, 5000}, {250, 50, 0}, t);
    tracker.receive(polar_scan(0, a, t, {p}, rng, id));
    tracker.receive(
        polar_scan(1, b, t + 0.125, {line({0, 0, 5000}, {250, 50, 0}, t + 0.125)}, rng, id));
    tracker.advance_to(t + 0.125);
    for (const TrackEvent& e : tracker.take_events()) events.push_back(e);
  }
  EXPECT_EQ(count(events, TrackEvent::Kind::kConfirm), 1);
  EXPECT_EQ(tracker.picture(20).size(), 1u);
}

TEST(Tracker, ReordersScansThatArriveLateWithinTheWindow) {
  // The same scans, delivered in time order and shuffled within 0.3 s of
  // lateness, give the same picture.
  const Config cfg = config(Config::Model::kCv, 0.5);
  auto run = [&](bool shuffle) {
    Tracker tracker(cfg, {SensorInfo::cartesian(10)}, estimator(Config::Model::kCv));
    core::Stream rng(5, core::tag("reorder"));
    core::Stream order(6, core::tag("order"));
    std::uint64_t id = 1;
    std::vector<ScanInput> scans;
    for (int k = 0; k < 100; ++k) {
      const double t = 0.1 * k;
      scans.push_back(cartesian_scan(t, {line({0, 0, 2000}, {200, 0, 30}, t)}, 10, rng, id));
      scans.back().arrival_s = t + (shuffle ? 0.3 * order.uniform() : 0.0);
    }
    std::stable_sort(scans.begin(), scans.end(),
                     [](const auto& x, const auto& y) { return x.arrival_s < y.arrival_s; });
    for (const ScanInput& s : scans) {
      const double now = s.arrival_s;
      tracker.receive(s);
      tracker.advance_to(now);
    }
    tracker.flush();
    EXPECT_EQ(tracker.stats().late_dropped, 0);
    return tracker.picture(9.9);
  };
  const auto a = run(false), b = run(true);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_LT((a[0].p_W - b[0].p_W).norm(), 1e-9);
}

TEST(Tracker, EndsTrackWhenRocketFallsBelowGround) {
  const Config cfg = config(Config::Model::kBallistic);
  Tracker tracker(cfg, {SensorInfo::cartesian(15)}, estimator(Config::Model::kBallistic));
  physics::Environment env;
  env.earth = physics::EarthModel::kFlatUniform;
  physics::RocketParams rocket = physics::example_medium_rocket();
  physics::Flight f = physics::Flight::launch(rocket, env, Vec3::Zero(), Vec3(0.6, 0, 0.8), 0.0);
  core::Stream rng(7, core::tag("ground"));
  std::uint64_t id = 1;
  std::vector<TrackEvent> events;
  for (int k = 50; k < 2000; ++k) {
    const double t = 0.1 * k;
    f.advance_to(t);
    std::vector<Vec3> truth;
    if (!f.landed() || f.impact()->t_s > t) truth.push_back(f.state_at(t).p_W);
    tracker.receive(cartesian_scan(t, truth, 15, rng, id));
    tracker.flush();
    for (const TrackEvent& e : tracker.take_events()) events.push_back(e);
    if (f.landed() && t > f.impact()->t_s + 5) break;
  }
  ASSERT_EQ(count(events, TrackEvent::Kind::kConfirm), 1);
  ASSERT_EQ(count(events, TrackEvent::Kind::kEnd), 1);
  const auto end = std::find_if(events.begin(), events.end(), [](const TrackEvent& e) {
    return e.kind == TrackEvent::Kind::kEnd;
  });
  EXPECT_EQ(end->reason, EndReason::kBelowGround);
  EXPECT_NEAR(end->t_s, f.impact()->t_s, 0.5);
}

TEST(Tracker, KeepsIdentitiesOfManyTargets) {
  // 40 targets on straight lines, noisy plots with Pd 0.9 and clutter.
  const Config cfg = config(Config::Model::kCv);
  Tracker tracker(cfg, {SensorInfo::cartesian(20)}, estimator(Config::Model::kCv));
  core::Stream rng(8, core::tag("many"));
  std::vector<Vec3> p0, v;
  for (int i = 0; i < 40; ++i) {
    p0.push_back({rng.uniform(0, 20e3), rng.uniform(0, 20e3), rng.uniform(2e3, 8e3)});
    v.push_back({rng.uniform(-300, 300), rng.uniform(-300, 300), rng.uniform(-50, 50)});
  }
  std::uint64_t id = 1;
  std::map<std::uint64_t, int> truth_of;
  std::map<int, std::set<int>> tracks_of_target;
  for (int k = 0; k < 200; ++k) {
    const double t = 0.1 * k;
    std::vector<Vec3> pts;
    std::vector<int> who;
    for (int i = 0; i < 40; ++i) {
      if (rng.uniform() < 0.9) pts.push_back(line(p0[i], v[i], t)), who.push_back(i);
    }
    for (int c = 0; c < 5; ++c)
      pts.push_back({rng.uniform(-10e3, 30e3), rng.uniform(-10e3, 30e3), rng.uniform(0, 10e3)}),
          who.push_back(-1);
    const std::uint64_t first = id;
    tracker.receive(cartesian_scan(t, pts, 20, rng, id));
    for (size_t j = 0; j < who.size(); ++j) truth_of[first + j] = who[j];
    tracker.flush();
    for (const Association& a : tracker.take_associations()) {
      const int target = truth_of[a.plot_id];
      if (target >= 0 && k > 10) tracks_of_target[target].insert(a.track);
    }
    tracker.take_events();
  }
  ASSERT_EQ(tracks_of_target.size(), 40u);
  // Straight lines in a 20 km box cross now and then: at most one target
  // may lose its track and be picked up by a new one, and no track may
  // serve two targets.
  int split = 0;
  std::map<int, int> target_of_track;
  for (const auto& [target, ids] : tracks_of_target) {
    split += ids.size() > 1;
    for (int t : ids) EXPECT_TRUE(target_of_track.emplace(t, target).second) << t;
  }
  EXPECT_LE(split, 1);
  EXPECT_EQ(tracker.picture(19.9).size(), 40u);
}

}  // namespace
}  // namespace canopy::tracking
