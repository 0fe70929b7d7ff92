// Seeded random streams. Every random draw in canopy comes from a Stream
// derived from (seed, run, entity...) — never from global state — so the same
// scenario and seed give the same bytes whatever the thread count.
//
//   core::Stream rng(seed, run, core::tag("raid"), raid_index, rocket_index);
//   double u = rng.uniform();          // [0, 1)
//   double z = rng.normal();           // N(0, 1)
//
// The generator is std::mt19937_64; the transforms to uniform and normal
// variates are written here (not std::*_distribution) so that the stream of
// values is the same with every standard library.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "canopy/core/earth.h"

namespace canopy::core {

// A 64-bit tag from a short name (FNV-1a), for naming stream families.
constexpr std::uint64_t tag(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// SplitMix64 finaliser: a bijective mix of 64 bits.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class Stream {
 public:
  // A stream keyed by any number of 64-bit words (seed, run, entity ids...).
  template <class... Keys>
  explicit Stream(std::uint64_t seed, Keys... keys) : engine_(derive(seed, keys...)) {}

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal, Marsaglia polar method.
  double normal();
  // Uniform point in a disc of the given radius around the origin.
  Vec2 uniform_in_disc(double radius);
  // Raw 64 bits.
  std::uint64_t bits() { return engine_(); }

 private:
  template <class... Keys>
  static std::uint64_t derive(std::uint64_t seed, Keys... keys) {
    std::uint64_t h = mix64(seed);
    ((h = mix64(h ^ static_cast<std::uint64_t>(keys))), ...);
    return h;
  }

  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace canopy::core
