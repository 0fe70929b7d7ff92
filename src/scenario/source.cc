#include "canopy/scenario/source.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "canopy/core/input_file.h"
#include "canopy/scenario/keys.h"
#include "canopy/scenario/suggest.h"

namespace canopy::scenario {
namespace {

namespace fs = std::filesystem;

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return std::string(out.c_str()) + "\n";
}

// One step of a key path: a mapping key, or a selector of list entries: an
// index, `[*]` (every entry) or a name (the entry whose `name`, or `id` for
// alert zones, is it).
struct Step {
  enum Kind { kKey, kIndex, kEvery, kName };
  Kind kind = kKey;
  std::string text;  // the key or the name
  size_t index = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A name as written in a key: bare where that reads back as the same name,
// else double-quoted with `"` and `\` escaped.
std::string name_text(std::string_view name) {
  const bool bare = !name.empty() && !all_digits(name) && name != "*" &&
                    name.find_first_of("[]\"'\\") == std::string_view::npos &&
                    !is_space(name.front()) && !is_space(name.back());
  if (bare) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

core::Result<std::vector<Step>> parse_key(std::string_view key) {
  std::vector<Step> steps;
  size_t i = 0;
  auto bad = [&](std::string_view why) {
    return core::fail(fmt::format("bad key '{}' at character {}: {}", key, i + 1, why));
  };
  if (key.empty()) return bad("empty");
  while (i < key.size()) {
    if (key[i] == '[') {
      const size_t open = i;
      if (i + 1 < key.size() && (key[i + 1] == '"' || key[i + 1] == '\'')) {
        // A quoted name: `\` takes the next character as it is.
        const char quote = key[i + 1];
        std::string name;
        i += 2;
        while (i < key.size() && key[i] != quote) {
          if (key[i] == '\\' && i + 1 < key.size()) ++i;
          name += key[i++];
        }
        if (i == key.size()) {
          i = open;
          return bad("a quoted name without its closing quote");
        }
        ++i;
        if (i == key.size() || key[i] != ']') return bad("expected ']' after the quoted name");
        if (name.empty()) return bad("an empty name");
        steps.push_back({Step::kName, std::move(name), 0});
      } else {
        const size_t close = key.find(']', i);
        if (close == std::string_view::npos) return bad("'[' without ']'");
        const std::string_view inside = key.substr(i + 1, close - i - 1);
        ++i;
        if (inside.empty()) return bad("empty brackets: expected an index, * or a name");
        if (inside == "*") {
          steps.push_back({Step::kEvery, "", 0});
        } else if (all_digits(inside)) {
          size_t index = 0;
          const auto [ptr, ec] =
              std::from_chars(inside.data(), inside.data() + inside.size(), index);
          if (ec != std::errc()) return bad("the index is too large");
          steps.push_back({Step::kIndex, "", index});
        } else if (inside.find('[') != std::string_view::npos) {
          return bad("a name holding '[' or ']' must be quoted, e.g. [\"a[1]\"]");
        } else if (is_space(inside.front()) || is_space(inside.back())) {
          return bad("a name that starts or ends with a space must be quoted, e.g. [\" a \"]");
        } else {
          steps.push_back({Step::kName, std::string(inside), 0});
        }
        i = close;
      }
      ++i;  // past ']'
      if (i < key.size() && key[i] != '.' && key[i] != '[') return bad("expected '.' or '['");
      if (i < key.size() && key[i] == '.') {
        ++i;
        if (i == key.size()) return bad("ends with '.'");
      }
      continue;
    }
    const size_t end = key.find_first_of(".[", i);
    const std::string_view name = key.substr(i, end == std::string_view::npos ? end : end - i);
    if (name.empty()) return bad("empty key name");
    if (name.find_first_of("]\"") != std::string_view::npos) return bad("']' or '\"' in a key");
    steps.push_back({Step::kKey, std::string(name), 0});
    i = end == std::string_view::npos ? key.size() : end;
    if (i < key.size() && key[i] == '.') {
      ++i;
      if (i == key.size()) return bad("ends with '.'");
    }
  }
  return steps;
}

std::string member(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string shorten(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
}

std::vector<std::string> map_keys(const YAML::Node& map) {
  std::vector<std::string> keys;
  for (const auto& kv : map)
    if (kv.first.IsScalar()) keys.push_back(kv.first.Scalar());
  return keys;
}

// What a node is, for "X is not a list: it is ..." messages.
std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "empty";
  if (n.IsScalar()) return fmt::format("the value '{}'", shorten(n.Scalar()));
  if (n.IsSequence()) {
    if (n.size() == 0) return "an empty list";
    return fmt::format("a list of {} entr{}", n.size(), n.size() == 1 ? "y" : "ies");
  }
  std::vector<std::string> keys = map_keys(n);
  if (keys.empty()) return "an empty mapping";
  const size_t more = keys.size() > 6 ? keys.size() - 6 : 0;
  keys.resize(keys.size() - more);
  return fmt::format("a mapping with keys {}{}", join_quoted(keys),
                     more ? fmt::format(" and {} more", more) : "");
}

// The mapping of the scenario format at `path` ("", "run",
// "batteries[].launchers[]"; keys.h), or null where the format has none.
const KeyTable* table_at(std::string_view path) {
  for (const KeyTable& t : key_tables())
    if (t.path == path) return &t;
  return nullptr;
}

bool has_key(const KeyTable& t, std::string_view key) {
  return std::find(t.keys.begin(), t.keys.end(), key) != t.keys.end();
}

// The value of `key` in a mapping, given there or taken from a merged
// mapping (`<<: *anchor`, as the loader reads it); undefined when absent.
YAML::Node lookup(const YAML::Node& map, const std::string& key, int depth = 0) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  if (const YAML::Node direct = map[key]) return direct;
  const YAML::Node merges = map["<<"];
  if (!merges || depth > 32) return YAML::Node(YAML::NodeType::Undefined);
  std::vector<YAML::Node> sources;
  if (merges.IsMap()) sources.push_back(merges);
  if (merges.IsSequence())
    for (const YAML::Node& m : merges) sources.push_back(m);
  for (const YAML::Node& m : sources)
    if (const YAML::Node found = lookup(m, key, depth + 1)) return found;
  return YAML::Node(YAML::NodeType::Undefined);
}

// Where a path is, in messages: "batteries[0].launchers", or "the top level".
std::string where(const std::string& at) { return at.empty() ? "the top level" : at; }

// The index of the entry of the list `node` that the name selector `s`
// selects: by `id` or `name` (the arguments as in set_at). An error when
// the entries have no names, or when none or several have this one.
core::Result<size_t> named_entry(YAML::Node node, const Step& s, std::string_view key,
                                 const std::string& at, const std::string& schema) {
  auto fail = [&](const std::string& why) {
    return core::fail(fmt::format("--set {}: {}", key, why));
  };
  // Entries are named by `id` where the format has one (alert zones),
  // else by `name`.
  const KeyTable* entries = table_at(schema + "[]");
  const char* by = entries == nullptr          ? nullptr
                   : has_key(*entries, "id")   ? "id"
                   : has_key(*entries, "name") ? "name"
                                               : nullptr;
  if (by == nullptr)
    return fail(
        fmt::format("the entries of {} have no names: select one by index "
                    "(0 to {}) or all with [*]",
                    at, node.size() == 0 ? 0 : node.size() - 1));
  std::vector<std::string> names;
  std::vector<size_t> found;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node n = lookup(node[i], by);
    if (!n || !n.IsScalar()) continue;
    names.push_back(n.Scalar());
    if (n.Scalar() == s.text) found.push_back(i);
  }
  const std::string what = std::string(by) == "id" ? "with id" : "named";
  if (found.size() > 1)
    return fail(fmt::format("{} has {} entries {} '{}' (at {} and {})", at, found.size(), what,
                            s.text, found[0], found[1]));
  if (found.empty()) {
    std::string hint = did_you_mean(suggestions(s.text, names));
    if (hint.empty() && names.empty()) {
      hint = fmt::format(" (no entry has a{} {} in the scenario text)",
                         std::string(by) == "id" ? "n" : "", by);
    } else if (hint.empty()) {
      const size_t more = names.size() > 20 ? names.size() - 20 : 0;
      names.resize(names.size() - more);
      hint = fmt::format("; {}s here: {}{}", by, join_quoted(names),
                         more ? fmt::format(" and {} more", more) : "");
    }
    return fail(fmt::format("{} has no entry {} '{}'{}", at, what, s.text, hint));
  }
  return found[0];
}

// Sets steps[k..] below `node` to `value`. `at` is the path of `node` in
// the text (indices for `[*]`), `schema` its path in the format's key
// tables. YAML::Node copies are handles to the same node, so the recursion
// edits the tree in place. Each entry gets its own clone of `value`: a
// shared node would be emitted as a YAML alias and stay shared when
// reloaded.
core::Result<void> set_at(YAML::Node node, const std::vector<Step>& steps, size_t k,
                          const YAML::Node& value, std::string_view key, const std::string& at,
                          const std::string& schema) {
  const Step& s = steps[k];
  const bool last = k + 1 == steps.size();
  auto fail = [&](const std::string& why) {
    return core::fail(fmt::format("--set {}: {}", key, why));
  };
  if (s.kind != Step::kKey) {
    if (!node.IsSequence())
      return fail(fmt::format("{} is not a list: it is {}", where(at), describe(node)));
    if (s.kind == Step::kEvery && node.size() == 0) return fail(fmt::format("{} is empty", at));
    if (s.kind == Step::kIndex && s.index >= node.size())
      return fail(fmt::format("{} has {} entr{}, no index {}", at, node.size(),
                              node.size() == 1 ? "y" : "ies", s.index));
    size_t first = s.kind == Step::kIndex ? s.index : 0;
    size_t end = s.kind == Step::kIndex ? s.index + 1 : node.size();
    if (s.kind == Step::kName) {
      const auto found = named_entry(node, s, key, at, schema);
      if (!found) return std::unexpected(found.error());
      first = *found;
      end = first + 1;
    }
    for (size_t i = first; i < end; ++i) {
      if (last) {
        node[i] = YAML::Clone(value);
        continue;
      }
      const std::string entry = s.kind == Step::kName ? fmt::format("{}[{}]", at, name_text(s.text))
                                                      : fmt::format("{}[{}]", at, i);
      if (auto set = set_at(node[i], steps, k + 1, value, key, entry, schema + "[]"); !set)
        return set;
    }
    return {};
  }
  const KeyTable* table = table_at(schema);
  if (node.IsNull() && (table != nullptr || table_at(schema + "[]") == nullptr))
    node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap()) {
    std::string why = fmt::format("{} is not a mapping: it is {}", where(at), describe(node));
    if (node.IsSequence() || table_at(schema + "[]") != nullptr)
      why += fmt::format(" (select entries with {0}[0], {0}[NAME] or {0}[*])", at);
    return fail(why);
  }
  if (table != nullptr && !has_key(*table, s.text)) {
    const std::vector<std::string> known(table->keys.begin(), table->keys.end());
    const auto hint = suggestions(s.text, known);
    return fail(fmt::format(
        "unknown key '{}' in {}{}", s.text, where(at),
        hint.empty() ? fmt::format(" (keys here: {})", join_quoted(known)) : did_you_mean(hint)));
  }
  const std::string child_at = member(at, s.text);
  const std::string child_schema = member(schema, s.text);
  if (last) {
    node[s.text] = YAML::Clone(value);  // added when missing; it overrides a merged one
    return {};
  }
  if (!node[s.text]) {
    if (const YAML::Node merged = lookup(node, s.text)) {
      // Changed here, not in the mapping it is merged from.
      node[s.text] = YAML::Clone(merged);
    } else if (steps[k + 1].kind != Step::kKey) {
      return fail(
          fmt::format("{} is not in the scenario, so it has no entries to select: set it "
                      "whole (--set '{}=[...]')",
                      child_at, child_at));
    } else if (table != nullptr && table_at(child_schema) == nullptr) {
      return fail(fmt::format("{} is not in the scenario, and it is not a mapping: set {} itself",
                              child_at, child_at));
    } else {
      node[s.text] = YAML::Node(YAML::NodeType::Map);
    }
  }
  return set_at(node[s.text], steps, k + 1, value, key, child_at, child_schema);
}

// One entry of defended_areas or alert_zones as a YAML flow mapping: the
// scalar keys emitted by yaml-cpp (which quotes names as needed), the
// vertices written as text. Zone sets read from GeoJSON hold millions of
// vertices; as yaml-cpp nodes they would take gigabytes.
std::string flow_entry(YAML::Node scalars, const core::Polygon& polygon) {
  scalars.SetStyle(YAML::EmitterStyle::Flow);
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << scalars;
  std::string text = out.c_str();
  text.pop_back();  // the closing brace
  text += ", polygon_km: [";
  const auto& v = polygon.vertices();
  for (size_t i = 0; i < v.size(); ++i)
    fmt::format_to(std::back_inserter(text), "{}[{}, {}]", i ? ", " : "", v[i].x() / 1000,
                   v[i].y() / 1000);
  text += "]}";
  return text;
}

bool uses_geojson(const YAML::Node& list) {
  if (!list || !list.IsSequence()) return false;
  for (const auto& entry : list)
    if (entry.IsMap() && entry["geojson"]) return true;
  return false;
}

}  // namespace

core::Result<Source> read_source(const std::string& path) {
  if (path.empty()) return Source{std::string(default_scenario_yaml()), "<default>", "."};
  auto text = core::read_input_file(path);
  if (!text) return core::fail(fmt::format("{}: {}", path, text.error().message));
  const fs::path dir = fs::path(path).parent_path();
  return Source{std::move(*text), path, dir.empty() ? "." : dir.string()};
}

core::Result<Source> with_override(const Source& source, std::string_view key,
                                   std::string_view value_yaml) {
  auto steps = parse_key(key);
  if (!steps) return std::unexpected(steps.error());
  YAML::Node root, value;
  try {
    root = YAML::Load(source.yaml);
  } catch (const YAML::Exception& e) {
    return core::fail(fmt::format("{}: {}", source.name, e.what()));
  }
  try {
    value = YAML::Load(std::string(value_yaml));
  } catch (const YAML::Exception& e) {
    return core::fail(
        fmt::format("--set {}: the value '{}' is not YAML: {}", key, value_yaml, e.msg));
  }
  if (!root.IsMap()) return core::fail(fmt::format("{}: not a YAML mapping", source.name));
  if (auto set = set_at(root, *steps, 0, value, key, "", ""); !set)
    return std::unexpected(set.error());
  return Source{emit(root), source.name, source.base_dir};
}

std::expected<Scenario, Diagnostics> load(const Source& source) {
  return load_string(source.yaml, source.name, source.base_dir);
}

std::string self_contained_yaml(const Source& source, const Scenario& scenario) {
  YAML::Node root;
  try {
    root = YAML::Load(source.yaml);
  } catch (const YAML::Exception&) {
    return source.yaml;  // it loaded, so this does not happen
  }
  if (!root.IsMap() ||
      (!uses_geojson(root["defended_areas"]) && !uses_geojson(root["alert_zones"])))
    return source.yaml;
  // The lists are emitted as placeholders, then replaced by their text.
  std::vector<std::pair<std::string, std::string>> lists;
  auto list = [&](const char* key, std::string entries) {
    if (!root[key]) return;
    const std::string token = fmt::format("__canopy_{}__", key);
    root[key] = token;
    lists.emplace_back(
        fmt::format("\n{}: {}\n", key, token),
        entries.empty() ? fmt::format("\n{}: []\n", key) : fmt::format("\n{}:\n{}", key, entries));
  };
  std::string areas, zones;
  for (const DefendedArea& a : scenario.defended_areas) {
    YAML::Node n;
    n["name"] = a.name;
    n["value"] = a.value;
    areas += "  - " + flow_entry(n, a.polygon) + "\n";
  }
  for (const AlertZone& z : scenario.alert_zones) {
    YAML::Node n;
    n["id"] = z.id;
    n["name"] = z.name;
    n["population"] = z.population;
    zones += "  - " + flow_entry(n, z.polygon) + "\n";
  }
  list("defended_areas", std::move(areas));
  list("alert_zones", std::move(zones));
  // A top-level key starts a line: a string value holding a line break is
  // emitted quoted, so the placeholder line cannot occur inside one.
  std::string text = "\n" + emit(root);
  for (const auto& [placeholder, entries] : lists) {
    const size_t at = text.find(placeholder);
    if (at != std::string::npos) text.replace(at, placeholder.size(), entries);
  }
  return text.substr(1);
}

}  // namespace canopy::scenario
