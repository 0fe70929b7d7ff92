#include "canopy/tracking/threats.h"

#include <cmath>

namespace canopy::tracking {

ThreatLibrary ThreatLibrary::generic() {
  ThreatType t;
  t.name = "generic";
  t.cd = {{0.0}, {1.0}};
  t.kd_m2pkg = 1e-4;
  t.kd_sigma_m2pkg = 1e-4;
  t.boost_accel_mps2 = 300;
  return {{t}};
}

ThreatLibrary ThreatLibrary::from_rocket_types(const std::vector<scenario::RocketType>& types) {
  ThreatLibrary lib;
  for (const scenario::RocketType& rt : types) {
    const physics::RocketParams& p = rt.params;
    const double burnout_kg = p.launch_mass_kg - p.propellant_mass_kg;
    ThreatType t;
    t.name = rt.name;
    t.cd = p.cd;
    t.kd_m2pkg = p.reference_area_m2() / burnout_kg;
    // The class's Cd dispersion, plus 10 % for what the class hides
    // (payload mass, motor variation).
    t.kd_sigma_m2pkg = t.kd_m2pkg * std::hypot(rt.cd_dispersion, 0.10);
    t.boost_accel_mps2 = p.thrust_N / burnout_kg;
    lib.types.push_back(t);
  }
  return lib;
}

}  // namespace canopy::tracking
