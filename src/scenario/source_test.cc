#include "canopy/scenario/source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace canopy::scenario {
namespace {

namespace fs = std::filesystem;

Scenario load_ok(const Source& src) {
  auto sc = load(src);
  std::string listing;
  if (!sc)
    for (const auto& d : sc.error()) listing += d.to_string() + "\n";
  EXPECT_TRUE(sc.has_value()) << listing;
  return sc ? std::move(*sc) : Scenario{};
}

Source default_source() {
  auto src = read_source("");
  EXPECT_TRUE(src.has_value());
  return *src;
}

TEST(Source, OverrideSetsANestedScalar) {
  auto src = with_override(default_source(), "batteries[0].launchers[0].interceptors", "5");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  const Scenario sc = load_ok(*src);
  EXPECT_EQ(sc.batteries[0].launchers[0].interceptors, 5);
  EXPECT_EQ(sc.batteries[0].launchers[1].interceptors, 20);
}

TEST(Source, OverrideValueMayItselfBeAList) {
  auto src = with_override(default_source(), "sensors[0].outages", "[[120, 180]]");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  const Scenario sc = load_ok(*src);
  ASSERT_EQ(sc.sensors[0].outages.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.sensors[0].outages[0].first, 120);
  EXPECT_DOUBLE_EQ(sc.sensors[0].outages[0].second, 180);
  auto none = with_override(*src, "sensors[0].outages", "[]");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(load_ok(*none).sensors[0].outages.empty());
}

TEST(Source, OverridesApplyInTurnAndKeepEverythingElse) {
  const Scenario before = load_ok(default_source());
  auto a = with_override(default_source(), "raids[0].count", "3");
  ASSERT_TRUE(a.has_value());
  auto b = with_override(*a, "run.seed", "99");
  ASSERT_TRUE(b.has_value());
  const Scenario after = load_ok(*b);
  EXPECT_EQ(after.raids[0].count, 3);
  EXPECT_EQ(after.run.seed, 99u);
  EXPECT_EQ(after.raids.size(), before.raids.size());
  EXPECT_EQ(after.raids[1].count, before.raids[1].count);
  EXPECT_EQ(after.sensors.size(), before.sensors.size());
}

TEST(Source, AStarSetsEveryEntryOfAList) {
  auto src = with_override(default_source(), "batteries[*].launchers[*].interceptors", "4");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  const Scenario sc = load_ok(*src);
  int launchers = 0;
  for (const auto& b : sc.batteries)
    for (const auto& l : b.launchers) {
      EXPECT_EQ(l.interceptors, 4) << b.name;
      ++launchers;
    }
  EXPECT_EQ(launchers, 9);
  // A list value is copied to each entry, not shared between them.
  auto outages = with_override(default_source(), "sensors[*].outages", "[[10, 20]]");
  ASSERT_TRUE(outages.has_value()) << outages.error().message;
  auto again = with_override(*outages, "sensors[0].outages[0]", "[30, 40]");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  const Scenario sc2 = load_ok(*again);
  ASSERT_GE(sc2.sensors.size(), 2u);
  EXPECT_EQ(sc2.sensors[1].outages.size(), 1u);
  EXPECT_NE(sc2.sensors[0].outages[0].first, sc2.sensors[1].outages[0].first);
}

TEST(Source, AStarOnAnEmptyOrScalarEntryIsAnError) {
  auto none = with_override(default_source(), "sensors[0].outages", "[]");
  ASSERT_TRUE(none.has_value());
  auto empty = with_override(*none, "sensors[0].outages[*]", "[1, 2]");
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("sensors[0].outages is empty"), std::string::npos)
      << empty.error().message;
  auto scalar = with_override(default_source(), "run.seed[*]", "1");
  ASSERT_FALSE(scalar.has_value());
  EXPECT_NE(scalar.error().message.find("run.seed is not a list"), std::string::npos)
      << scalar.error().message;
}

TEST(Source, OverrideOutOfRangeIndexNamesThePath) {
  auto src = with_override(default_source(), "batteries[7].launchers[0].interceptors", "5");
  ASSERT_FALSE(src.has_value());
  EXPECT_NE(src.error().message.find("batteries has 3 entries, no index 7"), std::string::npos)
      << src.error().message;
}

TEST(Source, OverrideThroughAScalarIsAnError) {
  auto src = with_override(default_source(), "run.seed.x", "5");
  ASSERT_FALSE(src.has_value());
  EXPECT_NE(src.error().message.find("run.seed is not a mapping"), std::string::npos)
      << src.error().message;
}

TEST(Source, MalformedKeysAndValuesAreRejected) {
  for (const char* key :
       {"", "raids[", "raids[x].count", "raids[-1]", "raids[**]", "a..b", "a.", "raids[0]x"}) {
    auto src = with_override(default_source(), key, "1");
    EXPECT_FALSE(src.has_value()) << key;
  }
  auto src = with_override(default_source(), "raids[0].count", "[1, 2");
  ASSERT_FALSE(src.has_value());
  EXPECT_NE(src.error().message.find("not YAML"), std::string::npos) << src.error().message;
}

TEST(Source, AnOverrideTheLoaderRejectsIsReportedAtItsKey) {
  auto src = with_override(default_source(), "raids[0].count", "-4");
  ASSERT_TRUE(src.has_value());
  auto sc = load(*src);
  ASSERT_FALSE(sc.has_value());
  EXPECT_EQ(sc.error()[0].path, "raids[0].count");
}

TEST(Source, MissingFileIsAnError) {
  EXPECT_FALSE(read_source("/nonexistent/scenario.yaml").has_value());
}

TEST(Source, SelfContainedYamlIsTheSourceWhenNoGeoJsonIsUsed) {
  const Source src = default_source();
  EXPECT_EQ(self_contained_yaml(src, load_ok(src)), src.yaml);
}

TEST(Source, SelfContainedYamlInlinesGeoJsonPolygons) {
  const fs::path dir = fs::temp_directory_path() / "canopy_source_test_geojson";
  fs::create_directories(dir);
  {
    std::ofstream(dir / "zones.geojson") << R"({"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"id": "Z9", "name": "a \"}, b: [\nc", "population": 1200},
       "geometry": {"type": "Polygon", "coordinates": [[[-44.60, 33.20], [-44.58, 33.20],
         [-44.58, 33.22], [-44.60, 33.22], [-44.60, 33.20]]]}}]})";
  }
  Source src = default_source();
  auto with_file = with_override(src, "alert_zones", "[{geojson: zones.geojson}]");
  ASSERT_TRUE(with_file.has_value()) << with_file.error().message;
  with_file->base_dir = dir.string();
  const Scenario sc = load_ok(*with_file);
  ASSERT_EQ(sc.alert_zones.size(), 1u);
  // Loads from anywhere, with the same zone.
  const Source stored{self_contained_yaml(*with_file, sc), "stored.yaml", "/"};
  const Scenario again = load_ok(stored);
  ASSERT_EQ(again.alert_zones.size(), 1u);
  EXPECT_EQ(again.alert_zones[0].id, "Z9");
  EXPECT_EQ(again.alert_zones[0].name, "a \"}, b: [\nc");
  EXPECT_DOUBLE_EQ(again.alert_zones[0].population, 1200);
  ASSERT_EQ(again.alert_zones[0].polygon.vertices().size(),
            sc.alert_zones[0].polygon.vertices().size());
  for (size_t i = 0; i < sc.alert_zones[0].polygon.vertices().size(); ++i)
    EXPECT_LT((again.alert_zones[0].polygon.vertices()[i] - sc.alert_zones[0].polygon.vertices()[i])
                  .norm(),
              1e-6);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace canopy::scenario
