// The replay data of a run (docs/replay.md): one JSON object with the
// scenario geometry, every rocket's truth trail and timeline, the confirmed
// tracks, impact predictions, interceptors, intercepts, impacts and zone
// alert intervals. report.html embeds it for the viewer.
//
//   auto run = io::read_run("out/run1");
//   nlohmann::ordered_json replay = io::build_replay(*run);
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "canopy/io/replay_background.h"
#include "canopy/io/run_data.h"

namespace canopy::io {

// `background`: the layers of `canopy report --background` (replay_background.h).
nlohmann::ordered_json build_replay(const RunData& run,
                                    const std::vector<BackgroundLayer>& background = {});

// The defended area containing an east/north point (first listed wins, as
// in the damage model), or none; none also without a scenario.
std::optional<std::string> area_at(const RunData& run, const Vec2& p_en_m);

}  // namespace canopy::io
