// The scenario loader and validator (docs/scenario.md).
//
// The YAML document is read section by section. Every mapping is checked
// against its key table (keys.h) before its values are read, each value is
// checked for type and range where it is read, and every problem becomes a
// Diagnostic; reading goes on after an error wherever later checks do not
// depend on the failed part. Cross-references, run timing and the raids'
// reach come last.
#include "canopy/scenario/load.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>

#include "canopy/core/check.h"
#include "canopy/core/geodetic.h"
#include "canopy/core/input_file.h"
#include "canopy/core/polygon.h"
#include "canopy/core/text.h"
#include "canopy/core/units.h"
#include "canopy/physics/ballistics.h"
#include "canopy/scenario/geojson.h"
#include "canopy/scenario/keys.h"
#include "canopy/scenario/suggest.h"

namespace canopy::scenario {

const std::vector<KeyTable>& key_tables() {
  static const std::vector<KeyTable> kTables = {
      {"",
       {"canopy", "name", "origin", "run", "environment", "defended_areas", "alert_zones",
        "rocket_types", "launch_sites", "raids", "sensors", "interceptor_types", "batteries",
        "tracker", "doctrine"}},
      {"origin", {"lat_deg", "lon_deg", "alt_m"}},
      {"run", {"duration_s", "step_s", "seed"}},
      {"environment", {"wind"}},
      {"environment.wind", {"east_mps", "north_mps", "profile"}},
      {"defended_areas[]", {"name", "value", "polygon_km", "polygon_deg", "geojson"}},
      {"alert_zones[]", {"id", "name", "population", "polygon_km", "polygon_deg", "geojson"}},
      {"rocket_types[]",
       {"name", "launch_mass_kg", "propellant_mass_kg", "burn_time_s", "thrust_n", "diameter_m",
        "cd_mach", "cd_dispersion", "rcs_m2", "length_m"}},
      {"launch_sites[]", {"name", "center_km", "center_deg", "radius_km"}},
      {"raids[]", {"at_s", "site", "type", "count", "interval_s", "aim", "aim_sigma_m"}},
      {"raids[].aim", {"area", "point_km", "point_deg"}},
      {"sensors[]",
       {"name", "position_km", "position_deg", "alt_m", "azimuth_deg", "sector_deg",
        "elevation_deg", "range_km", "revisit_s", "sigma", "detection", "false_alarms_per_scan",
        "latency_s", "outages"}},
      {"sensors[].sigma", {"range_m", "azimuth_mrad", "elevation_mrad", "range_rate_mps"}},
      {"sensors[].detection",
       {"pd", "rcs_m2", "reference_range_km", "reference_snr_db", "threshold_db"}},
      {"interceptor_types[]",
       {"name", "launch_mass_kg", "propellant_mass_kg", "burn_time_s", "thrust_n", "diameter_m",
        "cd_mach", "max_accel_g", "max_flight_s", "autopilot_time_constant_s", "seeker",
        "lethal_radius_m", "pk_at_lethal_radius", "cost", "rcs_m2", "min_intercept_speed_mps",
        "fuze_sigma_ms"}},
      {"interceptor_types[].seeker",
       {"range_km", "sigma_mrad", "glint_fraction", "glint_correlation_s"}},
      {"batteries[]",
       {"name", "position_km", "position_deg", "launchers", "min_launch_interval_s",
        "intercept_altitude_m", "interceptor"}},
      {"batteries[].launchers[]", {"position_km", "position_deg", "interceptors", "reload_s"}},
      {"tracker",
       {"model", "filter", "association", "gate_probability", "confirm_m", "confirm_n",
        "delete_misses", "tentative_misses", "max_position_sigma_m", "max_speed_mps",
        "reorder_window_s", "wind_forecast_error_mps", "process_noise_mps2", "clutter_density"}},
      {"doctrine",
       {"p_engage", "p_release", "p_alert", "p_alert_release", "alert_hold_s", "min_warning_s",
        "prediction_interval_s", "shots_per_threat", "mode", "debris_weight", "cost_weight",
        "replan_s"}},
  };
  return kTables;
}

const std::vector<KeyTable>& file_part_tables() {
  static const std::vector<KeyTable> kTables = {
      {"<sensors file>", {"origin", "sensors"}},
      {"<threats file>", {"rocket_types"}},
  };
  return kTables;
}

std::string Diagnostic::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += fmt::format(":{}", line);
      if (column > 0) out += fmt::format(":{}", column);
    }
    out += ": ";
  }
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

namespace {

namespace fs = std::filesystem;
using core::Polygon;
using core::Vec3;
using geojson::JsonLocator;
using geojson::JsonPath;
using geojson::line_col;
using geojson::operator+;
using geojson::to_string;
using nlohmann::json;

// Limits of the format; docs/scenario.md lists them.
constexpr long long kFormatVersion = 1;
constexpr double kMaxFromOrigin_m = 1.0e6;
constexpr double kMaxDuration_s = 86400;
constexpr double kMaxSteps = 1e8;
constexpr double kMaxWind_mps = 150;
constexpr double kMaxWindAltitude_m = 100000;
constexpr long long kMaxRocketsPerRaid = 10000;
constexpr long long kMaxRocketsTotal = 100000;
constexpr double kMaxSpeedGain_mps = 3000;
constexpr double kMinPolygonArea_m2 = 1.0;
// Merge keys ('<<: *anchor') inside merged mappings: how deep, and how many
// merged mappings one mapping may take in all (aliases make a list of
// merges grow exponentially with depth otherwise).
constexpr int kMaxMergeDepth = 32;
constexpr int kMaxMergedMappings = 1000;
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------
// Text helpers

std::string member(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string item(std::string_view parent, size_t i) { return fmt::format("{}[{}]", parent, i); }

std::string num(double v) { return fmt::format("{:g}", v); }

std::string km(double m) { return fmt::format("{:.1f}", m / 1000.0); }

using geojson::describe;
using geojson::shorten;

// What a YAML node holds, for "expected X, got Y" messages.
std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return fmt::format("'{}'", shorten(n.Scalar()));
}

std::optional<double> parse_double(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

template <class Int>
std::optional<Int> parse_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  Int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// True for a scalar the document marks as a string (quoted, or !!str).
bool is_string_tagged(const YAML::Node& n) {
  return n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str";
}

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

Range any_number() { return {}; }
Range at_least(double lo) { return {lo, kInf, false, false}; }
Range between(double lo, double hi) { return {lo, hi, false, false}; }
Range above_upto(double lo, double hi) { return {lo, hi, true, false}; }

// ---------------------------------------------------------------------------
// Polygon checks shared by YAML and GeoJSON input

struct PolygonProblem {
  int vertex = -1;  // vertex to point at; -1 for the whole polygon
  std::string message;
};

double cross(const Vec2& a, const Vec2& b) { return a.x() * b.y() - a.y() * b.x(); }

// Builds a polygon from ring vertices (a repeated closing vertex and
// repeated neighbours are dropped) or says what is wrong with it.
std::expected<Polygon, PolygonProblem> make_polygon(const std::vector<Vec2>& ring) {
  // Drop repeated neighbours and the closing vertex, remembering indices.
  std::vector<Vec2> v;
  std::vector<int> original;
  for (size_t i = 0; i < ring.size(); ++i) {
    if (!v.empty() && ring[i] == v.back()) continue;
    v.push_back(ring[i]);
    original.push_back(static_cast<int>(i));
  }
  while (v.size() > 1 && v.front() == v.back()) {
    v.pop_back();
    original.pop_back();
  }
  std::set<std::pair<double, double>> distinct;
  for (const Vec2& p : v) distinct.emplace(p.x(), p.y());
  if (distinct.size() < 3) {
    return std::unexpected(PolygonProblem{
        -1, fmt::format("a polygon needs at least 3 distinct vertices (got {})", distinct.size())});
  }
  // All vertices on one line: measure from the line through vertex 0 and
  // the vertex farthest from it.
  size_t far = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if ((v[i] - v[0]).norm() > (v[far] - v[0]).norm()) far = i;
  }
  const Vec2 axis = (v[far] - v[0]).normalized();
  double width = 0;
  for (const Vec2& p : v) width = std::max(width, std::abs(cross(axis, p - v[0])));
  if (width < 1e-3) {
    return std::unexpected(
        PolygonProblem{-1, "the polygon has zero area: all its vertices lie on one line"});
  }
  Polygon poly(v);
  if (auto hit = poly.first_self_intersection()) {
    const int n = static_cast<int>(v.size());
    const auto [i, j] = *hit;
    return std::unexpected(PolygonProblem{
        original[i],
        fmt::format("the polygon crosses itself: the edge from vertex {} to {} meets the edge "
                    "from vertex {} to {} (vertices count from 0)",
                    original[i], original[(i + 1) % n], original[j], original[(j + 1) % n])});
  }
  if (poly.area_m2() < kMinPolygonArea_m2) {
    return std::unexpected(PolygonProblem{
        -1, fmt::format("the polygon has (almost) zero area: {} m^2", num(poly.area_m2()))});
  }
  return poly;
}

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

// yaml-cpp 0.7 never returns (it allocates without bound) on a ',' flow
// entry outside any flow collection that starts the document or follows a
// quoted scalar or a flow collection ('"s",', '[a],'). Such a ',' is never
// valid YAML, so it is found here and reported instead. The scan tracks
// quoted scalars and flow collections only where a token may start, and
// skips comments; a ',' inside a plain scalar ("a: 1, 2") is left alone.
std::optional<std::pair<int, int>> stray_flow_entry(std::string_view text) {
  int line = 1, col = 0, depth = 0;
  bool start = true;        // nothing significant yet
  bool after_node = false;  // just closed a quoted scalar or flow collection
  char prev = '\n';         // previous significant character on this line
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
      prev = '\n';
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    const bool token_start = prev == '\n' || prev == ':' || prev == '-' || prev == '[' ||
                             prev == '{' || prev == ',' || prev == '?';
    if ((c == '&' || c == '!') && (token_start || depth > 0)) {
      // An anchor or a tag: a node property. The node it belongs to (such
      // as a flow mapping) still starts a token.
      while (i + 1 < text.size() &&
             std::string_view(" \t\r\n,[]{}").find(text[i + 1]) == std::string_view::npos) {
        ++i, ++col;
      }
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if ((c == '"' || c == '\'') && (token_start || depth > 0)) {
      // A quoted scalar: skip to its closing quote.
      for (++i, ++col; i < text.size(); ++i, ++col) {
        if (text[i] == '\n') {
          ++line;
          col = 0;
        }
        if (c == '"' && text[i] == '\\') {
          ++i, ++col;
          continue;
        }
        if (text[i] == c) {
          if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            ++i, ++col;
            continue;
          }
          break;
        }
      }
      prev = c;
      start = false;
      after_node = depth == 0;
      continue;
    }
    if ((c == '[' || c == '{') && (token_start || depth > 0)) {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
      if (depth == 0) {
        prev = c;
        start = false;
        after_node = true;
        continue;
      }
    } else if (c == ',' && depth == 0 && (start || after_node)) {
      return std::make_pair(line, col);
    }
    prev = c;
    start = false;
    after_node = false;
  }
  return std::nullopt;
}

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
                                                    const Origin& origin) {
    sc_.origin = origin;
    frame_.emplace(origin.lat_deg, origin.lon_deg, origin.alt_m);
    JsonFile jf{.name = file_, .text = text};
    read_geojson_text(jf, kind);
    if (!diags_.empty()) return std::unexpected(sorted_diagnostics());
    return sc_;
  }

  // Reports the first byte that is not UTF-8: YAML is Unicode text, and
  // every name reaches JSON, CSV and HTML outputs.
  bool reject_invalid_utf8(std::string_view text) {
    const auto at = core::first_invalid_utf8(text);
    if (at) {
      const auto [line, col] = line_col(text, *at);
      diags_.push_back({file_, line, col, "",
                        fmt::format("not UTF-8 text: byte 0x{:02x} at offset {} is not valid UTF-8",
                                    static_cast<unsigned char>(text[*at]), *at)});
    }
    return at.has_value();
  }

  // Reports the ',' that would hang yaml-cpp (see stray_flow_entry).
  bool reject_stray_flow_entry(std::string_view text) {
    const auto at = stray_flow_entry(text);
    if (at) {
      diags_.push_back(
          {file_, at->first, at->second, "", "YAML syntax error: ',' outside a [ ] or { } list"});
    }
    return at.has_value();
  }

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
  Diagnostics sorted_diagnostics() {
    std::vector<std::string> files;
    for (const Diagnostic& d : diags_) {
      if (std::find(files.begin(), files.end(), d.file) == files.end()) files.push_back(d.file);
    }
    auto rank = [&](const Diagnostic& d) {
      return std::tuple(std::find(files.begin(), files.end(), d.file) - files.begin(), d.line,
                        d.column);
    };
    std::stable_sort(diags_.begin(), diags_.end(),
                     [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
    return diags_;
  }

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

  void json_error(JsonFile& f, const JsonPath& path, std::string message) {
    if (!f.locator) f.locator.emplace(f.text);
    const auto [line, col] = f.locator->line_col(path);
    diags_.push_back({f.name, line, col, to_string(path), std::move(message)});
  }

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

Map::Map(Loader& loader, const Field& field, std::string_view table_path, bool empty_ok)
    : loader_(loader), field_(field) {
  for (const KeyTable& t : key_tables()) {
    if (t.path == table_path) table_ = &t;
  }
  for (const KeyTable& t : file_part_tables()) {
    if (t.path == table_path) table_ = &t;
  }
  CANOPY_CHECK(table_ != nullptr, "no key table '{}'", table_path);
  std::vector<std::string> known(table_->keys.begin(), table_->keys.end());
  const YAML::Node& node = field.node;
  if (empty_ok && (!node.IsDefined() || node.IsNull())) {
    ok_ = true;
    return;
  }
  if (!node.IsMap()) {
    loader_.error(field, fmt::format("expected a mapping (key: value) with keys {}, got {}",
                                     join_quoted(known), describe(node)));
    return;
  }
  ok_ = true;
  // One key and its value; a merged key ('<<: *anchor') yields to one given
  // here.
  auto add = [&](const YAML::Node& k, const YAML::Node& v, bool merged) {
    if (!k.IsScalar()) {
      loader_.error_at(k.Mark(), field.path, "keys must be plain names, not lists or mappings");
      return;
    }
    const std::string& key = k.Scalar();
    const std::string path = member(field.path, key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const auto s = suggestions(key, known);
      for (const std::string& name : s) suggested_.insert(name);
      const std::string hint =
          s.empty() ? fmt::format(" (keys here: {})", join_quoted(known)) : did_you_mean(s);
      loader_.error_at(k.Mark(), path, fmt::format("unknown key '{}'{}", key, hint));
      return;
    }
    if (const Field* first = find(key)) {
      if (!merged) {
        loader_.error_at(
            k.Mark(), path,
            fmt::format("duplicate key '{}' (first given at line {})", key, first->mark.line + 1));
      }
      return;
    }
    const YAML::Mark mark = (v.IsNull() || v.Mark().line < 0) ? k.Mark() : v.Mark();
    entries_.emplace_back(key, Field{v, path, mark});
  };
  // Keys given here, then those of merged mappings, in order; a merged
  // mapping may merge others in turn (its own keys come before theirs).
  int merged_count = 0;
  std::function<void(const YAML::Node&, bool, int)> collect = [&](const YAML::Node& map,
                                                                  bool merged, int depth) {
    std::vector<YAML::Node> merges;
    for (const auto& kv : map) {
      const YAML::Node k = kv.first;
      const YAML::Node v = kv.second;
      if (k.IsScalar() && k.Scalar() == "<<" && !is_string_tagged(k)) {
        std::vector<YAML::Node> sources;
        if (v.IsMap()) sources.push_back(v);
        if (v.IsSequence()) {
          for (const YAML::Node& e : v) sources.push_back(e);
        }
        const bool all_maps =
            !sources.empty() &&
            std::all_of(sources.begin(), sources.end(), [](const auto& n) { return n.IsMap(); });
        if (!all_maps) {
          loader_.error_at(k.Mark(), member(field.path, "<<"),
                           "a merge key takes a mapping (such as *anchor) or a list of them");
          continue;
        }
        merged_count += static_cast<int>(sources.size());
        if (depth >= kMaxMergeDepth || merged_count > kMaxMergedMappings) {
          loader_.error_at(k.Mark(), member(field.path, "<<"),
                           fmt::format("merges nested more than {} deep or more than {} merged "
                                       "mappings in all",
                                       kMaxMergeDepth, kMaxMergedMappings));
          continue;
        }
        merges.insert(merges.end(), sources.begin(), sources.end());
        continue;
      }
      add(k, v, merged);
    }
    for (const YAML::Node& m : merges) collect(m, true, depth + 1);
  };
  collect(node, false, 0);
}

void Map::check_known(std::string_view key) const {
  // A key read that is not in the table is a programming error.
  CANOPY_CHECK(std::find(table_->keys.begin(), table_->keys.end(), key) != table_->keys.end(),
               "key '{}' is not in table '{}'", key, table_->path);
}

const Field* Map::find(std::string_view key) const {
  check_known(key);
  for (const auto& [k, f] : entries_) {
    if (k == key) return &f;
  }
  return nullptr;
}

const Field& Map::at(std::string_view key) const {
  const Field* f = find(key);
  CANOPY_CHECK(f != nullptr, "key '{}' read but absent", key);
  return *f;
}

bool Map::require(std::string_view key, std::string_view hint) {
  if (has(key)) return true;
  if (ok_ && !suggested_.contains(std::string(key))) {
    loader_.error(field_, fmt::format("missing required key '{}'{}", key, hint));
  }
  return false;
}

std::vector<std::string> Map::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, f] : entries_) out.push_back(k);
  return out;
}

// ---------------------------------------------------------------------------
// Typed values

std::optional<double> Loader::number(const Field& f, const Range& r) {
  const YAML::Node& n = f.node;
  if (!n.IsScalar()) {
    error(f, fmt::format("expected a number, got {}", describe(n)));
    return std::nullopt;
  }
  if (is_string_tagged(n)) {
    error(f, fmt::format("expected a number, got the string \"{}\" (remove the quotes)",
                         shorten(n.Scalar())));
    return std::nullopt;
  }
  const auto v = parse_double(n.Scalar());
  if (!v) {
    error(f, fmt::format("expected a number, got {}", describe(n)));
    return std::nullopt;
  }
  if (!std::isfinite(*v)) {
    error(f, fmt::format("expected a finite number, got {}", describe(n)));
    return std::nullopt;
  }
  if (!r.contains(*v)) {
    error(f, fmt::format("must be {} (got {})", r.text(), num(*v)));
    return std::nullopt;
  }
  return v;
}

std::optional<long long> Loader::integer(const Field& f, long long lo, long long hi) {
  const YAML::Node& n = f.node;
  if (!n.IsScalar() || is_string_tagged(n)) {
    error(f, fmt::format("expected a whole number, got {}", describe(n)));
    return std::nullopt;
  }
  const auto v = parse_int<long long>(n.Scalar());
  if (!v) {
    error(f, fmt::format("expected a whole number, got {}", describe(n)));
    return std::nullopt;
  }
  if (*v < lo || *v > hi) {
    error(f, fmt::format("must be between {} and {} (got {})", lo, hi, *v));
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> Loader::unsigned_integer(const Field& f) {
  const YAML::Node& n = f.node;
  const auto v =
      n.IsScalar() && !is_string_tagged(n) ? parse_int<std::uint64_t>(n.Scalar()) : std::nullopt;
  if (!v) {
    error(f, fmt::format("expected a whole number between 0 and {}, got {}",
                         std::numeric_limits<std::uint64_t>::max(), describe(n)));
  }
  return v;
}

std::optional<std::string> Loader::text(const Field& f) {
  const YAML::Node& n = f.node;
  if (!n.IsScalar()) {
    error(f, fmt::format("expected a name, got {}", describe(n)));
    return std::nullopt;
  }
  if (n.Scalar().empty()) {
    error(f, "must not be empty");
    return std::nullopt;
  }
  if (core::first_invalid_utf8(n.Scalar())) {  // an escape such as "\ud800"
    error(f, "not valid UTF-8 (an escape gives a lone surrogate or a code point above U+10FFFF)");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::vector<Field>> Loader::list(const Field& f, std::string_view what) {
  const YAML::Node& n = f.node;
  std::vector<Field> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) {
    error(f, fmt::format("expected a list of {}, got {}", what, describe(n)));
    return std::nullopt;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node e = n[i];
    out.push_back({e, item(f.path, i), (e.IsNull() || e.Mark().line < 0) ? f.mark : e.Mark()});
  }
  return out;
}

std::optional<std::vector<double>> Loader::tuple(const Field& f, const std::vector<Range>& ranges,
                                                 std::string_view shape) {
  const YAML::Node& n = f.node;
  if (!n.IsSequence() || n.size() != ranges.size()) {
    error(f, fmt::format("expected {}, got {}", shape,
                         n.IsSequence() ? fmt::format("a list of {}", n.size()) : describe(n)));
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const YAML::Node e = n[i];
    const auto v = number({e, item(f.path, i), e.Mark().line >= 0 ? e.Mark() : f.mark}, ranges[i]);
    ok = ok && v.has_value();
    out.push_back(v.value_or(0.0));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Vec2> Loader::point_km(const Field& f) {
  const auto v = tuple(f, {any_number(), any_number()}, "a point [east_km, north_km]");
  if (!v) return std::nullopt;
  const Vec2 p = core::km_to_m(1.0) * Vec2((*v)[0], (*v)[1]);
  if (p.norm() > kMaxFromOrigin_m) {
    error(f, fmt::format("lies {} km from the origin; points must lie within {} km of it",
                         km(p.norm()), num(kMaxFromOrigin_m / 1000)));
    return std::nullopt;
  }
  return p;
}

std::expected<Vec2, std::string> Loader::en_from_deg(double lat, double lon,
                                                     std::string_view order) {
  // Lat/lon name points on the ground: convert at the origin's height.
  const Vec3 enu = frame_->enu_from_latlon(lat, lon, sc_.origin.alt_m);
  if (enu.norm() <= kMaxFromOrigin_m) return enu.head<2>();
  std::string msg = fmt::format("lies {} km from the origin; points must lie within {} km of it",
                                km(enu.norm()), num(kMaxFromOrigin_m / 1000));
  // A swapped pair often explains a far point.
  if (std::abs(lon) <= 90 &&
      frame_->enu_from_latlon(lon, lat, sc_.origin.alt_m).norm() <= kMaxFromOrigin_m) {
    msg += fmt::format(" (are latitude and longitude swapped? points here are {})", order);
  }
  return std::unexpected(msg);
}

std::optional<Vec2> Loader::point_deg(const Field& f) {
  const auto v = tuple(f, {between(-90, 90), between(-180, 180)}, "a point [lat_deg, lon_deg]");
  // Without a valid origin there is no frame; the origin's error stands.
  if (!v || !frame_) return std::nullopt;
  auto p = en_from_deg((*v)[0], (*v)[1], "[lat, lon]");
  if (!p) {
    error(f, p.error());
    return std::nullopt;
  }
  return *p;
}

std::optional<Polygon> Loader::polygon(const Field& f, bool degrees) {
  const auto items = list(f, degrees ? "[lat, lon] points" : "[east, north] points");
  if (!items) return std::nullopt;
  std::vector<Vec2> ring;
  bool ok = true;
  for (const Field& p : *items) {
    const auto v = degrees ? point_deg(p) : point_km(p);
    ok = ok && v.has_value();
    if (v) ring.push_back(*v);
  }
  if (!ok) return std::nullopt;
  auto poly = make_polygon(ring);
  if (!poly) {
    const PolygonProblem& e = poly.error();
    error(e.vertex >= 0 ? (*items)[e.vertex] : f, e.message);
    return std::nullopt;
  }
  return *poly;
}

std::string Loader::one_of(Map& m, const std::vector<std::string>& keys, std::string_view what) {
  std::vector<std::string> present;
  for (const std::string& k : keys) {
    if (m.has(k)) present.push_back(k);
  }
  if (present.size() == 1) return present[0];
  if (present.empty()) {
    m.require(keys[0], fmt::format(" ({} needs one of {})", what, join_quoted(keys)));
  } else {
    error(m.at(present[1]), fmt::format("give only one of {} ({} are both given)",
                                        join_quoted(keys), join_quoted({present[0], present[1]})));
  }
  return "";
}

std::optional<Polygon> Loader::polygon_choice(Map& m, std::vector<std::string> keys) {
  const std::string key = one_of(m, keys, "an inline polygon");
  if (key.empty()) return std::nullopt;
  return polygon(m.at(key), key == "polygon_deg");
}

void Loader::add_name(std::map<std::string, NameEntry>& names, std::string_view what,
                      const std::string& name, int index, bool valid, const Field& f) {
  if (const auto it = names.find(name); it != names.end()) {
    error(f, fmt::format("duplicate {} '{}' (the first is at {})", what, name, it->second.where));
    return;
  }
  names[name] = {index, valid, where(f.mark)};
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

const NameEntry* Loader::resolve(const std::map<std::string, NameEntry>& names,
                                 std::string_view what, const Field& f, const std::string& name) {
  if (const auto it = names.find(name); it != names.end()) return &it->second;
  std::vector<std::string> all;
  for (const auto& [n, e] : names) all.push_back(n);
  const auto s = suggestions(name, all);
  std::string hint = did_you_mean(s);
  if (hint.empty()) {
    hint = all.empty() ? fmt::format(" (there are none)")
                       : fmt::format(" (known: {})", join_quoted(all));
  }
  error(f, fmt::format("no {} named '{}'{}", what, name, hint));
  return nullptr;
}

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

bool Loader::read_airframe(Map& m, const Field& f, physics::RocketParams& params) {
  const auto m0 = req_number(m, "launch_mass_kg", above_upto(0, 10000));
  const auto mp = req_number(m, "propellant_mass_kg", above_upto(0, 10000));
  const auto tb = req_number(m, "burn_time_s", above_upto(0, 300));
  const auto thrust = req_number(m, "thrust_n", above_upto(0, 1e7));
  const auto d = req_number(m, "diameter_m", above_upto(0, 2));
  bool ok = m0 && mp && tb && thrust && d;

  // Cd(Mach): [mach, cd] rows, Mach strictly increasing.
  physics::CdTable cd;
  if (m.require("cd_mach")) {
    const auto rows = list(m.at("cd_mach"), "[mach, cd] pairs");
    if (rows && rows->empty()) {
      error(m.at("cd_mach"), "the table needs at least one [mach, cd] pair");
    }
    ok = ok && rows && !rows->empty();
    for (const Field& row : rows.value_or(std::vector<Field>{})) {
      const auto v = tuple(row, {between(0, 50), above_upto(0, 10)}, "a pair [mach, cd]");
      if (!v) {
        ok = false;
        continue;
      }
      if (!cd.mach.empty() && (*v)[0] <= cd.mach.back()) {
        error(row, fmt::format("Mach numbers must increase strictly down the table ({} follows {})",
                               num((*v)[0]), num(cd.mach.back())));
        ok = false;
      }
      cd.mach.push_back((*v)[0]);
      cd.cd.push_back((*v)[1]);
    }
  } else {
    ok = false;
  }

  // The motor must be physical: propellant lighter than the rocket,
  // thrust above the launch weight, and a short-range speed gain.
  if (m0 && mp && *mp >= *m0) {
    error(m.at("propellant_mass_kg"),
          fmt::format("must be less than launch_mass_kg ({} kg)", num(*m0)));
    ok = false;
  }
  if (m0 && thrust && *thrust <= *m0 * core::kStandardGravity_mps2) {
    error(m.at("thrust_n"), fmt::format("{} N does not lift the launch weight of {} N "
                                        "(launch_mass_kg x 9.80665 m/s^2)",
                                        num(*thrust), num(*m0 * core::kStandardGravity_mps2)));
    ok = false;
  }
  if (ok) {
    const double gain = *thrust * *tb / *mp * std::log(*m0 / (*m0 - *mp));
    if (gain > kMaxSpeedGain_mps) {
      error(f, fmt::format("the motor's ideal speed gain is {} m/s (thrust_n x burn_time_s / "
                           "propellant_mass_kg x ln(launch mass / burnout mass)); canopy "
                           "models short-range rockets, up to {} m/s",
                           num(std::round(gain)), num(kMaxSpeedGain_mps)));
      ok = false;
    }
  }

  params.launch_mass_kg = m0.value_or(0);
  params.propellant_mass_kg = mp.value_or(0);
  params.burn_time_s = tb.value_or(0);
  params.thrust_N = thrust.value_or(0);
  params.diameter_m = d.value_or(0);
  params.cd = cd;
  params.cd_factor = 1.0;
  return ok;
}

std::optional<Vec2> Loader::position_choice(Map& m, std::string_view what) {
  const std::string which = one_of(m, {"position_km", "position_deg"}, what);
  if (which == "position_km") return point_km(m.at(which));
  if (which != "position_deg") return std::nullopt;
  if (!frame_ && m.at(which).node.IsSequence()) {
    error(m.at(which),
          "position_deg needs the frame's origin: add 'origin: {lat_deg, "
          "lon_deg}' or use position_km");
  }
  return point_deg(m.at(which));
}

void Loader::read_rocket_types(Map& top) {
  if (!top.has("rocket_types")) return;
  const auto items = list(top.at("rocket_types"), "rocket types");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "rocket_types[]", false);
    if (!m.ok()) continue;
    const auto name = req_text(m, "name");
    const auto dispersion = opt_number(m, "cd_dispersion", 0.03, between(0, 0.5));
    const auto rcs = opt_number(m, "rcs_m2", 0.05, above_upto(0, 1000));
    const auto length = opt_number(m, "length_m", 0.0, above_upto(0, 100));
    RocketType type;
    const bool ok = read_airframe(m, f, type.params) && name && dispersion && rcs && length;
    type.name = name.value_or("");
    type.cd_dispersion = dispersion.value_or(0.03);
    type.rcs_m2 = rcs.value_or(0.05);
    type.length_m = m.has("length_m") ? length.value_or(1) : 15 * type.params.diameter_m;
    const int index = static_cast<int>(sc_.rocket_types.size());
    sc_.rocket_types.push_back(type);
    if (name) add_name(type_names_, "rocket type name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_sensors(Map& top) {
  if (!top.has("sensors")) return;
  const auto items = list(top.at("sensors"), "sensors");
  if (!items) return;
  std::map<std::string, NameEntry> names;
  for (const Field& f : *items) {
    Map m(*this, f, "sensors[]", false);
    if (!m.ok()) continue;
    Sensor s;
    const auto name = req_text(m, "name");
    const std::optional<Vec2> en = position_choice(m, "a sensor");
    const auto alt = opt_number(m, "alt_m", 10.0, between(0, 10000));
    const auto az = opt_number(m, "azimuth_deg", 0.0, between(-360, 360));
    const auto sector = opt_number(m, "sector_deg", 360.0, above_upto(0, 360));
    std::optional<std::vector<double>> el = std::vector<double>{0.5, 80};
    if (m.has("elevation_deg")) {
      el = tuple(m.at("elevation_deg"), {between(-10, 90), between(-10, 90)}, "[min_deg, max_deg]");
      if (el && (*el)[0] >= (*el)[1]) {
        error(m.at("elevation_deg"), "the minimum must be below the maximum");
        el.reset();
      }
    }
    std::optional<std::vector<double>> range;
    if (m.require("range_km")) {
      range = tuple(m.at("range_km"), {between(0, 2000), above_upto(0, 2000)}, "[min_km, max_km]");
      if (range && (*range)[0] >= (*range)[1]) {
        error(m.at("range_km"), "the minimum must be below the maximum");
        range.reset();
      }
    }
    const auto revisit = req_number(m, "revisit_s", above_upto(0, 60));
    bool ok = name && en && alt && az && sector && el && range && revisit;

    // Noise.
    if (m.require("sigma")) {
      Map sg(*this, m.at("sigma"), "sensors[].sigma", false);
      const auto sr = sg.ok() ? req_number(sg, "range_m", above_upto(0, 10000)) : std::nullopt;
      const auto sa = sg.ok() ? req_number(sg, "azimuth_mrad", above_upto(0, 1000)) : std::nullopt;
      const auto se =
          sg.ok() ? req_number(sg, "elevation_mrad", above_upto(0, 1000)) : std::nullopt;
      const auto srr = sg.ok() ? opt_number(sg, "range_rate_mps", 0.0, between(0, 1000))
                               : std::optional<double>(0.0);
      ok = ok && sg.ok() && sr && sa && se && srr;
      s.sigma_range_m = sr.value_or(10);
      s.sigma_azimuth_rad = sa.value_or(1) * 1e-3;
      s.sigma_elevation_rad = se.value_or(1) * 1e-3;
      s.sigma_range_rate_mps = srr.value_or(0);
    } else {
      ok = false;
    }

    // Detection: a fixed Pd, or the SNR model.
    if (m.require("detection")) {
      Map d(*this, m.at("detection"), "sensors[].detection", false);
      if (d.ok()) {
        const std::vector<std::string> snr_keys = {"rcs_m2", "reference_range_km",
                                                   "reference_snr_db", "threshold_db"};
        bool any_snr = false;
        for (const auto& k : snr_keys) any_snr = any_snr || d.has(k);
        if (d.has("pd") && any_snr) {
          error(m.at("detection"),
                "give either {pd} or the SNR model {rcs_m2, "
                "reference_range_km, reference_snr_db, threshold_db}, not both");
          ok = false;
        } else if (!any_snr) {
          const auto pd = req_number(d, "pd", above_upto(0, 1));
          ok = ok && pd;
          s.detection.pd = pd.value_or(0.9);
        } else {
          const auto rcs = req_number(d, "rcs_m2", above_upto(0, 1000));
          const auto rr = req_number(d, "reference_range_km", above_upto(0, 2000));
          const auto snr = req_number(d, "reference_snr_db", between(-50, 100));
          const auto th = req_number(d, "threshold_db", between(0, 50));
          ok = ok && rcs && rr && snr && th;
          s.detection.kind = DetectionModel::Kind::kSnr;
          s.detection.rcs_m2 = rcs.value_or(1);
          s.detection.reference_range_m = core::km_to_m(rr.value_or(50));
          s.detection.reference_snr_db = snr.value_or(20);
          s.detection.threshold_db = th.value_or(13);
        }
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    const auto fa = opt_number(m, "false_alarms_per_scan", 0.0, between(0, 1000));
    const auto latency = opt_number(m, "latency_s", 0.0, between(0, 60));
    ok = ok && fa && latency;
    if (m.has("outages")) {
      const auto windows = list(m.at("outages"), "[start_s, end_s] windows");
      ok = ok && windows;
      for (const Field& w : windows.value_or(std::vector<Field>{})) {
        const auto v = tuple(w, {at_least(0), at_least(0)}, "a window [start_s, end_s]");
        if (v && (*v)[0] >= (*v)[1]) {
          error(w, "the window must end after it starts");
          ok = false;
          continue;
        }
        if (!v) {
          ok = false;
          continue;
        }
        s.outages.emplace_back((*v)[0], (*v)[1]);
      }
    }

    s.name = name.value_or("");
    s.position_en_m = en.value_or(Vec2::Zero());
    s.alt_m = alt.value_or(10);
    const core::Vec3 ground = core::ground_point(s.position_en_m);
    s.p_W = ground + s.alt_m * core::up_at(ground);
    s.azimuth_rad = core::deg_to_rad(az.value_or(0));
    s.sector_rad = core::deg_to_rad(sector.value_or(360));
    s.min_elevation_rad = core::deg_to_rad(el.value_or(std::vector<double>{0.5, 80})[0]);
    s.max_elevation_rad = core::deg_to_rad(el.value_or(std::vector<double>{0.5, 80})[1]);
    s.min_range_m = core::km_to_m(range.value_or(std::vector<double>{1, 100})[0]);
    s.max_range_m = core::km_to_m(range.value_or(std::vector<double>{1, 100})[1]);
    s.revisit_s = revisit.value_or(1);
    s.false_alarms_per_scan = fa.value_or(0);
    s.latency_s = latency.value_or(0);
    const int index = static_cast<int>(sc_.sensors.size());
    sc_.sensors.push_back(s);
    if (name) add_name(names, "sensor name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_interceptor_types(Map& top) {
  if (!top.has("interceptor_types")) return;
  const auto items = list(top.at("interceptor_types"), "interceptor types");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "interceptor_types[]", false);
    if (!m.ok()) continue;
    InterceptorType t;
    const auto name = req_text(m, "name");
    bool ok = read_airframe(m, f, t.params) && name;
    const auto accel = req_number(m, "max_accel_g", above_upto(0, 200));
    const auto flight = req_number(m, "max_flight_s", above_upto(0, 600));
    const auto lag = opt_number(m, "autopilot_time_constant_s", t.autopilot_lag_s, between(0, 10));
    const auto lethal = req_number(m, "lethal_radius_m", above_upto(0, 1000));
    const auto pk = req_number(m, "pk_at_lethal_radius", above_upto(0, 1));
    const auto cost = opt_number(m, "cost", 0.0, at_least(0));
    const auto rcs = opt_number(m, "rcs_m2", t.rcs_m2, above_upto(0, 1000));
    const auto vmin =
        opt_number(m, "min_intercept_speed_mps", t.min_intercept_speed_mps, between(0, 5000));
    const auto fuze = opt_number(m, "fuze_sigma_ms", t.fuze_sigma_s * 1e3, between(0, 100));
    ok = ok && accel && flight && lag && lethal && pk && cost && rcs && vmin && fuze;
    t.fuze_sigma_s = fuze.value_or(1) * 1e-3;
    if (m.require("seeker")) {
      Map sk(*this, m.at("seeker"), "interceptor_types[].seeker", false);
      const auto range = sk.ok() ? req_number(sk, "range_km", above_upto(0, 100)) : std::nullopt;
      const auto sigma = sk.ok() ? req_number(sk, "sigma_mrad", between(0, 100)) : std::nullopt;
      const auto glint =
          sk.ok() ? opt_number(sk, "glint_fraction", t.seeker.glint_fraction, between(0, 10))
                  : std::nullopt;
      const auto corr = sk.ok() ? opt_number(sk, "glint_correlation_s",
                                             t.seeker.glint_correlation_s, above_upto(0, 100))
                                : std::nullopt;
      ok = ok && range && sigma && glint && corr;
      t.seeker.range_m = core::km_to_m(range.value_or(4));
      t.seeker.sigma_rad = sigma.value_or(1) * 1e-3;
      t.seeker.glint_fraction = glint.value_or(0.2);
      t.seeker.glint_correlation_s = corr.value_or(0.1);
    } else {
      ok = false;
    }
    t.name = name.value_or("");
    t.max_accel_mps2 = accel.value_or(30) * core::kStandardGravity_mps2;
    t.max_flight_s = flight.value_or(40);
    t.autopilot_lag_s = lag.value_or(0.15);
    t.lethal_radius_m = lethal.value_or(8);
    t.pk_at_lethal_radius = pk.value_or(0.9);
    t.cost = cost.value_or(0);
    t.rcs_m2 = rcs.value_or(0.02);
    t.min_intercept_speed_mps = vmin.value_or(300);
    const int index = static_cast<int>(sc_.interceptor_types.size());
    sc_.interceptor_types.push_back(t);
    if (name) add_name(interceptor_names_, "interceptor type name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_batteries(Map& top) {
  if (!top.has("batteries")) return;
  const auto items = list(top.at("batteries"), "batteries");
  if (!items) return;
  std::map<std::string, NameEntry> names;
  for (const Field& f : *items) {
    Map m(*this, f, "batteries[]", false);
    if (!m.ok()) continue;
    Battery b;
    const auto name = req_text(m, "name");
    const auto en = position_choice(m, "a battery");
    const auto interval =
        opt_number(m, "min_launch_interval_s", b.min_launch_interval_s, between(0, 3600));
    bool ok = name && en && interval;
    if (m.has("intercept_altitude_m")) {
      const auto alt = tuple(m.at("intercept_altitude_m"),
                             {between(0, 100000), above_upto(0, 100000)}, "[min_m, max_m]");
      if (alt && (*alt)[0] >= (*alt)[1]) {
        error(m.at("intercept_altitude_m"), "the minimum must be below the maximum");
        ok = false;
      } else if (alt) {
        b.min_intercept_alt_m = (*alt)[0];
        b.max_intercept_alt_m = (*alt)[1];
      } else {
        ok = false;
      }
    }
    if (const auto type = req_text(m, "interceptor")) {
      const NameEntry* e =
          resolve(interceptor_names_, "interceptor type", m.at("interceptor"), *type);
      ok = ok && e && e->valid;
      if (e) b.interceptor_type = e->index;
    } else {
      ok = false;
    }
    if (m.require("launchers")) {
      const auto launchers = list(m.at("launchers"), "launchers");
      if (launchers && launchers->empty()) {
        error(m.at("launchers"), "a battery needs at least one launcher");
        ok = false;
      }
      ok = ok && launchers;
      for (const Field& lf : launchers.value_or(std::vector<Field>{})) {
        Map lm(*this, lf, "batteries[].launchers[]", false);
        if (!lm.ok()) {
          ok = false;
          continue;
        }
        Launcher l;
        const auto lp = position_choice(lm, "a launcher");
        const auto count = lm.has("interceptors") ? integer(lm.at("interceptors"), 0, 100000)
                                                  : std::optional(20LL);
        const auto reload = opt_number(lm, "reload_s", l.reload_s, between(0, 1e6));
        ok = ok && lp && count && reload;
        l.position_en_m = lp.value_or(Vec2::Zero());
        l.interceptors = static_cast<int>(count.value_or(0));
        l.reload_s = reload.value_or(600);
        b.launchers.push_back(l);
      }
    } else {
      ok = false;
    }
    b.name = name.value_or("");
    b.position_en_m = en.value_or(Vec2::Zero());
    b.min_launch_interval_s = interval.value_or(1);
    const int index = static_cast<int>(sc_.batteries.size());
    sc_.batteries.push_back(b);
    if (name) add_name(names, "battery name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_tracker(Map& top) {
  if (!top.has("tracker")) return;
  Map m(*this, top.at("tracker"), "tracker");
  if (!m.ok()) return;
  TrackerConfig& c = sc_.tracker;
  auto choice = [&](std::string_view key, const std::vector<std::string>& options) -> int {
    if (!m.has(key)) return -1;
    const auto v = text(m.at(key));
    if (!v) return -1;
    for (size_t i = 0; i < options.size(); ++i)
      if (*v == options[i]) return static_cast<int>(i);
    error(m.at(key), fmt::format("must be one of {} (got '{}')", join_quoted(options), *v));
    return -1;
  };
  if (const int k = choice("model", {"cv", "ca", "ballistic", "imm"}); k >= 0)
    c.model = static_cast<TrackerConfig::Model>(k);
  if (const int k = choice("filter", {"ekf", "ukf"}); k >= 0)
    c.filter = static_cast<TrackerConfig::Filter>(k);
  if (const int k = choice("association", {"gnn", "jpda"}); k >= 0)
    c.association = static_cast<TrackerConfig::Association>(k);
  auto whole = [&](std::string_view key, int& out, long long lo, long long hi) {
    if (!m.has(key)) return;
    if (const auto v = integer(m.at(key), lo, hi)) out = static_cast<int>(*v);
  };
  set_number(m, "gate_probability", c.gate_probability, {0, 1, true, true});
  whole("confirm_m", c.confirm_m, 1, 20);
  whole("confirm_n", c.confirm_n, 1, 20);
  whole("delete_misses", c.delete_misses, 1, 1000);
  whole("tentative_misses", c.tentative_misses, 1, 1000);
  set_number(m, "max_position_sigma_m", c.max_position_sigma_m, above_upto(0, 1e6));
  set_number(m, "max_speed_mps", c.max_speed_mps, above_upto(0, 20000));
  set_number(m, "reorder_window_s", c.reorder_window_s, between(0, 60));
  set_number(m, "wind_forecast_error_mps", c.wind_forecast_error_mps, between(0, 100));
  set_number(m, "process_noise_mps2", c.process_noise_mps2, between(0, 1000));
  set_number(m, "clutter_density", c.clutter_density, above_upto(0, 1));
  if (c.confirm_m > c.confirm_n && m.has("confirm_m")) {
    error(m.at("confirm_m"),
          fmt::format("M ({}) cannot exceed N (confirm_n = {})", c.confirm_m, c.confirm_n));
  }
}

void Loader::read_doctrine(Map& top) {
  if (!top.has("doctrine")) return;
  Map m(*this, top.at("doctrine"), "doctrine");
  if (!m.ok()) return;
  Doctrine& d = sc_.doctrine;
  set_number(m, "p_engage", d.p_engage, above_upto(0, 1));
  set_number(m, "p_release", d.p_release, between(0, 1));
  set_number(m, "p_alert", d.p_alert, above_upto(0, 1));
  set_number(m, "p_alert_release", d.p_alert_release, between(0, 1));
  set_number(m, "alert_hold_s", d.alert_hold_s, between(0, 3600));
  set_number(m, "min_warning_s", d.min_warning_s, between(0, 3600));
  set_number(m, "prediction_interval_s", d.prediction_interval_s, above_upto(0, 60));
  if (m.has("shots_per_threat")) {
    if (const auto n = integer(m.at("shots_per_threat"), 1, 10))
      d.shots_per_threat = static_cast<int>(*n);
  }
  if (m.has("mode")) {
    if (const auto mode = text(m.at("mode"))) {
      if (*mode == "shoot-look-shoot") {
        d.mode = Doctrine::Mode::kShootLookShoot;
      } else if (*mode == "salvo") {
        d.mode = Doctrine::Mode::kSalvo;
      } else {
        error(m.at("mode"),
              fmt::format("unknown mode '{}': expected shoot-look-shoot or salvo", shorten(*mode)));
      }
    }
  }
  set_number(m, "debris_weight", d.debris_weight, between(0, 1e6));
  set_number(m, "cost_weight", d.cost_weight, between(0, 1e6));
  set_number(m, "replan_s", d.replan_s, above_upto(0, 60));
  auto order = [&](std::string_view low, double lo, std::string_view high, double hi) {
    if (lo > hi && m.has(low))
      error(m.at(low), fmt::format("must not exceed {} ({})", high, hi));
    else if (lo > hi && m.has(high))
      error(m.at(high), fmt::format("must be at least {} ({})", low, lo));
  };
  order("p_release", d.p_release, "p_engage", d.p_engage);
  order("p_alert_release", d.p_alert_release, "p_alert", d.p_alert);
}

std::expected<Scenario, Diagnostics> Loader::load_part(std::string_view text,
                                                       std::string_view part) {
  auto fail = [&] { return std::unexpected(diags_); };
  YAML::Node root;
  if (reject_invalid_utf8(text) || reject_stray_flow_entry(text)) return fail();
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    error_at(e.mark, "",
             "YAML nested too deeply: deeper than the parser's limit (about 500 levels)");
    return fail();
  } catch (const YAML::Exception& e) {
    error_at(e.mark, "", "YAML syntax error: " + e.msg);
    return fail();
  }
  YAML::Mark root_mark = root.Mark();
  if (root_mark.line < 0) root_mark = YAML::Mark();
  Map top(*this, Field{root, "", root_mark}, part, false);
  if (!top.ok()) return fail();
  if (part == "<sensors file>") {
    if (top.has("origin")) read_origin(top);
    if (top.require("sensors")) read_sensors(top);
  } else {
    if (top.require("rocket_types")) read_rocket_types(top);
  }
  if (!diags_.empty()) return fail();
  return sc_;
}

void Loader::read_launch_sites(Map& top) {
  if (!top.has("launch_sites")) return;
  const auto items = list(top.at("launch_sites"), "launch sites");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "launch_sites[]", false);
    if (!m.ok()) continue;
    const auto name = req_text(m, "name");
    const std::string which = one_of(m, {"center_km", "center_deg"}, "a launch site");
    std::optional<Vec2> center;
    if (which == "center_km") center = point_km(m.at(which));
    if (which == "center_deg") center = point_deg(m.at(which));
    const auto radius_km = opt_number(m, "radius_km", 0.0, between(0, 100));
    const bool ok = name && center && radius_km;
    const int index = static_cast<int>(sc_.launch_sites.size());
    sc_.launch_sites.push_back(
        {name.value_or(""), center.value_or(Vec2::Zero()), core::km_to_m(radius_km.value_or(0))});
    if (name) add_name(site_names_, "launch site name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_raids(Map& top) {
  if (!top.has("raids")) return;
  const auto items = list(top.at("raids"), "raids");
  if (!items) return;
  long long total = 0;
  for (const Field& f : *items) {
    Map m(*this, f, "raids[]", false);
    Raid raid;
    raid_fields_.push_back(f);
    raid_area_names_.emplace_back();
    if (!m.ok()) {
      sc_.raids.push_back(raid);
      raid_ok_.push_back(false);
      continue;
    }
    const auto at = req_number(m, "at_s", at_least(0));
    const auto site = req_text(m, "site");
    const auto type = req_text(m, "type");
    const auto count =
        m.has("count") ? integer(m.at("count"), 1, kMaxRocketsPerRaid) : std::optional(1LL);
    const auto interval = opt_number(m, "interval_s", 0.0, between(0, 3600));
    const auto sigma = opt_number(m, "aim_sigma_m", 0.0, between(0, 100000));
    bool ok = at && site && type && count && interval && sigma;

    // Aim: a defended area, or a point in km or degrees.
    bool aim_ok = false;
    std::optional<std::string> area;
    std::optional<Field> area_field;
    if (m.require("aim")) {
      Map aim(*this, m.at("aim"), "raids[].aim");
      const std::string which =
          aim.ok() ? one_of(aim, {"area", "point_km", "point_deg"}, "an aim") : "";
      if (which == "area") {
        area_field = aim.at("area");
        area = text(*area_field);
        raid.aim.kind = Aim::Kind::kArea;
        aim_ok = area.has_value();
      } else if (!which.empty()) {
        const auto p = which == "point_km" ? point_km(aim.at(which)) : point_deg(aim.at(which));
        raid.aim.kind = Aim::Kind::kPoint;
        raid.aim.point_en_m = p.value_or(Vec2::Zero());
        aim_ok = p.has_value();
      }
    }
    ok = ok && aim_ok;

    // References to launch sites, rocket types and defended areas.
    if (site) {
      const NameEntry* e = resolve(site_names_, "launch site", m.at("site"), *site);
      ok = ok && e && e->valid;
      if (e) raid.site_index = e->index;
    }
    if (type) {
      const NameEntry* e = resolve(type_names_, "rocket type", m.at("type"), *type);
      ok = ok && e && e->valid;
      if (e) raid.type_index = e->index;
    }
    if (area) {
      const NameEntry* e = resolve(area_names_, "defended area", *area_field, *area);
      ok = ok && e && e->valid;
      if (e) raid.aim.area_index = e->index;
      raid_area_names_.back() = *area;
    }

    // Timing: every launch falls within the run.
    if (at && run_ok_ && *at >= sc_.run.duration_s) {
      error(m.at("at_s"), fmt::format("the raid starts at {} s, but the run ends at {} s "
                                      "(run.duration_s)",
                                      num(*at), num(sc_.run.duration_s)));
      ok = false;
    } else if (at && count && interval && run_ok_) {
      const double last = *at + static_cast<double>(*count - 1) * *interval;
      if (last >= sc_.run.duration_s) {
        error(f, fmt::format("the raid's last launch, at {} s (at_s + (count - 1) x interval_s), "
                             "falls after the run ends at {} s (run.duration_s)",
                             num(last), num(sc_.run.duration_s)));
        ok = false;
      }
    }
    if (count) {
      total += *count;
      if (total > kMaxRocketsTotal && total - *count <= kMaxRocketsTotal) {
        error(m.at_or_self("count"),
              fmt::format("the raids add up to more than {} rockets, the most a "
                          "scenario may have",
                          kMaxRocketsTotal));
      }
    }

    raid.at_s = at.value_or(0);
    raid.count = static_cast<int>(count.value_or(1));
    raid.interval_s = interval.value_or(0);
    raid.aim_sigma_m = sigma.value_or(0);
    sc_.raids.push_back(raid);
    raid_ok_.push_back(ok);
  }
}

void Loader::check_reach() {
  // One band per rocket type, in calm air, computed when first needed.
  physics::Environment calm = sc_.environment;
  calm.wind = {};
  std::vector<std::optional<physics::ReachBand>> bands(sc_.rocket_types.size());
  for (size_t i = 0; i < sc_.raids.size(); ++i) {
    if (!raid_ok_[i]) continue;
    const Raid& raid = sc_.raids[i];
    const RocketType& type = sc_.rocket_types[raid.type_index];
    const LaunchSite& site = sc_.launch_sites[raid.site_index];
    auto& band = bands[raid.type_index];
    if (!band) band = physics::reach_band(type.params, calm);

    // Nearest and farthest (launch point, aim point) pairs, widened by the
    // launch site's radius and 3 aim_sigma_m.
    const double widen = site.radius_m + 3.0 * raid.aim_sigma_m;
    double nearest = 0, farthest = 0;
    std::string target;
    if (raid.aim.kind == Aim::Kind::kArea) {
      const Polygon& poly = sc_.defended_areas[raid.aim.area_index].polygon;
      nearest = poly.distance_m(site.center_en_m) - widen;
      farthest = poly.max_distance_m(site.center_en_m) + widen;
      target = fmt::format("area '{}'", raid_area_names_[i]);
    } else {
      const double d = (raid.aim.point_en_m - site.center_en_m).norm();
      nearest = d - widen;
      farthest = d + widen;
      target = "the aim point";
    }
    nearest = std::max(0.0, nearest);
    if (nearest >= band->min_range_m && farthest <= band->max_range_m) continue;
    error(raid_fields_[i],
          fmt::format("{} reaches {}\u2013{} km but this raid needs {}\u2013{} km (launch site "
                      "'{}' of radius {} km to {}, widened by 3 x aim_sigma_m = {} km)",
                      type.name, km(band->min_range_m), km(band->max_range_m), km(nearest),
                      km(farthest), site.name, num(site.radius_m / 1000), target,
                      num(3.0 * raid.aim_sigma_m / 1000)));
  }
}

// ---------------------------------------------------------------------------
// GeoJSON

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

// ---------------------------------------------------------------------------

std::expected<Scenario, Diagnostics> Loader::load(std::string_view text) {
  sc_.source = file_;
  auto fail = [&] { return std::unexpected(sorted_diagnostics()); };

  // Parse the YAML text; a syntax error ends the load.
  YAML::Node root;
  if (reject_invalid_utf8(text) || reject_stray_flow_entry(text)) return fail();
  try {
    const std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (!docs.empty()) root = docs[0];
    if (docs.size() > 1) {
      error_at(docs[1].Mark(), "", "a scenario is one YAML document; remove the second ('---')");
    }
  } catch (const YAML::DeepRecursion& e) {
    error_at(e.mark, "",
             "YAML nested too deeply: deeper than the parser's limit (about 500 levels)");
    return fail();
  } catch (const YAML::Exception& e) {
    error_at(e.mark, "", "YAML syntax error: " + e.msg);
    return fail();
  }
  if (!root.IsDefined() || root.IsNull()) {
    diags_.push_back({file_, 0, 0, "",
                      "the scenario is empty; it needs at least 'canopy: 1', 'name' and 'origin'"});
    return fail();
  }
  YAML::Mark root_mark = root.Mark();
  if (root_mark.line < 0) root_mark = YAML::Mark();
  Map top(*this, Field{root, "", root_mark}, "");
  if (!top.ok()) return fail();

  // The version first: under another version the other keys mean nothing.
  if (!read_version(top)) return fail();
  read_name(top);
  read_origin(top);
  read_run(top);
  read_environment(top);
  read_defended_areas(top);
  read_alert_zones(top);
  read_rocket_types(top);
  read_launch_sites(top);
  read_raids(top);
  read_sensors(top);
  read_interceptor_types(top);
  read_batteries(top);
  read_tracker(top);
  read_doctrine(top);
  // The reach of each raid whose parts are all valid.
  check_reach();
  if (!diags_.empty()) return fail();
  return sc_;
}

std::expected<Scenario, Diagnostics> load_text(std::string_view yaml, std::string source_name,
                                               fs::path base_dir, bool allow_geojson) {
  // Nothing may escape: an exception here is a bug, reported as a diagnostic.
  try {
    Loader loader(std::move(source_name), std::move(base_dir), allow_geojson);
    return loader.load(yaml);
  } catch (const std::exception& e) {
    return std::unexpected(Diagnostics{
        {"", 0, 0, "", fmt::format("internal error while loading the scenario: {}", e.what())}});
  }
}

}  // namespace

std::expected<Scenario, Diagnostics> load_file(const std::string& path) {
  auto text = core::read_input_file(path);
  if (!text) {
    return std::unexpected(
        Diagnostics{{path, 0, 0, "", "cannot read scenario: " + text.error().message}});
  }
  const fs::path dir =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  return load_text(*text, path, dir, true);
}

std::expected<Scenario, Diagnostics> load_string(std::string_view yaml, std::string source_name,
                                                 std::string base_dir) {
  return load_text(yaml, std::move(source_name), base_dir, true);
}

std::expected<Scenario, Diagnostics> load_geojson_string(std::string_view text,
                                                         std::string source_name, GeoJsonKind kind,
                                                         const Origin& origin) {
  try {
    Loader loader(std::move(source_name), ".", true);
    return loader.load_geojson(text, kind, origin);
  } catch (const std::exception& e) {
    return std::unexpected(Diagnostics{
        {"", 0, 0, "", fmt::format("internal error while loading GeoJSON: {}", e.what())}});
  }
}

namespace {

std::expected<Scenario, Diagnostics> load_part_file(const std::string& path,
                                                    std::string_view part) {
  auto text = core::read_input_file(path);
  if (!text) {
    return std::unexpected(
        Diagnostics{{path, 0, 0, "", "cannot read the file: " + text.error().message}});
  }
  try {
    Loader loader(path, fs::path(path).parent_path(), false);
    return loader.load_part(*text, part);
  } catch (const std::exception& e) {
    return std::unexpected(
        Diagnostics{{path, 0, 0, "", fmt::format("internal error while loading: {}", e.what())}});
  }
}

}  // namespace

std::expected<std::vector<Sensor>, Diagnostics> load_sensors_file(const std::string& path) {
  auto sc = load_part_file(path, "<sensors file>");
  if (!sc) return std::unexpected(sc.error());
  return std::move(sc->sensors);
}

std::expected<std::vector<RocketType>, Diagnostics> load_threats_file(const std::string& path) {
  auto sc = load_part_file(path, "<threats file>");
  if (!sc) return std::unexpected(sc.error());
  return std::move(sc->rocket_types);
}

std::expected<Scenario, Diagnostics> load_default() {
  return load_text(default_scenario_yaml(), "<default>", ".", false);
}

}  // namespace canopy::scenario
