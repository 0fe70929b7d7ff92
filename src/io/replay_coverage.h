// The `coverage` key of the replay data (docs/replay.md): each radar's
// coverage sector and each battery's footprint per rocket type, as rings in
// the scenario's east/north metres, for the viewer's switchable layers.
// Computed from the scenario alone (engage/coverage.h).
//
//   nlohmann::ordered_json j;
//   j["coverage"] = io::coverage_json(run.scenario ? &*run.scenario : nullptr);
#pragma once

#include <nlohmann/json.hpp>

#include "canopy/engage/coverage.h"
#include "canopy/scenario/scenario.h"

namespace canopy::io {

// {"radars": [...], "footprints": [...]}; both arrays empty without a
// scenario.
nlohmann::ordered_json coverage_json(const scenario::Scenario* sc,
                                     const engage::CoverageOptions& options = {});

}  // namespace canopy::io
