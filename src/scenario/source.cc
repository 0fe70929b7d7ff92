#include "canopy/scenario/source.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "canopy/core/input_file.h"

namespace canopy::scenario {
namespace {

namespace fs = std::filesystem;

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return std::string(out.c_str()) + "\n";
}

// One step of a key path: a mapping key, a sequence index, or `[*]`, every
// entry of a sequence.
struct Step {
  std::string key;  // empty for an index
  size_t index = 0;
  bool every = false;
};

core::Result<std::vector<Step>> parse_key(std::string_view key) {
  std::vector<Step> steps;
  size_t i = 0;
  auto bad = [&](std::string_view why) {
    return core::fail(fmt::format("bad key '{}' at character {}: {}", key, i + 1, why));
  };
  if (key.empty()) return bad("empty");
  while (i < key.size()) {
    if (key[i] == '[') {
      const size_t close = key.find(']', i);
      if (close == std::string_view::npos) return bad("'[' without ']'");
      const std::string_view inside = key.substr(i + 1, close - i - 1);
      size_t index = 0;
      const auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
      if (inside == "*") {
        steps.push_back({"", 0, true});
      } else if (ec != std::errc() || ptr != inside.data() + inside.size() || inside.empty()) {
        return bad("an index must be a whole number >= 0, or *");
      } else {
        steps.push_back({"", index});
      }
      i = close + 1;
      if (i < key.size() && key[i] != '.' && key[i] != '[') return bad("expected '.' or '['");
      if (i < key.size() && key[i] == '.') ++i;
      continue;
    }
    const size_t end = key.find_first_of(".[", i);
    const std::string_view name = key.substr(i, end == std::string_view::npos ? end : end - i);
    if (name.empty()) return bad("empty key name");
    steps.push_back({std::string(name), 0});
    i = end == std::string_view::npos ? key.size() : end;
    if (i < key.size() && key[i] == '.') {
      ++i;
      if (i == key.size()) return bad("ends with '.'");
    }
  }
  return steps;
}

std::string path_text(const std::vector<Step>& steps, size_t n) {
  std::string out;
  for (size_t k = 0; k < n; ++k) {
    if (steps[k].every) {
      out += "[*]";
    } else if (steps[k].key.empty()) {
      out += fmt::format("[{}]", steps[k].index);
    } else {
      out += (out.empty() ? "" : ".") + steps[k].key;
    }
  }
  return out.empty() ? "<root>" : out;
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

// Sets steps[k..] below `node` to `value`. YAML::Node copies are handles to
// the same node, so the recursion edits the tree in place. Each entry gets
// its own clone of `value`: a shared node would be emitted as a YAML alias
// and stay shared when reloaded.
core::Result<void> set_at(YAML::Node node, const std::vector<Step>& steps, size_t k,
                          const YAML::Node& value, std::string_view key) {
  const Step& s = steps[k];
  const bool last = k + 1 == steps.size();
  if (s.key.empty()) {
    if (!node.IsSequence())
      return core::fail(fmt::format("--set {}: {} is not a list", key, path_text(steps, k)));
    if (s.every && node.size() == 0)
      return core::fail(fmt::format("--set {}: {} is empty", key, path_text(steps, k)));
    if (!s.every && s.index >= node.size())
      return core::fail(fmt::format("--set {}: {} has {} entr{}, no index {}", key,
                                    path_text(steps, k), node.size(),
                                    node.size() == 1 ? "y" : "ies", s.index));
    const size_t first = s.every ? 0 : s.index;
    const size_t end = s.every ? node.size() : s.index + 1;
    for (size_t i = first; i < end; ++i) {
      if (last) {
        node[i] = YAML::Clone(value);
      } else if (auto set = set_at(node[i], steps, k + 1, value, key); !set) {
        return set;
      }
    }
    return {};
  }
  if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap())
    return core::fail(fmt::format("--set {}: {} is not a mapping", key, path_text(steps, k)));
  if (last) {
    node[s.key] = YAML::Clone(value);
    return {};
  }
  if (!node[s.key]) node[s.key] = YAML::Node(YAML::NodeType::Map);
  return set_at(node[s.key], steps, k + 1, value, key);
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
  if (auto set = set_at(root, *steps, 0, value, key); !set) return std::unexpected(set.error());
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
