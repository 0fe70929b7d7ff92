// The sections that set the scene: the format version, the name, the origin,
// the run's timing, the environment, defended areas and alert zones.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "canopy/scenario/loader.h"

namespace canopy::scenario::detail {

// ---------------------------------------------------------------------------
// Sections

bool Loader::read_version(Map& top) {
  if (!top.require("canopy", " (the format version: start the file with 'canopy: 1')")) {
    return true;
  }
  const Field& f = top.at("canopy");
  const auto v =
      integer(f, std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max());
  if (v && *v != kFormatVersion) {
    error(f, fmt::format("format version {} is not supported; this canopy reads version {}", *v,
                         kFormatVersion));
    return false;
  }
  return true;
}

void Loader::read_name(Map& top) {
  if (auto name = req_text(top, "name")) sc_.name = *name;
}

void Loader::read_origin(Map& top) {
  if (!top.require("origin")) return;
  Map m(*this, top.at("origin"), "origin");
  if (!m.ok()) return;
  const auto lat = req_number(m, "lat_deg", between(-90, 90));
  const auto lon = req_number(m, "lon_deg", between(-180, 180));
  const auto alt = opt_number(m, "alt_m", 0.0, between(-1000, 10000));
  if (!lat || !lon || !alt) return;
  sc_.origin = {*lat, *lon, *alt};
  frame_.emplace(*lat, *lon, *alt);
}

void Loader::read_run(Map& top) {
  const Field none{YAML::Node(), "run", top.field().mark};
  Map m(*this, top.has("run") ? top.at("run") : none, "run");
  if (!m.ok()) return;
  const auto duration = opt_number(m, "duration_s", 600.0, above_upto(0, kMaxDuration_s));
  const auto step = opt_number(m, "step_s", 0.01, above_upto(0, 1));
  const auto seed = m.has("seed") ? unsigned_integer(m.at("seed")) : std::optional<uint64_t>(1);
  if (seed) sc_.run.seed = *seed;
  if (!duration || !step) return;
  if (*step > *duration) {
    error(m.at_or_self("step_s"), fmt::format("step_s ({} s) must not exceed duration_s ({} s)",
                                              num(*step), num(*duration)));
    return;
  }
  if (*duration / *step > kMaxSteps) {
    error(m.at_or_self("step_s"),
          fmt::format("duration_s / step_s gives {:.3g} steps; at most {:.0e} are allowed",
                      *duration / *step, kMaxSteps));
    return;
  }
  sc_.run.duration_s = *duration;
  sc_.run.step_s = *step;
  run_ok_ = true;
}

void Loader::read_environment(Map& top) {
  if (!top.has("environment")) return;
  Map env(*this, top.at("environment"), "environment");
  if (!env.ok() || !env.has("wind")) return;
  Map wind(*this, env.at("wind"), "environment.wind");
  if (!wind.ok()) return;
  physics::WindProfile& out = sc_.environment.wind;
  const Range component = between(-kMaxWind_mps, kMaxWind_mps);
  const bool constant = wind.has("east_mps") || wind.has("north_mps");
  if (constant && wind.has("profile")) {
    error(wind.at("profile"),
          "give either a constant wind (east_mps, north_mps) or a profile, not both");
    return;
  }
  // A constant wind is a profile of one layer.
  if (constant) {
    const auto e = opt_number(wind, "east_mps", 0.0, component);
    const auto n = opt_number(wind, "north_mps", 0.0, component);
    if (e && n) {
      out.alt_m = {0.0};
      out.wind_en_mps = {Vec2(*e, *n)};
    }
    return;
  }
  if (!wind.has("profile")) return;
  const auto rows = list(wind.at("profile"), "[alt_m, east_mps, north_mps] rows");
  if (!rows) return;
  if (rows->empty()) {
    error(wind.at("profile"), "the profile needs at least one [alt_m, east_mps, north_mps] row");
    return;
  }
  physics::WindProfile profile;
  bool ok = true;
  for (const Field& row : *rows) {
    const auto v = tuple(row, {between(0, kMaxWindAltitude_m), component, component},
                         "a row [alt_m, east_mps, north_mps]");
    if (!v) {
      ok = false;
      continue;
    }
    if (!profile.alt_m.empty() && (*v)[0] <= profile.alt_m.back()) {
      error(row,
            fmt::format("altitudes must increase strictly down the profile ({} m follows {} m)",
                        num((*v)[0]), num(profile.alt_m.back())));
      ok = false;
    }
    profile.alt_m.push_back((*v)[0]);
    profile.wind_en_mps.emplace_back((*v)[1], (*v)[2]);
  }
  if (ok) out = profile;
}

void Loader::read_defended_areas(Map& top) {
  if (!top.has("defended_areas")) return;
  const auto items = list(top.at("defended_areas"), "defended areas");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "defended_areas[]", false);
    if (!m.ok()) continue;
    // A GeoJSON entry brings its own names and values.
    if (m.has("geojson")) {
      for (const std::string& k : m.keys()) {
        if (k != "geojson") {
          error(m.at(k), fmt::format("an entry with 'geojson' takes its areas from the file; "
                                     "'{}' cannot be given with it",
                                     k));
        }
      }
      read_geojson(m.at("geojson"), GeoJsonKind::kDefendedAreas);
      continue;
    }
    const auto name = req_text(m, "name");
    const auto value = req_number(m, "value", at_least(0));
    const auto poly = polygon_choice(m, {"polygon_km", "polygon_deg", "geojson"});
    const bool ok = name && value && poly;
    const int index = static_cast<int>(sc_.defended_areas.size());
    sc_.defended_areas.push_back({name.value_or(""), value.value_or(0), poly.value_or(Polygon())});
    if (name) add_name(area_names_, "defended area name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_alert_zones(Map& top) {
  if (!top.has("alert_zones")) return;
  const auto items = list(top.at("alert_zones"), "alert zones");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "alert_zones[]", false);
    if (!m.ok()) continue;
    if (m.has("geojson")) {
      for (const std::string& k : m.keys()) {
        if (k != "geojson") {
          error(m.at(k), fmt::format("an entry with 'geojson' takes its zones from the file; "
                                     "'{}' cannot be given with it",
                                     k));
        }
      }
      read_geojson(m.at("geojson"), GeoJsonKind::kAlertZones);
      continue;
    }
    const auto id = req_text(m, "id");
    const auto name = m.has("name") ? text(m.at("name")) : id;
    const auto population = req_number(m, "population", at_least(0));
    const auto poly = polygon_choice(m, {"polygon_km", "polygon_deg", "geojson"});
    const bool ok = id && name && population && poly;
    const int index = static_cast<int>(sc_.alert_zones.size());
    sc_.alert_zones.push_back(
        {id.value_or(""), name.value_or(""), population.value_or(0), poly.value_or(Polygon())});
    if (id) add_name(zone_ids_, "alert zone id", *id, index, ok, m.at("id"));
  }
}

}  // namespace canopy::scenario::detail
