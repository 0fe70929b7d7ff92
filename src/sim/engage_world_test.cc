// Engagement inside the world, on crafted cases whose right answers are
// known: a battery defends a town against a short salvo; rockets for open
// ground are left alone; a kill is assessed from plots; a rocket that
// survives is engaged again (shoot-look-shoot).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "canopy/physics/examples.h"
#include "canopy/sim/test_support.h"
#include "canopy/sim/world.h"

namespace canopy::sim {
namespace {

using test::Recorder;
using test::square;

scenario::InterceptorType generic(double pk) {
  scenario::InterceptorType t;
  t.name = "generic";
  t.params = physics::example_interceptor();
  t.pk_at_lethal_radius = pk;
  t.cost = 50000;
  return t;
}

// Rockets from 18 km west at a 2 km town at the origin (aims listed), one
// all-round radar, one battery of two launchers 2 km behind the town.
scenario::Scenario defended(std::vector<core::Vec2> aims, double pk) {
  scenario::Scenario sc;
  sc.name = "defended";
  sc.origin = {31.0, -41.0, 0.0};
  sc.run = {200, 0.01, 5};
  sc.defended_areas.push_back({"Town", 1000, square(-1000, -1000, 2000)});
  sc.rocket_types.push_back({"medium", physics::example_medium_rocket(), 0.0});
  sc.launch_sites.push_back({"west", {-18000, 0}, 0});
  for (size_t i = 0; i < aims.size(); ++i) {
    scenario::Raid raid;
    raid.at_s = 5 + 3.0 * static_cast<double>(i);
    raid.aim.point_en_m = aims[i];
    sc.raids.push_back(raid);
  }
  scenario::Sensor radar;
  radar.name = "r";
  radar.p_W = core::ground_point({0, 0});
  radar.detection.pd = 0.95;
  sc.sensors.push_back(radar);
  sc.interceptor_types.push_back(generic(pk));
  scenario::Battery b;
  b.name = "b1";
  b.position_en_m = {2000, 0};
  b.launchers = {{{2000, 300}, 10, 600}, {{2000, -300}, 10, 600}};
  sc.batteries.push_back(b);
  return sc;
}

struct Outcome {
  Recorder rec;
  WorldStats stats;
  // Counts from the event log (eval::RunScorer scores the same way).
  int killed() const {
    return rec.count<InterceptEvent>([](const auto& e) { return e.killed && !e.debris; });
  }
  int impacts_in_areas() const {
    return rec.count<ImpactEvent>([](const auto& e) { return e.area.has_value(); });
  }
};

Outcome run(const scenario::Scenario& sc) {
  auto world = World::create(sc);
  EXPECT_TRUE(world.has_value()) << world.error().message;
  Outcome r;
  world->set_sink(&r.rec);
  world->run();
  r.stats = world->stats();
  return r;
}

TEST(EngageInWorld, ABatteryKillsASalvoOnItsTownAndLeavesOpenGroundAlone) {
  // Three rockets on the town, one 8 km south of it (open ground).
  const Outcome r = run(defended({{0, 0}, {300, -200}, {-200, 300}, {0, -8000}}, 0.9));
  const auto fires = r.rec.all<FireEvent>();
  const auto intercepts = r.rec.all<InterceptEvent>();
  ASSERT_GE(fires.size(), 3u);
  std::set<int> engaged;
  for (const FireEvent& f : fires) {
    ASSERT_TRUE(f.rocket.has_value());
    engaged.insert(*f.rocket);
    EXPECT_EQ(f.battery, "b1");
    EXPECT_GT(f.pk, 0.5);
  }
  // The open-ground rocket (id 4: launched last) is never engaged.
  EXPECT_FALSE(engaged.contains(4));
  EXPECT_EQ(engaged.size(), 3u);
  // Every interceptor ends, and every kill comes from a pass inside the
  // lethal radius.
  EXPECT_EQ(r.rec.all<InterceptorEndEvent>().size(), fires.size());
  for (const InterceptEvent& i : intercepts) {
    if (i.killed) {
      EXPECT_LE(i.miss_m, 8.0 * 2.5);
    }
    EXPECT_GT(i.altitude_m, 400);
  }
  EXPECT_EQ(r.killed(), 3);
  EXPECT_EQ(r.impacts_in_areas(), 0);
  EXPECT_EQ(r.rec.all<ImpactEvent>().size(), 1u);  // the open-ground rocket lands
  EXPECT_GT(r.rec.all<DebrisImpactEvent>().size(), 0u);
  // The battle manager assessed every fuzed intercept from plots, rightly.
  const auto assessments = r.rec.all<KillAssessmentEvent>();
  EXPECT_EQ(static_cast<int>(assessments.size()),
            r.rec.count<InterceptorEndEvent>([](const auto& e) { return e.reason == "fuzed"; }));
  for (const KillAssessmentEvent& a : assessments) {
    ASSERT_TRUE(a.rocket_killed.has_value());
    EXPECT_EQ(a.killed, *a.rocket_killed) << "track " << a.track;
  }
  // Its own interceptors' plots were discounted, and the plans certified.
  EXPECT_GT(r.stats.own_plots_discounted, 0);
  const auto plans = r.rec.all<EngagementPlanEvent>();
  ASSERT_FALSE(plans.empty());
  for (const EngagementPlanEvent& p : plans) {
    ASSERT_TRUE(p.lower_bound.has_value());
    EXPECT_LE(*p.lower_bound, p.objective + 1e-9 * (1 + p.objective));
    EXPECT_GE(p.gap, 0);
    EXPECT_LT(p.gap, 1);
  }
}

TEST(EngageInWorld, EveryWtaSolverChoiceDefendsTheTown) {
  // The case above under each of the doctrine's other solvers.
  for (const scenario::WtaSolverInfo& info : scenario::kWtaSolvers) {
    if (info.solver == scenario::WtaSolver::kFast) continue;
    scenario::Scenario sc = defended({{0, 0}, {300, -200}, {-200, 300}, {0, -8000}}, 0.9);
    sc.doctrine.wta_solver = info.solver;
    const Outcome r = run(sc);
    std::set<int> engaged;
    for (const FireEvent& f : r.rec.all<FireEvent>()) engaged.insert(f.rocket.value_or(-1));
    EXPECT_EQ(engaged, (std::set<int>{1, 2, 3})) << info.key;
    EXPECT_EQ(r.killed(), 3) << info.key;
    EXPECT_EQ(r.impacts_in_areas(), 0) << info.key;
    const auto plans = r.rec.all<EngagementPlanEvent>();
    ASSERT_FALSE(plans.empty()) << info.key;
    // The exact solver's plans here are small enough: proven optimal.
    if (info.solver != scenario::WtaSolver::kExact) continue;
    for (const EngagementPlanEvent& p : plans) {
      ASSERT_TRUE(p.lower_bound.has_value());
      EXPECT_DOUBLE_EQ(*p.lower_bound, p.objective);
    }
  }
}

TEST(EngageInWorld, LaunchEventsCarryTheUndefendedImpactOfKilledAndLandedRockets) {
  // Three on the town (killed), one on open ground (lands): every launch
  // names where its rocket would fall; the one that lands falls there.
  const Outcome r = run(defended({{0, 0}, {300, -200}, {-200, 300}, {0, -8000}}, 0.9));
  const auto launches = r.rec.all<LaunchEvent>();
  const auto impacts = r.rec.all<ImpactEvent>();
  ASSERT_EQ(launches.size(), 4u);
  ASSERT_EQ(impacts.size(), 1u);
  for (const LaunchEvent& l : launches) {
    const bool on_town = l.rocket != 4;
    EXPECT_EQ(l.impact_area, on_town ? std::optional<std::string>("Town") : std::nullopt);
    // Near its aim point (the aim solution lands within a metre in calm air).
    EXPECT_LT((l.impact_p_W.head<2>() - l.aim_en_m).norm(), 5.0) << "rocket " << l.rocket;
  }
  EXPECT_EQ(impacts[0].rocket, 4);
  EXPECT_LT((impacts[0].p_W - launches[3].impact_p_W).norm(), 1e-6);
  EXPECT_EQ(impacts[0].area, launches[3].impact_area);
  // Only the rockets whose undefended impact is in the town are fired at.
  for (const FireEvent& f : r.rec.all<FireEvent>()) {
    ASSERT_TRUE(f.rocket.has_value());
    EXPECT_TRUE(launches[static_cast<size_t>(*f.rocket - 1)].impact_area.has_value());
  }
}

TEST(EngageInWorld, ASurvivorIsAssessedAliveAndEngagedAgain) {
  // A warhead that the interceptor almost never kills: the first shot's
  // assessment must say "alive" and shoot-look-shoot fires the second.
  scenario::Scenario sc = defended({{0, 0}}, 0.001);
  sc.interceptor_types[0].cost = 0;  // worth firing at any Pk
  const Outcome r = run(sc);
  const auto fires = r.rec.all<FireEvent>();
  ASSERT_EQ(fires.size(), 2u);  // shots_per_threat
  EXPECT_LT(fires[0].t_s + 1.0, fires[1].t_s);
  const auto assessments = r.rec.all<KillAssessmentEvent>();
  ASSERT_GE(assessments.size(), 1u);
  EXPECT_FALSE(assessments[0].killed);
  EXPECT_FALSE(*assessments[0].rocket_killed);
  EXPECT_LT(assessments[0].t_s, fires[1].t_s + 1e-9);
  EXPECT_EQ(r.killed(), 0);
  EXPECT_EQ(r.impacts_in_areas(), 1);
}

TEST(EngageInWorld, ASalvoFiresBothShotsBeforeTheFirstIntercept) {
  scenario::Scenario sc = defended({{0, 0}}, 0.9);
  sc.doctrine.mode = scenario::Doctrine::Mode::kSalvo;
  // (A town worth 1,000 does not pay for a second 50,000 round at the
  // default cost weight; the objective decides that, not the doctrine.)
  sc.interceptor_types[0].cost = 0;
  const Outcome r = run(sc);
  const auto fires = r.rec.all<FireEvent>();
  ASSERT_EQ(fires.size(), 2u);
  EXPECT_EQ(fires[0].track, fires[1].track);
  // One battery: one launch per min_launch_interval_s.
  EXPECT_GE(fires[1].t_s - fires[0].t_s, sc.batteries[0].min_launch_interval_s - 1e-9);
  const auto intercepts = r.rec.all<InterceptEvent>();
  ASSERT_FALSE(intercepts.empty());
  EXPECT_LT(fires[1].t_s, intercepts.front().t_s);
  EXPECT_EQ(r.impacts_in_areas(), 0);
}

}  // namespace
}  // namespace canopy::sim
