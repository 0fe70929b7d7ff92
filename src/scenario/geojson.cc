#include "canopy/scenario/geojson.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace canopy::scenario::geojson {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Byte offset of the '[' or '{' that opens level `depth` + 1, in text that
// parsed cleanly up to there.
size_t opening_deeper_than(std::string_view text, int depth) {
  int level = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '[' || c == '{') {
      if (++level > depth) return i;
    } else if (c == ']' || c == '}') {
      --level;
    }
  }
  return text.size();
}

// What a container holds for the reader, by where it sits in a
// FeatureCollection. kSkip: nothing kept, only its depth counted.
enum class Role : std::uint8_t {
  kSkip,
  kRoot,
  kFeatures,
  kFeature,
  kGeometry,
  kCoordinates,
  kRing,
  kPosition,
  kProperties
};

struct Frame {
  Role role = Role::kSkip;
  size_t count = 0;  // values seen in it so far (for arrays, the next index)
  std::string key;   // the current member's key (not kept in kSkip objects)
};

// The SAX handler: every value is placed by the frame it is in, its key and
// its index; a container opening there gets the role that says what of its
// content is kept.
class Handler {
 public:
  explicit Handler(const std::vector<std::string_view>& wanted) : wanted_(wanted) {}

  Document doc;
  bool too_deep = false;
  std::optional<ParseError> error;

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(Value::number_integer_t v) { return value(v); }
  bool number_unsigned(Value::number_unsigned_t v) { return value(v); }
  bool number_float(Value::number_float_t v, const std::string&) { return value(v); }
  bool string(std::string& v) { return value(v); }
  bool binary(Value::binary_t&) { return value(nullptr); }  // not in JSON text
  bool start_object(size_t) { return open(Value::object()); }
  bool start_array(size_t) { return open(Value::array()); }
  bool key(std::string& k) {
    if (stack_.back().role != Role::kSkip) stack_.back().key = k;
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    // nlohmann's message after its "[json.exception...] parse error at
    // line L, column C: " prefix: the place is given in our own terms.
    std::string what = ex.what();
    const size_t at = what.find("parse error");
    const size_t colon = what.find(at == std::string::npos ? "] " : ": ", at);
    if (colon != std::string::npos) what = what.substr(colon + 2);
    error = ParseError{position > 0 ? position - 1 : 0, "JSON syntax error: " + what};
    return false;
  }

 private:
  bool value(const Value& v) {
    place(v);
    return true;
  }

  bool open(const Value& kind) {
    if (stack_.size() >= static_cast<size_t>(kMaxDepth)) {
      too_deep = true;
      return false;
    }
    const Role role = place(kind);
    stack_.push_back({role, 0, {}});
    if (role == Role::kPosition) position_ok_ = true;
    return true;
  }

  bool close() {
    const Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.role == Role::kPosition) {
      Geometry& g = geometry();
      const size_t k = g.positions.size() - 1;
      if (position_ok_ && f.count >= 2 && f.count <= 3) {
        g.positions[k] = position_;
      } else {
        g.bad.emplace_back(k, Value::array());
      }
    }
    return true;
  }

  Geometry& geometry() { return *doc.features->back().geometry; }

  // Keeps what the loader needs of a value (a scalar, or a container about
  // to open, given as an empty one of its kind) and returns the role of the
  // container.
  Role place(const Value& v) {
    if (stack_.empty()) {
      if (v.is_object()) return Role::kRoot;
      doc.value = v;
      return Role::kSkip;
    }
    Frame& top = stack_.back();
    const size_t index = top.count++;
    switch (top.role) {
      case Role::kSkip:
        return Role::kSkip;
      case Role::kRoot:
        if (top.key == "type") {
          doc.type = v;
        } else if (top.key == "features") {
          doc.features.reset();
          if (v.is_array()) {
            doc.features.emplace();
            return Role::kFeatures;
          }
        }
        return Role::kSkip;
      case Role::kFeatures:
        doc.features->emplace_back();
        if (v.is_object()) return Role::kFeature;
        doc.features->back().value = v;
        return Role::kSkip;
      case Role::kFeature: {
        Feature& f = doc.features->back();
        if (top.key == "type") {
          f.type = v;
        } else if (top.key == "geometry") {
          f.has_geometry = true;
          f.geometry.reset();
          if (v.is_object()) {
            f.geometry.emplace();
            return Role::kGeometry;
          }
        } else if (top.key == "properties") {
          f.has_properties = true;
          f.properties.clear();
          if (v.is_object()) return Role::kProperties;
        }
        return Role::kSkip;
      }
      case Role::kGeometry: {
        Geometry& g = geometry();
        if (top.key == "type") {
          g.type = v;
        } else if (top.key == "coordinates") {
          Geometry fresh;
          fresh.type = std::move(g.type);
          g = std::move(fresh);
          if (v.is_array()) {
            g.has_coordinates = true;
            return Role::kCoordinates;
          }
        }
        return Role::kSkip;
      }
      case Role::kCoordinates: {
        // Only the first ring is read: a second one is already an error
        // (holes are not supported), so the others are only counted.
        Geometry& g = geometry();
        ++g.rings;
        if (index != 0) return Role::kSkip;
        if (v.is_array()) return Role::kRing;
        g.first_ring_not_array = v;
        return Role::kSkip;
      }
      case Role::kRing: {
        Geometry& g = geometry();
        constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
        g.positions.push_back({kNaN, kNaN});
        if (v.is_array()) return Role::kPosition;
        g.bad.emplace_back(index, v);
        return Role::kSkip;
      }
      case Role::kPosition:
        // [lon, lat] or [lon, lat, alt]; the altitude, of any kind, is ignored.
        if (index < 2 && v.is_number()) {
          (index == 0 ? position_.lon : position_.lat) = v.get<double>();
        } else if (index < 2) {
          position_ok_ = false;
        }
        return Role::kSkip;
      case Role::kProperties:
        if (std::find(wanted_.begin(), wanted_.end(), top.key) != wanted_.end()) {
          doc.features->back().properties.insert_or_assign(top.key, v);
        }
        return Role::kSkip;
    }
    return Role::kSkip;
  }

  const std::vector<std::string_view>& wanted_;
  std::vector<Frame> stack_;
  LonLat position_;  // the position being read (positions do not nest)
  bool position_ok_ = false;
};

}  // namespace

std::string shorten(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
}

std::string describe(const Value& v) {
  switch (v.type()) {
    case Value::value_t::object:
      return "an object";
    case Value::value_t::array:
      return "an array";
    case Value::value_t::string:
      return fmt::format("the string \"{}\"", shorten(v.get<std::string>()));
    case Value::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Value::value_t::null:
      return "null";
    default:
      return fmt::format("the number {}", v.dump());
  }
}

std::expected<Document, ParseError> read(std::string_view text,
                                         const std::vector<std::string_view>& wanted) {
  Handler h(wanted);
  if (Value::sax_parse(text, &h)) return std::move(h.doc);
  if (h.too_deep) {
    return std::unexpected(
        ParseError{opening_deeper_than(text, kMaxDepth),
                   fmt::format("JSON nested too deeply: more than {} levels of arrays and objects",
                               kMaxDepth)});
  }
  return std::unexpected(h.error.value_or(ParseError{0, "JSON syntax error"}));
}

// ---------------------------------------------------------------------------

std::string to_string(const JsonPath& path) {
  std::string out;
  for (const JsonStep& s : path) {
    if (const auto* key = std::get_if<std::string>(&s)) {
      out += out.empty() ? *key : "." + *key;
    } else {
      out += fmt::format("[{}]", std::get<size_t>(s));
    }
  }
  return out;
}

JsonPath operator+(JsonPath path, JsonStep step) {
  path.push_back(std::move(step));
  return path;
}

std::pair<int, int> LineCounter::at(size_t offset) {
  offset = std::min(offset, s_.size());
  // Backwards (a feature's properties, located after its geometry, may come
  // before it in the text): uncount the newlines passed, then look up the
  // line's start if one was.
  bool crossed = false;
  for (; counted_ > offset; --counted_) {
    if (s_[counted_ - 1] == '\n') {
      --line_;
      crossed = true;
    }
  }
  if (crossed) {
    const size_t nl = offset == 0 ? std::string_view::npos : s_.rfind('\n', offset - 1);
    line_start_ = nl == std::string_view::npos ? 0 : nl + 1;
  }
  for (; counted_ < offset; ++counted_) {
    if (s_[counted_] == '\n') {
      ++line_;
      line_start_ = counted_ + 1;
    }
  }
  return {line_, static_cast<int>(offset - line_start_) + 1};
}

size_t JsonLocator::find(const JsonPath& path) {
  if (starts_.empty()) {
    i_ = s_.starts_with(kBom) ? kBom.size() : 0;
    ws();
    starts_.push_back(i_);
  }
  // The steps shared with the previous lookup are not walked again.
  size_t shared = 0;
  while (shared < path.size() && shared < last_.size() && path[shared] == last_[shared]) ++shared;
  // A later element of the array the previous lookup went into is found by
  // going on from the element it found.
  std::optional<size_t> resume;
  if (shared < path.size() && shared < last_.size()) {
    const auto* now = std::get_if<size_t>(&path[shared]);
    const auto* before = std::get_if<size_t>(&last_[shared]);
    if (now != nullptr && before != nullptr && *now > *before) {
      i_ = starts_[shared + 1];
      if (skip_elements(*now - *before)) resume = i_;
    }
  }
  last_.resize(shared);
  starts_.resize(shared + 1);
  i_ = starts_[shared];
  size_t k = shared;
  if (resume) {
    i_ = *resume;
    last_.push_back(path[k++]);
    starts_.push_back(i_);
  }
  for (; k < path.size(); ++k) {
    const JsonStep& step = path[k];
    const bool ok = std::holds_alternative<std::string>(step)
                        ? enter_member(std::get<std::string>(step))
                        : enter_element(std::get<size_t>(step));
    if (!ok) break;
    last_.push_back(step);
    starts_.push_back(i_);
  }
  return i_;
}

void JsonLocator::ws() {
  while (more() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
}

void JsonLocator::next_item() {
  ws();
  if (peek() == ',') ++i_;
  ws();
}

bool JsonLocator::enter_member(const std::string& key) {
  if (peek() != '{') return false;
  const size_t start = i_;
  ++i_;
  ws();
  while (more() && peek() == '"') {
    const std::string k = read_string();
    ws();
    if (peek() == ':') ++i_;
    ws();
    if (k == key) return true;
    skip_value();
    next_item();
  }
  i_ = start;
  return false;
}

bool JsonLocator::enter_element(size_t index) {
  if (peek() != '[') return false;
  const size_t start = i_;
  ++i_;
  ws();
  if (skip_elements(index)) return true;
  i_ = start;
  return false;
}

bool JsonLocator::skip_elements(size_t n) {
  for (size_t k = 0; k < n && more() && peek() != ']'; ++k) {
    skip_value();
    next_item();
  }
  return more() && peek() != ']';
}

void JsonLocator::skip_string() {
  ++i_;
  while (more() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
  i_ = std::min(i_ + 1, s_.size());
}

// Reads a string at '"'; escapes other than \uXXXX keep the escaped char.
std::string JsonLocator::read_string() {
  std::string out;
  ++i_;
  while (more() && s_[i_] != '"') {
    if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
    out += s_[i_++];
  }
  if (more()) ++i_;
  return out;
}

void JsonLocator::skip_value() {
  const char c = peek();
  if (c == '"') {
    skip_string();
  } else if (c == '{' || c == '[') {
    int depth = 0;
    while (more()) {
      const char d = s_[i_];
      if (d == '"') {
        skip_string();
        continue;
      }
      ++i_;
      if (d == '{' || d == '[') ++depth;
      if ((d == '}' || d == ']') && --depth == 0) return;
    }
  } else {
    while (more() && std::string_view(",]} \t\r\n").find(s_[i_]) == std::string_view::npos) ++i_;
  }
}

}  // namespace canopy::scenario::geojson
