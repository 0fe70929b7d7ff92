// The scenario loader and validator (docs/scenario.md).
//
// The YAML document is read section by section. Every mapping is checked
// against its key table (keys.h) before its values are read, each value is
// checked for type and range where it is read, and every problem becomes a
// Diagnostic; reading goes on after an error wherever later checks do not
// depend on the failed part. Cross-references, run timing and the raids'
// reach come last.
//
// This file has the entry points and the YAML parse (Loader::load); the
// Loader (loader.h) reads the sections in load_scene.cc, load_threats.cc and
// load_defense.cc, its values in load_fields.cc and GeoJSON in load_geojson.cc.
#include "canopy/scenario/load.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "canopy/core/input_file.h"
#include "canopy/core/text.h"
#include "canopy/scenario/geojson.h"
#include "canopy/scenario/loader.h"

namespace canopy::scenario {

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

namespace detail {

// ---------------------------------------------------------------------------
// The text before parsing

namespace {

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

}  // namespace

bool Loader::reject_invalid_utf8(std::string_view text) {
  const auto at = core::first_invalid_utf8(text);
  if (at) {
    const auto [line, col] = geojson::line_col(text, *at);
    diags_.push_back({file_, line, col, "",
                      fmt::format("not UTF-8 text: byte 0x{:02x} at offset {} is not valid UTF-8",
                                  static_cast<unsigned char>(text[*at]), *at)});
  }
  return at.has_value();
}

bool Loader::reject_stray_flow_entry(std::string_view text) {
  const auto at = stray_flow_entry(text);
  if (at) {
    diags_.push_back(
        {file_, at->first, at->second, "", "YAML syntax error: ',' outside a [ ] or { } list"});
  }
  return at.has_value();
}

bool Loader::parse_yaml(std::string_view text,
                        const std::function<void(const std::string&)>& parse) {
  if (reject_invalid_utf8(text) || reject_stray_flow_entry(text)) return false;
  try {
    parse(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    error_at(e.mark, "",
             "YAML nested too deeply: deeper than the parser's limit (about 500 levels)");
    return false;
  } catch (const YAML::Exception& e) {
    error_at(e.mark, "", "YAML syntax error: " + e.msg);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Reading a document

Diagnostics Loader::sorted_diagnostics() {
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

std::expected<Scenario, Diagnostics> Loader::load_part(std::string_view text,
                                                       std::string_view part) {
  auto fail = [&] { return std::unexpected(diags_); };
  YAML::Node root;
  if (!parse_yaml(text, [&](const std::string& t) { root = YAML::Load(t); })) return fail();
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

std::expected<Scenario, Diagnostics> Loader::load(std::string_view text) {
  sc_.source = file_;
  auto fail = [&] { return std::unexpected(sorted_diagnostics()); };

  // Parse the YAML text; a syntax error ends the load.
  YAML::Node root;
  const bool parsed = parse_yaml(text, [&](const std::string& t) {
    const std::vector<YAML::Node> docs = YAML::LoadAll(t);
    if (!docs.empty()) root = docs[0];
    if (docs.size() > 1) {
      error_at(docs[1].Mark(), "", "a scenario is one YAML document; remove the second ('---')");
    }
  });
  if (!parsed) return fail();
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

}  // namespace detail

// ---------------------------------------------------------------------------
// Entry points

namespace {

namespace fs = std::filesystem;
using detail::Loader;

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
