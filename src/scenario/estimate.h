// The size of a run before it starts (docs/cli.md, "How long will it
// take"): integration steps, radar scans, rockets, rockets in flight at the
// peak, and a rough CPU-time figure for `canopy run` (release build, one
// core), so that a valid but enormous scenario is noticed before it runs.
//
//   const scenario::WorkEstimate w = scenario::estimate_work(sc);
//   if (w.large()) fmt::print(stderr, "warning: {}\n", w.text());
#pragma once

#include <string>

#include "canopy/scenario/scenario.h"

namespace canopy::scenario {

struct WorkEstimate {
  double steps = 0;           // world integration steps (duration / step)
  double scans = 0;           // radar scans, all sensors
  int rockets = 0;            // planned
  int peak_in_flight = 0;     // most rockets airborne at once (flight times
                              // at each type's maximum-range elevation)
  double rocket_seconds = 0;  // rocket flight time summed over the run
  double cpu_s = 0;           // rough CPU time of `canopy run`, release build

  // Above kLargeCpu_s of estimated CPU time, or more than kLargePeak
  // rockets in flight at once.
  bool large() const;
  // One line: "30,000 steps, 1,200 radar scans, 240 rockets (at most 96 in
  // flight at once); about 8 s of CPU (release build)".
  std::string text() const;
};

inline constexpr double kLargeCpu_s = 600;
inline constexpr int kLargePeak = 2000;

WorkEstimate estimate_work(const Scenario& scenario);

}  // namespace canopy::scenario
