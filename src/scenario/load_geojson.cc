// The loader's GeoJSON side files: defended areas and alert zones as
// FeatureCollections of Polygon features.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "canopy/core/input_file.h"
#include "canopy/scenario/loader.h"

namespace canopy::scenario::detail {

using geojson::describe;
using geojson::line_col;
using geojson::operator+;
using geojson::to_string;
using nlohmann::json;

std::expected<Scenario, Diagnostics> Loader::load_geojson(std::string_view text, GeoJsonKind kind,
                                                          const Origin& origin) {
  sc_.origin = origin;
  frame_.emplace(origin.lat_deg, origin.lon_deg, origin.alt_m);
  JsonFile jf{.name = file_, .text = text};
  read_geojson_text(jf, kind);
  if (!diags_.empty()) return std::unexpected(sorted_diagnostics());
  return sc_;
}

void Loader::json_error(JsonFile& f, const JsonPath& path, std::string message) {
  if (!f.locator) f.locator.emplace(f.text);
  const auto [line, col] = f.locator->line_col(path);
  diags_.push_back({f.name, line, col, to_string(path), std::move(message)});
}

void Loader::read_geojson(const Field& f, GeoJsonKind kind) {
  if (!allow_geojson_) {
    error(f, "the built-in default scenario must be self-contained: GeoJSON files are not allowed");
    return;
  }
  const auto name = text(f);
  if (!name) return;
  fs::path p(*name);
  if (p.is_relative()) p = base_dir_ / p;
  p = p.lexically_normal();
  const auto bytes = core::read_input_file(p);
  if (!bytes) {
    error(f, fmt::format("cannot read GeoJSON file '{}': {}", p.string(), bytes.error().message));
    return;
  }
  JsonFile jf{.name = p.string(), .text = *bytes};
  read_geojson_text(jf, kind);
}

void Loader::read_geojson_text(JsonFile& jf, GeoJsonKind kind) {
  // Only the properties the features are read for are kept.
  static const std::vector<std::string_view> kAreaProperties = {"name", "value"};
  static const std::vector<std::string_view> kZoneProperties = {"id", "name", "population"};
  const auto doc = geojson::read(
      jf.text, kind == GeoJsonKind::kDefendedAreas ? kAreaProperties : kZoneProperties);
  if (!doc) {
    const auto [line, col] = line_col(jf.text, doc.error().offset);
    diags_.push_back({jf.name, line, col, "", doc.error().message});
    return;
  }
  read_features(jf, *doc, kind);
}

void Loader::add_name_json(std::map<std::string, NameEntry>& names, std::string_view what,
                           const std::string& name, int index, bool valid, JsonFile& jf,
                           const JsonPath& path) {
  if (!jf.locator) jf.locator.emplace(jf.text);
  const auto [line, col] = jf.locator->line_col(path);
  if (const auto it = names.find(name); it != names.end()) {
    diags_.push_back(
        {jf.name, line, col, to_string(path),
         fmt::format("duplicate {} '{}' (the first is at {})", what, name, it->second.where)});
    return;
  }
  names[name] = {index, valid, fmt::format("{}:{}:{}", jf.name, line, col)};
}

std::optional<double> Loader::json_number(JsonFile& jf, const geojson::Properties& props,
                                          const JsonPath& path, std::string_view key,
                                          const Range& r) {
  const auto it = props.find(key);
  if (it == props.end()) {
    json_error(jf, path, fmt::format("missing property '{}'", key));
    return std::nullopt;
  }
  if (!it->second.is_number()) {
    json_error(jf, path + std::string(key),
               fmt::format("expected a number, got {}", describe(it->second)));
    return std::nullopt;
  }
  const double v = it->second.get<double>();
  if (!r.contains(v)) {
    json_error(jf, path + std::string(key), fmt::format("must be {} (got {})", r.text(), num(v)));
    return std::nullopt;
  }
  return v;
}

std::optional<Polygon> Loader::json_polygon(JsonFile& jf, const geojson::Geometry& g,
                                            const JsonPath& path) {
  if (!g.has_coordinates) {
    json_error(jf, path, "a Polygon needs 'coordinates': an array of linear rings");
    return std::nullopt;
  }
  const JsonPath cpath = path + std::string("coordinates");
  if (g.rings == 0) {
    json_error(jf, cpath, "the Polygon has no rings");
    return std::nullopt;
  }
  if (g.rings > 1) {
    json_error(jf, cpath + size_t{1},
               fmt::format("polygons with holes are not supported (found {} rings)", g.rings));
    return std::nullopt;
  }
  const JsonPath rpath = cpath + size_t{0};
  if (g.first_ring_not_array) {
    json_error(jf, rpath,
               fmt::format("expected a ring (an array of positions), got {}",
                           describe(*g.first_ring_not_array)));
    return std::nullopt;
  }
  // Positions are [lon, lat] or [lon, lat, alt].
  std::vector<Vec2> pts;
  pts.reserve(g.positions.size());
  bool ok = true;
  auto bad = g.bad.begin();
  for (size_t k = 0; k < g.positions.size(); ++k) {
    if (bad != g.bad.end() && bad->first == k) {
      json_error(jf, rpath + k,
                 fmt::format("expected a position [lon, lat], got {}", describe(bad->second)));
      ++bad;
      ok = false;
      continue;
    }
    const auto [lon, lat] = g.positions[k];
    if (!between(-180, 180).contains(lon) || !between(-90, 90).contains(lat)) {
      json_error(jf, rpath + k,
                 fmt::format("longitude must be between -180 and 180 and latitude between -90 "
                             "and 90 (got [{}, {}]; GeoJSON positions are [lon, lat])",
                             num(lon), num(lat)));
      ok = false;
      continue;
    }
    if (!frame_) {
      ok = false;
      continue;
    }
    auto p = en_from_deg(lat, lon, "[lon, lat]");
    if (!p) {
      ok = false;
      if (p.error().find("swapped?") == std::string::npos) {
        json_error(jf, rpath + k, p.error());
      } else if (jf.swapped++ == 0) {  // one error for the file, at its first such vertex
        jf.swapped_diag = diags_.size();
        jf.swapped_message = p.error();
        json_error(jf, rpath + k, p.error());
      } else {
        diags_[jf.swapped_diag].message = fmt::format("{}; so do {} more vertices of this file",
                                                      jf.swapped_message, jf.swapped - 1);
      }
      continue;
    }
    pts.push_back(*p);
  }
  if (!ok) return std::nullopt;
  auto poly = make_polygon(pts);
  if (!poly) {
    const PolygonProblem& e = poly.error();
    json_error(jf, e.vertex >= 0 ? rpath + static_cast<size_t>(e.vertex) : rpath, e.message);
    return std::nullopt;
  }
  return *poly;
}

void Loader::read_features(JsonFile& jf, const geojson::Document& doc, GeoJsonKind kind) {
  // A FeatureCollection of Polygon features.
  if (!doc.value.is_object()) {
    json_error(jf, {},
               fmt::format("expected a GeoJSON FeatureCollection, got {}", describe(doc.value)));
    return;
  }
  if (!doc.type || *doc.type != "FeatureCollection") {
    std::string got = "an object without 'type'";
    if (doc.type) {
      got = doc.type->is_structured() ? "a 'type' that is " + describe(*doc.type)
                                      : "type " + doc.type->dump();
    }
    json_error(jf, doc.type ? JsonPath{std::string("type")} : JsonPath{},
               fmt::format("expected a GeoJSON FeatureCollection, got {}", got));
    return;
  }
  if (!doc.features) {
    json_error(jf, {}, "a FeatureCollection needs 'features': an array of Feature objects");
    return;
  }
  if (doc.features->empty()) json_error(jf, {"features"}, "the FeatureCollection has no features");

  for (size_t k = 0; k < doc.features->size(); ++k) {
    const geojson::Feature& feat = (*doc.features)[k];
    const JsonPath fpath{std::string("features"), k};
    if (!feat.value.is_object() || !feat.type || *feat.type != "Feature") {
      json_error(jf, fpath,
                 fmt::format("expected a Feature object, got {}",
                             feat.value.is_object() ? "an object without type \"Feature\""
                                                    : describe(feat.value)));
      continue;
    }
    // Geometry: one Polygon without holes.
    std::optional<Polygon> poly;
    const JsonPath gpath = fpath + std::string("geometry");
    if (!feat.geometry) {
      json_error(jf, feat.has_geometry ? gpath : fpath, "the feature has no geometry");
    } else if (!feat.geometry->type || *feat.geometry->type != "Polygon") {
      const json t = feat.geometry->type.value_or(json());
      json_error(jf, gpath + std::string("type"),
                 fmt::format("geometry type {} is not supported; use Polygon features (split a "
                             "MultiPolygon into several)",
                             t.is_string() ? "'" + t.get<std::string>() + "'" : describe(t)));
    } else {
      poly = json_polygon(jf, *feat.geometry, gpath);
    }

    // Properties.
    const geojson::Properties& props = feat.properties;
    const JsonPath ppath = fpath + std::string("properties");
    const JsonPath at = feat.has_properties ? ppath : fpath;
    auto string_prop = [&](std::string_view key, bool required,
                           bool allow_integer) -> std::optional<std::string> {
      const auto it = props.find(key);
      if (it == props.end()) {
        if (required) json_error(jf, at, fmt::format("missing property '{}'", key));
        return std::nullopt;
      }
      const json& v = it->second;
      if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
      if (allow_integer && v.is_number_integer()) return v.dump();
      json_error(jf, ppath + std::string(key),
                 fmt::format("expected a non-empty string{}, got {}",
                             allow_integer ? " or a whole number" : "", describe(v)));
      return std::nullopt;
    };

    if (kind == GeoJsonKind::kDefendedAreas) {
      const auto name = string_prop("name", true, false);
      const auto value = json_number(jf, props, at, "value", at_least(0));
      const bool ok = name && value && poly;
      const int index = static_cast<int>(sc_.defended_areas.size());
      sc_.defended_areas.push_back(
          {name.value_or(""), value.value_or(0), poly.value_or(Polygon())});
      if (name) {
        add_name_json(area_names_, "defended area name", *name, index, ok, jf,
                      ppath + std::string("name"));
      }
    } else {
      const auto id = string_prop("id", true, true);
      const bool has_name = props.contains("name");
      const auto name = has_name ? string_prop("name", false, false) : id;
      const auto population = json_number(jf, props, at, "population", at_least(0));
      const bool ok = id && name && population && poly;
      const int index = static_cast<int>(sc_.alert_zones.size());
      sc_.alert_zones.push_back(
          {id.value_or(""), name.value_or(""), population.value_or(0), poly.value_or(Polygon())});
      if (id)
        add_name_json(zone_ids_, "alert zone id", *id, index, ok, jf, ppath + std::string("id"));
    }
  }
}

}  // namespace canopy::scenario::detail
