// The loader's checked reading of values: a mapping against its key table
// (Map), typed values with their ranges, points, polygons, names and references.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "canopy/core/check.h"
#include "canopy/core/geodetic.h"
#include "canopy/core/polygon.h"
#include "canopy/core/text.h"
#include "canopy/core/units.h"
#include "canopy/scenario/keys.h"
#include "canopy/scenario/loader.h"
#include "canopy/scenario/suggest.h"

namespace canopy::scenario::detail {

using geojson::shorten;

namespace {

// ---------------------------------------------------------------------------
// Text helpers

std::string member(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string item(std::string_view parent, size_t i) { return fmt::format("{}[{}]", parent, i); }

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

}  // namespace

// ---------------------------------------------------------------------------
// Polygon checks shared by YAML and GeoJSON input

namespace {

double cross(const Vec2& a, const Vec2& b) { return a.x() * b.y() - a.y() * b.x(); }

}  // namespace

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
// Checked mappings

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

int Loader::choice(const Map& m, std::string_view key, const std::vector<std::string>& options) {
  return m.has(key) ? choice(m.at(key), options) : -1;
}

int Loader::choice(const Field& f, const std::vector<std::string>& options) {
  const auto v = text(f);
  if (!v) return -1;
  for (size_t i = 0; i < options.size(); ++i)
    if (*v == options[i]) return static_cast<int>(i);
  error(f, fmt::format("must be one of {} (got '{}')", join_quoted(options), *v));
  return -1;
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

// ---------------------------------------------------------------------------
// Names and references

void Loader::add_name(std::map<std::string, NameEntry>& names, std::string_view what,
                      const std::string& name, int index, bool valid, const Field& f) {
  if (const auto it = names.find(name); it != names.end()) {
    error(f, fmt::format("duplicate {} '{}' (the first is at {})", what, name, it->second.where));
    return;
  }
  names[name] = {index, valid, where(f.mark)};
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

}  // namespace canopy::scenario::detail
