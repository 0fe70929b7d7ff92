#include "canopy/io/replay_background.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>

#include "canopy/core/geodetic.h"
#include "canopy/core/input_file.h"
#include "canopy/scenario/geojson.h"

namespace canopy::io {
namespace {

namespace geojson = scenario::geojson;
using geojson::JsonPath;
using geojson::operator+;
using nlohmann::json;
using nlohmann::ordered_json;

// GeometryCollections nested deeper than this are refused.
constexpr int kMaxCollectionDepth = 16;

// Thrown by the parse callback to stop reading a file that holds far more
// values than a background under the cap can (each vertex is 2 or 3).
struct TooManyValues {};

using geojson::describe;
using geojson::shorten;

std::string num(double v) { return fmt::format("{}", v); }

// Walks a parsed GeoJSON document; the first problem stops it.
class Reader {
 public:
  Reader(std::string_view text, const std::string& file, size_t max_vertices)
      : text_(text), file_(file), max_vertices_(max_vertices) {}

  core::Result<BackgroundLayer> read(const json& doc) {
    layer_.name = std::filesystem::path(file_).filename().string();
    if (!doc.is_object()) {
      fail({}, fmt::format("expected a GeoJSON object (a FeatureCollection, a Feature or a "
                           "geometry), got {}",
                           describe(doc)));
    } else {
      object(doc, {}, 0);
    }
    if (error_) return std::unexpected(*error_);
    return std::move(layer_);
  }

 private:
  // A FeatureCollection, a Feature or a geometry.
  void object(const json& j, const JsonPath& path, int depth) {
    const auto type = type_of(j, path);
    if (!type) return;
    if (*type == "FeatureCollection") {
      const auto it = j.find("features");
      if (it == j.end() || !it->is_array()) {
        fail(it == j.end() ? path : path + std::string("features"),
             "a FeatureCollection needs 'features': an array of Feature objects");
        return;
      }
      for (size_t k = 0; k < it->size() && !error_; ++k) {
        const json& f = (*it)[k];
        const JsonPath fpath = path + std::string("features") + k;
        if (!f.is_object()) {
          fail(fpath, fmt::format("expected a Feature object, got {}", describe(f)));
          return;
        }
        const auto ftype = type_of(f, fpath);
        if (!ftype) return;
        if (*ftype != "Feature") {
          fail(fpath + std::string("type"),
               fmt::format("expected type \"Feature\" in a FeatureCollection, got \"{}\"",
                           shorten(*ftype)));
          return;
        }
        feature(f, fpath);
      }
    } else if (*type == "Feature") {
      feature(j, path);
    } else {
      geometry(j, *type, path, depth);
    }
  }

  void feature(const json& f, const JsonPath& path) {
    const auto it = f.find("geometry");
    if (it == f.end()) {
      fail(path, "a Feature needs 'geometry' (null when it has none)");
      return;
    }
    if (it->is_null()) return;  // an unlocated feature: nothing to draw
    const JsonPath gpath = path + std::string("geometry");
    if (!it->is_object()) {
      fail(gpath, fmt::format("expected a geometry object or null, got {}", describe(*it)));
      return;
    }
    const auto type = type_of(*it, gpath);
    if (type) geometry(*it, *type, gpath, 0);
  }

  void geometry(const json& g, const std::string& type, const JsonPath& path, int depth) {
    if (type == "GeometryCollection") {
      if (depth >= kMaxCollectionDepth) {
        fail(path,
             fmt::format("GeometryCollections nested more than {} deep", kMaxCollectionDepth));
        return;
      }
      const auto it = g.find("geometries");
      if (it == g.end() || !it->is_array()) {
        fail(it == g.end() ? path : path + std::string("geometries"),
             "a GeometryCollection needs 'geometries': an array of geometry objects");
        return;
      }
      for (size_t k = 0; k < it->size() && !error_; ++k) {
        const JsonPath p = path + std::string("geometries") + k;
        const json& child = (*it)[k];
        if (!child.is_object()) {
          fail(p, fmt::format("expected a geometry object, got {}", describe(child)));
          return;
        }
        const auto ctype = type_of(child, p);
        if (!ctype) return;
        if (*ctype == "Feature" || *ctype == "FeatureCollection") {
          fail(p + std::string("type"),
               fmt::format("a GeometryCollection holds geometries, not a {}", *ctype));
          return;
        }
        geometry(child, *ctype, p, depth + 1);
      }
      return;
    }
    static const char* const kKnown[] = {"Point",           "MultiPoint", "LineString",
                                         "MultiLineString", "Polygon",    "MultiPolygon"};
    if (std::find(std::begin(kKnown), std::end(kKnown), type) == std::end(kKnown)) {
      fail(path + std::string("type"),
           fmt::format("unknown type \"{}\": expected FeatureCollection, Feature, "
                       "GeometryCollection, LineString, MultiLineString, Polygon, MultiPolygon, "
                       "Point or MultiPoint",
                       shorten(type)));
      return;
    }
    const auto it = g.find("coordinates");
    const JsonPath cpath = path + std::string("coordinates");
    if (it == g.end() || !it->is_array()) {
      fail(it == g.end() ? path : cpath,
           fmt::format("a {} needs 'coordinates': an array{}", type,
                       it == g.end() ? "" : fmt::format(", got {}", describe(*it))));
      return;
    }
    const json& c = *it;
    if (type == "Point") {
      ++layer_.points;
    } else if (type == "MultiPoint") {
      layer_.points += c.size();
    } else if (type == "LineString") {
      line(c, cpath);
    } else if (type == "MultiLineString") {
      for (size_t k = 0; k < c.size() && !error_; ++k) line(c[k], cpath + k);
    } else if (type == "Polygon") {
      polygon(c, cpath);
    } else {  // MultiPolygon
      for (size_t k = 0; k < c.size() && !error_; ++k) {
        if (!c[k].is_array()) {
          fail(cpath + k, fmt::format("expected a Polygon's rings (an array of linear rings), "
                                      "got {}",
                                      describe(c[k])));
          return;
        }
        polygon(c[k], cpath + k);
      }
    }
  }

  // A LineString's positions; an empty LineString has nothing to draw.
  void line(const json& a, const JsonPath& path) {
    if (a.is_array() && a.empty()) return;
    LonLatPath out;
    if (!positions(a, path, "a line (an array of positions)", out)) return;
    if (out.size() < 2) {
      fail(path, "a line needs at least 2 positions");
      return;
    }
    layer_.lines.push_back(std::move(out));
  }

  // A Polygon's rings, each unclosed.
  void polygon(const json& rings, const JsonPath& path) {
    for (size_t k = 0; k < rings.size() && !error_; ++k) {
      LonLatPath ring;
      if (!positions(rings[k], path + k, "a linear ring (an array of positions)", ring)) return;
      if (ring.size() >= 2 && ring.front().lon == ring.back().lon &&
          ring.front().lat == ring.back().lat) {
        ring.pop_back();
        --vertices_;
      }
      if (ring.size() < 3) {
        fail(path + k,
             "a linear ring needs at least 3 distinct positions (4 with the closing one)");
        return;
      }
      layer_.rings.push_back(std::move(ring));
    }
  }

  bool positions(const json& a, const JsonPath& path, std::string_view what, LonLatPath& out) {
    if (!a.is_array()) {
      fail(path, fmt::format("expected {}, got {}", what, describe(a)));
      return false;
    }
    out.reserve(a.size());
    for (size_t k = 0; k < a.size(); ++k) {
      const json& p = a[k];
      if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) {
        fail(path + k, fmt::format("expected a position [lon, lat], got {}",
                                   p.is_array() ? p.dump().substr(0, 40) : describe(p)));
        return false;
      }
      const double lon = p[0].get<double>(), lat = p[1].get<double>();
      if (!(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90)) {
        fail(path + k,
             fmt::format("longitude must be between -180 and 180 and latitude between -90 and 90 "
                         "(got [{}, {}]; GeoJSON positions are [lon, lat])",
                         num(lon), num(lat)));
        return false;
      }
      if (++vertices_ > max_vertices_) {
        fail(path + k,
             fmt::format("too many vertices: a report's background holds at most {} line and "
                         "polygon vertices{}; nothing is thinned silently, so simplify the file "
                         "or cut it to the scenario's region first (e.g. ogr2ogr -simplify or "
                         "-clipdst)",
                         kMaxBackgroundVertices,
                         max_vertices_ < kMaxBackgroundVertices
                             ? fmt::format(" over all --background files, {} of them left for "
                                           "this one",
                                           max_vertices_)
                             : ""));
        return false;
      }
      out.push_back({lon, lat});
    }
    return true;
  }

  std::optional<std::string> type_of(const json& j, const JsonPath& path) {
    const auto it = j.find("type");
    if (it == j.end()) {
      fail(path, "a GeoJSON object needs 'type'");
      return std::nullopt;
    }
    if (!it->is_string()) {
      fail(path + std::string("type"), fmt::format("expected a string, got {}", describe(*it)));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  void fail(const JsonPath& path, std::string message) {
    if (error_) return;
    if (!locator_) locator_.emplace(text_);
    const auto [line, col] = locator_->line_col(path);
    const std::string where = geojson::to_string(path);
    error_ = core::Error{fmt::format("{}:{}:{}: {}{}", file_, line, col,
                                     where.empty() ? "" : where + ": ", message)};
  }

  std::string_view text_;
  const std::string& file_;
  size_t max_vertices_;
  size_t vertices_ = 0;
  BackgroundLayer layer_;
  std::optional<core::Error> error_;
  std::optional<geojson::JsonLocator> locator_;
};

}  // namespace

size_t BackgroundLayer::vertices() const {
  size_t n = 0;
  for (const auto& l : lines) n += l.size();
  for (const auto& r : rings) n += r.size();
  return n;
}

core::Result<BackgroundLayer> parse_background(std::string_view text, const std::string& file,
                                               size_t max_vertices) {
  // The streamed reader checks the syntax and the nesting depth, and places
  // a syntax error; the document is then parsed whole, without the
  // features' properties (never drawn).
  if (auto checked = geojson::read(text, {}); !checked) {
    const auto [line, col] = geojson::line_col(text, checked.error().offset);
    return core::fail(fmt::format("{}:{}:{}: {}", file, line, col, checked.error().message));
  }
  const size_t max_values = 4 * max_vertices + 1000000;
  size_t values = 0;
  json doc;
  try {
    doc = json::parse(text, [&](int, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::value && ++values > max_values) throw TooManyValues{};
      return !(event == json::parse_event_t::key && parsed == "properties");
    });
  } catch (const TooManyValues&) {
    return core::fail(fmt::format(
        "{}: too big: over {} JSON values, far beyond the {} vertices a report's background may "
        "hold; simplify the file or cut it to the scenario's region first (e.g. ogr2ogr "
        "-simplify or -clipdst)",
        file, max_values, kMaxBackgroundVertices));
  } catch (const json::exception& e) {
    return core::fail(fmt::format("{}: not readable as JSON: {}", file, e.what()));
  }
  return Reader(text, file, max_vertices).read(doc);
}

core::Result<BackgroundLayer> read_background(const std::filesystem::path& path,
                                              size_t max_vertices) {
  const auto text = core::read_input_file(path);
  if (!text) {
    return core::fail(fmt::format("cannot read background GeoJSON '{}': {}", path.string(),
                                  text.error().message));
  }
  return parse_background(*text, path.string(), max_vertices);
}

core::Result<std::vector<BackgroundLayer>> read_backgrounds(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<BackgroundLayer> out;
  size_t used = 0;
  for (const auto& p : paths) {
    auto layer = read_background(p, kMaxBackgroundVertices - used);
    if (!layer) return std::unexpected(layer.error());
    used += layer->vertices();
    out.push_back(std::move(*layer));
  }
  return out;
}

ordered_json background_json(const std::vector<BackgroundLayer>& layers,
                             const scenario::Scenario* sc) {
  ordered_json out = ordered_json::array();
  if (sc == nullptr) return out;
  const core::GeoFrame frame(sc->origin.lat_deg, sc->origin.lon_deg, sc->origin.alt_m);
  auto paths = [&](const std::vector<LonLatPath>& in) {
    ordered_json a = ordered_json::array();
    for (const LonLatPath& path : in) {
      ordered_json p = ordered_json::array();
      for (const LonLatDeg& v : path) {
        const core::Vec2 en = frame.en_from_latlon(v.lat, v.lon, sc->origin.alt_m);
        p.push_back({std::llround(en.x()), std::llround(en.y())});
      }
      a.push_back(std::move(p));
    }
    return a;
  };
  for (const BackgroundLayer& l : layers)
    out.push_back(
        {{"name", l.name}, {"lines_en_m", paths(l.lines)}, {"polygons_en_m", paths(l.rings)}});
  return out;
}

}  // namespace canopy::io
