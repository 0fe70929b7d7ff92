// US Standard Atmosphere 1976, 0-86 km geometric altitude (docs/physics.md).
//
//   physics::AtmosphereSample a = physics::us76(11000.0);
//   a.density_kgpm3;  // 0.3639...
//
// Below 0 m the lowest layer is extended (down to -5 km); above 86 km the
// 86 km temperature is held and pressure and density fall exponentially with
// the local scale height. Pure functions, no state.
#pragma once

namespace canopy::physics {

struct AtmosphereSample {
  double temperature_K = 0;
  double pressure_Pa = 0;
  double density_kgpm3 = 0;
  double speed_of_sound_mps = 0;
};

// Full model at a geometric altitude (metres above the sphere).
AtmosphereSample us76(double altitude_m);

// What drag needs, fast: density and speed of sound interpolated from a
// table of us76 (ln density and speed of sound every 10 m, -5 to 100 km;
// relative error < 5e-5 (largest at the layer boundaries), checked in atmosphere_test.cc). Outside
// the table it falls back to us76.
struct AirSample {
  double density_kgpm3 = 0;
  double speed_of_sound_mps = 0;
};
AirSample us76_air(double altitude_m);

}  // namespace canopy::physics
