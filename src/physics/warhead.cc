#include "canopy/physics/warhead.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace canopy::physics {

double kill_probability(double miss_m, double lethal_radius_m, double pk) {
  if (miss_m <= lethal_radius_m) return pk;
  const double x = (miss_m - lethal_radius_m) / lethal_radius_m;
  return pk * std::exp(-2 * x * x);
}

double fragment_diameter_m(double mass_kg) {
  // A sphere of the fragment's mass: d = (6 m / (pi rho))^(1/3).
  return std::cbrt(6 * mass_kg / (std::numbers::pi * kFragmentDensity_kgpm3));
}

double fragment_kd(double mass_kg) {
  const double d = fragment_diameter_m(mass_kg);
  return kFragmentCd * std::numbers::pi * d * d / 4 / mass_kg;
}

std::vector<Fragment> make_fragments(const State& at, double mass_kg, core::Stream& rng) {
  // Mass shares from normalised uniform draws (a flat Dirichlet).
  std::vector<double> share(kFragmentCount);
  double sum = 0;
  for (double& s : share) sum += (s = -std::log(1 - rng.uniform()));
  std::vector<Fragment> out;
  for (double s : share) {
    Fragment f;
    const double m = std::max(0.05, mass_kg * s / sum);
    f.body.launch_mass_kg = m;
    f.body.diameter_m = fragment_diameter_m(m);
    f.body.burn_time_s = 1e-6;
    f.body.cd = CdTable{{0.0}, {kFragmentCd}};
    f.state = at;
    f.state.v_W += kFragmentSpread_mps * Vec3(rng.normal(), rng.normal(), rng.normal());
    out.push_back(f);
  }
  return out;
}

}  // namespace canopy::physics
