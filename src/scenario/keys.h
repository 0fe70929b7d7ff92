// The keys the scenario loader accepts, one table per YAML mapping
// (docs/scenario.md). A new section (sensors, batteries ...) is one more
// table in keys.cc and one more read function of the Loader (loader.h);
// tests check that the JSON Schema (docs/scenario.schema.json) and the docs
// list the same keys.
//
//   for (const scenario::KeyTable& t : scenario::key_tables())
//     fmt::print("{}: {}\n", t.path, fmt::join(t.keys, ", "));
#pragma once

#include <string_view>
#include <vector>

namespace canopy::scenario {

struct KeyTable {
  // Where the mapping sits: "" for the top level, "origin",
  // "environment.wind", "raids[].aim"; "[]" stands for every item of a list.
  std::string_view path;
  std::vector<std::string_view> keys;
};

// Every mapping the loader reads, in document order.
const std::vector<KeyTable>& key_tables();

}  // namespace canopy::scenario
