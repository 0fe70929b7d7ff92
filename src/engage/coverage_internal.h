// Private to the coverage checks (src/engage/coverage*.cc; not part of
// coverage.h's API): the helpers the footprints and the warnings share.
#pragma once

#include <numbers>
#include <utility>
#include <vector>

#include "canopy/engage/coverage.h"

namespace canopy::engage::detail {

inline constexpr double kTwoPi = 2 * std::numbers::pi;

// The raid's launch site, rocket type and aimed area exist.
bool valid_raid(const scenario::Scenario& sc, const scenario::Raid& r);
// The (site, type) pairs the raids fire, sorted.
std::vector<std::pair<int, int>> fired_pairs(const scenario::Scenario& sc);
// The battery's interceptor type exists and some launcher holds rounds.
bool has_interceptors(const scenario::Scenario& sc, const scenario::Battery& b);

}  // namespace canopy::engage::detail
