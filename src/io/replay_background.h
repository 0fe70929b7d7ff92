// Background layers of the replay viewer (docs/replay.md, "background"):
// the lines and polygons of a user's GeoJSON file, such as a coastline or
// roads, drawn under the scenario's geometry. `canopy report DIR
// --background FILE` (docs/cli.md).
//
//   auto layers = io::read_backgrounds({"coast.geojson", "roads.geojson"});
//   if (!layers) { print_error(layers.error().message); return 2; }
//   options.background = std::move(*layers);
//   ...
//   replay["background"] = io::background_json(options.background, scenario);
//
// Accepted: a FeatureCollection, a Feature, a geometry or a
// GeometryCollection, with LineString, MultiLineString, Polygon and
// MultiPolygon geometries; Point and MultiPoint geometries are counted and
// left out; a Feature whose geometry is null has nothing to draw. Nothing is
// simplified: a file over the vertex cap is refused, not thinned.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/scenario/scenario.h"

namespace canopy::io {

// The most line and polygon vertices the background files of one report
// may hold together (each vertex is about 20 bytes of the page).
inline constexpr size_t kMaxBackgroundVertices = 200000;

struct LonLatDeg {
  double lon = 0, lat = 0;
};
using LonLatPath = std::vector<LonLatDeg>;

struct BackgroundLayer {
  std::string name;               // the file's name, without its directory
  std::vector<LonLatPath> lines;  // LineStrings and the parts of MultiLineStrings
  // Every ring of every Polygon and MultiPolygon, outer rings and holes
  // alike, without the closing position that repeats the first.
  std::vector<LonLatPath> rings;
  size_t points = 0;  // positions of Point and MultiPoint geometries, not drawn

  size_t vertices() const;
};

// Parses GeoJSON text. `file` names it in messages ("FILE:LINE:COL: PATH:
// problem"); the layer is named after its last path component.
// `max_vertices`: what is left of the cap.
core::Result<BackgroundLayer> parse_background(std::string_view text, const std::string& file,
                                               size_t max_vertices = kMaxBackgroundVertices);

// Reads one file (core::read_input_file: regular files under the input limit).
core::Result<BackgroundLayer> read_background(const std::filesystem::path& path,
                                              size_t max_vertices = kMaxBackgroundVertices);

// Reads the files in order, the vertex cap counting over all of them.
core::Result<std::vector<BackgroundLayer>> read_backgrounds(
    const std::vector<std::filesystem::path>& paths);

// The replay's "background" array: per layer its name, "lines_en_m" and
// "polygons_en_m" in the world ENU frame at the scenario's origin (on the
// ground at the origin's height), metres to 1 m. Empty without a scenario:
// there is no origin to place them by.
nlohmann::ordered_json background_json(const std::vector<BackgroundLayer>& layers,
                                       const scenario::Scenario* sc);

}  // namespace canopy::io
