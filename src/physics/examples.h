// Reference rocket parameters for tests, benchmarks and documentation.
//
//   physics::RocketParams r = physics::example_medium_rocket();
#pragma once

#include "canopy/physics/flight.h"

namespace canopy::physics {

// The `medium` type of the scenario format's example (122 mm class, public
// level): best range 22.4 km at about 47 degrees.
inline RocketParams example_medium_rocket() {
  RocketParams r;
  r.launch_mass_kg = 66;
  r.propellant_mass_kg = 20;
  r.burn_time_s = 1.9;
  r.thrust_N = 21000;
  r.diameter_m = 0.122;
  r.cd = {{0.0, 0.8, 1.0, 1.2, 2.0, 3.0}, {0.30, 0.32, 0.45, 0.42, 0.35, 0.30}};
  return r;
}

// A generic interceptor airframe for tests and benchmarks (public level,
// Tamir class): 90 kg, 3 s boost at 30 kN, 160 mm.
inline RocketParams example_interceptor() {
  RocketParams r;
  r.launch_mass_kg = 90;
  r.propellant_mass_kg = 35;
  r.burn_time_s = 3;
  r.thrust_N = 30000;
  r.diameter_m = 0.16;
  r.cd = CdTable{{0, 1, 3}, {0.3, 0.5, 0.35}};
  return r;
}

}  // namespace canopy::physics
