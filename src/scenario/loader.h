// The scenario loader's insides, shared by its source files (keys.cc,
// load*.cc); not part of the module's API: include it from those files only.
//
// The Loader reads one document: load.cc has the entry points and the YAML
// parse, load_fields.cc the checked mappings (Map) and typed values,
// load_scene.cc, load_threats.cc and load_defense.cc the sections, and
// load_geojson.cc the GeoJSON side files.
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/core/geodetic.h"
#include "canopy/core/polygon.h"
#include "canopy/scenario/geojson.h"
#include "canopy/scenario/keys.h"
#include "canopy/scenario/load.h"

namespace canopy::scenario::detail {

namespace fs = std::filesystem;
using core::Polygon;
using core::Vec3;
using geojson::JsonLocator;
using geojson::JsonPath;

// Limits of the format; docs/scenario.md lists them.
inline constexpr long long kFormatVersion = 1;
inline constexpr double kMaxFromOrigin_m = 1.0e6;
inline constexpr double kMaxDuration_s = 86400;
inline constexpr double kMaxSteps = 1e8;
inline constexpr double kMaxWind_mps = 150;
inline constexpr double kMaxWindAltitude_m = 100000;
inline constexpr long long kMaxRocketsPerRaid = 10000;
inline constexpr long long kMaxRocketsTotal = 100000;
inline constexpr double kMaxSpeedGain_mps = 3000;
inline constexpr double kMinPolygonArea_m2 = 1.0;
// Merge keys ('<<: *anchor') inside merged mappings: how deep, and how many
// merged mappings one mapping may take in all (aliases make a list of
// merges grow exponentially with depth otherwise).
inline constexpr int kMaxMergeDepth = 32;
inline constexpr int kMaxMergedMappings = 1000;
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// The key tables of files holding one part of a scenario (keys.cc).
const std::vector<KeyTable>& file_part_tables();

// ---------------------------------------------------------------------------
// Text helpers

inline std::string num(double v) { return fmt::format("{:g}", v); }

inline std::string km(double m) { return fmt::format("{:.1f}", m / 1000.0); }

// ---------------------------------------------------------------------------
// Value ranges

struct Range {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false;

  bool contains(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  std::string text() const {
    if (!lo_open && !hi_open && std::isfinite(lo) && std::isfinite(hi)) {
      return fmt::format("between {} and {}", num(lo), num(hi));
    }
    std::string out;
    if (std::isfinite(lo)) out = fmt::format("{} {}", lo_open ? ">" : ">=", num(lo));
    if (std::isfinite(hi)) {
      if (!out.empty()) out += " and ";
      out += fmt::format("{} {}", hi_open ? "<" : "<=", num(hi));
    }
    return out;
  }
};

inline Range any_number() { return {}; }
inline Range at_least(double lo) { return {lo, kInf, false, false}; }
inline Range between(double lo, double hi) { return {lo, hi, false, false}; }
inline Range above_upto(double lo, double hi) { return {lo, hi, true, false}; }

// ---------------------------------------------------------------------------
// Polygon checks shared by YAML and GeoJSON input

struct PolygonProblem {
  int vertex = -1;  // vertex to point at; -1 for the whole polygon
  std::string message;
};

// Builds a polygon from ring vertices (a repeated closing vertex and
// repeated neighbours are dropped) or says what is wrong with it.
std::expected<Polygon, PolygonProblem> make_polygon(const std::vector<Vec2>& ring);

// ---------------------------------------------------------------------------
// The loader

// A value in the YAML document and where it sits: its key path, and the
// mark to report (the key's when the value is empty and has no place).
struct Field {
  YAML::Node node;
  std::string path;
  YAML::Mark mark;
};

// A named entry as the document gave it, valid or not, for references.
struct NameEntry {
  int index = -1;
  bool valid = false;
  std::string where;  // "file:line:column" of its definition
};

class Loader;

// A YAML mapping checked against its key table: unknown keys (with a
// suggestion) and duplicate keys are reported when it is made. An empty
// value (`run:`) is an empty mapping where `empty_ok`, as for optional sections.
class Map {
 public:
  Map(Loader& loader, const Field& field, std::string_view table_path, bool empty_ok = true);

  bool ok() const { return ok_; }
  const Field& field() const { return field_; }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // The value of a key that is present (contract: has(key)).
  const Field& at(std::string_view key) const;
  // The value's field if present, else the mapping's own.
  const Field& at_or_self(std::string_view key) const { return has(key) ? at(key) : field_; }
  // Reports a missing key (unless an unknown key was already suggested as
  // it) and returns false when absent.
  bool require(std::string_view key, std::string_view hint = "");
  // Keys present, in document order.
  std::vector<std::string> keys() const;

 private:
  const Field* find(std::string_view key) const;
  void check_known(std::string_view key) const;

  Loader& loader_;
  Field field_;
  const KeyTable* table_ = nullptr;
  std::vector<std::pair<std::string, Field>> entries_;
  std::set<std::string> suggested_;
  bool ok_ = false;
};

class Loader {
 public:
  Loader(std::string file, fs::path base_dir, bool allow_geojson)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), allow_geojson_(allow_geojson) {}

  std::expected<Scenario, Diagnostics> load(std::string_view text);
  // A file holding one part of a scenario: "<sensors file>" (origin,
  // sensors) or "<threats file>" (rocket_types).
  std::expected<Scenario, Diagnostics> load_part(std::string_view text, std::string_view part);
  // A GeoJSON text on its own (load_geojson_string).
  std::expected<Scenario, Diagnostics> load_geojson(std::string_view text, GeoJsonKind kind,
                                                    const Origin& origin);

  // Reports the first byte that is not UTF-8: YAML is Unicode text, and
  // every name reaches JSON, CSV and HTML outputs.
  bool reject_invalid_utf8(std::string_view text);

  // Reports the ',' that would hang yaml-cpp (see stray_flow_entry, load.cc).
  bool reject_stray_flow_entry(std::string_view text);

  // Checks the text (reject_invalid_utf8, reject_stray_flow_entry), then
  // runs `parse` (YAML::Load or LoadAll) on it, reporting a YAML exception.
  // False when the text was rejected or did not parse.
  bool parse_yaml(std::string_view text, const std::function<void(const std::string&)>& parse);

  // Reporting
  void error(const Field& f, std::string message) { error_at(f.mark, f.path, std::move(message)); }
  void error_at(const YAML::Mark& m, std::string path, std::string message) {
    diags_.push_back({file_, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0,
                      std::move(path), std::move(message)});
  }
  std::string where(const YAML::Mark& m) const {
    return fmt::format("{}:{}:{}", file_, m.line + 1, m.column + 1);
  }

 private:
  // The diagnostics, files in order of first appearance and, within a
  // file, by position.
  Diagnostics sorted_diagnostics();

  // A GeoJSON file being read: diagnostics carry its name, the JSON path,
  // and the line and column found by the locator.
  struct JsonFile {
    std::string name;
    std::string_view text;
    std::optional<JsonLocator> locator{};
    // Vertices whose latitude and longitude look swapped: reported once,
    // at the first, with their count.
    int swapped = 0;
    size_t swapped_diag = 0;
    std::string swapped_message{};
  };

  void json_error(JsonFile& f, const JsonPath& path, std::string message);

  // Typed values; each reports its own problem and returns nullopt.
  std::optional<double> number(const Field& f, const Range& r);
  std::optional<long long> integer(const Field& f, long long lo, long long hi);
  std::optional<std::uint64_t> unsigned_integer(const Field& f);
  std::optional<std::string> text(const Field& f);
  std::optional<std::vector<Field>> list(const Field& f, std::string_view what);
  std::optional<std::vector<double>> tuple(const Field& f, const std::vector<Range>& ranges,
                                           std::string_view shape);
  std::optional<Vec2> point_km(const Field& f);
  std::optional<Vec2> point_deg(const Field& f);
  std::optional<Polygon> polygon(const Field& f, bool degrees);
  std::expected<Vec2, std::string> en_from_deg(double lat, double lon, std::string_view order);

  std::optional<double> req_number(Map& m, std::string_view key, const Range& r) {
    if (!m.require(key)) return std::nullopt;
    return number(m.at(key), r);
  }
  std::optional<double> opt_number(const Map& m, std::string_view key, double fallback,
                                   const Range& r) {
    if (!m.has(key)) return fallback;
    return number(m.at(key), r);
  }
  // An optional number that overwrites `out` when present and valid.
  void set_number(const Map& m, std::string_view key, double& out, const Range& r) {
    if (const auto v = opt_number(m, key, out, r)) out = *v;
  }
  std::optional<std::string> req_text(Map& m, std::string_view key) {
    if (!m.require(key)) return std::nullopt;
    return text(m.at(key));
  }
  // The index of the optional key's value in `options`; -1 if the key is
  // absent, or after reporting a value not in them (listing them).
  int choice(const Map& m, std::string_view key, const std::vector<std::string>& options);
  int choice(const Field& f, const std::vector<std::string>& options);
  // Exactly one of the keys; returns it, or "" after reporting.
  std::string one_of(Map& m, const std::vector<std::string>& keys, std::string_view what);
  // A polygon under polygon_km or polygon_deg (exactly one of them).
  std::optional<Polygon> polygon_choice(Map& m, std::vector<std::string> keys);
  // A point under position_km or position_deg (exactly one of them).
  std::optional<Vec2> position_choice(Map& m, std::string_view what);
  // The motor and airframe keys shared by rocket and interceptor types.
  bool read_airframe(Map& m, const Field& f, physics::RocketParams& params);
  // Registers a name; reports a duplicate.
  void add_name(std::map<std::string, NameEntry>& names, std::string_view what,
                const std::string& name, int index, bool valid, const Field& f);
  void add_name_json(std::map<std::string, NameEntry>& names, std::string_view what,
                     const std::string& name, int index, bool valid, JsonFile& jf,
                     const JsonPath& path);
  // Resolves a reference to a named entry; reports a dangling one.
  const NameEntry* resolve(const std::map<std::string, NameEntry>& names, std::string_view what,
                           const Field& f, const std::string& name);

  // Sections, in reading order.
  bool read_version(Map& top);
  void read_name(Map& top);
  void read_origin(Map& top);
  void read_run(Map& top);
  void read_environment(Map& top);
  void read_defended_areas(Map& top);
  void read_alert_zones(Map& top);
  void read_rocket_types(Map& top);
  void read_launch_sites(Map& top);
  void read_raids(Map& top);
  void read_sensors(Map& top);
  // A sensor's sigma and detection mappings; false when absent or invalid.
  bool read_sensor_axes(Map& m, Sensor& s);
  bool read_sensor_sigma(Map& m, Sensor& s);
  bool read_sensor_detection(Map& m, Sensor& s);
  void read_interceptor_types(Map& top);
  void read_batteries(Map& top);
  void read_tracker(Map& top);
  void read_doctrine(Map& top);
  void check_reach();

  // GeoJSON side files.
  void read_geojson(const Field& f, GeoJsonKind kind);
  void read_geojson_text(JsonFile& jf, GeoJsonKind kind);
  void read_features(JsonFile& jf, const geojson::Document& doc, GeoJsonKind kind);
  std::optional<Polygon> json_polygon(JsonFile& jf, const geojson::Geometry& g,
                                      const JsonPath& path);
  std::optional<double> json_number(JsonFile& jf, const geojson::Properties& props,
                                    const JsonPath& path, std::string_view key, const Range& r);

  std::string file_;
  fs::path base_dir_;
  bool allow_geojson_ = true;
  Diagnostics diags_;
  Scenario sc_;

  std::optional<core::GeoFrame> frame_;  // set when the origin is valid
  bool run_ok_ = false;
  std::vector<bool> raid_ok_;  // per raid: it and everything it refers to are valid
  std::map<std::string, NameEntry> area_names_, zone_ids_, type_names_, site_names_,
      interceptor_names_;
  std::vector<Field> raid_fields_;
  std::vector<std::string> raid_area_names_;
};

}  // namespace canopy::scenario::detail
