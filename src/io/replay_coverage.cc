#include "canopy/io/replay_coverage.h"

#include <cmath>

namespace canopy::io {
namespace {

using nlohmann::ordered_json;

// To 0.1 m, as the rest of the replay.
double r1(double v) { return std::round(v * 10) / 10; }

ordered_json ring_json(const std::vector<core::Vec2>& ring) {
  ordered_json a = ordered_json::array();
  for (const core::Vec2& p : ring) a.push_back(ordered_json::array({r1(p.x()), r1(p.y())}));
  return a;
}

}  // namespace

nlohmann::ordered_json coverage_json(const scenario::Scenario* sc,
                                     const engage::CoverageOptions& options) {
  ordered_json radars = ordered_json::array(), footprints = ordered_json::array();
  if (sc != nullptr) {
    for (const auto& s : sc->sensors)
      radars.push_back({{"name", s.name},
                        {"max_range_m", r1(s.max_range_m)},
                        {"sector_en_m", ring_json(engage::sector_ring(s, options.arc_step_rad))}});
    for (const auto& f : engage::battery_footprints(*sc, options)) {
      ordered_json polygons = ordered_json::array();
      for (const auto& ring : f.rings) polygons.push_back(ring_json(ring));
      footprints.push_back(
          {{"battery", sc->batteries[static_cast<size_t>(f.battery)].name},
           {"rocket_type", sc->rocket_types[static_cast<size_t>(f.rocket_type)].name},
           {"polygons_en_m", polygons}});
    }
  }
  ordered_json j;
  j["radars"] = radars;
  j["footprints"] = footprints;
  return j;
}

}  // namespace canopy::io
