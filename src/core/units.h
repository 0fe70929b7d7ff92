// Unit conversions. Everything inside canopy is SI (m, s, kg, rad); other
// units appear only at input and output, with the unit in the key name.
#pragma once

#include <numbers>

namespace canopy::core {

inline constexpr double kPi = std::numbers::pi;
inline constexpr double kDegPerRad = 180.0 / kPi;
inline constexpr double kRadPerDeg = kPi / 180.0;
inline constexpr double kMetresPerKm = 1000.0;
inline constexpr double kStandardGravity_mps2 = 9.80665;

constexpr double deg_to_rad(double deg) { return deg * kRadPerDeg; }
constexpr double rad_to_deg(double rad) { return rad * kDegPerRad; }
constexpr double km_to_m(double km) { return km * kMetresPerKm; }

}  // namespace canopy::core
