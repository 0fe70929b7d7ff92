// Background layers (--background): what GeoJSON is drawn, where, and the
// messages for what is refused.
#include "canopy/io/replay_background.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "canopy/core/geodetic.h"
#include "canopy/io/replay.h"
#include "canopy/io/report.h"
#include "canopy/io/test_run_dir.h"

namespace canopy::io {
namespace {

namespace fs = std::filesystem;

// Every supported geometry once, in a FeatureCollection, one member a line.
constexpr const char* kMixed = R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"name": "coast", "big": [1, 2, 3]},
 "geometry": {"type": "LineString", "coordinates": [[-44.70, 33.15], [-44.65, 33.18, 12], [-44.60, 33.22]]}},
{"type": "Feature", "properties": null,
 "geometry": {"type": "MultiLineString", "coordinates": [[[-44.6, 33.1], [-44.5, 33.1]], [[-44.6, 33.0], [-44.5, 33.0], [-44.4, 33.0]]]}},
{"type": "Feature", "properties": {},
 "geometry": {"type": "Polygon", "coordinates": [
   [[-44.62, 33.21], [-44.58, 33.21], [-44.58, 33.24], [-44.62, 33.24], [-44.62, 33.21]],
   [[-44.61, 33.22], [-44.60, 33.22], [-44.60, 33.23]]]}},
{"type": "Feature", "properties": {},
 "geometry": {"type": "MultiPolygon", "coordinates": [
   [[[-44.5, 33.3], [-44.4, 33.3], [-44.4, 33.4], [-44.5, 33.3]]],
   [[[-44.3, 33.3], [-44.2, 33.3], [-44.2, 33.4], [-44.3, 33.3]]]]}},
{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-44.6, 33.2]}},
{"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": [[-44.6, 33.2], [-44.5, 33.2]]}},
{"type": "Feature", "properties": {}, "geometry": null}
]})";

TEST(Background, ReadsEveryLineAndPolygonAndCountsPoints) {
  auto layer = parse_background(kMixed, "maps/coast.geojson");
  ASSERT_TRUE(layer.has_value()) << layer.error().message;
  EXPECT_EQ(layer->name, "coast.geojson");
  ASSERT_EQ(layer->lines.size(), 3u);  // the LineString and the two parts
  EXPECT_EQ(layer->lines[0].size(), 3u);
  EXPECT_DOUBLE_EQ(layer->lines[0][1].lon, -44.65);
  EXPECT_DOUBLE_EQ(layer->lines[0][1].lat, 33.18);
  EXPECT_EQ(layer->lines[2].size(), 3u);
  // Polygon: its outer ring (closing position dropped) and its hole (given
  // unclosed); MultiPolygon: one ring each.
  ASSERT_EQ(layer->rings.size(), 4u);
  EXPECT_EQ(layer->rings[0].size(), 4u);
  EXPECT_EQ(layer->rings[1].size(), 3u);
  EXPECT_EQ(layer->rings[2].size(), 3u);
  EXPECT_EQ(layer->points, 3u);
  EXPECT_EQ(layer->vertices(), 3u + 2 + 3 + 4 + 3 + 3 + 3);
}

TEST(Background, TakesAFeatureAGeometryOrACollection) {
  auto f = parse_background(
      R"({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}})",
      "f.geojson");
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ(f->lines.size(), 1u);
  auto g = parse_background(R"({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]})",
                            "g.geojson");
  ASSERT_TRUE(g.has_value()) << g.error().message;
  EXPECT_EQ(g->rings.size(), 1u);
  auto c = parse_background(
      "\xEF\xBB\xBF"
      R"({"type": "GeometryCollection", "geometries": [
            {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [0, 0]}]}]})",
      "c.geojson");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->lines.size(), 1u);
  EXPECT_EQ(c->points, 1u);
}

struct Bad {
  const char* text;
  const char* message;  // the whole message, "FILE:LINE:COL: PATH: problem"
};

TEST(Background, RefusesBadInputNamingTheFileAndThePlace) {
  const Bad cases[] = {
      {"{\"type\": \"Feature\",\n \"geometry\": [1, }",
       "bad.geojson:2:18: JSON syntax error: syntax error while parsing value - unexpected '}'; "
       "expected '[', '{', or a literal"},
      {"[1, 2]",
       "bad.geojson:1:1: expected a GeoJSON object (a FeatureCollection, a Feature or a geometry), "
       "got an array"},
      {"{\"features\": []}", "bad.geojson:1:1: a GeoJSON object needs 'type'"},
      {"{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\", "
       "\"geometry\": {\"type\": \"LineString\",\n   \"coordinates\": [[1, 2], [3, \"x\"]]}}]}",
       "bad.geojson:4:28: features[0].geometry.coordinates[1]: expected a position [lon, lat], got "
       "[3,\"x\"]"},
      {"{\"type\": \"LineString\", \"coordinates\": [[1, 2], [3, 95]]}",
       "bad.geojson:1:48: coordinates[1]: longitude must be between -180 and 180 and latitude "
       "between -90 and 90 (got [3, 95]; GeoJSON positions are [lon, lat])"},
      {"{\"type\": \"LineString\", \"coordinates\": [[181, 2], [3, 5]]}",
       "bad.geojson:1:40: coordinates[0]: longitude must be between -180 and 180 and latitude "
       "between -90 and 90 (got [181, 2]; GeoJSON positions are [lon, lat])"},
      {"{\"type\": \"LineString\", \"coordinates\": [[1, 2]]}",
       "bad.geojson:1:39: coordinates: a line needs at least 2 positions"},
      {"{\"type\": \"Polygon\", \"coordinates\": [[[1, 2], [3, 4], [1, 2]]]}",
       "bad.geojson:1:37: coordinates[0]: a linear ring needs at least 3 distinct positions (4 "
       "with the closing one)"},
      {"{\"type\": \"Circle\", \"coordinates\": [1, 2]}",
       "bad.geojson:1:10: type: unknown type \"Circle\": expected FeatureCollection, Feature, "
       "GeometryCollection, LineString, MultiLineString, Polygon, MultiPolygon, Point or "
       "MultiPoint"},
      {"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\"}]}",
       "bad.geojson:1:44: features[0]: a Feature needs 'geometry' (null when it has none)"},
      {"{\"type\": \"MultiPolygon\", \"coordinates\": [7]}",
       "bad.geojson:1:42: coordinates[0]: expected a Polygon's rings (an array of linear rings), "
       "got the number 7"},
  };
  for (const Bad& b : cases) {
    auto layer = parse_background(b.text, "bad.geojson");
    ASSERT_FALSE(layer.has_value()) << b.text;
    EXPECT_EQ(layer.error().message, b.message) << b.text;
    EXPECT_EQ(layer.error().kind, core::Error::Kind::kInput);
  }
}

std::string line_of(size_t vertices) {
  std::string s = R"({"type": "LineString", "coordinates": [)";
  for (size_t i = 0; i < vertices; ++i)
    s += fmt::format("{}[{:.5f}, 33.2]", i ? ", " : "", -44.6 + 1e-6 * static_cast<double>(i));
  return s + "]}";
}

TEST(Background, CapsTheVerticesOverAllFiles) {
  auto small = parse_background(line_of(6), "six.geojson", 5);
  ASSERT_FALSE(small.has_value());
  EXPECT_NE(small.error().message.find("six.geojson:1:"), std::string::npos)
      << small.error().message;
  EXPECT_NE(small.error().message.find("coordinates[5]: too many vertices"), std::string::npos)
      << small.error().message;
  EXPECT_TRUE(parse_background(line_of(5), "five.geojson", 5).has_value());

  // Two files of 120 000 vertices: the second crosses the cap of 200 000.
  const fs::path dir = fs::temp_directory_path() / fmt::format("canopy-bg-{}", ::getpid());
  fs::create_directories(dir);
  for (const char* name : {"a.geojson", "b.geojson"}) std::ofstream(dir / name) << line_of(120000);
  auto one = read_backgrounds({dir / "a.geojson"});
  ASSERT_TRUE(one.has_value()) << one.error().message;
  EXPECT_EQ((*one)[0].vertices(), 120000u);
  auto both = read_backgrounds({dir / "a.geojson", dir / "b.geojson"});
  ASSERT_FALSE(both.has_value());
  EXPECT_NE(both.error().message.find("b.geojson:1:"), std::string::npos);
  EXPECT_NE(both.error().message.find("coordinates[80000]: too many vertices: a report's "
                                      "background holds at most 200000 line and polygon vertices "
                                      "over all --background files, 80000 of them left for this "
                                      "one"),
            std::string::npos)
      << both.error().message;
  fs::remove_all(dir);
}

TEST(Background, UnreadableFileIsNamed) {
  auto layer = read_background("/nonexistent/coast.geojson");
  ASSERT_FALSE(layer.has_value());
  EXPECT_EQ(layer.error().message.rfind(
                "cannot read background GeoJSON '/nonexistent/coast.geojson': ", 0),
            0u)
      << layer.error().message;
}

TEST(Background, PlacedInTheScenarioFrameToTheMetre) {
  scenario::Scenario sc;
  sc.origin = {33.2, -44.6, 0};
  auto layer = parse_background(R"({"type": "Feature", "geometry": {"type": "MultiLineString",
      "coordinates": [[[-44.6, 33.2], [-44.6, 33.21], [-44.59, 33.2]]]}})",
                                "c.geojson");
  ASSERT_TRUE(layer.has_value());
  const nlohmann::ordered_json j = background_json({*layer}, &sc);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["name"], "c.geojson");
  const auto& line = j[0]["lines_en_m"][0];
  EXPECT_EQ(line[0], nlohmann::ordered_json::array({0, 0}));
  // 0.01° of latitude is about 1109 m here; 0.01° of longitude cos(33.2°) of that.
  const core::GeoFrame frame(33.2, -44.6, 0);
  const core::Vec2 n = frame.en_from_latlon(33.21, -44.6);
  const core::Vec2 e = frame.en_from_latlon(33.2, -44.59);
  EXPECT_EQ(line[1][0].get<long long>(), 0);
  EXPECT_EQ(line[1][1].get<long long>(), std::llround(n.y()));
  EXPECT_NEAR(line[1][1].get<double>(), 1109, 2);
  EXPECT_EQ(line[2][0].get<long long>(), std::llround(e.x()));
  EXPECT_NEAR(line[2][0].get<double>(), 932, 2);
  EXPECT_TRUE(j[0]["polygons_en_m"].empty());
  EXPECT_TRUE(background_json({*layer}, nullptr).empty());
}

TEST(Background, InTheReplayAndTheReport) {
  auto run = read_run(testing::small_run_dir());
  ASSERT_TRUE(run.has_value()) << run.error().message;
  EXPECT_EQ(build_replay(*run)["background"], nlohmann::ordered_json::array());
  auto layer = parse_background(kMixed, "coast.geojson");
  ASSERT_TRUE(layer.has_value());
  const auto replay = build_replay(*run, {*layer});
  ASSERT_EQ(replay["background"].size(), 1u);
  EXPECT_EQ(replay["background"][0]["name"], "coast.geojson");
  EXPECT_EQ(replay["background"][0]["lines_en_m"].size(), 3u);
  EXPECT_EQ(replay["background"][0]["polygons_en_m"].size(), 4u);
  ReportOptions opts;
  opts.background = {*layer};
  const std::string html = run_report_html(*run, opts);
  EXPECT_NE(html.find(R"("background":[{"name":"coast.geojson","lines_en_m":[[[)"),
            std::string::npos);
}

}  // namespace
}  // namespace canopy::io
