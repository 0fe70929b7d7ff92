// The public-level warhead laws (docs/engage.md): how likely a detonation
// at a given miss distance kills the rocket, and what a kill leaves behind.
// The simulated interceptors (sim) draw their outcomes and fragments from
// these laws; the battle manager's planning (engage: debris footprints, the
// kill assessment's prior) uses the same laws as its model of them.
//
//   double pk = physics::kill_probability(miss_m, type.lethal_radius_m, type.pk_at_lethal_radius);
//   for (const physics::Fragment& f : physics::make_fragments(at, burnout_kg, rng)) ...
#pragma once

#include <vector>

#include "canopy/core/random.h"
#include "canopy/physics/flight.h"

namespace canopy::physics {

// Kill probability at a miss distance: pk_at_lethal_radius up to the lethal
// radius R, then a Gaussian fall-off, pk * exp(-2 ((m - R) / R)^2)
// (half of it at about 1.6 R, 2 % at 2.4 R).
double kill_probability(double miss_m, double lethal_radius_m, double pk_at_lethal_radius);

// What a kill leaves: kFragmentCount fragments sharing the rocket's burnout
// mass, thrown with an isotropic Gaussian velocity of kFragmentSpread_mps
// per axis, tumbling (Cd 1.2), each with radar cross-section
// kFragmentRcs_m2.
inline constexpr int kFragmentCount = 6;
inline constexpr double kFragmentSpread_mps = 60;
inline constexpr double kFragmentCd = 1.2;
inline constexpr double kFragmentRcs_m2 = 0.01;
inline constexpr double kFragmentDensity_kgpm3 = 3000;  // sets each fragment's size

// The diameter of a fragment of this mass (a sphere of kFragmentDensity),
// and its drag parameter Cd A / m.
double fragment_diameter_m(double mass_kg);
double fragment_kd(double mass_kg);

struct Fragment {
  RocketParams body;  // no motor; the fragment's mass, size and drag
  State state;
};
std::vector<Fragment> make_fragments(const State& at, double mass_kg, core::Stream& rng);

}  // namespace canopy::physics
