// Scenario text as the commands handle it before loading: read from a file
// or the built-in default, changed by `--set KEY=VALUE` overrides (sweeps),
// and made self-contained for the scenario.yaml of an output directory.
//
//   auto src = scenario::read_source("raid.yaml");          // "" = default
//   src = scenario::with_override(*src, "raids[0].count", "40");
//   auto sc = scenario::load(*src);                          // Diagnostics
//   std::string stored = scenario::self_contained_yaml(*src, *sc);
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "canopy/core/error.h"
#include "canopy/scenario/load.h"

namespace canopy::scenario {

struct Source {
  std::string yaml;      // the scenario text
  std::string name;      // file name, or "<default>"; diagnostics name it
  std::string base_dir;  // resolves GeoJSON file names
};

// Reads a scenario file, or the built-in default for an empty path.
core::Result<Source> read_source(const std::string& path);

// Sets KEY to VALUE in the scenario text. KEY is a path of mapping keys and
// sequence indices, e.g. `batteries[0].launchers[0].interceptors`, where
// `[*]` stands for every entry (`batteries[*].launchers[*].interceptors`);
// VALUE is YAML (a scalar, `[[120, 180]]`, ...). A missing last key is added;
// a missing index, an empty list under `[*]` or a path through a scalar is
// an error. Comments are lost:
// the text is re-emitted.
core::Result<Source> with_override(const Source& source, std::string_view key,
                                   std::string_view value_yaml);

std::expected<Scenario, Diagnostics> load(const Source& source);

// The text to keep beside a run's outputs: the source itself, or, when it
// takes areas or zones from GeoJSON files, the source with those entries
// replaced by the loaded polygons (polygon_km), so that it loads alone.
std::string self_contained_yaml(const Source& source, const Scenario& scenario);

}  // namespace canopy::scenario
