// replay.czml and impacts.geojson: well-formed for their readers and true
// to the run's geometry.
#include "canopy/io/geo_export.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <GeographicLib/Geocentric.hpp>
#include <cmath>
#include <set>

#include "canopy/core/geodetic.h"
#include "canopy/io/report.h"
#include "canopy/io/test_run_dir.h"

namespace canopy::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const RunData& run() {
  static const RunData data = [] {
    auto r = read_run(testing::small_run_dir());
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? std::move(*r) : RunData{};
  }();
  return data;
}

// The files as write_report writes them, parsed back.
json written(const char* name) {
  static bool done = false;
  if (!done) {
    auto files = write_report(testing::small_run_dir());
    EXPECT_TRUE(files.has_value()) << (files ? "" : files.error().message);
    done = true;
  }
  auto j = read_json_file(testing::small_run_dir() / name);
  EXPECT_TRUE(j.has_value()) << name;
  return j ? *j : json();
}

TEST(Czml, Iso8601CountsFromTheFixedEpoch) {
  EXPECT_EQ(iso8601(0), "2000-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(62.5), "2000-01-01T00:01:02.500Z");
  EXPECT_EQ(iso8601(86400 + 3600.0004), "2000-01-02T01:00:00.000Z");
}

TEST(Czml, FirstPacketIsTheDocumentWithTheRunsClock) {
  const json czml = written("replay.czml");
  ASSERT_TRUE(czml.is_array());
  ASSERT_GE(czml.size(), 2u);
  const json& doc = czml[0];
  EXPECT_EQ(doc["id"], "document");
  EXPECT_EQ(doc["version"], "1.0");
  EXPECT_EQ(doc["name"], "report-test");
  EXPECT_EQ(doc["clock"]["interval"], iso8601(0) + "/" + iso8601(run().sim_time_s));
  EXPECT_EQ(doc["clock"]["currentTime"], iso8601(0));
  EXPECT_EQ(doc["clock"]["range"], "LOOP_STOP");
  EXPECT_EQ(doc["clock"]["step"], "SYSTEM_CLOCK_MULTIPLIER");
}

TEST(Czml, PacketsHaveUniqueIdsAndIncreasingSamples) {
  const json czml = written("replay.czml");
  std::set<std::string> ids;
  size_t rockets = 0, interceptors = 0;
  for (size_t i = 1; i < czml.size(); ++i) {
    const json& p = czml[i];
    const std::string id = p["id"];
    EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
    rockets += id.starts_with("rocket-");
    interceptors += id.starts_with("interceptor-");
    EXPECT_EQ(p["position"]["epoch"], kCzmlEpoch);
    const json& c = p["position"]["cartesian"];
    ASSERT_EQ(c.size() % 4, 0u) << id;
    ASSERT_GE(c.size(), 4u);
    for (size_t k = 4; k < c.size(); k += 4)
      EXPECT_GT(c[k].get<double>(), c[k - 4].get<double>()) << id;
    EXPECT_TRUE(p.contains("path") && p.contains("point") && p.contains("availability"));
  }
  EXPECT_EQ(rockets, run().rockets.size());
  EXPECT_EQ(interceptors, run().interceptors.size());
  EXPECT_GT(interceptors, 0u);
}

TEST(Czml, EcefPositionsRoundTripToTheEnuTrails) {
  const json czml = written("replay.czml");
  const auto& o = run().scenario->origin;
  const core::GeoFrame frame(o.lat_deg, o.lon_deg, o.alt_m);
  const auto& earth = GeographicLib::Geocentric::WGS84();
  size_t checked = 0;
  for (size_t i = 1; i < czml.size(); ++i) {
    const std::string id = czml[i]["id"];
    const bool rocket = id.starts_with("rocket-");
    const int n = std::stoi(id.substr(id.find('-') + 1));
    const auto& trails = rocket ? run().rockets : run().interceptors;
    ASSERT_TRUE(trails.contains(n)) << id;
    const auto& trail = trails.at(n);
    const json& c = czml[i]["position"]["cartesian"];
    for (size_t k = 0; k < c.size(); k += 4) {
      double lat = 0, lon = 0, h = 0;
      earth.Reverse(c[k + 1].get<double>(), c[k + 2].get<double>(), c[k + 3].get<double>(), lat,
                    lon, h);
      const Vec3 back = frame.enu_from_latlon(lat, lon, h);
      // The trail sample at this time.
      const double t = c[k].get<double>();
      auto it = std::find_if(trail.begin(), trail.end(),
                             [&](const TrailPoint& s) { return std::abs(s[0] - t) < 1e-3; });
      ASSERT_NE(it, trail.end()) << id << " t=" << t;
      EXPECT_LT((back - Vec3((*it)[1], (*it)[2], (*it)[3])).norm(), 1.0) << id << " t=" << t;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

// Twice the signed area of a ring of [lon, lat] (positive: counter-clockwise).
double signed_area2(const json& ring) {
  double a = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i)
    a += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
         ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  return a;
}

void expect_position(const json& p) {
  ASSERT_TRUE(p.is_array());
  ASSERT_EQ(p.size(), 2u);
  const double lon = p[0].get<double>(), lat = p[1].get<double>();
  EXPECT_TRUE(std::isfinite(lon) && std::isfinite(lat));
  EXPECT_GE(lon, -180.0);
  EXPECT_LE(lon, 180.0);
  EXPECT_GE(lat, -90.0);
  EXPECT_LE(lat, 90.0);
}

TEST(GeoJson, EveryGeometryFollowsRfc7946) {
  const json geo = written("impacts.geojson");
  EXPECT_EQ(geo["type"], "FeatureCollection");
  ASSERT_TRUE(geo["features"].is_array());
  std::map<std::string, size_t> kinds;
  for (const json& f : geo["features"]) {
    EXPECT_EQ(f["type"], "Feature");
    ASSERT_TRUE(f["properties"].is_object());
    ++kinds[f["properties"]["kind"].get<std::string>()];
    const json& g = f["geometry"];
    if (g["type"] == "Point") {
      expect_position(g["coordinates"]);
      continue;
    }
    ASSERT_EQ(g["type"], "Polygon");
    ASSERT_GE(g["coordinates"].size(), 1u);
    const json& ring = g["coordinates"][0];
    ASSERT_GE(ring.size(), 4u);
    for (const json& p : ring) expect_position(p);
    EXPECT_EQ(ring.front(), ring.back()) << "ring not closed";
    EXPECT_GT(signed_area2(ring), 0)
        << "exterior ring not counter-clockwise: " << f["properties"].dump();
  }
  EXPECT_EQ(kinds["impact"], run().events.of<sim::ImpactEvent>().size());
  EXPECT_EQ(kinds["debris"], run().events.of<sim::DebrisImpactEvent>().size());
  EXPECT_EQ(kinds["defended_area"], 1u);
  EXPECT_EQ(kinds["alert_zone"], 2u);
  EXPECT_GT(kinds["predicted_impact_95"], 0u);
  EXPECT_LE(kinds["predicted_impact_95"], run().events.of<sim::ImpactEvent>().size());
}

TEST(GeoJson, EllipseRingLiesOnThe95PercentContour) {
  auto geo = build_geojson(run());
  ASSERT_TRUE(geo.has_value());
  const auto& o = run().scenario->origin;
  const core::GeoFrame frame(o.lat_deg, o.lon_deg, o.alt_m);
  size_t ellipses = 0;
  for (const auto& f : (*geo)["features"]) {
    if (f["properties"]["kind"] != "predicted_impact_95") continue;
    ++ellipses;
    // The prediction it came from.
    const int track = f["properties"]["track"];
    const double t = f["properties"]["t"];
    const sim::ImpactPredictionEvent* p = nullptr;
    for (const sim::ImpactPredictionEvent& pr : run().events.of<sim::ImpactPredictionEvent>())
      if (pr.track == track && pr.t_s == t) p = &pr;
    ASSERT_NE(p, nullptr);
    const Mat2 inv = p->cov_en_m2.inverse();
    // Coordinates are rounded to 1e-7 degree and projected on the ground:
    // allow 3 cm of position error, in Mahalanobis terms.
    const double sigma_min =
        std::sqrt(Eigen::SelfAdjointEigenSolver<Mat2>(p->cov_en_m2).eigenvalues()(0));
    const double tol = 2 * std::sqrt(kChi2_95_2dof) * 0.03 / sigma_min + 1e-3;
    const auto& ring = f["geometry"]["coordinates"][0];
    EXPECT_EQ(ring.size(), 37u);
    for (const auto& pt : ring) {
      const Vec2 en = frame.en_from_latlon(pt[1].get<double>(), pt[0].get<double>());
      const Vec2 d = en - p->p_en_m;
      // Mahalanobis d² at the contour (coordinates rounded to ~1 cm).
      EXPECT_NEAR(d.dot(inv * d), kChi2_95_2dof, tol);
    }
  }
  EXPECT_GT(ellipses, 0u);
}

TEST(GeoExport, WithoutScenarioTheExportsExplainWhy) {
  RunData bare = run();
  bare.scenario.reset();
  auto czml = build_czml(bare);
  ASSERT_FALSE(czml.has_value());
  EXPECT_NE(czml.error().message.find("scenario.yaml"), std::string::npos);
  EXPECT_FALSE(build_geojson(bare).has_value());
}

}  // namespace
}  // namespace canopy::io
