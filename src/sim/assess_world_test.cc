// The battle manager's assessment inside the world, on crafted single-rocket
// cases whose right answers are known: which zone sounds, when, and whether
// the rocket is declared a threat.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "canopy/physics/examples.h"
#include "canopy/sim/test_support.h"
#include "canopy/sim/world.h"

namespace canopy::sim {
namespace {

using test::Recorder;
using test::square;

// One rocket from 18 km west, aimed without scatter at `aim`; one town at
// the origin (2 km square) inside zone TOWN; zone NORTH 10-14 km north;
// zone FAR 40 km east. One all-round radar at the origin.
scenario::Scenario single(core::Vec2 aim) {
  scenario::Scenario sc;
  sc.name = "single";
  sc.origin = {31.0, -41.0, 0.0};
  sc.run = {200, 0.01, 3};
  sc.defended_areas.push_back({"Town", 1000, square(-1000, -1000, 2000)});
  sc.alert_zones.push_back({"TOWN", "town", 5000, square(-2000, -2000, 4000)});
  sc.alert_zones.push_back({"NORTH", "north", 300, square(-4000, 10000, 4000)});
  sc.alert_zones.push_back({"FAR", "far", 100, square(40000, -2000, 4000)});
  sc.rocket_types.push_back({"medium", physics::example_medium_rocket(), 0.0});
  sc.launch_sites.push_back({"west", {-18000, 0}, 0});
  scenario::Raid raid;
  raid.at_s = 5;
  raid.aim.point_en_m = aim;
  sc.raids.push_back(raid);
  scenario::Sensor radar;
  radar.name = "r";
  radar.p_W = core::ground_point({0, 0});
  radar.detection.pd = 1.0;
  sc.sensors.push_back(radar);
  return sc;
}

Recorder run(const scenario::Scenario& sc) {
  auto world = World::create(sc);
  EXPECT_TRUE(world.has_value()) << world.error().message;
  Recorder rec;
  world->set_sink(&rec);
  world->run();
  return rec;
}

TEST(AssessInWorld, ARocketOnTheTownIsDeclaredAndOnlyItsZoneSounds) {
  const Recorder rec = run(single({0, 0}));
  const auto impacts = rec.all<ImpactEvent>();
  ASSERT_EQ(impacts.size(), 1u);
  ASSERT_TRUE(impacts[0].area);
  const double t_impact = impacts[0].t_s;

  const auto decisions = rec.all<ThreatDecisionEvent>();
  const auto declared =
      std::find_if(decisions.begin(), decisions.end(), [](const auto& d) { return d.threat; });
  ASSERT_NE(declared, decisions.end());
  EXPECT_EQ(declared->rocket, 1);
  EXPECT_GE(t_impact - declared->t_s, 20.0);
  EXPECT_GE(declared->p_threat, 0.5);
  EXPECT_DOUBLE_EQ(declared->time_to_impact_s, declared->t_impact_s - declared->t_s);
  EXPECT_NEAR(declared->t_impact_s, t_impact, 5.0);  // early in flight: sigma 1-2 s

  std::map<std::string, double> first_on;
  for (const AlertEvent& a : rec.all<AlertEvent>())
    if (a.on && a.policy == 0) first_on.try_emplace(a.zone_id, a.t_s);
  ASSERT_TRUE(first_on.contains("TOWN"));
  EXPECT_GE(t_impact - first_on["TOWN"], 10.0);
  EXPECT_FALSE(first_on.contains("FAR"));
  EXPECT_FALSE(first_on.contains("NORTH"));
}

// The first zone of each alert policy 0 that sounds.
std::map<std::string, double> first_alerts(const Recorder& rec) {
  std::map<std::string, double> first_on;
  for (const AlertEvent& a : rec.all<AlertEvent>())
    if (a.on && a.policy == 0) first_on.try_emplace(a.zone_id, a.t_s);
  return first_on;
}

TEST(AssessInWorld, SensorsOfFewerAxesFeedThePictureButStartNoTrack) {
  for (const auto& [range, elevation] : {std::pair{true, false}, {false, true}}) {
    // A 2-D radar or a passive sensor 6 km north of the town, beside the radar.
    scenario::Scenario sc = single({0, 0});
    scenario::Sensor second = sc.sensors[0];
    second.name = "second";
    second.p_W = core::ground_point({0, 6000});
    second.measures_range = range;
    second.measures_elevation = elevation;
    sc.sensors.push_back(second);
    const Recorder both = run(sc);
    int second_plots = 0;
    for (const sensors::Plot& p : both.plots) {
      if (p.sensor != 1) continue;
      ++second_plots;
      EXPECT_EQ(p.range_m.has_value(), range);
      EXPECT_EQ(p.elevation_rad.has_value(), elevation);
    }
    EXPECT_GT(second_plots, 100) << range;
    EXPECT_TRUE(first_alerts(both).contains("TOWN")) << range;
    EXPECT_FALSE(both.all<TrackEvent>().empty());

    // Alone, it gives no picture: no track, no threat, no alert.
    sc.sensors.erase(sc.sensors.begin());
    const Recorder alone = run(sc);
    EXPECT_TRUE(alone.all<TrackEvent>().empty()) << range;
    EXPECT_TRUE(first_alerts(alone).empty()) << range;
  }
}

TEST(AssessInWorld, ARocketOnOpenGroundIsNotDeclaredAndTheTownStaysQuiet) {
  const Recorder rec = run(single({-2000, 12000}));  // inside NORTH, 11 km from the town
  const auto impacts = rec.all<ImpactEvent>();
  ASSERT_EQ(impacts.size(), 1u);
  EXPECT_FALSE(impacts[0].area);
  for (const auto& d : rec.all<ThreatDecisionEvent>()) EXPECT_FALSE(d.threat) << d.t_s;
  std::map<std::string, double> first_on;
  for (const AlertEvent& a : rec.all<AlertEvent>())
    if (a.on && a.policy == 0) first_on.try_emplace(a.zone_id, a.t_s);
  ASSERT_TRUE(first_on.contains("NORTH"));
  EXPECT_GE(impacts[0].t_s - first_on["NORTH"], 10.0);
  EXPECT_FALSE(first_on.contains("TOWN"));
  // The alert is held until about the impact, then stops.
  double last_off = 0;
  for (const AlertEvent& a : rec.all<AlertEvent>())
    if (!a.on && a.policy == 0 && a.zone_id == "NORTH") last_off = std::max(last_off, a.t_s);
  EXPECT_GE(last_off, impacts[0].t_s);
  EXPECT_LE(last_off, impacts[0].t_s + 10.0);
}

TEST(AssessInWorld, PredictionsComeAtLeastOncePerSecondPerTrackAndConverge) {
  const Recorder rec = run(single({0, 0}));
  const auto impacts = rec.all<ImpactEvent>();
  ASSERT_EQ(impacts.size(), 1u);
  std::map<int, std::vector<ImpactPredictionEvent>> by_track;
  for (const auto& p : rec.all<ImpactPredictionEvent>()) by_track[p.track].push_back(p);
  ASSERT_FALSE(by_track.empty());
  for (const auto& [track, ps] : by_track) {
    for (size_t i = 1; i < ps.size(); ++i) EXPECT_LE(ps[i].t_s - ps[i - 1].t_s, 1.0 + 1e-6);
  }
  // The main track's last prediction lands within 100 m of the truth and
  // its 95 % ellipse is smaller than its first.
  const auto& ps = std::max_element(by_track.begin(), by_track.end(), [](auto& a, auto& b) {
                     return a.second.size() < b.second.size();
                   })->second;
  ASSERT_GE(ps.size(), 20u);
  EXPECT_EQ(ps.back().rocket, 1);
  EXPECT_LT((ps.back().p_en_m - impacts[0].p_W.head<2>()).norm(), 100.0);
  EXPECT_LT(ps.back().cov_en_m2.trace(), 0.01 * ps.front().cov_en_m2.trace());
  EXPECT_NEAR(ps.back().t_impact_s, impacts[0].t_s, 1.0);
}

}  // namespace
}  // namespace canopy::sim
