// Random but valid scenarios from a seed, for closed-loop tests and for
// exploring designs the default scenario does not exercise
// (docs/scenario.md, "Generated scenarios").
//
//   std::string yaml = scenario::generate_yaml(42);          // same seed, same bytes
//   auto sc = scenario::load({yaml, "generated-42.yaml", "."});
//   // sc always loads: every value is drawn inside the loader's rules.
//
// The text is a complete scenario in canopy's format, so it can be saved
// and run with `canopy run FILE` (`canopy generate --seed 42 --out g.yaml`).
// Every draw comes from core::Stream streams keyed by the seed and a part of
// the scenario; nothing depends on the clock or the thread. Rocket types are
// variants from a fixed library whose reach bands are computed once per
// process (thread-safe) and never change the text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace canopy::scenario {

struct GenerateOptions {
  // Rockets over all raids: the total is drawn uniformly in
  // [min_rockets, max_rockets]. 1 <= min_rockets <= max_rockets <= 100000.
  // The defaults give a scenario that runs in a few seconds of CPU in a
  // release build.
  int min_rockets = 20;
  int max_rockets = 80;
  // run.duration_s never exceeds this: raids are timed so that every rocket
  // lands (last launch + its flight + 30 s) before it. At least 300 s, so
  // that the longest flights (about 150 s) fit; at most 86400.
  double max_duration_s = 400;
  // Place 1-3 batteries (with the `generic` interceptor type); without them
  // the defense tracks, predicts and alerts but does not fire.
  bool batteries = true;
  // Draw a wind (calm, constant or a profile up to about 20 m/s); false
  // gives calm air.
  bool wind = true;

  // The first problem with these options, or nothing when they are valid.
  std::optional<std::string> problem() const;
};

// A random but valid scenario as YAML text in canopy's scenario format (the
// text `canopy validate` accepts), drawn from its own seeded streams: the
// same seed and options give the same text, byte for byte. The scenario is
// named `generated-SEED` and its run.seed is SEED. Options outside their
// ranges (problem() names the first) are clamped into them.
std::string generate_yaml(std::uint64_t seed, const GenerateOptions& options = {});

}  // namespace canopy::scenario
