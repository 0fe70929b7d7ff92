// A streamed reader for the GeoJSON side files of a scenario
// (docs/scenario.md, "GeoJSON files").
//
// The text is parsed once with nlohmann's SAX interface and only what the
// loader checks is kept: per feature its type, its geometry's type, the
// positions of a Polygon's first ring, and the few properties asked for.
// Everything else is skipped while only its depth is counted, so memory is
// the text plus the coordinates, and nesting deeper than kMaxDepth is an
// error at its place instead of a stack overflow.
//
//   auto doc = geojson::read(text, {"name", "value"});
//   if (!doc) report(line_col(text, doc.error().offset), doc.error().message);
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace canopy::scenario::geojson {

// Arrays and objects nested deeper than this are an error (the whole
// document counts, the FeatureCollection itself being level 1).
inline constexpr int kMaxDepth = 512;

// A value kept for messages ("expected a number, got ..."): a scalar as it
// was, an array or object as an empty one of its kind (its content is not
// kept).
using Value = nlohmann::json;

using Properties = std::map<std::string, Value, std::less<>>;

struct LonLat {
  double lon = 0, lat = 0;
};

// A Polygon geometry as far as the loader needs it.
struct Geometry {
  std::optional<Value> type;  // absent when the geometry has no 'type'
  // 'coordinates' when it is an array; then the number of rings in it.
  bool has_coordinates = false;
  size_t rings = 0;
  // The first ring when it is not an array.
  std::optional<Value> first_ring_not_array;
  // The first ring's elements, one per element; an element that is not a
  // position [lon, lat] or [lon, lat, alt] has a placeholder here and is
  // kept in `bad` (for "expected a position [lon, lat], got ...").
  std::vector<LonLat> positions;
  std::vector<std::pair<size_t, Value>> bad;  // (index, the element), ascending
};

struct Feature {
  Value value = Value::object();  // the feature's value when it is not an object
  std::optional<Value> type;
  bool has_geometry = false;         // 'geometry' present, of any kind
  std::optional<Geometry> geometry;  // when it is an object
  bool has_properties = false;       // 'properties' present, of any kind
  // The properties asked for that are present, when 'properties' is an object.
  Properties properties;
};

struct Document {
  Value value = Value::object();  // the document's value when it is not an object
  std::optional<Value> type;
  std::optional<std::vector<Feature>> features;  // when 'features' is an array
};

// Why the text is not a JSON document the reader could take in.
struct ParseError {
  size_t offset = 0;  // byte offset of the problem in the text
  std::string message;
};

// Reads GeoJSON text (a leading UTF-8 BOM is skipped). Of each feature's
// properties only those in `wanted` are kept. Duplicate members behave as in
// nlohmann's DOM: the last one counts.
std::expected<Document, ParseError> read(std::string_view text,
                                         const std::vector<std::string_view>& wanted);

// ---------------------------------------------------------------------------
// Places in JSON text, for diagnostics.

using JsonStep = std::variant<std::string, size_t>;
using JsonPath = std::vector<JsonStep>;

// What a JSON value is, for "expected X, got Y" messages: "an object",
// "an array", "the string \"...\"", "true", "null", "the number 7".
std::string describe(const Value& v);

// `s`, or its first 37 characters and "..." when it is longer than 40.
std::string shorten(std::string_view s);

// "features[2].properties.value"
std::string to_string(const JsonPath& path);
JsonPath operator+(JsonPath path, JsonStep step);

// 1-based lines and columns of byte offsets into a text. Each is counted
// from the previous one, so offsets asked for about in order cost about one
// pass over the text.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : s_(text) {}

  std::pair<int, int> at(size_t offset);

 private:
  std::string_view s_;
  size_t counted_ = 0;  // bytes before this are counted
  int line_ = 1;
  size_t line_start_ = 0;
};

// 1-based line and column of a byte offset into a text.
inline std::pair<int, int> line_col(std::string_view text, size_t offset) {
  return LineCounter(text).at(offset);
}

// Finds where the value at a JSON path starts in text that parsed cleanly
// (the reader keeps no positions). Lookups that go on from the previous one
// in document order, as the loader's do feature by feature, resume from it,
// so locating something in every feature of a file scans it about once
// (and counts its lines once).
class JsonLocator {
 public:
  explicit JsonLocator(std::string_view text) : s_(text), lines_(text) {}

  // Byte offset of the value at `path`, or of the deepest part that exists.
  size_t find(const JsonPath& path);
  // Its line and column.
  std::pair<int, int> line_col(const JsonPath& path) { return lines_.at(find(path)); }

 private:
  bool more() const { return i_ < s_.size(); }
  char peek() const { return more() ? s_[i_] : '\0'; }
  void ws();
  void next_item();
  bool enter_member(const std::string& key);
  bool enter_element(size_t index);
  bool skip_elements(size_t n);
  void skip_string();
  std::string read_string();
  void skip_value();

  std::string_view s_;
  LineCounter lines_;
  size_t i_ = 0;
  // The previous lookup: the steps that were found, and where the value
  // after each number of steps starts (starts_[0] is the document).
  JsonPath last_;
  std::vector<size_t> starts_;
};

}  // namespace canopy::scenario::geojson
