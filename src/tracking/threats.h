// The threat library: the rocket classes a defense knows (the scenario's
// rocket types), as the tracker uses them - a Cd(Mach) shape and a prior on
// the drag parameter kd = Cd factor x area / mass after burnout
// (docs/tracking.md). Without a library, one generic class with a flat Cd
// shape and a broad kd prior stands in; each track then estimates its own kd.
//
//   auto lib = tracking::ThreatLibrary::from_rocket_types(scenario.rocket_types);
#pragma once

#include <string>
#include <vector>

#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"

namespace canopy::tracking {

struct ThreatType {
  std::string name;
  physics::CdTable cd;           // the Cd(Mach) shape kd multiplies
  double kd_m2pkg = 1e-4;        // prior mean of kd
  double kd_sigma_m2pkg = 1e-4;  // prior standard deviation
  double boost_accel_mps2 = 0;   // thrust / mass at burnout (largest), for the boost prior
};

struct ThreatLibrary {
  std::vector<ThreatType> types;

  // One class: Cd(M) = 1, kd ~ N(1e-4, 1e-4^2) m^2/kg (covers Cd A/m of
  // artillery rockets and of the peer benchmark's targets alike).
  static ThreatLibrary generic();
  static ThreatLibrary from_rocket_types(const std::vector<scenario::RocketType>& types);
};

}  // namespace canopy::tracking
