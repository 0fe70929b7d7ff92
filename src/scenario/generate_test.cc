// The scenario generator: every seed gives a scenario the loader accepts,
// the same seed the same text, and over many seeds the scenarios span the
// documented ranges.
#include "canopy/scenario/generate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "canopy/physics/ballistics.h"
#include "canopy/scenario/load.h"
#include "canopy/scenario/source.h"

namespace canopy::scenario {
namespace {

constexpr int kSeeds = 200;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string listing(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += d.to_string() + "\n";
  return out;
}

struct Generated {
  std::string yaml;
  std::expected<Scenario, Diagnostics> scenario;
};

Generated generate_and_load(std::uint64_t seed, const GenerateOptions& options = {}) {
  std::string yaml = generate_yaml(seed, options);
  auto sc = load(Source{yaml, fmt::format("generated-{}.yaml", seed), "."});
  return {std::move(yaml), std::move(sc)};
}

// Seeds 1..kSeeds with the default options, generated once per test
// process. Only EverySeedValidates loads them all (the loader's reach check
// flies each raid type's trajectories: about 40 ms a scenario in the ASan
// build); the other tests read the text's values as YAML nodes.
const std::vector<std::string>& corpus() {
  static const std::vector<std::string> kCorpus = [] {
    std::vector<std::string> all;
    for (int seed = 1; seed <= kSeeds; ++seed) {
      all.push_back(generate_yaml(static_cast<std::uint64_t>(seed)));
    }
    return all;
  }();
  return kCorpus;
}

const std::vector<YAML::Node>& corpus_nodes() {
  static const std::vector<YAML::Node> kNodes = [] {
    std::vector<YAML::Node> all;
    for (const std::string& yaml : corpus()) all.push_back(YAML::Load(yaml));
    return all;
  }();
  return kNodes;
}

Vec2 point_m(const YAML::Node& p) { return 1000.0 * Vec2(p[0].as<double>(), p[1].as<double>()); }

core::Polygon polygon_m(const YAML::Node& ring) {
  std::vector<Vec2> v;
  for (const auto& p : ring) v.push_back(point_m(p));
  return core::Polygon(v);
}

bool is_convex(const core::Polygon& p) {
  const auto& v = p.vertices();
  int sign = 0;
  for (size_t i = 0, n = v.size(); i < n; ++i) {
    const Vec2 a = v[(i + 1) % n] - v[i], b = v[(i + 2) % n] - v[(i + 1) % n];
    const double c = a.x() * b.y() - a.y() * b.x();
    const int s = c > 0 ? 1 : (c < 0 ? -1 : 0);
    if (s != 0 && sign != 0 && s != sign) return false;
    if (s != 0) sign = s;
  }
  return true;
}

double diameter_m(const core::Polygon& p) {
  double d = 0;
  for (const Vec2& a : p.vertices()) d = std::max(d, p.max_distance_m(a));
  return d;
}

// The least and greatest of the values added.
struct Span {
  double lo = kInf, hi = -kInf;
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

TEST(Generate, EverySeedValidates) {
  // Loaded on a few threads: each load flies each raid type's reach band.
  const std::vector<std::string>& all = corpus();
  std::vector<std::string> problems(all.size());
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  {
    std::vector<std::jthread> pool;
    for (unsigned k = 0; k < threads; ++k) {
      pool.emplace_back([&, k] {
        for (size_t i = k; i < all.size(); i += threads) {
          const auto sc = load(Source{all[i], fmt::format("generated-{}.yaml", i + 1), "."});
          if (!sc) problems[i] = listing(sc.error());
        }
      });
    }
  }
  int failures = 0;
  for (size_t i = 0; i < problems.size(); ++i) {
    if (problems[i].empty()) continue;
    ++failures;
    ADD_FAILURE() << "seed " << i + 1 << " does not load:\n"
                  << problems[i] << "\n"
                  << (failures <= 3 ? all[i] : "(text left out)");
  }
  EXPECT_EQ(failures, 0);
}

TEST(Generate, SameSeedSameText) {
  for (const std::uint64_t seed : {1ull, 77ull, 18446744073709551615ull}) {
    EXPECT_EQ(generate_yaml(seed), generate_yaml(seed)) << seed;
  }
  GenerateOptions small;
  small.min_rockets = small.max_rockets = 5;
  small.batteries = false;
  EXPECT_EQ(generate_yaml(9, small), generate_yaml(9, small));
  // The options are part of the draw: other options, another text.
  EXPECT_NE(generate_yaml(9, small), generate_yaml(9));
}

TEST(Generate, SeedsDiffer) {
  std::set<std::string> texts, first_areas;
  for (const std::string& yaml : corpus()) {
    texts.insert(yaml);
    // Not only in the name: the towns differ too.
    const size_t at = yaml.find("defended_areas:");
    ASSERT_NE(at, std::string::npos);
    first_areas.insert(yaml.substr(at, yaml.find('\n', yaml.find("- {", at)) - at));
  }
  EXPECT_EQ(texts.size(), corpus().size());
  EXPECT_EQ(first_areas.size(), corpus().size());
}

TEST(Generate, SpansTheRanges) {
  Span lat, areas, area_size, zones, types, sites, raids, salvo, interval, sigma, radars, revisit,
      clutter, latency, outage, batteries, launchers, interceptors, shots, rockets, duration;
  int convex = 0, concave = 0, area_aims = 0, point_aims = 0, sector = 0, all_round = 0, fixed = 0,
      snr = 0, salvo_mode = 0, calm = 0, constant_wind = 0, wind_profile = 0;
  std::set<std::string> type_names;
  Span site_to_town;
  for (const YAML::Node& sc : corpus_nodes()) {
    lat.add(sc["origin"]["lat_deg"].as<double>());
    areas.add(static_cast<double>(sc["defended_areas"].size()));
    for (const auto& a : sc["defended_areas"]) {
      const core::Polygon poly = polygon_m(a["polygon_km"]);
      area_size.add(diameter_m(poly));
      (is_convex(poly) ? convex : concave)++;
    }
    zones.add(static_cast<double>(sc["alert_zones"].size()));
    types.add(static_cast<double>(sc["rocket_types"].size()));
    for (const auto& r : sc["rocket_types"]) type_names.insert(r["name"].as<std::string>());
    sites.add(static_cast<double>(sc["launch_sites"].size()));
    for (const auto& site : sc["launch_sites"]) {
      double nearest = kInf;
      for (const auto& a : sc["defended_areas"]) {
        nearest =
            std::min(nearest, polygon_m(a["polygon_km"]).distance_m(point_m(site["center_km"])));
      }
      site_to_town.add(nearest);
    }
    raids.add(static_cast<double>(sc["raids"].size()));
    int total = 0;
    for (const auto& r : sc["raids"]) {
      const int count = r["count"].as<int>();
      total += count;
      salvo.add(count);
      if (count > 1) interval.add(r["interval_s"].as<double>());
      sigma.add(r["aim_sigma_m"].as<double>());
      (r["aim"]["area"] ? area_aims : point_aims)++;
    }
    rockets.add(total);
    radars.add(static_cast<double>(sc["sensors"].size()));
    for (const auto& r : sc["sensors"]) {
      (r["sector_deg"].as<double>() < 360 ? sector : all_round)++;
      (r["detection"]["pd"] ? fixed : snr)++;
      revisit.add(r["revisit_s"].as<double>());
      clutter.add(r["false_alarms_per_scan"].as<double>());
      latency.add(r["latency_s"].as<double>());
      if (!r["outages"]) continue;
      for (const auto& o : r["outages"]) outage.add(o[1].as<double>() - o[0].as<double>());
    }
    batteries.add(static_cast<double>(sc["batteries"].size()));
    for (const auto& b : sc["batteries"]) {
      launchers.add(static_cast<double>(b["launchers"].size()));
      for (const auto& l : b["launchers"]) interceptors.add(l["interceptors"].as<int>());
    }
    shots.add(sc["doctrine"]["shots_per_threat"].as<int>());
    salvo_mode += sc["doctrine"]["mode"].as<std::string>() == "salvo";
    const YAML::Node env = sc["environment"];
    (!env ? calm : env["wind"]["profile"] ? wind_profile : constant_wind)++;
    duration.add(sc["run"]["duration_s"].as<double>());
  }
  // Geography.
  EXPECT_GE(lat.lo, -60);
  EXPECT_LE(lat.hi, 60);
  EXPECT_LT(lat.lo, -45);
  EXPECT_GT(lat.hi, 45);
  EXPECT_EQ(areas.lo, 1);
  EXPECT_EQ(areas.hi, 6);
  EXPECT_GT(convex, 0);
  EXPECT_GT(concave, 0);
  EXPECT_LT(area_size.lo, 700);
  EXPECT_GT(area_size.hi, 3500);
  EXPECT_LE(area_size.hi, 4001);
  EXPECT_EQ(zones.lo, 16);  // 4 x 4
  EXPECT_EQ(zones.hi, 64);  // 8 x 8
  EXPECT_EQ(sites.lo, 1);
  EXPECT_EQ(sites.hi, 3);
  EXPECT_GE(site_to_town.lo, 5000);  // from the nearest town
  EXPECT_LE(site_to_town.hi, 40000);
  // Rocket types and raids.
  EXPECT_EQ(types.lo, 1);
  EXPECT_EQ(types.hi, 3);
  EXPECT_EQ(type_names, (std::set<std::string>{"short", "medium", "long"}));
  EXPECT_EQ(raids.lo, 2);
  EXPECT_EQ(raids.hi, 10);
  EXPECT_EQ(salvo.lo, 1);
  EXPECT_EQ(salvo.hi, 40);
  EXPECT_GE(interval.lo, 0.1);
  EXPECT_LE(interval.lo, 0.15);
  EXPECT_GT(interval.hi, 2);
  EXPECT_GE(sigma.lo, 100);
  EXPECT_LE(sigma.hi, 500);
  EXPECT_GT(sigma.hi, 400);
  EXPECT_GT(area_aims, 100);
  EXPECT_GT(point_aims, 100);
  EXPECT_GE(rockets.lo, 20);
  EXPECT_LE(rockets.hi, 80);
  EXPECT_LE(duration.hi, 400);
  // Radars.
  EXPECT_EQ(radars.lo, 1);
  EXPECT_EQ(radars.hi, 4);
  EXPECT_GT(sector, 0);
  EXPECT_GT(all_round, 0);
  EXPECT_GT(fixed, 0);
  EXPECT_GT(snr, 0);
  EXPECT_GE(outage.lo, 10);  // some outage (lo is infinite without), each of 10-40 s
  EXPECT_LE(outage.hi, 40);
  EXPECT_GE(revisit.lo, 0.25);
  EXPECT_LE(revisit.hi, 1);
  EXPECT_EQ(clutter.lo, 0);
  EXPECT_GT(clutter.hi, 2.5);
  EXPECT_LE(clutter.hi, 3);
  EXPECT_GE(latency.lo, 0);
  EXPECT_LE(latency.hi, 0.2);
  // Defense.
  EXPECT_EQ(batteries.lo, 1);
  EXPECT_EQ(batteries.hi, 3);
  EXPECT_EQ(launchers.lo, 1);
  EXPECT_EQ(launchers.hi, 3);
  EXPECT_EQ(interceptors.lo, 4);
  EXPECT_EQ(interceptors.hi, 20);
  EXPECT_EQ(shots.lo, 1);
  EXPECT_EQ(shots.hi, 3);
  EXPECT_GT(salvo_mode, 0);
  EXPECT_LT(salvo_mode, kSeeds);
  // Wind.
  EXPECT_GT(calm, 0);
  EXPECT_GT(constant_wind, 0);
  EXPECT_GT(wind_profile, 0);
}

TEST(Generate, ZonesTileTheRegionAndCoverEveryDefendedArea) {
  for (const YAML::Node& sc : corpus_nodes()) {
    const std::string name = sc["name"].as<std::string>();
    // The zones' areas add up to their bounding rectangle's: no gaps, no
    // overlaps (they share edges exactly).
    std::vector<core::Polygon> zones;
    Vec2 lo = Vec2::Constant(kInf), hi = Vec2::Constant(-kInf);
    double sum = 0;
    for (const auto& z : sc["alert_zones"]) {
      zones.push_back(polygon_m(z["polygon_km"]));
      lo = lo.cwiseMin(zones.back().min_corner());
      hi = hi.cwiseMax(zones.back().max_corner());
      sum += zones.back().area_m2();
    }
    const double rect = (hi - lo).prod();
    EXPECT_NEAR(sum, rect, 1e-6 * rect) << name;
    // Every vertex of every defended area lies in some zone.
    for (const auto& a : sc["defended_areas"]) {
      for (const auto& p : a["polygon_km"]) {
        const Vec2 v = point_m(p);
        const bool covered = std::any_of(zones.begin(), zones.end(),
                                         [&](const core::Polygon& z) { return z.contains(v); });
        EXPECT_TRUE(covered) << name << ": a vertex of " << a["name"] << " is in no zone";
      }
    }
  }
}

TEST(Generate, EveryRocketLandsBeforeTheRunEnds) {
  // Last launch + the longest flight of the raid's type (calm air, at the
  // elevation of maximum range) fits in the run with 20 s to spare, on
  // every tenth seed.
  for (std::uint64_t seed = 1; seed <= kSeeds; seed += 10) {
    const Generated g = generate_and_load(seed);
    ASSERT_TRUE(g.scenario.has_value()) << listing(g.scenario.error());
    const Scenario& sc = *g.scenario;
    std::vector<double> longest;
    for (const auto& t : sc.rocket_types) {
      const physics::Environment calm;
      const auto band = physics::reach_band(t.params, calm);
      longest.push_back(
          physics::fly_range_point(t.params, calm, band.max_range_elevation_rad).flight_time_s);
    }
    for (const auto& r : sc.raids) {
      const double lands =
          r.at_s + (r.count - 1) * r.interval_s + longest[static_cast<size_t>(r.type_index)];
      EXPECT_LE(lands + 20, sc.run.duration_s) << sc.name;
    }
  }
}

TEST(Generate, OptionsAreHonoured) {
  GenerateOptions o;
  o.min_rockets = o.max_rockets = 5;
  o.batteries = false;
  o.wind = false;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Generated g = generate_and_load(seed, o);
    ASSERT_TRUE(g.scenario.has_value()) << listing(g.scenario.error()) << g.yaml;
    EXPECT_EQ(g.scenario->total_rockets(), 5);
    EXPECT_TRUE(g.scenario->batteries.empty());
    EXPECT_TRUE(g.scenario->environment.wind.alt_m.empty());
  }
  // Many rockets: more raids of at most 40, within a longer run.
  GenerateOptions big;
  big.min_rockets = 400;
  big.max_rockets = 500;
  big.max_duration_s = 900;
  const Generated g = generate_and_load(3, big);
  ASSERT_TRUE(g.scenario.has_value()) << listing(g.scenario.error()) << g.yaml;
  EXPECT_GE(g.scenario->total_rockets(), 400);
  EXPECT_LE(g.scenario->total_rockets(), 500);
  EXPECT_LE(g.scenario->run.duration_s, 900);
  for (const auto& r : g.scenario->raids) EXPECT_LE(r.count, 40);
  // The shortest allowed run and a single rocket.
  GenerateOptions one;
  one.min_rockets = one.max_rockets = 1;
  one.max_duration_s = 300;
  const Generated h = generate_and_load(4, one);
  ASSERT_TRUE(h.scenario.has_value()) << listing(h.scenario.error()) << h.yaml;
  EXPECT_EQ(h.scenario->raids.size(), 1u);
  EXPECT_LE(h.scenario->run.duration_s, 300);
}

TEST(Generate, ProblemNamesBadOptions) {
  EXPECT_FALSE(GenerateOptions{}.problem());
  GenerateOptions o;
  o.min_rockets = 0;
  EXPECT_NE(o.problem().value_or("").find("min_rockets"), std::string::npos);
  o = {};
  o.min_rockets = 50;
  o.max_rockets = 10;
  EXPECT_NE(o.problem().value_or("").find("max_rockets"), std::string::npos);
  o = {};
  o.max_duration_s = 100;
  EXPECT_NE(o.problem().value_or("").find("max_duration_s"), std::string::npos);
  // Clamped into range, they still give a valid scenario.
  const Generated g = generate_and_load(5, o);
  EXPECT_TRUE(g.scenario.has_value()) << listing(g.scenario.error());
}

}  // namespace
}  // namespace canopy::scenario
