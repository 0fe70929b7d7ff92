// The scenario loader accepts the documented format and rejects bad input of
// every kind with file:line:column and the key path, reporting every error.
// GCC 12 warns, wrongly, that std::regex's std::function members may be
// used uninitialized (a libstdc++ false positive under -O2 with the
// sanitizers); the warning is off for this test file only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "canopy/scenario/load.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "canopy/core/geodetic.h"
#include "canopy/physics/ballistics.h"
#include "canopy/scenario/keys.h"

namespace canopy::scenario {
namespace {

namespace fs = std::filesystem;

// A valid scenario; tests edit it. The raid needs 13.4-18.6 km, inside the
// medium type's reach.
constexpr const char* kBase = R"(canopy: 1
name: test
origin: {lat_deg: 30.0, lon_deg: -40.0}
run: {duration_s: 300, step_s: 0.01, seed: 3}
defended_areas:
  - {name: Town, value: 500, polygon_km: [[-1, -1], [1, -1], [1, 1], [-1, 1]]}
rocket_types:
  - {name: medium, launch_mass_kg: 66, propellant_mass_kg: 20, burn_time_s: 1.9, thrust_n: 21000,
     diameter_m: 0.122, cd_mach: [[0.0, 0.30], [0.8, 0.32], [1.0, 0.45], [1.2, 0.42], [2.0, 0.35], [3.0, 0.30]]}
launch_sites:
  - {name: west, center_km: [-16, 0], radius_km: 1}
raids:
  - {at_s: 5, site: west, type: medium, count: 6, interval_s: 0.5, aim: {area: Town}, aim_sigma_m: 200}
)";

// The text with the first occurrence of `from` replaced (which must exist).
std::string edit(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// 1-based line and column of the first occurrence of `needle`.
std::pair<int, int> position_of(std::string_view text, std::string_view needle) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  const size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  const int col = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {line, col};
}

std::string listing(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += d.to_string() + "\n";
  return out;
}

// The diagnostics of text that must fail to load.
Diagnostics errors_of(std::string_view yaml) {
  const auto sc = load_string(yaml, "t.yaml");
  EXPECT_FALSE(sc.has_value()) << "loaded although it should not";
  return sc ? Diagnostics{} : sc.error();
}

// The first diagnostic at `path`, or nullptr.
const Diagnostic* at_path(const Diagnostics& ds, std::string_view path) {
  for (const Diagnostic& d : ds) {
    if (d.path == path) return &d;
  }
  return nullptr;
}

Scenario loads(std::string_view yaml) {
  auto sc = load_string(yaml, "t.yaml");
  EXPECT_TRUE(sc.has_value()) << (sc ? "" : listing(sc.error()));
  return sc ? *sc : Scenario{};
}

// A directory of its own under the system temp directory, removed after.
class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              fmt::format("canopy_scenario_{}_{}",
                          ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                          ::getpid())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------
// Good input

TEST(Load, DefaultScenarioLoadsCleanly) {
  const auto sc = load_default();
  ASSERT_TRUE(sc.has_value()) << listing(sc.error());
  EXPECT_EQ(sc->source, "<default>");
  EXPECT_FALSE(sc->name.empty());
  EXPECT_FALSE(sc->defended_areas.empty());
  EXPECT_FALSE(sc->alert_zones.empty());
  EXPECT_FALSE(sc->rocket_types.empty());
  EXPECT_FALSE(sc->raids.empty());
  EXPECT_GT(sc->total_rockets(), 0);
}

TEST(Load, EveryFieldIsFilledInSiUnits) {
  const Scenario sc = loads(kBase);
  EXPECT_EQ(sc.format, 1);
  EXPECT_EQ(sc.name, "test");
  EXPECT_EQ(sc.source, "t.yaml");
  EXPECT_DOUBLE_EQ(sc.origin.lat_deg, 30.0);
  EXPECT_DOUBLE_EQ(sc.origin.lon_deg, -40.0);
  EXPECT_DOUBLE_EQ(sc.run.duration_s, 300);
  EXPECT_DOUBLE_EQ(sc.run.step_s, 0.01);
  EXPECT_EQ(sc.run.seed, 3u);

  ASSERT_EQ(sc.defended_areas.size(), 1u);
  EXPECT_EQ(sc.defended_areas[0].name, "Town");
  EXPECT_DOUBLE_EQ(sc.defended_areas[0].value, 500);
  EXPECT_NEAR(sc.defended_areas[0].polygon.area_m2(), 4e6, 1e-6);
  EXPECT_EQ(sc.defended_areas[0].polygon.vertices()[0], Vec2(-1000, -1000));

  ASSERT_EQ(sc.rocket_types.size(), 1u);
  const physics::RocketParams& p = sc.rocket_types[0].params;
  EXPECT_DOUBLE_EQ(p.launch_mass_kg, 66);
  EXPECT_DOUBLE_EQ(p.propellant_mass_kg, 20);
  EXPECT_DOUBLE_EQ(p.burn_time_s, 1.9);
  EXPECT_DOUBLE_EQ(p.thrust_N, 21000);
  EXPECT_DOUBLE_EQ(p.diameter_m, 0.122);
  EXPECT_DOUBLE_EQ(p.cd_factor, 1.0);
  EXPECT_EQ(p.cd.mach, (std::vector<double>{0.0, 0.8, 1.0, 1.2, 2.0, 3.0}));
  EXPECT_EQ(p.cd.cd, (std::vector<double>{0.30, 0.32, 0.45, 0.42, 0.35, 0.30}));
  EXPECT_DOUBLE_EQ(sc.rocket_types[0].cd_dispersion, 0.03);

  ASSERT_EQ(sc.launch_sites.size(), 1u);
  EXPECT_EQ(sc.launch_sites[0].center_en_m, Vec2(-16000, 0));
  EXPECT_DOUBLE_EQ(sc.launch_sites[0].radius_m, 1000);

  ASSERT_EQ(sc.raids.size(), 1u);
  const Raid& r = sc.raids[0];
  EXPECT_DOUBLE_EQ(r.at_s, 5);
  EXPECT_EQ(r.site_index, 0);
  EXPECT_EQ(r.type_index, 0);
  EXPECT_EQ(r.count, 6);
  EXPECT_DOUBLE_EQ(r.interval_s, 0.5);
  EXPECT_EQ(r.aim.kind, Aim::Kind::kArea);
  EXPECT_EQ(r.aim.area_index, 0);
  EXPECT_DOUBLE_EQ(r.aim_sigma_m, 200);
  EXPECT_TRUE(sc.environment.wind.alt_m.empty());
  EXPECT_EQ(sc.total_rockets(), 6);
}

TEST(Load, OptionalKeysTakeTheirDocumentedDefaults) {
  const Scenario sc = loads(R"(canopy: 1
name: minimal
origin: {lat_deg: 1, lon_deg: 2}
rocket_types:
  - {name: medium, launch_mass_kg: 66, propellant_mass_kg: 20, burn_time_s: 1.9, thrust_n: 21000,
     diameter_m: 0.122, cd_mach: [[0, 0.3]]}
launch_sites:
  - {name: w, center_km: [0, 0]}
raids:
  - {at_s: 0, site: w, type: medium, aim: {point_km: [15, 0]}}
)");
  EXPECT_DOUBLE_EQ(sc.origin.alt_m, 0);
  EXPECT_DOUBLE_EQ(sc.run.duration_s, 600);
  EXPECT_DOUBLE_EQ(sc.run.step_s, 0.01);
  EXPECT_EQ(sc.run.seed, 1u);
  EXPECT_TRUE(sc.environment.wind.alt_m.empty());
  EXPECT_TRUE(sc.defended_areas.empty());
  EXPECT_TRUE(sc.alert_zones.empty());
  EXPECT_DOUBLE_EQ(sc.rocket_types[0].cd_dispersion, 0.03);
  EXPECT_DOUBLE_EQ(sc.launch_sites[0].radius_m, 0);
  ASSERT_EQ(sc.raids.size(), 1u);
  EXPECT_EQ(sc.raids[0].count, 1);
  EXPECT_DOUBLE_EQ(sc.raids[0].interval_s, 0);
  EXPECT_DOUBLE_EQ(sc.raids[0].aim_sigma_m, 0);
  EXPECT_EQ(sc.raids[0].aim.kind, Aim::Kind::kPoint);
  EXPECT_EQ(sc.raids[0].aim.point_en_m, Vec2(15000, 0));
}

TEST(Load, ConstantWindIsOneProfileLayer) {
  const Scenario sc = loads(edit(kBase, "defended_areas:",
                                 "environment:\n  wind: {east_mps: 4, north_mps: -2}\n"
                                 "defended_areas:"));
  ASSERT_EQ(sc.environment.wind.alt_m.size(), 1u);
  EXPECT_EQ(sc.environment.wind.wind_en_mps[0], Vec2(4, -2));
  EXPECT_EQ(sc.environment.wind.at(5000), Vec2(4, -2));
}

TEST(Load, WindProfileKeepsItsLayers) {
  const Scenario sc = loads(edit(kBase, "defended_areas:",
                                 "environment:\n  wind:\n    profile: [[0, 3, 1], [3000, 8, 2]]\n"
                                 "defended_areas:"));
  EXPECT_EQ(sc.environment.wind.alt_m, (std::vector<double>{0, 3000}));
  EXPECT_EQ(sc.environment.wind.wind_en_mps[1], Vec2(8, 2));
}

TEST(Load, WindProfileAltitudesMustIncrease) {
  const std::string text =
      edit(kBase, "defended_areas:",
           "environment:\n  wind:\n    profile: [[0, 3, 1], [3000, 8, 2], [3000, 9, 2]]\n"
           "defended_areas:");
  const auto ds = errors_of(text);
  const Diagnostic* d = at_path(ds, "environment.wind.profile[2]");
  ASSERT_NE(d, nullptr) << listing(ds);
  EXPECT_NE(d->message.find("increase strictly"), std::string::npos) << d->message;
  EXPECT_EQ(std::pair(d->line, d->column), position_of(text, "[3000, 9, 2]"));
}

TEST(Load, ConstantWindAndProfileAreExclusive) {
  const auto ds = errors_of(edit(kBase, "defended_areas:",
                                 "environment:\n  wind: {east_mps: 1, profile: [[0, 1, 1]]}\n"
                                 "defended_areas:"));
  ASSERT_NE(at_path(ds, "environment.wind.profile"), nullptr) << listing(ds);
}

TEST(Load, MergeKeysFillInKeysNotGiven) {
  std::string text = edit(kBase, "  - {name: medium,", "  - &medium {name: medium,");
  text = edit(text, "launch_sites:",
              "  - <<: *medium\n    name: heavier\n    launch_mass_kg: 70\nlaunch_sites:");
  const Scenario sc = loads(text);
  ASSERT_EQ(sc.rocket_types.size(), 2u);
  EXPECT_EQ(sc.rocket_types[1].name, "heavier");
  EXPECT_DOUBLE_EQ(sc.rocket_types[1].params.launch_mass_kg, 70);
  EXPECT_DOUBLE_EQ(sc.rocket_types[1].params.thrust_N, 21000);
  EXPECT_EQ(sc.rocket_types[1].params.cd.mach.size(), 6u);
}

// ---------------------------------------------------------------------------
// Bad YAML and bad keys

TEST(Load, YamlSyntaxErrorGivesLineAndColumn) {
  const auto ds = errors_of("canopy: 1\nname: x\norigin:\n\tlat_deg: 1\n");
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].to_string().rfind("t.yaml:4:", 0), 0u) << ds[0].to_string();
  EXPECT_NE(ds[0].message.find("YAML syntax error"), std::string::npos);

  const auto unclosed = errors_of("canopy: 1\nname: [a, b\norigin: {lat_deg: 1, lon_deg: 2}\n");
  ASSERT_EQ(unclosed.size(), 1u) << listing(unclosed);
  EXPECT_GT(unclosed[0].line, 0);
  EXPECT_GT(unclosed[0].column, 0);
  EXPECT_NE(unclosed[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(Load, UnknownKeySuggestsNearestKey) {
  const std::string text = edit(kBase, "aim: {area: Town}", "aim: {aera: Town}");
  const auto ds = errors_of(text);
  // The misspelt key only: no follow-on "missing 'area'".
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  const auto [line, col] = position_of(text, "aera");
  EXPECT_EQ(ds[0].to_string(),
            fmt::format("t.yaml:{}:{}: raids[0].aim.aera: unknown key 'aera'; did you mean 'area'?",
                        line, col));
}

TEST(Load, KeyWithoutItsUnitSuggestsTheUnitKeys) {
  auto ds = errors_of(edit(kBase, "radius_km: 1", "radius: 1"));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_NE(ds[0].message.find("did you mean 'radius_km'?"), std::string::npos) << ds[0].message;

  ds = errors_of(edit(kBase, "polygon_km:", "polygon:"));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "defended_areas[0].polygon");
  EXPECT_NE(ds[0].message.find("did you mean 'polygon_km' or 'polygon_deg'?"), std::string::npos)
      << ds[0].message;
}

TEST(Load, UnknownKeyFarFromAnyListsTheKeysAccepted) {
  const auto ds = errors_of(std::string(kBase) + "frobnicate: 3\n");
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "frobnicate");
  EXPECT_NE(ds[0].message.find("'raids'"), std::string::npos) << ds[0].message;
}

TEST(Load, DuplicateKeysAreRejected) {
  const std::string text = edit(kBase, "value: 500", "value: 500, value: 600");
  const auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "defended_areas[0].value");
  EXPECT_NE(ds[0].message.find("duplicate key 'value'"), std::string::npos);
  EXPECT_EQ(std::pair(ds[0].line, ds[0].column), position_of(text, "value: 600"));
}

TEST(Load, MissingRequiredKeyIsNamedAtItsMapping) {
  auto ds = errors_of(edit(kBase, "name: test\n", ""));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].to_string(), "t.yaml:1:1: missing required key 'name'");

  const std::string text = edit(kBase, "launch_mass_kg: 66, ", "");
  ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "rocket_types[0]");
  EXPECT_EQ(ds[0].message, "missing required key 'launch_mass_kg'");
  EXPECT_EQ(std::pair(ds[0].line, ds[0].column), position_of(text, "{name: medium"));
}

TEST(Load, WrongTypesAreReported) {
  struct Case {
    std::string_view from, to, path, says;
  };
  for (const Case& c : std::vector<Case>{
           {"launch_mass_kg: 66", "launch_mass_kg: heavy", "rocket_types[0].launch_mass_kg",
            "expected a number, got 'heavy'"},
           {"launch_mass_kg: 66", "launch_mass_kg: \"66\"", "rocket_types[0].launch_mass_kg",
            "remove the quotes"},
           {"cd_mach: [[0.0, 0.30], [0.8, 0.32], [1.0, 0.45], [1.2, 0.42], [2.0, 0.35], [3.0, "
            "0.30]]",
            "cd_mach: 0.3", "rocket_types[0].cd_mach", "expected a list of [mach, cd] pairs"},
           {"center_km: [-16, 0]", "center_km: [-16, 0, 1]", "launch_sites[0].center_km",
            "expected a point [east_km, north_km], got a list of 3"},
           {"origin: {lat_deg: 30.0, lon_deg: -40.0}", "origin: [30, -40]", "origin",
            "expected a mapping"},
           {"count: 6", "count: 2.5", "raids[0].count", "expected a whole number"},
           {"name: test", "name: [a, b]", "name", "expected a name, got a list"},
       }) {
    const std::string text = edit(kBase, c.from, c.to);
    const auto ds = errors_of(text);
    const Diagnostic* d = at_path(ds, c.path);
    ASSERT_NE(d, nullptr) << c.to << "\n" << listing(ds);
    EXPECT_NE(d->message.find(c.says), std::string::npos) << d->message;
    EXPECT_EQ(d->file, "t.yaml");
    EXPECT_GT(d->line, 0);
    EXPECT_GT(d->column, 0);
  }
  // An empty list item.
  const auto empty = errors_of(std::string(kBase) + "  -\n");
  ASSERT_EQ(empty.size(), 1u) << listing(empty);
  EXPECT_EQ(empty[0].path, "raids[1]");
  EXPECT_NE(empty[0].message.find("got nothing"), std::string::npos) << empty[0].message;
  // A whole section of the wrong shape.
  const auto ds = errors_of(edit(kBase, "raids:\n  - {", "raids: {\n  "));
  ASSERT_NE(at_path(ds, "raids"), nullptr) << listing(ds);
  EXPECT_NE(at_path(ds, "raids")->message.find("expected a list of raids, got a mapping"),
            std::string::npos);
}

TEST(Load, OutOfRangeValuesAreRejected) {
  struct Case {
    std::string_view from, to, path, says;
  };
  for (const Case& c : std::vector<Case>{
           {"canopy: 1", "canopy: 2", "canopy", "format version 2 is not supported"},
           {"lat_deg: 30.0", "lat_deg: 91", "origin.lat_deg", "must be between -90 and 90"},
           {"step_s: 0.01", "step_s: 0", "run.step_s", "must be > 0"},
           {"step_s: 0.01", "step_s: -1", "run.step_s", "must be > 0"},
           {"duration_s: 300", "duration_s: 0", "run.duration_s", "must be > 0"},
           {"seed: 3", "seed: -3", "run.seed", "expected a whole number between 0 and"},
           {"value: 500", "value: -5", "defended_areas[0].value", "must be >= 0"},
           {"launch_mass_kg: 66", "launch_mass_kg: -66", "rocket_types[0].launch_mass_kg",
            "must be > 0"},
           {"propellant_mass_kg: 20", "propellant_mass_kg: 66",
            "rocket_types[0].propellant_mass_kg", "must be less than launch_mass_kg (66 kg)"},
           {"thrust_n: 21000", "thrust_n: 300", "rocket_types[0].thrust_n",
            "does not lift the launch weight"},
           {"thrust_n: 21000", "thrust_n: 2000000", "rocket_types[0]", "ideal speed gain"},
           {"burn_time_s: 1.9", "burn_time_s: .inf", "rocket_types[0].burn_time_s",
            "expected a number"},
           {"[0.8, 0.32]", "[0.8, -0.32]", "rocket_types[0].cd_mach[1][1]", "must be > 0"},
           {"[1.0, 0.45]", "[0.5, 0.45]", "rocket_types[0].cd_mach[2]", "increase strictly"},
           {"center_km: [-16, 0]", "center_km: [-1600, 0]", "launch_sites[0].center_km",
            "lies 1600.0 km from the origin"},
           {"radius_km: 1", "radius_km: -1", "launch_sites[0].radius_km", "must be between 0"},
           {"count: 6", "count: 0", "raids[0].count", "must be between 1 and 10000"},
           {"count: 6", "count: 1000000", "raids[0].count", "must be between 1 and 10000"},
           {"interval_s: 0.5", "interval_s: -0.5", "raids[0].interval_s", "must be between 0"},
           {"aim_sigma_m: 200", "aim_sigma_m: -1", "raids[0].aim_sigma_m", "must be between 0"},
           {"at_s: 5", "at_s: -5", "raids[0].at_s", "must be >= 0"},
       }) {
    const std::string text = edit(kBase, c.from, c.to);
    const auto ds = errors_of(text);
    const Diagnostic* d = at_path(ds, c.path);
    ASSERT_NE(d, nullptr) << c.to << "\n" << listing(ds);
    EXPECT_NE(d->message.find(c.says), std::string::npos) << c.to << ": " << d->message;
    EXPECT_GT(d->line, 0) << c.to;
    EXPECT_GT(d->column, 0) << c.to;
  }
}

TEST(Load, RaidsMustFitTheRun) {
  std::string text = edit(kBase, "at_s: 5", "at_s: 300");
  auto ds = errors_of(text);
  ASSERT_NE(at_path(ds, "raids[0].at_s"), nullptr) << listing(ds);
  EXPECT_NE(at_path(ds, "raids[0].at_s")->message.find("the run ends at 300 s"), std::string::npos);

  // 290 + (30 - 1) x 0.5 = 304.5 s > 300 s.
  text = edit(edit(kBase, "at_s: 5", "at_s: 290"), "count: 6", "count: 30");
  ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "raids[0]");
  EXPECT_NE(ds[0].message.find("last launch, at 304.5 s"), std::string::npos) << ds[0].message;
}

TEST(Load, AimNeedsExactlyOneTarget) {
  auto ds = errors_of(edit(kBase, "aim: {area: Town}", "aim: {area: Town, point_km: [1, 2]}"));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "raids[0].aim.point_km");
  EXPECT_NE(ds[0].message.find("give only one of"), std::string::npos);

  ds = errors_of(edit(kBase, "aim: {area: Town}", "aim: {}"));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "raids[0].aim");
  EXPECT_NE(ds[0].message.find("'area', 'point_km', 'point_deg'"), std::string::npos);
}

// ---------------------------------------------------------------------------
// References and names

TEST(Load, DanglingAreaReferenceNamesThePath) {
  const std::string text =
      std::string(kBase) +
      "  - {at_s: 9, site: west, type: medium, count: 2, aim: {area: Twon}, aim_sigma_m: 100}\n";
  const auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  const auto [line, col] = position_of(text, "Twon");
  EXPECT_EQ(ds[0].to_string(),
            fmt::format("t.yaml:{}:{}: raids[1].aim.area: no defended area named 'Twon'; did you "
                        "mean 'Town'?",
                        line, col));
}

TEST(Load, DanglingSiteAndTypeReferencesAreBothReported) {
  const auto ds = errors_of(edit(kBase, "site: west, type: medium", "site: east, type: heavy"));
  ASSERT_EQ(ds.size(), 2u) << listing(ds);
  EXPECT_NE(at_path(ds, "raids[0].site"), nullptr);
  EXPECT_NE(at_path(ds, "raids[0].type"), nullptr);
  EXPECT_NE(ds[0].message.find("known: 'west'"), std::string::npos) << ds[0].message;
}

TEST(Load, DuplicateNamesAreRejected) {
  const std::string text =
      edit(kBase, "launch_sites:\n", "launch_sites:\n  - {name: west, center_km: [-15, 0]}\n");
  const auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "launch_sites[1].name");
  const auto [line, col] = position_of(text, "west, center_km: [-16");
  EXPECT_NE(ds[0].message.find(fmt::format("duplicate launch site name 'west' (the first is at "
                                           "t.yaml:{}:{})",
                                           line - 1, col)),
            std::string::npos)
      << ds[0].message;
}

// ---------------------------------------------------------------------------
// Polygons and coordinates

TEST(Load, SelfIntersectingPolygonIsRejected) {
  const std::string text =
      edit(kBase, "[[-1, -1], [1, -1], [1, 1], [-1, 1]]", "[[-1, -1], [1, 1], [1, -1], [-1, 1]]");
  const auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path.rfind("defended_areas[0].polygon_km[", 0), 0u) << ds[0].path;
  EXPECT_NE(ds[0].message.find("crosses itself"), std::string::npos) << ds[0].message;
  EXPECT_EQ(ds[0].line, 6);
}

TEST(Load, DegeneratePolygonsAreRejected) {
  for (const char* ring : {"[[-1, -1], [1, -1]]", "[[-1, -1], [1, -1], [-1, -1], [1, -1]]",
                           "[[0, 0], [1, 1], [2, 2], [3, 3]]", "[]"}) {
    const auto ds = errors_of(edit(kBase, "[[-1, -1], [1, -1], [1, 1], [-1, 1]]", ring));
    const Diagnostic* d = at_path(ds, "defended_areas[0].polygon_km");
    ASSERT_NE(d, nullptr) << ring << "\n" << listing(ds);
    const bool says = d->message.find("at least 3 distinct vertices") != std::string::npos ||
                      d->message.find("zero area") != std::string::npos;
    EXPECT_TRUE(says) << d->message;
  }
}

TEST(Load, ClosedRingsAndRepeatedVerticesAreAccepted) {
  const Scenario sc = loads(edit(kBase, "[[-1, -1], [1, -1], [1, 1], [-1, 1]]",
                                 "[[-1, -1], [1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]]"));
  EXPECT_EQ(sc.defended_areas[0].polygon.vertices().size(), 4u);
}

TEST(Load, LatLonPolygonMatchesKmPolygon) {
  // The km polygon's vertices, converted to lat/lon at the origin.
  const core::GeoFrame frame(30.0, -40.0, 0.0);
  const std::vector<Vec2> km = {{-1, -1}, {1, -1}, {1.5, 0.5}, {-1, 1}};
  std::string deg = "[";
  for (const Vec2& v : km) {
    const core::LatLon ll = frame.latlon_from_enu(core::ground_point(1000 * v));
    deg += fmt::format("{}[{:.10f}, {:.10f}]", deg.size() > 1 ? ", " : "", ll.lat_deg, ll.lon_deg);
  }
  deg += "]";
  const Scenario a = loads(edit(kBase, "[[-1, -1], [1, -1], [1, 1], [-1, 1]]",
                                "[[-1, -1], [1, -1], [1.5, 0.5], [-1, 1]]"));
  const Scenario b =
      loads(edit(kBase, "polygon_km: [[-1, -1], [1, -1], [1, 1], [-1, 1]]", "polygon_deg: " + deg));
  const auto& va = a.defended_areas[0].polygon.vertices();
  const auto& vb = b.defended_areas[0].polygon.vertices();
  ASSERT_EQ(va.size(), vb.size());
  for (size_t i = 0; i < va.size(); ++i) EXPECT_LT((va[i] - vb[i]).norm(), 0.05) << i;

  // The same holds for a launch site's centre and a point aim.
  const core::LatLon c = frame.latlon_from_enu(core::ground_point(Vec2(-16000, 0)));
  const Scenario s =
      loads(edit(kBase, "center_km: [-16, 0]",
                 fmt::format("center_deg: [{:.10f}, {:.10f}]", c.lat_deg, c.lon_deg)));
  EXPECT_LT((s.launch_sites[0].center_en_m - Vec2(-16000, 0)).norm(), 0.05);
}

TEST(Load, SwappedLatLonIsPointedOut) {
  const auto ds = errors_of(edit(kBase, "center_km: [-16, 0]", "center_deg: [-40.0, 30.0]"));
  const Diagnostic* d = at_path(ds, "launch_sites[0].center_deg");
  ASSERT_NE(d, nullptr) << listing(ds);
  EXPECT_NE(d->message.find("swapped"), std::string::npos) << d->message;
}

// ---------------------------------------------------------------------------
// GeoJSON

constexpr const char* kTownsGeoJson = R"({
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature", "properties": {"name": "Town", "value": 500},
     "geometry": {"type": "Polygon", "coordinates": [[[-40.0104, 29.9910], [-39.9896, 29.9910],
       [-39.9896, 30.0090], [-40.0104, 30.0090], [-40.0104, 29.9910]]]}},
    {"type": "Feature", "properties": {"name": "Hamlet", "value": 20, "note": "extra is fine"},
     "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.05], [-39.99, 30.05],
       [-39.99, 30.06]]]}}
  ]
})";

TEST(Load, GeoJsonAreasAreReadAsLonLat) {
  TempDir dir;
  dir.write("towns.geojson", kTownsGeoJson);
  const std::string path = dir.write(
      "s.yaml", edit(kBase,
                     "  - {name: Town, value: 500, polygon_km: [[-1, -1], [1, -1], [1, 1], "
                     "[-1, 1]]}",
                     "  - {geojson: towns.geojson}"));
  const auto sc = load_file(path);
  ASSERT_TRUE(sc.has_value()) << listing(sc.error());
  ASSERT_EQ(sc->defended_areas.size(), 2u);
  EXPECT_EQ(sc->defended_areas[0].name, "Town");
  EXPECT_DOUBLE_EQ(sc->defended_areas[0].value, 500);
  EXPECT_EQ(sc->defended_areas[1].name, "Hamlet");
  // About 2 km x 2 km around the origin.
  const core::Polygon& town = sc->defended_areas[0].polygon;
  EXPECT_EQ(town.vertices().size(), 4u);
  EXPECT_NEAR(town.area_m2(), 4e6, 0.05e6);
  EXPECT_TRUE(town.contains(Vec2::Zero()));
  EXPECT_EQ(sc->raids[0].aim.area_index, 0);
}

TEST(Load, GeoJsonSyntaxErrorGivesLineAndColumn) {
  TempDir dir;
  const std::string json = "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [,]\n}\n";
  const std::string geo = dir.write("bad.geojson", json);
  const std::string path = dir.write(
      "s.yaml", edit(kBase, "defended_areas:\n", "defended_areas:\n  - {geojson: bad.geojson}\n"));
  const auto sc = load_file(path);
  ASSERT_FALSE(sc.has_value());
  ASSERT_EQ(sc.error().size(), 1u) << listing(sc.error());
  const auto [line, col] = position_of(json, ",]");
  EXPECT_EQ(sc.error()[0].to_string().rfind(
                fmt::format("{}:{}:{}: JSON syntax error: ", geo, line, col), 0),
            0u)
      << sc.error()[0].to_string();
}

TEST(Load, MissingGeoJsonFileIsReported) {
  TempDir dir;
  const std::string text =
      edit(kBase, "defended_areas:\n", "defended_areas:\n  - {geojson: nowhere.geojson}\n");
  const auto sc = load_file(dir.write("s.yaml", text));
  ASSERT_FALSE(sc.has_value());
  ASSERT_EQ(sc.error().size(), 1u) << listing(sc.error());
  const Diagnostic& d = sc.error()[0];
  EXPECT_EQ(d.path, "defended_areas[0].geojson");
  EXPECT_EQ(std::pair(d.line, d.column), position_of(text, "nowhere.geojson"));
  EXPECT_NE(d.message.find("cannot read GeoJSON file"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("nowhere.geojson"), std::string::npos) << d.message;
}

TEST(Load, GeoJsonWithLatitudeAndLongitudeSwappedGetsOneError) {
  TempDir dir;
  // Two towns, every vertex [lat, lon] instead of [lon, lat].
  const std::string json = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A", "value": 1},
   "geometry": {"type": "Polygon", "coordinates": [[[30.0, -40.0], [30.0, -39.99], [30.01, -39.99]]]}},
  {"type": "Feature", "properties": {"name": "B", "value": 1},
   "geometry": {"type": "Polygon", "coordinates": [[[30.02, -40.0], [30.02, -39.99], [30.03, -39.99]]]}}
]}
)";
  const std::string geo = dir.write("swapped.geojson", json);
  const auto sc =
      load_file(dir.write("s.yaml", edit(kBase, "defended_areas:\n",
                                         "defended_areas:\n  - {geojson: swapped.geojson}\n")));
  ASSERT_FALSE(sc.has_value());
  ASSERT_EQ(sc.error().size(), 1u) << listing(sc.error());
  const Diagnostic& d = sc.error()[0];
  EXPECT_EQ(d.file, geo);
  EXPECT_EQ(d.path, "features[0].geometry.coordinates[0][0]");
  EXPECT_NE(d.message.find("swapped"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("so do 5 more vertices of this file"), std::string::npos) << d.message;
}

TEST(Load, GeoJsonContentErrorsNameTheJsonPath) {
  TempDir dir;
  const std::string json = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A", "value": 1},
   "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-39.99, 30.0], [-39.99, 30.01]]]}},
  {"type": "Feature", "properties": {"name": "B", "value": 1},
   "geometry": {"type": "MultiPolygon", "coordinates": []}},
  {"type": "Feature", "properties": {"name": "C"},
   "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-39.99, 30.0], [-39.99, 30.01]]]}},
  {"type": "Feature", "properties": {"name": "D", "value": "lots"},
   "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-39.99, 30.01], [-39.99, 30.0], [-40.0, 30.01]]]}},
  {"type": "Feature", "properties": {"name": "A", "value": 2},
   "geometry": {"type": "Polygon", "coordinates": [[[30.0, -40.0], [30.01, -40.0], [30.01, -39.99]]]}}
]}
)";
  const std::string geo = dir.write("areas.geojson", json);
  const auto sc =
      load_file(dir.write("s.yaml", edit(kBase, "defended_areas:\n",
                                         "defended_areas:\n  - {geojson: areas.geojson}\n")));
  ASSERT_FALSE(sc.has_value());
  const Diagnostics& ds = sc.error();
  struct Want {
    std::string path, says, near;
  };
  for (const Want& w : std::vector<Want>{
           {"features[1].geometry.type", "geometry type 'MultiPolygon' is not supported",
            "\"MultiPolygon\""},
           {"features[2].properties", "missing property 'value'", "{\"name\": \"C\"}"},
           {"features[3].properties.value", "expected a number, got the string \"lots\"",
            "\"lots\""},
           {"features[3].geometry.coordinates[0][0]", "crosses itself",
            "[-40.0, 30.0], [-39.99, 30.01]"},
           {"features[4].geometry.coordinates[0][0]", "swapped", "[30.0, -40.0]"},
           {"features[4].properties.name", "duplicate defended area name 'A'",
            "\"A\", \"value\": 2"},
       }) {
    const Diagnostic* d = at_path(ds, w.path);
    ASSERT_NE(d, nullptr) << w.path << "\n" << listing(ds);
    EXPECT_EQ(d->file, geo);
    EXPECT_NE(d->message.find(w.says), std::string::npos) << d->message;
    EXPECT_EQ(std::pair(d->line, d->column), position_of(json, w.near)) << w.path;
  }
}

TEST(Load, GeoJsonMustBeAFeatureCollection) {
  TempDir dir;
  dir.write("one.geojson", R"({"type": "Feature", "properties": {}, "geometry": null})");
  const auto sc = load_file(dir.write(
      "s.yaml", edit(kBase, "defended_areas:\n", "defended_areas:\n  - {geojson: one.geojson}\n")));
  ASSERT_FALSE(sc.has_value());
  ASSERT_EQ(sc.error().size(), 1u) << listing(sc.error());
  EXPECT_EQ(sc.error()[0].path, "type");
  EXPECT_NE(sc.error()[0].message.find("expected a GeoJSON FeatureCollection"), std::string::npos);
}

TEST(Load, AlertZonesComeInlineOrFromGeoJson) {
  TempDir dir;
  dir.write("zones.geojson", R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"id": 7, "population": 1200},
   "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-39.99, 30.0], [-39.99, 30.01]]]}},
  {"type": "Feature", "properties": {"id": "Z1", "name": "Again", "population": 10},
   "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-39.99, 30.0], [-39.99, 30.01]]]}}
]})");
  const std::string zones =
      "alert_zones:\n"
      "  - {id: Z1, name: Harbour, population: 3000, polygon_km: [[0, 0], [2, 0], [2, 2]]}\n"
      "  - {geojson: zones.geojson}\n"
      "rocket_types:";
  auto sc = load_file(dir.write("s.yaml", edit(kBase, "rocket_types:", zones)));
  ASSERT_FALSE(sc.has_value());
  ASSERT_EQ(sc.error().size(), 1u) << listing(sc.error());
  EXPECT_EQ(sc.error()[0].path, "features[1].properties.id");
  EXPECT_NE(sc.error()[0].message.find("duplicate alert zone id 'Z1'"), std::string::npos);

  dir.write("zones.geojson", R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"id": 7, "population": 1200},
   "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-39.99, 30.0], [-39.99, 30.01]]]}}
]})");
  sc = load_file(dir.write("s.yaml", edit(kBase, "rocket_types:", zones)));
  ASSERT_TRUE(sc.has_value()) << listing(sc.error());
  ASSERT_EQ(sc->alert_zones.size(), 2u);
  EXPECT_EQ(sc->alert_zones[0].id, "Z1");
  EXPECT_EQ(sc->alert_zones[0].name, "Harbour");
  EXPECT_DOUBLE_EQ(sc->alert_zones[0].population, 3000);
  EXPECT_EQ(sc->alert_zones[1].id, "7");
  EXPECT_EQ(sc->alert_zones[1].name, "7");
  EXPECT_DOUBLE_EQ(sc->alert_zones[1].population, 1200);
}

// The offset of a byte as line and column, as diagnostics give it.
std::pair<int, int> line_col_of(std::string_view text, size_t offset) {
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
  const size_t nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t start = nl == std::string::npos || nl >= offset ? 0 : nl + 1;
  return {line, static_cast<int>(offset - start) + 1};
}

constexpr const char* kTriangle = R"([[[-40.0, 30.0], [-39.99, 30.0], [-39.99, 30.01]]])";

TEST(Load, DeepGeoJsonNestingIsAnErrorNotACrash) {
  // 100,000 levels in a property and in the coordinates. Levels count from
  // the collection (1): features 2, the feature 3, properties or geometry
  // 4, so the deep value's first bracket opens level 5; the one diagnostic
  // points at the bracket that opens level 513.
  struct Case {
    std::string json;
    size_t bracket;
  };
  std::vector<Case> cases;
  {
    std::string j = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature",
   "properties": {"name": "A", "value": 1, "deep":
)";
    const size_t first = j.size();
    for (int i = 0; i < 100000; ++i) j += "{\"a\": ";
    j += "1" + std::string(100000, '}') + "},\n   \"geometry\": {\"type\": \"Polygon\", " +
         "\"coordinates\": " + kTriangle + "}}\n]}\n";
    cases.push_back({j, first + 508 * 6});
  }
  {
    std::string j = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A", "value": 1},
   "geometry": {"type": "Polygon", "coordinates":
)";
    const size_t first = j.size();
    j += std::string(100000, '[') + std::string(100000, ']') + "}}\n]}\n";
    cases.push_back({j, first + 508});
  }
  for (const Case& c : cases) {
    TempDir dir;
    const std::string geo = dir.write("deep.geojson", c.json);
    const auto sc =
        load_file(dir.write("s.yaml", edit(kBase, "defended_areas:\n",
                                           "defended_areas:\n  - {geojson: deep.geojson}\n")));
    ASSERT_FALSE(sc.has_value());
    ASSERT_EQ(sc.error().size(), 1u) << listing(sc.error());
    const Diagnostic& d = sc.error()[0];
    EXPECT_EQ(d.file, geo);
    EXPECT_EQ(std::pair(d.line, d.column), line_col_of(c.json, c.bracket));
    EXPECT_EQ(d.message, "JSON nested too deeply: more than 512 levels of arrays and objects");
  }
}

TEST(Load, GeoJsonNestedUpTo512LevelsIsRead) {
  // A property nested so that the document has `levels` levels.
  auto doc = [](int levels) {
    const int n = levels - 4;  // the collection, features, the feature, properties
    return R"({"type": "FeatureCollection", "features": [{"type": "Feature",
 "properties": {"name": "A", "value": 1, "deep": )" +
           std::string(n, '[') + std::string(n, ']') +
           "},\n \"geometry\": {\"type\": \"Polygon\", \"coordinates\": " + kTriangle + "}}]}";
  };
  const Origin origin{30.0, -40.0, 0};
  const auto ok = load_geojson_string(doc(512), "d.geojson", GeoJsonKind::kDefendedAreas, origin);
  ASSERT_TRUE(ok.has_value()) << listing(ok.error());
  ASSERT_EQ(ok->defended_areas.size(), 1u);
  EXPECT_EQ(ok->defended_areas[0].name, "A");

  const std::string deeper = doc(513);
  const auto bad = load_geojson_string(deeper, "d.geojson", GeoJsonKind::kDefendedAreas, origin);
  ASSERT_FALSE(bad.has_value());
  ASSERT_EQ(bad.error().size(), 1u) << listing(bad.error());
  EXPECT_EQ(bad.error()[0].file, "d.geojson");
  // At the innermost '[', the one that opens level 513.
  EXPECT_EQ(std::pair(bad.error()[0].line, bad.error()[0].column),
            line_col_of(deeper, deeper.find("[]")));
  EXPECT_NE(bad.error()[0].message.find("more than 512 levels"), std::string::npos);
}

// The areas of two loads are the same: names, values and vertices.
void expect_same_areas(const Scenario& a, const Scenario& b) {
  ASSERT_EQ(a.defended_areas.size(), b.defended_areas.size());
  for (size_t i = 0; i < a.defended_areas.size(); ++i) {
    EXPECT_EQ(a.defended_areas[i].name, b.defended_areas[i].name);
    EXPECT_EQ(a.defended_areas[i].value, b.defended_areas[i].value);
    EXPECT_EQ(a.defended_areas[i].polygon.vertices(), b.defended_areas[i].polygon.vertices());
  }
}

TEST(Load, GeoJsonMembersInAnyOrderAndExtraMembersReadTheSame) {
  const Origin origin{30.0, -40.0, 0};
  const auto canonical =
      load_geojson_string(kTownsGeoJson, "a.geojson", GeoJsonKind::kDefendedAreas, origin);
  ASSERT_TRUE(canonical.has_value()) << listing(canonical.error());
  // Members in reverse order, foreign members (nested, and named like the
  // ones read), a BOM, altitudes, bbox and crs.
  const std::string unusual =
      "\xEF\xBB\xBF"
      R"({
  "bbox": [-40.0104, 29.9910, -39.99, 30.06],
  "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
  "features": [
    {"geometry": {"coordinates": [[[-40.0104, 29.9910, 12], [-39.9896, 29.9910, 0.5],
       [-39.9896, 30.0090, -3], [-40.0104, 30.0090, {"alt": [1, 2]}], [-40.0104, 29.9910]]],
       "bbox": [0, 0, 1, 1], "type": "Polygon"},
     "id": 17,
     "properties": {"value": 500, "population": {"nested": [1, {"x": null}]}, "name": "Town"},
     "type": "Feature", "extra": {"type": "Feature", "geometry": null}},
    {"properties": {"note": "extra is fine", "value": 20, "name": "Hamlet", "tags": [[["a"]]]},
     "geometry": {"type": "Polygon", "coordinates": [[[-40.0, 30.05, 1], [-39.99, 30.05],
       [-39.99, 30.06]]]},
     "type": "Feature"}
  ],
  "type": "FeatureCollection",
  "name": {"features": []}
})";
  const auto read = load_geojson_string(unusual, "b.geojson", GeoJsonKind::kDefendedAreas, origin);
  ASSERT_TRUE(read.has_value()) << listing(read.error());
  expect_same_areas(*canonical, *read);
}

// A JSON value of random depth and kind, for foreign members.
std::string random_json(std::mt19937_64& rng, int depth) {
  switch (depth <= 0 ? rng() % 4 : rng() % 6) {
    case 0:
      return "null";
    case 1:
      return fmt::format("{}", static_cast<double>(rng() % 2000) / 7 - 100);
    case 2:
      return "\"s\\\"t\\u00e9\"";
    case 3:
      return rng() % 2 ? "true" : "false";
    case 4: {
      std::string out = "[";
      for (size_t i = 0, n = rng() % 3; i < n; ++i) {
        out += (i ? ", " : "") + random_json(rng, depth - 1);
      }
      return out + "]";
    }
    default: {
      std::string out = "{";
      for (size_t i = 0, n = rng() % 3; i < n; ++i) {
        out += fmt::format(
            "{}\"{}\": {}", i ? ", " : "",
            std::vector<std::string>{"type", "name", "features", "coordinates", "k"}[rng() % 5],
            random_json(rng, depth - 1));
      }
      return out + "}";
    }
  }
}

// An object of the members given, in random order when `shuffle`, with
// random foreign members added when `extra`.
std::string object(std::vector<std::pair<std::string, std::string>> members, std::mt19937_64& rng,
                   bool extra) {
  if (extra) {
    for (const char* k : {"bbox", "id", "foreign"}) {
      if (rng() % 2) members.emplace_back(k, random_json(rng, 4));
    }
    std::shuffle(members.begin(), members.end(), rng);
  }
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    out += fmt::format("{}\"{}\": {}", i ? ",\n " : "", members[i].first, members[i].second);
  }
  return out + "}";
}

TEST(Load, GeneratedGeoJsonReadsTheSameInAnyMemberOrder) {
  // Seeded: random collections of convex polygons, written canonically and
  // with shuffled members, foreign members and altitudes, read the same.
  const Origin origin{30.0, -40.0, 0};
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::string plain, unusual;
    for (const bool extra : {false, true}) {
      std::mt19937_64 rng(seed);
      std::mt19937_64 extras(seed * 7919);
      std::string features;
      const size_t n = 1 + rng() % 5;
      for (size_t f = 0; f < n; ++f) {
        const double lon0 = -40.0 + static_cast<double>(rng() % 2000) / 10000 - 0.1;
        const double lat0 = 30.0 + static_cast<double>(rng() % 2000) / 10000 - 0.1;
        const double r = 0.005 + static_cast<double>(rng() % 100) / 10000;
        const size_t m = 3 + rng() % 10;
        std::string ring = "[";
        for (size_t k = 0; k < m; ++k) {
          const double a = 2 * std::numbers::pi * (static_cast<double>(k) + 0.5) / m;
          ring += fmt::format("{}[{}, {}{}]", k ? ", " : "", lon0 + r * std::cos(a),
                              lat0 + r * std::sin(a),
                              extra && extras() % 2 ? ", " + random_json(extras, 0) : "");
        }
        ring += "]";
        const std::string geometry =
            object({{"type", "\"Polygon\""}, {"coordinates", "[" + ring + "]"}}, extras, extra);
        const std::string props = object(
            {{"name", fmt::format("\"A{}\"", f)}, {"value", fmt::format("{}", rng() % 1000)}},
            extras, extra);
        features += (f ? ",\n" : "") +
                    object({{"type", "\"Feature\""}, {"geometry", geometry}, {"properties", props}},
                           extras, extra);
      }
      (extra ? unusual : plain) = object(
          {{"type", "\"FeatureCollection\""}, {"features", "[" + features + "]"}}, extras, extra);
    }
    const auto a = load_geojson_string(plain, "a.geojson", GeoJsonKind::kDefendedAreas, origin);
    const auto b = load_geojson_string(unusual, "b.geojson", GeoJsonKind::kDefendedAreas, origin);
    ASSERT_TRUE(a.has_value()) << "seed " << seed << "\n" << listing(a.error()) << plain;
    ASSERT_TRUE(b.has_value()) << "seed " << seed << "\n" << listing(b.error()) << unusual;
    expect_same_areas(*a, *b);
  }
}

// ---------------------------------------------------------------------------
// Reach, and every error at once

TEST(Load, OutOfReachRaidNamesTheBand) {
  const Scenario ok = loads(kBase);
  const physics::ReachBand band =
      physics::reach_band(ok.rocket_types[0].params, physics::Environment{});
  const std::string reaches =
      fmt::format("medium reaches {:.1f}\u2013{:.1f} km but this raid needs ",
                  band.min_range_m / 1000, band.max_range_m / 1000);

  // Too far: 59-61 km from the site, widened by 1 km of radius and 0.6 km.
  std::string text = edit(kBase, "center_km: [-16, 0]", "center_km: [-60, 0]");
  auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "raids[0]");
  EXPECT_EQ(std::pair(ds[0].line, ds[0].column), position_of(text, "{at_s: 5"));
  EXPECT_EQ(ds[0].message.rfind(reaches + "57.4\u201362.6 km", 0), 0u) << ds[0].message;

  // Too near: the site 3 km from the town's centre.
  ds = errors_of(edit(kBase, "center_km: [-16, 0]", "center_km: [-3, 0]"));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].message.rfind(reaches + "0.4\u20135.7 km", 0), 0u) << ds[0].message;
  const std::regex form(
      "^[a-z]+ reaches \\d+\\.\\d\u2013\\d+\\.\\d km but this raid needs "
      "\\d+\\.\\d\u2013\\d+\\.\\d km.*");
  EXPECT_TRUE(std::regex_match(ds[0].message, form)) << ds[0].message;

  // A point aim, scattered too widely.
  ds = errors_of(edit(edit(kBase, "aim: {area: Town}", "aim: {point_km: [0, 0]}"),
                      "aim_sigma_m: 200", "aim_sigma_m: 3000"));
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].message.rfind(reaches + "6.0\u201326.0 km", 0), 0u) << ds[0].message;
}

TEST(Load, ReportsEveryErrorNotJustFirst) {
  TempDir dir;
  std::string text = kBase;
  text = edit(text, "lat_deg: 30.0", "lat_deg: 95");
  text = edit(text, "step_s: 0.01", "step_s: fast");
  text = edit(text, "value: 500", "value: -1");
  text = edit(text, "burn_time_s: 1.9", "burn_tim_s: 1.9");
  text = edit(text, "radius_km: 1", "radius_km: [1]");
  text = edit(text, "count: 6", "count: 0");
  text += "  - {at_s: 9, site: nowhere, type: medium, aim: {point_deg: [91, 0]}}\n";
  const std::string path = dir.write("many.yaml", text);
  const auto sc = load_file(path);
  ASSERT_FALSE(sc.has_value());
  const Diagnostics& ds = sc.error();
  for (const char* p : {"origin.lat_deg", "run.step_s", "defended_areas[0].value",
                        "rocket_types[0].burn_tim_s", "launch_sites[0].radius_km", "raids[0].count",
                        "raids[1].site", "raids[1].aim.point_deg[0]"}) {
    EXPECT_NE(at_path(ds, p), nullptr) << p << "\n" << listing(ds);
  }
  // Each in the file, located, and listed in document order.
  for (size_t i = 0; i < ds.size(); ++i) {
    EXPECT_EQ(ds[i].file, path);
    EXPECT_GT(ds[i].line, 0) << ds[i].to_string();
    EXPECT_GT(ds[i].column, 0) << ds[i].to_string();
    if (i > 0) {
      EXPECT_LE(ds[i - 1].line, ds[i].line);
    }
  }
}

// ---------------------------------------------------------------------------
// Files and documents

TEST(Load, MissingScenarioFileIsReported) {
  const auto sc = load_file("/no/such/scenario.yaml");
  ASSERT_FALSE(sc.has_value());
  ASSERT_EQ(sc.error().size(), 1u);
  EXPECT_EQ(sc.error()[0].to_string(),
            "/no/such/scenario.yaml: cannot read scenario: no such file");
}

TEST(Load, EmptyAndNonMappingDocumentsAreRejected) {
  for (const char* text : {"", "# only a comment\n", "[1, 2]", "42", "canopy: 1\n---\nname: x\n"}) {
    const auto ds = errors_of(text);
    ASSERT_FALSE(ds.empty()) << text;
    EXPECT_EQ(ds[0].file, "t.yaml");
  }
}

TEST(Load, DiagnosticToStringOmitsUnknownParts) {
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 7, "raids[1].aim.area", "m"}).to_string(),
            "a.yaml:3:7: raids[1].aim.area: m");
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 0, "p", "m"}).to_string(), "a.yaml:3: p: m");
  EXPECT_EQ((Diagnostic{"a.yaml", 0, 0, "", "m"}).to_string(), "a.yaml: m");
  EXPECT_EQ((Diagnostic{"", 0, 0, "p", "m"}).to_string(), "p: m");
}

TEST(Load, MalformedInputNeverCrashes) {
  // Seeded single-character edits of a valid file: each loads or reports,
  // and every report has a message.
  std::mt19937_64 rng(20240601);
  const std::string base = kBase;
  const std::string alphabet = "{}[],:-\"' \n\tx0.9#&*!|>";
  int failures = 0;
  for (int i = 0; i < 300; ++i) {
    std::string text = base;
    const size_t at = rng() % text.size();
    switch (rng() % 3) {
      case 0:
        text.erase(at, 1 + rng() % 3);
        break;
      case 1:
        text.insert(at, 1, alphabet[rng() % alphabet.size()]);
        break;
      default:
        text[at] = alphabet[rng() % alphabet.size()];
    }
    const auto sc = load_string(text, "m.yaml");
    if (sc) continue;
    ++failures;
    for (const Diagnostic& d : sc.error()) EXPECT_FALSE(d.message.empty());
  }
  EXPECT_GT(failures, 100);
}

// ---------------------------------------------------------------------------
// The docs and the schema agree with the loader

// Properties an object schema allows at a node, following $ref and the
// branches of oneOf / anyOf / allOf.
std::set<std::string> schema_properties(const nlohmann::json& node, const nlohmann::json& root);

const nlohmann::json& resolve_ref(const nlohmann::json& node, const nlohmann::json& root) {
  if (!node.contains("$ref")) return node;
  const std::string ref = node["$ref"].get<std::string>();
  EXPECT_EQ(ref.rfind("#/$defs/", 0), 0u) << ref;
  return resolve_ref(root["$defs"][ref.substr(8)], root);
}

std::vector<const nlohmann::json*> schema_branches(const nlohmann::json& node,
                                                   const nlohmann::json& root) {
  std::vector<const nlohmann::json*> out{&resolve_ref(node, root)};
  for (size_t i = 0; i < out.size(); ++i) {
    for (const char* k : {"oneOf", "anyOf", "allOf"}) {
      if (!out[i]->contains(k)) continue;
      for (const auto& b : (*out[i])[k]) out.push_back(&resolve_ref(b, root));
    }
  }
  return out;
}

std::set<std::string> schema_properties(const nlohmann::json& node, const nlohmann::json& root) {
  std::set<std::string> keys;
  for (const nlohmann::json* b : schema_branches(node, root)) {
    if (!b->contains("properties")) continue;
    for (const auto& [k, v] : (*b)["properties"].items()) keys.insert(k);
  }
  return keys;
}

// The schema node at a key-table path ("raids[].aim").
const nlohmann::json* schema_at(const nlohmann::json& root, std::string_view path) {
  const nlohmann::json* node = &root;
  std::istringstream parts{std::string(path)};
  std::string part;
  while (!path.empty() && std::getline(parts, part, '.')) {
    const bool items = part.ends_with("[]");
    if (items) part.resize(part.size() - 2);
    const nlohmann::json* next = nullptr;
    for (const nlohmann::json* b : schema_branches(*node, root)) {
      if (b->contains("properties") && (*b)["properties"].contains(part)) {
        next = &resolve_ref((*b)["properties"][part], root);
      }
    }
    if (next == nullptr) return nullptr;
    if (items) {
      if (!next->contains("items")) return nullptr;
      next = &resolve_ref((*next)["items"], root);
    }
    node = next;
  }
  return node;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------
// Sensors and tracker

constexpr const char* kSensors = R"(sensors:
  - name: r1
    position_km: [0, -5]
    azimuth_deg: 270
    sector_deg: 120
    elevation_deg: [0.5, 80]
    range_km: [1, 100]
    revisit_s: 0.25
    sigma: {range_m: 10, azimuth_mrad: 1.5, elevation_mrad: 2, range_rate_mps: 1}
    detection: {pd: 0.95}
    false_alarms_per_scan: 2
    latency_s: 0.05
    outages: [[300, 330]]
  - name: r2
    position_deg: [30.01, -40.0]
    alt_m: 25
    range_km: [2, 60]
    revisit_s: 1
    sigma: {range_m: 20, azimuth_mrad: 3, elevation_mrad: 3}
    detection: {rcs_m2: 0.1, reference_range_km: 50, reference_snr_db: 20, threshold_db: 13}
tracker: {model: ballistic, filter: ukf, association: jpda, confirm_m: 2, confirm_n: 4}
)";

TEST(Load, SensorsAndTrackerAreReadInSiUnits) {
  const Scenario sc = loads(std::string(kBase) + kSensors);
  ASSERT_EQ(sc.sensors.size(), 2u);
  const Sensor& a = sc.sensors[0];
  EXPECT_DOUBLE_EQ(a.position_en_m.y(), -5000);
  EXPECT_NEAR(a.azimuth_rad, 270 * std::numbers::pi / 180, 1e-12);
  EXPECT_NEAR(a.sector_rad, 120 * std::numbers::pi / 180, 1e-12);
  EXPECT_DOUBLE_EQ(a.max_range_m, 100e3);
  EXPECT_DOUBLE_EQ(a.sigma_elevation_rad, 2e-3);
  EXPECT_DOUBLE_EQ(a.sigma_range_rate_mps, 1);
  EXPECT_DOUBLE_EQ(a.detection.pd, 0.95);
  ASSERT_EQ(a.outages.size(), 1u);
  EXPECT_NEAR(core::altitude_m(a.p_W), 10, 1e-6);  // default mast height
  const Sensor& b = sc.sensors[1];
  EXPECT_NEAR(b.position_en_m.y(), 1109, 2);  // 0.01 deg of latitude
  EXPECT_EQ(b.detection.kind, DetectionModel::Kind::kSnr);
  EXPECT_DOUBLE_EQ(b.detection.reference_range_m, 50e3);
  EXPECT_NEAR(b.sector_rad, 2 * std::numbers::pi, 1e-12);  // all round by default
  EXPECT_EQ(sc.tracker.model, TrackerConfig::Model::kBallistic);
  EXPECT_EQ(sc.tracker.filter, TrackerConfig::Filter::kUkf);
  EXPECT_EQ(sc.tracker.association, TrackerConfig::Association::kJpda);
  EXPECT_EQ(sc.tracker.confirm_m, 2);
  EXPECT_DOUBLE_EQ(sc.tracker.reorder_window_s, 0.5);  // default
}

// kSensors with r2 measuring the given axes, and a sigma key edited.
std::string r2_measuring(std::string_view axes, std::string_view sigma_from = "",
                         std::string_view sigma_to = "") {
  const std::string text = edit(std::string(kBase) + kSensors, "    revisit_s: 1\n",
                                "    revisit_s: 1\n    measures: " + std::string(axes) + "\n");
  return sigma_from.empty() ? text : edit(text, sigma_from, sigma_to);
}

TEST(Load, SensorsMeasureTheAxesTheyList) {
  const Scenario sc = loads(std::string(kBase) + kSensors);
  EXPECT_TRUE(sc.sensors[0].measures_range && sc.sensors[0].measures_elevation);  // default
  // A 2-D radar gives no elevation noise; a passive sensor no range noise.
  const Scenario b = loads(r2_measuring("[range, azimuth]", ", elevation_mrad: 3}", "}"));
  EXPECT_TRUE(b.sensors[1].measures_range);
  EXPECT_FALSE(b.sensors[1].measures_elevation);
  const Scenario p = loads(r2_measuring("[azimuth, elevation]", "range_m: 20, ", ""));
  EXPECT_FALSE(p.sensors[1].measures_range);
  EXPECT_TRUE(p.sensors[1].measures_elevation);

  // Noise for an axis not measured, a list short of azimuth and one other
  // axis, a repeat and an unknown axis are each reported at their place.
  std::string all = listing(errors_of(r2_measuring("[range, azimuth]")));
  EXPECT_NE(all.find("sensors[1].sigma.elevation_mrad: this sensor does not measure elevation"),
            std::string::npos)
      << all;
  all = listing(errors_of(r2_measuring("[range]")));
  EXPECT_NE(all.find("a sensor measures azimuth and at least one of range and elevation"),
            std::string::npos)
      << all;
  all = listing(errors_of(r2_measuring("[range, azimuth, range, doppler]")));
  EXPECT_NE(all.find("'range' is listed twice"), std::string::npos) << all;
  EXPECT_NE(all.find("must be one of 'range', 'azimuth', 'elevation' (got 'doppler')"),
            std::string::npos)
      << all;
}

TEST(Load, DoctrineHasDocumentedDefaultsAndReadsEveryKey) {
  const Scenario plain = loads(kBase);
  EXPECT_DOUBLE_EQ(plain.doctrine.p_engage, 0.5);
  EXPECT_DOUBLE_EQ(plain.doctrine.p_alert, 0.1);
  EXPECT_DOUBLE_EQ(plain.doctrine.min_warning_s, 10);
  const Scenario sc = loads(std::string(kBase) +
                            "doctrine: {p_engage: 0.4, p_release: 0.1, p_alert: 0.05, "
                            "p_alert_release: 0.005, alert_hold_s: 8, min_warning_s: 15, "
                            "prediction_interval_s: 0.5}\n");
  EXPECT_DOUBLE_EQ(sc.doctrine.p_engage, 0.4);
  EXPECT_DOUBLE_EQ(sc.doctrine.p_release, 0.1);
  EXPECT_DOUBLE_EQ(sc.doctrine.p_alert, 0.05);
  EXPECT_DOUBLE_EQ(sc.doctrine.p_alert_release, 0.005);
  EXPECT_DOUBLE_EQ(sc.doctrine.alert_hold_s, 8);
  EXPECT_DOUBLE_EQ(sc.doctrine.min_warning_s, 15);
  EXPECT_DOUBLE_EQ(sc.doctrine.prediction_interval_s, 0.5);
}

TEST(Load, BadDoctrineIsReportedAtItsKey) {
  const std::string all = listing(
      errors_of(std::string(kBase) +
                "doctrine: {p_engage: 0.2, p_release: 0.3, p_alert: 1.5, prediction_interval_s: 0, "
                "shots: 2}\n"));
  EXPECT_NE(all.find("doctrine.p_release: must not exceed p_engage (0.2)"), std::string::npos)
      << all;
  EXPECT_NE(all.find("doctrine.p_alert"), std::string::npos) << all;
  EXPECT_NE(all.find("doctrine.prediction_interval_s"), std::string::npos) << all;
  EXPECT_NE(all.find("shots"), std::string::npos) << all;
}

constexpr const char* kDefense = R"(interceptor_types:
  - {name: generic, launch_mass_kg: 90, propellant_mass_kg: 35, burn_time_s: 3, thrust_n: 30000,
     diameter_m: 0.16, cd_mach: [[0, 0.3], [1, 0.5], [3, 0.35]], max_accel_g: 30,
     max_flight_s: 40, seeker: {range_km: 4, sigma_mrad: 1}, lethal_radius_m: 8,
     pk_at_lethal_radius: 0.9, cost: 50000}
batteries:
  - name: b1
    position_km: [2, 3]
    launchers: [{position_km: [2.2, 3.1], interceptors: 20, reload_s: 600}, {position_km: [1.8, 3.0]}]
    min_launch_interval_s: 1.5
    intercept_altitude_m: [800, 9000]
    interceptor: generic
doctrine: {shots_per_threat: 3, mode: salvo, debris_weight: 2, cost_weight: 0.001, replan_s: 0.25}
)";

TEST(Load, BatteriesAndInterceptorsAreReadInSiUnits) {
  const Scenario sc = loads(std::string(kBase) + kDefense);
  ASSERT_EQ(sc.interceptor_types.size(), 1u);
  const InterceptorType& t = sc.interceptor_types[0];
  EXPECT_DOUBLE_EQ(t.params.thrust_N, 30000);
  EXPECT_DOUBLE_EQ(t.max_accel_mps2, 30 * 9.80665);
  EXPECT_DOUBLE_EQ(t.seeker.range_m, 4000);
  EXPECT_DOUBLE_EQ(t.seeker.sigma_rad, 1e-3);
  EXPECT_DOUBLE_EQ(t.cost, 50000);
  EXPECT_DOUBLE_EQ(t.rcs_m2, 0.02);  // default
  // The miss model's defaults (docs/engage.md).
  EXPECT_DOUBLE_EQ(t.autopilot_lag_s, 0.15);
  EXPECT_DOUBLE_EQ(t.fuze_sigma_s, 1e-3);
  EXPECT_DOUBLE_EQ(t.seeker.glint_fraction, 0.2);
  EXPECT_DOUBLE_EQ(t.seeker.glint_correlation_s, 0.1);
  ASSERT_EQ(sc.batteries.size(), 1u);
  const Battery& b = sc.batteries[0];
  EXPECT_DOUBLE_EQ(b.position_en_m.x(), 2000);
  ASSERT_EQ(b.launchers.size(), 2u);
  EXPECT_DOUBLE_EQ(b.launchers[0].position_en_m.y(), 3100);
  EXPECT_EQ(b.launchers[1].interceptors, 20);  // default
  EXPECT_DOUBLE_EQ(b.min_launch_interval_s, 1.5);
  EXPECT_DOUBLE_EQ(b.min_intercept_alt_m, 800);
  EXPECT_DOUBLE_EQ(b.max_intercept_alt_m, 9000);
  EXPECT_EQ(sc.doctrine.shots_per_threat, 3);
  EXPECT_EQ(sc.doctrine.mode, Doctrine::Mode::kSalvo);
  EXPECT_DOUBLE_EQ(sc.doctrine.debris_weight, 2);
  EXPECT_DOUBLE_EQ(sc.doctrine.replan_s, 0.25);
  const Scenario plain = loads(kBase);
  EXPECT_EQ(plain.doctrine.mode, Doctrine::Mode::kShootLookShoot);
  EXPECT_EQ(plain.doctrine.shots_per_threat, 2);
}

TEST(Load, TheWtaSolverIsChosenFromTheRegistry) {
  EXPECT_EQ(loads(kBase).doctrine.wta_solver, WtaSolver::kFast);
  const std::string text = std::string(kBase) + kDefense;
  std::vector<std::string> keys;
  for (const WtaSolverInfo& s : kWtaSolvers) {
    const Scenario sc =
        loads(edit(text, "replan_s: 0.25", fmt::format("replan_s: 0.25, wta_solver: {}", s.key)));
    EXPECT_EQ(sc.doctrine.wta_solver, s.solver) << s.key;
    EXPECT_EQ(wta_solver_from_key(s.key), s.solver);
    EXPECT_EQ(wta_solver_key(s.solver), s.key);
    keys.emplace_back(s.key);
  }
  const std::string bad = edit(text, "replan_s: 0.25", "replan_s: 0.25, wta_solver: simplex");
  const Diagnostics ds = errors_of(bad);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  EXPECT_EQ(ds[0].path, "doctrine.wta_solver");
  EXPECT_EQ(ds[0].message,
            "must be one of 'fast', 'mmr', 'mmr-local-search', 'exact' (got 'simplex')");
  EXPECT_EQ(std::make_pair(ds[0].line, ds[0].column), position_of(bad, "simplex"));
  // The schema offers the same values.
  const auto schema =
      nlohmann::json::parse(slurp(fs::path(CANOPY_SOURCE_DIR) / "docs" / "scenario.schema.json"));
  EXPECT_EQ(schema["properties"]["doctrine"]["properties"]["wta_solver"]["enum"],
            nlohmann::json(keys));
}

TEST(Load, TheMissModelKeysAreReadAndChecked) {
  std::string text = std::string(kBase) + kDefense;
  text =
      edit(text, "seeker: {range_km: 4, sigma_mrad: 1}",
           "seeker: {range_km: 4, sigma_mrad: 1, glint_fraction: 0.3, glint_correlation_s: 0.05}, "
           "fuze_sigma_ms: 0.5, autopilot_time_constant_s: 0");
  const Scenario sc = loads(text);
  const InterceptorType& t = sc.interceptor_types[0];
  EXPECT_DOUBLE_EQ(t.seeker.glint_fraction, 0.3);
  EXPECT_DOUBLE_EQ(t.seeker.glint_correlation_s, 0.05);
  EXPECT_DOUBLE_EQ(t.fuze_sigma_s, 5e-4);
  EXPECT_DOUBLE_EQ(t.autopilot_lag_s, 0);
  // A rocket type's length: given, or 15 diameters.
  for (const RocketType& r : sc.rocket_types)
    EXPECT_DOUBLE_EQ(r.length_m, 15 * r.params.diameter_m);
  text = edit(text, "glint_correlation_s: 0.05", "glint_correlation_s: 0");
  text = edit(text, "fuze_sigma_ms: 0.5", "fuze_sigma_ms: -1");
  const std::string all = listing(errors_of(text));
  EXPECT_NE(all.find("interceptor_types[0].seeker.glint_correlation_s"), std::string::npos) << all;
  EXPECT_NE(all.find("interceptor_types[0].fuze_sigma_ms"), std::string::npos) << all;
}

TEST(Load, BadBatteriesAreReportedEachAtItsKey) {
  std::string text = std::string(kBase) + kDefense;
  text = edit(text, "interceptor: generic", "interceptor: generik");
  text = edit(text, "intercept_altitude_m: [800, 9000]", "intercept_altitude_m: [9000, 800]");
  text = edit(text, "interceptors: 20,", "interceptors: -1,");
  text = edit(text, "mode: salvo", "mode: volley");
  text = edit(text, "seeker: {range_km: 4, sigma_mrad: 1}", "seeker: {range_km: 4}");
  const std::string all = listing(errors_of(text));
  EXPECT_NE(all.find("no interceptor type named 'generik'; did you mean 'generic'?"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("batteries[0].intercept_altitude_m: the minimum must be below the maximum"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("batteries[0].launchers[0].interceptors"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown mode 'volley'"), std::string::npos) << all;
  EXPECT_NE(all.find("interceptor_types[0].seeker"), std::string::npos) << all;
}

TEST(Load, BadSensorsAreReportedEachAtItsKey) {
  std::string text = std::string(kBase) + kSensors;
  text = edit(text, "range_km: [1, 100]", "range_km: [100, 1]");
  text = edit(text, "detection: {pd: 0.95}", "detection: {pd: 0.95, threshold_db: 13}");
  text = edit(text, "outages: [[300, 330]]", "outages: [[330, 300]]");
  text = edit(text, "name: r2", "name: r1");
  text = edit(text, "model: ballistic", "model: kalman");
  text = edit(text, "confirm_m: 2", "confirm_m: 5");
  const std::string all = listing(errors_of(text));
  EXPECT_NE(all.find("the minimum must be below the maximum"), std::string::npos) << all;
  EXPECT_NE(all.find("not both"), std::string::npos) << all;
  EXPECT_NE(all.find("the window must end after it starts"), std::string::npos) << all;
  EXPECT_NE(all.find("r1"), std::string::npos) << all;
  EXPECT_NE(all.find("must be one of 'cv', 'ca', 'ballistic', 'imm' (got 'kalman')"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("cannot exceed N"), std::string::npos) << all;
  EXPECT_NE(all.find("t.yaml:"), std::string::npos) << all;
}

TEST(Load, SensorsAndThreatsFilesLoadOnTheirOwn) {
  TempDir dir;
  std::string sensors_yaml = std::string(kSensors);
  sensors_yaml = sensors_yaml.substr(0, sensors_yaml.find("tracker:"));
  const auto s = load_sensors_file(
      dir.write("s.yaml", "origin: {lat_deg: 30.0, lon_deg: -40.0}\n" + sensors_yaml));
  ASSERT_TRUE(s) << listing(s.error());
  EXPECT_EQ(s->size(), 2u);
  // position_deg needs an origin; unknown top-level keys are errors.
  const auto no_origin = load_sensors_file(dir.write("n.yaml", sensors_yaml));
  ASSERT_FALSE(no_origin);
  EXPECT_NE(listing(no_origin.error()).find("needs the frame's origin"), std::string::npos);
  const auto extra = load_sensors_file(dir.write("e.yaml", "raids: []\n" + sensors_yaml));
  ASSERT_FALSE(extra);
  const std::string base(kBase);
  const std::string types = base.substr(base.find("rocket_types:"),
                                        base.find("launch_sites:") - base.find("rocket_types:"));
  const auto t = load_threats_file(dir.write("t.yaml", types));
  ASSERT_TRUE(t) << listing(t.error());
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0].name, "medium");
  EXPECT_DOUBLE_EQ((*t)[0].rcs_m2, 0.05);
  const auto missing = load_threats_file((dir.path() / "none.yaml").string());
  EXPECT_FALSE(missing);
}

TEST(Load, StrayCommaIsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7 never returns on these (found by fuzz_scenario).
  for (const char* text : {",canopy: 1\n", "\"s\",\n", "[a],\n", "a: {b: 1}, \n"}) {
    const Diagnostics ds = errors_of(text);
    ASSERT_EQ(ds.size(), 1u) << text;
    EXPECT_NE(ds[0].message.find("',' outside a [ ] or { } list"), std::string::npos) << text;
  }
  // Commas inside plain scalars, quotes and flow lists are fine.
  const auto sc = load_string("canopy: 1\nname: 'a, b'\nrun: {seed: 1}\nx: a, b\n", "t.yaml");
  EXPECT_EQ(listing(sc ? Diagnostics{} : sc.error()).find("outside"), std::string::npos);
}

TEST(Load, AnchoredFlowMappingsWithNestedMappingsAndQuotesAreAccepted) {
  // Found by the hardening probe: `- &r {..., aim: {area: X}}` was taken
  // for a stray ','. python3-yaml reads these the same (hardening_test.py).
  std::string text =
      edit(kBase,
           "  - {at_s: 5, site: west, type: medium, count: 6, interval_s: 0.5, aim: {area: Town}, "
           "aim_sigma_m: 200}",
           "  - &r {at_s: 5, site: \"west\", type: medium, count: 6, interval_s: 0.5, aim: {area: "
           "Town}, aim_sigma_m: 200}\n  - {<<: *r, at_s: 20}");
  const Scenario sc = loads(text);
  ASSERT_EQ(sc.raids.size(), 2u);
  EXPECT_DOUBLE_EQ(sc.raids[1].at_s, 20);
  EXPECT_EQ(sc.raids[1].count, 6);
}

TEST(Load, MergesOfMergesTakeTheNearestKey) {
  std::string text = edit(kBase, "  - {name: medium,", "  - &q0 {name: medium,");
  text = edit(text, "launch_sites:",
              "  - &q1\n    <<: *q0\n    name: q1\n    thrust_n: 22000\n"
              "  - <<: *q1\n    name: q2\n    launch_mass_kg: 70\nlaunch_sites:");
  const Scenario sc = loads(text);
  ASSERT_EQ(sc.rocket_types.size(), 3u);
  EXPECT_EQ(sc.rocket_types[2].name, "q2");
  EXPECT_DOUBLE_EQ(sc.rocket_types[2].params.launch_mass_kg, 70);  // its own
  EXPECT_DOUBLE_EQ(sc.rocket_types[2].params.thrust_N, 22000);     // from q1
  EXPECT_DOUBLE_EQ(sc.rocket_types[2].params.burn_time_s, 1.9);    // from q0
}

// What python3-yaml (another YAML implementation) reads from a document:
// the rocket types' names, masses, thrusts and burn times, and the raids'
// start times and counts, as JSON.
nlohmann::json python_yaml_reading(const std::string& path) {
  const std::string cmd =
      "python3 -c 'import json, sys, yaml\n"
      "d = yaml.safe_load(open(sys.argv[1], encoding=\"utf-8\"))\n"
      "print(json.dumps({\"types\": [[t[\"name\"], t[\"launch_mass_kg\"], t[\"thrust_n\"], "
      "t[\"burn_time_s\"]] for t in d[\"rocket_types\"]], \"raids\": [[r[\"at_s\"], r[\"count\"]] "
      "for r in d[\"raids\"]]}))' " +
      path;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << "python3 with python3-yaml is needed (tools/setup.sh)";
  return out.empty() ? nlohmann::json() : nlohmann::json::parse(out);
}

TEST(Load, AnchorsAndNestedMergesReadAsPythonYamlReadsThem) {
  std::string text = edit(kBase, "  - {name: medium,", "  - &q0 {name: medium,");
  text = edit(text, "launch_sites:",
              "  - &q1\n    <<: *q0\n    name: q1\n    thrust_n: 22000\n"
              "  - {<<: [*q1, *q0], name: q2, launch_mass_kg: 70}\nlaunch_sites:");
  text = edit(text, "  - {at_s: 5,", "  - &r {at_s: 5,");
  text += "  - {<<: *r, at_s: 20, count: 3}\n";
  TempDir dir;
  const std::string path = dir.write("merges.yaml", text);
  const Scenario sc = loads(text);
  const nlohmann::json py = python_yaml_reading(path);
  ASSERT_TRUE(py.is_object());
  ASSERT_EQ(py["types"].size(), sc.rocket_types.size());
  for (size_t i = 0; i < sc.rocket_types.size(); ++i) {
    const auto& t = sc.rocket_types[i];
    EXPECT_EQ(py["types"][i][0], t.name) << i;
    EXPECT_DOUBLE_EQ(py["types"][i][1].get<double>(), t.params.launch_mass_kg) << i;
    EXPECT_DOUBLE_EQ(py["types"][i][2].get<double>(), t.params.thrust_N) << i;
    EXPECT_DOUBLE_EQ(py["types"][i][3].get<double>(), t.params.burn_time_s) << i;
  }
  ASSERT_EQ(py["raids"].size(), sc.raids.size());
  for (size_t i = 0; i < sc.raids.size(); ++i) {
    EXPECT_DOUBLE_EQ(py["raids"][i][0].get<double>(), sc.raids[i].at_s) << i;
    EXPECT_EQ(py["raids"][i][1].get<int>(), sc.raids[i].count) << i;
  }
}

TEST(Load, InvalidUtf8IsReportedAtItsByte) {
  const std::string text = edit(kBase, "name: Town", "name: T\xC3\x28own");
  const Diagnostics ds = errors_of(text);
  ASSERT_EQ(ds.size(), 1u) << listing(ds);
  const auto [line, col] = position_of(text, "\xC3\x28");
  EXPECT_EQ(ds[0].line, line);
  EXPECT_EQ(ds[0].column, col);
  EXPECT_NE(ds[0].message.find("not UTF-8"), std::string::npos) << ds[0].message;
  // An escape that decodes to a lone surrogate is no better.
  const Diagnostics esc = errors_of(edit(kBase, "name: Town", "name: \"T\\ud800\""));
  ASSERT_EQ(esc.size(), 1u) << listing(esc);
  // Well-formed names of any script, controls included, are names.
  const Scenario sc = loads(edit(edit(kBase, "name: Town", "name: \"\\u05d0<b>\\e\\0\\u202e\""),
                                 "area: Town", "area: \"\\u05d0<b>\\e\\0\\u202e\""));
  EXPECT_EQ(sc.defended_areas[0].name, std::string("\xD7\x90<b>\x1B\0\xE2\x80\xAE", 10));
}

TEST(Load, DeepNestingIsAnErrorWithItsPlaceNotACrash) {
  for (const std::string& text : {std::string("canopy: 1\nname: x\norigin: ") +
                                      std::string(100000, '[') + std::string(100000, ']') + "\n",
                                  [] {
                                    std::string s = "canopy: 1\nname: x\norigin:\n";
                                    for (int i = 1; i <= 3000; ++i)
                                      s += std::string(i, ' ') + "a:\n";
                                    return s;
                                  }()}) {
    const Diagnostics ds = errors_of(text);
    ASSERT_EQ(ds.size(), 1u) << listing(ds);
    EXPECT_GT(ds[0].line, 0);
    EXPECT_NE(ds[0].message.find("nested too deeply"), std::string::npos) << ds[0].message;
  }
}

TEST(Load, OnlyRegularFilesAreRead) {
  TempDir dir;
  const fs::path fifo = dir.path() / "fifo.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& [path, why] : std::vector<std::pair<std::string, std::string>>{
           {fifo.string(), "FIFO"}, {"/dev/zero", "device"}, {dir.path().string(), "directory"}}) {
    const auto sc = load_file(path);
    ASSERT_FALSE(sc.has_value()) << path;
    EXPECT_NE(sc.error()[0].message.find(why), std::string::npos) << sc.error()[0].message;
  }
  fs::create_symlink("loop2", dir.path() / "loop1");
  fs::create_symlink("loop1", dir.path() / "loop2");
  const auto loop = load_file((dir.path() / "loop1").string());
  ASSERT_FALSE(loop.has_value());
  EXPECT_NE(loop.error()[0].message.find("symlink loop"), std::string::npos);
}

TEST(Load, SchemaListsEveryKeyTheLoaderAccepts) {
  const auto schema =
      nlohmann::json::parse(slurp(fs::path(CANOPY_SOURCE_DIR) / "docs" / "scenario.schema.json"));
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  for (const KeyTable& t : key_tables()) {
    const nlohmann::json* node = schema_at(schema, t.path);
    ASSERT_NE(node, nullptr) << "no schema for '" << t.path << "'";
    const std::set<std::string> loader(t.keys.begin(), t.keys.end());
    EXPECT_EQ(schema_properties(*node, schema), loader) << "at '" << t.path << "'";
    // Unknown keys are errors in the loader, so the schema forbids them too.
    for (const nlohmann::json* b : schema_branches(*node, schema)) {
      if (b->contains("properties")) {
        EXPECT_EQ((*b)["additionalProperties"], false) << "at '" << t.path << "'";
      }
    }
  }
}

TEST(Load, DocsDescribeEveryKey) {
  const std::string doc = slurp(fs::path(CANOPY_SOURCE_DIR) / "docs" / "scenario.md");
  ASSERT_FALSE(doc.empty());
  for (const KeyTable& t : key_tables()) {
    for (std::string_view key : t.keys) {
      EXPECT_NE(doc.find(fmt::format("`{}`", key)), std::string::npos)
          << "docs/scenario.md does not describe `" << key << "` (" << t.path << ")";
    }
  }
}

}  // namespace
}  // namespace canopy::scenario
