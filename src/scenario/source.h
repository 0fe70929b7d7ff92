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

// Sets KEY to VALUE in the scenario text (docs/cli.md, "--set keys").
// KEY is a path of mapping keys and list selectors:
//   `batteries[0].launchers[0].interceptors`  `[N]`: the entry at index N;
//   `batteries[*].launchers[*].interceptors`  `[*]`: every entry;
//   `sensors[Main].outages`                   `[NAME]`: the entry whose
//     `name` is NAME (`id` in alert_zones: `alert_zones[N1].population`);
//   `sensors["Main radar"].outages`           a quoted name, in "..." or
//     '...', `\` taking the next character as it is: needed for a name of
//     digits (`alert_zones["7"]`), `*`, one holding `[` or `]`, or one
//     starting with a quote or starting or ending with a space.
// VALUE is YAML (a scalar, `[[120, 180]]`, ...). Keys are checked against
// the format's key tables (keys.h): an unknown one is an error with the
// loader's did-you-mean ("unknown key 'launcher' in batteries[0]; did you
// mean 'launchers'?"), a missing last key of the format is added. A
// missing index or name (listing the names there), an empty list under
// `[*]`, a list where a mapping is expected or the reverse is an error
// saying what is at that path. Comments are lost: the text is re-emitted.
core::Result<Source> with_override(const Source& source, std::string_view key,
                                   std::string_view value_yaml);

std::expected<Scenario, Diagnostics> load(const Source& source);

// The text to keep beside a run's outputs: the source itself, or, when it
// takes areas or zones from GeoJSON files, the source with those entries
// replaced by the loaded polygons (polygon_km), so that it loads alone.
std::string self_contained_yaml(const Source& source, const Scenario& scenario);

}  // namespace canopy::scenario
