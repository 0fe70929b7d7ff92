#include "canopy/scenario/source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numbers>

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

// The error message of an override expected to fail.
std::string override_error(const Source& src, std::string_view key, std::string_view value) {
  auto out = with_override(src, key, value);
  EXPECT_FALSE(out.has_value()) << key;
  return out ? "" : out.error().message;
}

TEST(Source, SetSelectsListEntryByName) {
  auto src = with_override(default_source(), "sensors[Mill].outages", "[[120, 180]]");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  const Scenario sc = load_ok(*src);
  ASSERT_EQ(sc.sensors.size(), 3u);
  EXPECT_EQ(sc.sensors[1].name, "Mill");
  ASSERT_EQ(sc.sensors[1].outages.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.sensors[1].outages[0].first, 120);
  // The others keep theirs (Crest is down 300-330 s in the default).
  ASSERT_EQ(sc.sensors[0].outages.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.sensors[0].outages[0].first, 300);
  EXPECT_TRUE(sc.sensors[2].outages.empty());
  // Names and indices mix at any depth.
  auto b = with_override(default_source(), "batteries[East].launchers[1].interceptors", "3");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const Scenario sb = load_ok(*b);
  EXPECT_EQ(sb.batteries[2].name, "East");
  EXPECT_EQ(sb.batteries[2].launchers[1].interceptors, 3);
  EXPECT_EQ(sb.batteries[2].launchers[0].interceptors, 20);
  EXPECT_EQ(sb.batteries[0].launchers[1].interceptors, 20);
}

TEST(Source, SetSelectsAlertZonesById) {
  // Zones are named by id; "Zone B4" is the name of zone B4, not a key.
  auto src = with_override(default_source(), "alert_zones[B4].population", "77");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  const Scenario sc = load_ok(*src);
  for (const AlertZone& z : sc.alert_zones) EXPECT_EQ(z.population == 77, z.id == "B4") << z.id;
  const std::string err = override_error(default_source(), "alert_zones[Zone B4].population", "1");
  EXPECT_NE(err.find("alert_zones has no entry with id 'Zone B4'"), std::string::npos) << err;
}

TEST(Source, SetNameWithDotsQuoted) {
  auto renamed = with_override(default_source(), "sensors[0].name", "'Crest v2.1 [east]'");
  ASSERT_TRUE(renamed.has_value()) << renamed.error().message;
  for (const char* key :
       {"sensors[\"Crest v2.1 [east]\"].revisit_s", "sensors['Crest v2.1 [east]'].revisit_s"}) {
    auto src = with_override(*renamed, key, "4.5");
    ASSERT_TRUE(src.has_value()) << key << ": " << src.error().message;
    EXPECT_DOUBLE_EQ(load_ok(*src).sensors[0].revisit_s, 4.5) << key;
  }
  // Without brackets or quotes inside, dots and spaces need no quotes.
  auto dotted = with_override(default_source(), "sensors[1].name", "Mill 2.0");
  ASSERT_TRUE(dotted.has_value());
  auto src = with_override(*dotted, "sensors[Mill 2.0].revisit_s", "3");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  EXPECT_DOUBLE_EQ(load_ok(*src).sensors[1].revisit_s, 3);
  // A backslash takes the next character as it is: a quote in a name.
  auto quoted = with_override(default_source(), "sensors[2].name", "'say \"hi\"'");
  ASSERT_TRUE(quoted.has_value());
  auto q = with_override(*quoted, R"(sensors["say \"hi\""].revisit_s)", "2");
  ASSERT_TRUE(q.has_value()) << q.error().message;
  EXPECT_DOUBLE_EQ(load_ok(*q).sensors[2].revisit_s, 2);
}

TEST(Source, SetQuotedDigitsAreANameBareDigitsAnIndex) {
  auto zones = with_override(default_source(), "alert_zones",
                             "[{id: 7, population: 10, polygon_km: [[0, 0], [1, 0], [1, 1]]},"
                             " {id: 0, population: 20, polygon_km: [[2, 2], [3, 2], [3, 3]]}]");
  ASSERT_TRUE(zones.has_value()) << zones.error().message;
  auto by_id = with_override(*zones, "alert_zones[\"0\"].population", "5");
  ASSERT_TRUE(by_id.has_value()) << by_id.error().message;
  const Scenario a = load_ok(*by_id);
  EXPECT_DOUBLE_EQ(a.alert_zones[0].population, 10);
  EXPECT_DOUBLE_EQ(a.alert_zones[1].population, 5);
  auto by_index = with_override(*zones, "alert_zones[0].population", "5");
  ASSERT_TRUE(by_index.has_value());
  EXPECT_DOUBLE_EQ(load_ok(*by_index).alert_zones[0].population, 5);
}

TEST(Source, SetUnknownNameListsNames) {
  // Close to a name: the nearest.
  std::string err = override_error(default_source(), "sensors[Mil].outages", "[]");
  EXPECT_NE(err.find("--set sensors[Mil].outages: sensors has no entry named 'Mil'; did you "
                     "mean 'Mill'?"),
            std::string::npos)
      << err;
  // Far from all: every name.
  err = override_error(default_source(), "sensors[Main].outages", "[]");
  EXPECT_NE(err.find("sensors has no entry named 'Main'; names here: 'Crest', 'Mill', 'Watch'"),
            std::string::npos)
      << err;
  // Lists whose entries have no names say so.
  err = override_error(default_source(), "raids[first].count", "2");
  EXPECT_NE(err.find("the entries of raids have no names: select one by index (0 to 11) or all "
                     "with [*]"),
            std::string::npos)
      << err;
  err = override_error(default_source(), "batteries[North].launchers[left].interceptors", "2");
  EXPECT_NE(err.find("the entries of batteries[North].launchers have no names"), std::string::npos)
      << err;
}

TEST(Source, SetMisspelledKeySuggests) {
  std::string err = override_error(default_source(), "batteries[*].launcher[*].interceptors", "4");
  EXPECT_NE(err.find("--set batteries[*].launcher[*].interceptors: unknown key 'launcher' in "
                     "batteries[0]; did you mean 'launchers'?"),
            std::string::npos)
      << err;
  // The last key too, whether or not the file has it.
  err = override_error(default_source(), "batteries[North].launchers[0].interceptor", "4");
  EXPECT_NE(err.find("unknown key 'interceptor' in batteries[North].launchers[0]; did you mean "
                     "'interceptors'?"),
            std::string::npos)
      << err;
  err = override_error(default_source(), "run.duration", "4");
  EXPECT_NE(err.find("unknown key 'duration' in run; did you mean 'duration_s'?"),
            std::string::npos)
      << err;
  err = override_error(default_source(), "sensor[0].outages", "[]");
  EXPECT_NE(err.find("unknown key 'sensor' in the top level; did you mean 'sensors'?"),
            std::string::npos)
      << err;
  // Nothing close: the keys there.
  err = override_error(default_source(), "run.xyzzy", "1");
  EXPECT_NE(err.find("unknown key 'xyzzy' in run (keys here: 'duration_s', 'step_s', 'seed')"),
            std::string::npos)
      << err;
}

TEST(Source, SetNewOptionalKeyAdded) {
  // Keys of the format not in the file are added, with the mappings that
  // lead to them.
  auto src = with_override(default_source(), "sensors[Watch].azimuth_deg", "45");
  ASSERT_TRUE(src.has_value()) << src.error().message;
  EXPECT_NE(default_source().yaml.find("name: Watch"), std::string::npos);
  EXPECT_NEAR(load_ok(*src).sensors[2].azimuth_rad, 45 * std::numbers::pi / 180, 1e-12);
  Source bare = default_source();
  bare.yaml = "canopy: 1\nname: bare\norigin: {lat_deg: 33, lon_deg: -44}\n";
  auto wind = with_override(bare, "environment.wind.east_mps", "5");
  ASSERT_TRUE(wind.has_value()) << wind.error().message;
  EXPECT_NE(wind->yaml.find("east_mps: 5"), std::string::npos) << wind->yaml;
  load_ok(*wind);
  // A list not in the file cannot be indexed; it is set whole.
  const std::string err = override_error(bare, "sensors[0].outages", "[]");
  EXPECT_NE(err.find("sensors is not in the scenario, so it has no entries to select"),
            std::string::npos)
      << err;
  // Nor does a scalar key of the format take keys below it.
  const std::string seed = override_error(bare, "run.seed.x", "1");
  EXPECT_NE(seed.find("run.seed is not in the scenario, and it is not a mapping"),
            std::string::npos)
      << seed;
}

TEST(Source, SetIndexIntoAMappingSaysWhatIsThere) {
  std::string err = override_error(default_source(), "run[0]", "1");
  EXPECT_NE(err.find("run is not a list: it is a mapping with keys 'duration_s', 'step_s', 'seed'"),
            std::string::npos)
      << err;
  err = override_error(default_source(), "run.seed[Main]", "1");
  EXPECT_NE(err.find("run.seed is not a list: it is the value '7'"), std::string::npos) << err;
  err = override_error(default_source(), "sensors.outages", "[]");
  EXPECT_NE(err.find("sensors is not a mapping: it is a list of 3 entries (select entries with "
                     "sensors[0], sensors[NAME] or sensors[*])"),
            std::string::npos)
      << err;
  err = override_error(default_source(), "sensors[Crest].outages.start", "1");
  EXPECT_NE(err.find("sensors[Crest].outages is not a mapping: it is a list of 1 entry"),
            std::string::npos)
      << err;
}

TEST(Source, SetChangesAMergedKeyInItsEntryAlone) {
  Source src = default_source();
  src.yaml = R"(canopy: 1
name: merged
origin: {lat_deg: 33, lon_deg: -44}
sensors:
  - &one {name: One, position_km: [0, 0], range_km: [1, 50], revisit_s: 1,
          sigma: {range_m: 10, azimuth_mrad: 1, elevation_mrad: 1}, detection: {pd: 0.9}}
  - {<<: *one, name: Two}
)";
  load_ok(src);
  // Two's sigma is One's, merged: it becomes Two's own, then changes.
  auto out = with_override(src, "sensors[Two].sigma.range_m", "99");
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const Scenario sc = load_ok(*out);
  ASSERT_EQ(sc.sensors.size(), 2u);
  EXPECT_DOUBLE_EQ(sc.sensors[0].sigma_range_m, 10);
  EXPECT_DOUBLE_EQ(sc.sensors[1].sigma_range_m, 99);
}

TEST(Source, MalformedNamesAreRejected) {
  for (const char* key : {"sensors[]", "sensors[\"Mill].outages", "sensors[\"Mill\"x].outages",
                          "sensors[\"\"].outages", "sensors[ Mill].outages",
                          "sensors[a[1]].outages", "sensors[99999999999999999999999].outages"}) {
    auto src = with_override(default_source(), key, "[]");
    EXPECT_FALSE(src.has_value()) << key;
  }
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
