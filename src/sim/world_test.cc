#include "canopy/sim/world.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "canopy/core/units.h"
#include "canopy/physics/examples.h"

namespace canopy::sim {
namespace {

// A small scenario built in code: one town, one site 18 km west, two raids.
scenario::Scenario small(double cd_dispersion = 0.03, double sigma_m = 300) {
  scenario::Scenario sc;
  sc.name = "small";
  sc.origin = {31.0, -41.0, 0.0};
  sc.run = {300, 0.01, 7};
  sc.defended_areas.push_back(
      {"Town", 1000, core::Polygon({{-1000, -1000}, {1500, -1000}, {1500, 1200}, {-1000, 1200}})});
  sc.rocket_types.push_back({"medium", physics::example_medium_rocket(), cd_dispersion});
  sc.launch_sites.push_back({"west", {-18000, 0}, 1500});
  scenario::Raid area_raid;
  area_raid.at_s = 5;
  area_raid.count = 12;
  area_raid.interval_s = 0.5;
  area_raid.aim.kind = scenario::Aim::Kind::kArea;
  area_raid.aim.area_index = 0;
  area_raid.aim_sigma_m = sigma_m;
  sc.raids.push_back(area_raid);
  scenario::Raid point_raid;
  point_raid.at_s = 20.003;
  point_raid.count = 6;
  point_raid.interval_s = 1.0;
  point_raid.aim.point_en_m = {-3000, 6000};
  point_raid.aim_sigma_m = sigma_m;
  sc.raids.push_back(point_raid);
  return sc;
}

struct Recorder : EventSink {
  void on_event(const Event& e) override { events.push_back(e); }
  void on_trajectory(const TrajectorySample& s) override { samples.push_back(s); }
  std::vector<Event> events;
  std::vector<TrajectorySample> samples;
};

Recorder run(const scenario::Scenario& sc, WorldOptions opts = {}) {
  auto world = World::create(sc, opts);
  EXPECT_TRUE(world.has_value()) << world.error().message;
  Recorder rec;
  world->set_sink(&rec);
  world->run();
  return rec;
}

std::vector<ImpactEvent> impacts(const Recorder& r) {
  std::vector<ImpactEvent> out;
  for (const Event& e : r.events) {
    if (auto* i = std::get_if<ImpactEvent>(&e)) out.push_back(*i);
  }
  return out;
}

TEST(World, SameSeedGivesIdenticalEventsAndDifferentSeedsDiffer) {
  const Recorder a = run(small()), b = run(small());
  ASSERT_EQ(a.events.size(), b.events.size());
  const auto ia = impacts(a), ib = impacts(b);
  ASSERT_EQ(ia.size(), ib.size());
  for (size_t i = 0; i < ia.size(); ++i) {
    EXPECT_EQ(ia[i].t_s, ib[i].t_s);
    EXPECT_EQ(ia[i].p_W, ib[i].p_W);
  }
  WorldOptions other;
  other.seed = 8;
  const auto ic = impacts(run(small(), other));
  ASSERT_EQ(ic.size(), ia.size());
  EXPECT_NE(ic[0].p_W, ia[0].p_W);
  WorldOptions next_run;
  next_run.run_index = 1;
  EXPECT_NE(impacts(run(small(), next_run))[0].p_W, ia[0].p_W);
}

TEST(World, NominalRocketsLandOnTheirAimPoints) {
  // No Cd dispersion: each rocket flies its nominal trajectory.
  for (const ImpactEvent& hit : impacts(run(small(0.0, 300)))) EXPECT_LT(hit.aim_miss_m, 1.0);
}

TEST(World, DispersedRocketsMissTheirAimPointsByRealisticDistances) {
  double sum2 = 0;
  const auto hits = impacts(run(small(0.03, 0)));
  for (const ImpactEvent& hit : hits) sum2 += hit.aim_miss_m * hit.aim_miss_m;
  const double rms = std::sqrt(sum2 / static_cast<double>(hits.size()));
  // A 3 % Cd spread moves a ~18 km impact by tens to hundreds of metres.
  EXPECT_GT(rms, 20);
  EXPECT_LT(rms, 1000);
}

TEST(World, AreaAimWithoutScatterHitsTheAreaAndNamesIt) {
  scenario::Scenario sc = small(0.0, 0.0);
  sc.raids.pop_back();
  const Recorder r = run(sc);
  int launches = 0, impacts = 0;
  for (const Event& e : r.events) {
    if (const auto* l = std::get_if<LaunchEvent>(&e)) {
      ++launches;
      EXPECT_EQ(l->impact_area, sc.defended_areas[0].name);  // truth, undefended
    } else if (const auto* i = std::get_if<ImpactEvent>(&e)) {
      ++impacts;
      EXPECT_EQ(i->area, sc.defended_areas[0].name);
    }
  }
  EXPECT_EQ(launches, 12);
  EXPECT_EQ(impacts, 12);
}

TEST(World, EventsAreInTimeOrderAndCoverEveryRocket) {
  const Recorder r = run(small());
  double last = -1;
  int launches = 0, hits = 0;
  for (const Event& e : r.events) {
    EXPECT_GE(event_time(e), last);
    last = event_time(e);
    (std::holds_alternative<LaunchEvent>(e) ? launches : hits)++;
  }
  EXPECT_EQ(launches, 18);
  EXPECT_EQ(hits, 18);
}

TEST(World, LaunchesHappenAtTheirExactTimes) {
  const Recorder r = run(small());
  std::vector<double> times;
  for (const Event& e : r.events) {
    if (auto* l = std::get_if<LaunchEvent>(&e)) times.push_back(l->t_s);
  }
  ASSERT_EQ(times.size(), 18u);
  EXPECT_DOUBLE_EQ(times[0], 5.0);
  EXPECT_DOUBLE_EQ(times[12], 20.003);
}

TEST(World, LaunchAnglesDescribeTheLaunchDirection) {
  for (const Event& e : run(small()).events) {
    const auto* l = std::get_if<LaunchEvent>(&e);
    if (!l) continue;
    const core::Horizon h = core::horizon_at(l->p_W);
    EXPECT_NEAR(core::rad_to_deg(h.elevation_rad(l->dir_W)), l->elevation_deg, 1e-9);
    EXPECT_NEAR(core::rad_to_deg(h.azimuth_rad(l->dir_W)), l->azimuth_deg, 1e-9);
    EXPECT_NEAR(core::altitude_m(l->p_W), 0.0, 1e-6);
    EXPECT_GE(l->elevation_deg, 10.0 - 1e-9);
    // The site lies west of the targets: rockets fly roughly east.
    EXPECT_GT(l->dir_W.x(), 0.0);
  }
}

TEST(World, AimPointsOutsideTheBandAreDrawnAgain) {
  // A point aim near the band's far edge with wide scatter: many draws fall
  // out of reach and must be drawn again.
  scenario::Scenario sc = small(0.0, 2000);
  sc.raids.erase(sc.raids.begin());
  const physics::ReachBand band = physics::reach_band(physics::example_medium_rocket(), {});
  sc.raids[0].aim.point_en_m = {-18000 + band.max_range_m - 1000, 0};
  sc.raids[0].count = 30;
  sc.launch_sites[0].radius_m = 0;
  auto world = World::create(sc);
  ASSERT_TRUE(world);
  int redrawn = 0;
  for (const RocketPlan& p : world->plans()) {
    EXPECT_TRUE(band.contains(core::ground_distance_m(p.launch_en_m, p.aim_en_m)));
    redrawn += p.aim_draws > 1;
  }
  EXPECT_GT(redrawn, 3);
}

TEST(World, UnreachableRaidIsReportedNotLooped) {
  scenario::Scenario sc = small(0.0, 0.0);
  sc.raids[1].aim.point_en_m = {60000, 0};
  auto world = World::create(sc);
  ASSERT_FALSE(world);
  EXPECT_NE(world.error().message.find("raids[1]"), std::string::npos);
}

TEST(World, TrajectorySamplesFollowTheGridAndIncludeLaunchAndImpact) {
  WorldOptions opts;
  opts.trajectory_interval_s = 2.0;
  const Recorder r = run(small(), opts);
  std::map<int, std::vector<TrajectorySample>> by_rocket;
  for (size_t i = 0; i < r.samples.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(r.samples[i].t_s, r.samples[i - 1].t_s);
    }
    by_rocket[r.samples[i].rocket].push_back(r.samples[i]);
  }
  const auto hits = impacts(r);
  ASSERT_EQ(by_rocket.size(), 18u);
  for (const ImpactEvent& hit : hits) {
    const auto& s = by_rocket[hit.rocket];
    EXPECT_EQ(s.back().t_s, hit.t_s);
    EXPECT_EQ(s.back().p_W, hit.p_W);
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      EXPECT_NEAR(std::remainder(s[i].t_s, 2.0), 0.0, 1e-9);
      EXPECT_GT(core::altitude_m(s[i].p_W), 0.0);
    }
  }
}

TEST(World, StopsOnceEveryRocketHasLanded) {
  auto world = World::create(small());
  ASSERT_TRUE(world);
  world->run();
  EXPECT_LT(world->time_s(), 300.0);
  EXPECT_EQ(world->stats().rockets_planned, 18);
  EXPECT_EQ(world->launched(), 18);
  EXPECT_EQ(world->in_flight(), 0);
}

TEST(World, RocketStateIsTheFlightAtTheCurrentTime) {
  auto world = World::create(small());
  ASSERT_TRUE(world);
  while (world->time_s() < 30.0) world->step();
  const auto s = world->rocket_state(1);
  ASSERT_TRUE(s.has_value());
  EXPECT_NEAR(s->t_s, 30.0, 1e-9);
  EXPECT_GT(core::altitude_m(s->p_W), 1000.0);
  EXPECT_FALSE(world->rocket_state(999).has_value());
}

}  // namespace
}  // namespace canopy::sim
