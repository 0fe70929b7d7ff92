// The replay's `coverage` key: radar sectors and battery footprints as the
// viewer reads them (docs/replay.md).
#include "canopy/io/replay_coverage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "canopy/io/replay.h"
#include "canopy/scenario/load.h"

namespace canopy::io {
namespace {

using nlohmann::ordered_json;

scenario::Scenario load_default() {
  auto sc = scenario::load_default();
  EXPECT_TRUE(sc.has_value());
  return sc ? *sc : scenario::Scenario{};
}

// A coarse footprint grid keeps the test quick under the sanitizers.
engage::CoverageOptions coarse() {
  engage::CoverageOptions o;
  o.max_grid_nodes = 300;
  return o;
}

void expect_closed_ring(const ordered_json& ring, size_t min_points) {
  ASSERT_TRUE(ring.is_array());
  ASSERT_GE(ring.size(), min_points);
  EXPECT_EQ(ring.front(), ring.back());
  for (const auto& p : ring) {
    ASSERT_EQ(p.size(), 2u);
    EXPECT_TRUE(p[0].is_number() && p[1].is_number());
  }
}

TEST(ReplayCoverage, WithoutAScenarioBothArraysAreEmpty) {
  const ordered_json j = coverage_json(nullptr);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j.begin().key(), "radars");
  EXPECT_EQ(j["radars"], ordered_json::array());
  EXPECT_EQ(j["footprints"], ordered_json::array());
}

TEST(ReplayCoverage, DefaultScenarioHasEachRadarsSectorAndEachBatterysFootprints) {
  const auto sc = load_default();
  const ordered_json j = coverage_json(&sc, coarse());
  const auto& radars = j["radars"];
  ASSERT_EQ(radars.size(), 3u);
  EXPECT_EQ(radars[0]["name"], "Crest");
  EXPECT_EQ(radars[0]["max_range_m"], 60000);
  // Crest: 120 degrees in 2-degree steps, outer and inner (1 km) arcs of
  // 61 points each, closed.
  expect_closed_ring(radars[0]["sector_en_m"], 123);
  EXPECT_EQ(radars[0]["sector_en_m"].size(), 123u);
  // Watch, all round: a circle of 80 km about (10, -10) km, 180 points, closed.
  const auto& watch = radars[2];
  EXPECT_EQ(watch["name"], "Watch");
  EXPECT_EQ(watch["max_range_m"], 80000);
  expect_closed_ring(watch["sector_en_m"], 181);
  EXPECT_EQ(watch["sector_en_m"].size(), 181u);
  for (const auto& p : watch["sector_en_m"])
    EXPECT_NEAR(std::hypot(p[0].get<double>() - 10000, p[1].get<double>() + 10000), 80000, 0.1);

  // One footprint per battery and rocket type, battery by battery.
  const auto& footprints = j["footprints"];
  ASSERT_EQ(footprints.size(), 9u);
  const char* batteries[] = {"North", "South", "East"};
  const char* types[] = {"short", "medium", "long"};
  for (size_t k = 0; k < footprints.size(); ++k) {
    const auto& f = footprints[k];
    EXPECT_EQ(f["battery"], batteries[k / 3]);
    EXPECT_EQ(f["rocket_type"], types[k % 3]);
    ASSERT_FALSE(f["polygons_en_m"].empty()) << f["battery"] << " " << f["rocket_type"];
    for (const auto& ring : f["polygons_en_m"]) expect_closed_ring(ring, 4);
  }
}

TEST(ReplayCoverage, TheReplayCarriesTheKey) {
  RunData run;
  run.scenario = load_default();
  run.scenario->batteries.clear();  // no footprints: quick
  const ordered_json j = build_replay(run);
  ASSERT_TRUE(j.contains("coverage"));
  EXPECT_EQ(j["coverage"]["radars"].size(), 3u);
  EXPECT_EQ(j["coverage"]["footprints"], ordered_json::array());
  // The keys before it are unchanged.
  for (const char* key : {"version", "areas", "sensors", "rockets", "alerts"})
    EXPECT_TRUE(j.contains(key)) << key;
  // Without a scenario: the key, empty.
  EXPECT_EQ(build_replay(RunData{})["coverage"], coverage_json(nullptr));
}

}  // namespace
}  // namespace canopy::io
