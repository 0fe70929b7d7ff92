#include "canopy/scenario/source.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace canopy::scenario {
namespace {

namespace fs = std::filesystem;

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return std::string(out.c_str()) + "\n";
}

// One step of a key path: a mapping key, or a sequence index.
struct Step {
  std::string key;  // empty for an index
  size_t index = 0;
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
      size_t index = 0;
      const auto* first = key.data() + i + 1;
      const auto* last = key.data() + close;
      const auto [ptr, ec] = std::from_chars(first, last, index);
      if (ec != std::errc() || ptr != last || first == last)
        return bad("an index must be a whole number >= 0");
      steps.push_back({"", index});
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
    if (steps[k].key.empty()) {
      out += fmt::format("[{}]", steps[k].index);
    } else {
      out += (out.empty() ? "" : ".") + steps[k].key;
    }
  }
  return out.empty() ? "<root>" : out;
}

YAML::Node polygon_km(const core::Polygon& polygon) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const Vec2& v : polygon.vertices()) {
    YAML::Node pt(YAML::NodeType::Sequence);
    pt.push_back(v.x() / 1000);
    pt.push_back(v.y() / 1000);
    pt.SetStyle(YAML::EmitterStyle::Flow);
    list.push_back(pt);
  }
  list.SetStyle(YAML::EmitterStyle::Flow);
  return list;
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
  std::error_code ec;
  if (!fs::exists(path, ec)) return core::fail(fmt::format("{}: no such file", path));
  if (fs::is_directory(path, ec)) return core::fail(fmt::format("{}: is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return core::fail(fmt::format("{}: read error", path));
  const fs::path dir = fs::path(path).parent_path();
  return Source{std::move(text), path, dir.empty() ? "." : dir.string()};
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
  // Walk to the parent of the last step (Node::reset rebinds; = would copy
  // into the node).
  YAML::Node cur;
  cur.reset(root);
  for (size_t k = 0; k < steps->size(); ++k) {
    const Step& s = (*steps)[k];
    const bool last = k + 1 == steps->size();
    if (s.key.empty()) {
      if (!cur.IsSequence())
        return core::fail(fmt::format("--set {}: {} is not a list", key, path_text(*steps, k)));
      if (s.index >= cur.size())
        return core::fail(fmt::format("--set {}: {} has {} entr{}, no index {}", key,
                                      path_text(*steps, k), cur.size(),
                                      cur.size() == 1 ? "y" : "ies", s.index));
      if (last) {
        cur[s.index] = value;
      } else {
        YAML::Node next = cur[s.index];
        cur.reset(next);
      }
    } else {
      if (cur.IsNull()) cur = YAML::Node(YAML::NodeType::Map);
      if (!cur.IsMap())
        return core::fail(fmt::format("--set {}: {} is not a mapping", key, path_text(*steps, k)));
      if (last) {
        cur[s.key] = value;
      } else {
        if (!cur[s.key]) cur[s.key] = YAML::Node(YAML::NodeType::Map);
        YAML::Node next = cur[s.key];
        cur.reset(next);
      }
    }
  }
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
  YAML::Node areas(YAML::NodeType::Sequence), zones(YAML::NodeType::Sequence);
  for (const DefendedArea& a : scenario.defended_areas) {
    YAML::Node n;
    n["name"] = a.name;
    n["value"] = a.value;
    n["polygon_km"] = polygon_km(a.polygon);
    areas.push_back(n);
  }
  for (const AlertZone& z : scenario.alert_zones) {
    YAML::Node n;
    n["id"] = z.id;
    n["name"] = z.name;
    n["population"] = z.population;
    n["polygon_km"] = polygon_km(z.polygon);
    zones.push_back(n);
  }
  if (root["defended_areas"]) root["defended_areas"] = areas;
  if (root["alert_zones"]) root["alert_zones"] = zones;
  return emit(root);
}

}  // namespace canopy::scenario
