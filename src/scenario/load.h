// Loading and validating scenarios from YAML (with GeoJSON side files).
//
//   auto sc = scenario::load_file("raid.yaml");
//   if (!sc) for (const auto& d : sc.error()) std::cerr << d.to_string() << "\n";
//
// Every problem found is reported, not just the first, each with
// file:line:column and the key path (raids[1].aim.area).
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "canopy/scenario/scenario.h"

namespace canopy::scenario {

struct Diagnostic {
  std::string file;  // the YAML or GeoJSON file the problem is in
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string path;  // key path, e.g. "raids[1].aim.area"; empty for the whole file
  std::string message;

  // "file:line:column: path: message"
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Loads a scenario file. GeoJSON files it names are resolved relative to it.
std::expected<Scenario, Diagnostics> load_file(const std::string& path);

// Loads scenario text; `source_name` appears in diagnostics and `base_dir`
// resolves GeoJSON file names.
std::expected<Scenario, Diagnostics> load_string(std::string_view yaml, std::string source_name,
                                                 std::string base_dir = ".");

// What the features of a GeoJSON file become.
enum class GeoJsonKind { kDefendedAreas, kAlertZones };

// A GeoJSON text on its own, read and checked as a file named under
// `defended_areas` or `alert_zones` would be, in the frame of `origin`
// (lon/lat to east/north): for the fuzzer and tests. The scenario returned
// holds only those areas or zones.
std::expected<Scenario, Diagnostics> load_geojson_string(std::string_view text,
                                                         std::string source_name, GeoJsonKind kind,
                                                         const Origin& origin = {});

// Parts of a scenario in files of their own, for `canopy track`: a YAML
// mapping with `sensors:` (and `origin:` if a sensor uses position_deg), or
// with `rocket_types:` (the threat library). Same keys as in a scenario.
std::expected<std::vector<Sensor>, Diagnostics> load_sensors_file(const std::string& path);
std::expected<std::vector<RocketType>, Diagnostics> load_threats_file(const std::string& path);

// The built-in default scenario (scenarios/default.yaml, compiled in).
std::string_view default_scenario_yaml();
std::expected<Scenario, Diagnostics> load_default();

}  // namespace canopy::scenario
