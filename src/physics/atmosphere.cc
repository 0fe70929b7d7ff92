#include "canopy/physics/atmosphere.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace canopy::physics {
namespace {

// USSA76 constants (NOAA-S/T 76-1562).
constexpr double kR0_m = 6356766.0;   // effective Earth radius for geopotential
constexpr double kG0 = 9.80665;       // m/s^2
constexpr double kRstar = 8.31432e3;  // J/(kmol K)
constexpr double kM0 = 28.9644;       // kg/kmol
constexpr double kR = kRstar / kM0;   // J/(kg K)
constexpr double kGamma = 1.4;
constexpr double kMinAltitude_m = -5000.0;

// Layer bases in geopotential metres and their lapse rates (K/m').
constexpr std::array<double, 8> kBaseH = {0, 11000, 20000, 32000, 47000, 51000, 71000, 84852};
constexpr std::array<double, 8> kLapse = {-0.0065, 0, 0.001, 0.0028, 0, -0.0028, -0.002, 0};

struct Bases {
  std::array<double, 8> T{}, P{};
};

// Base temperatures and pressures from the hydrostatic equation, once.
const Bases& bases() {
  static const Bases b = [] {
    Bases out;
    out.T[0] = 288.15;
    out.P[0] = 101325.0;
    for (size_t i = 1; i < kBaseH.size(); ++i) {
      const double dh = kBaseH[i] - kBaseH[i - 1];
      out.T[i] = out.T[i - 1] + kLapse[i - 1] * dh;
      out.P[i] = kLapse[i - 1] == 0.0
                     ? out.P[i - 1] * std::exp(-kG0 * dh / (kR * out.T[i - 1]))
                     : out.P[i - 1] * std::pow(out.T[i - 1] / out.T[i], kG0 / (kR * kLapse[i - 1]));
    }
    return out;
  }();
  return b;
}

}  // namespace

AtmosphereSample us76(double altitude_m) {
  const Bases& b = bases();
  const double z = std::max(altitude_m, kMinAltitude_m);
  // Geometric to geopotential altitude.
  const double h = kR0_m * z / (kR0_m + z);
  // The layer: the last base at or below h (the lowest layer extends down).
  size_t i = 0;
  while (i + 1 < kBaseH.size() && h >= kBaseH[i + 1]) ++i;
  const double T = b.T[i] + kLapse[i] * (h - kBaseH[i]);
  const double P = kLapse[i] == 0.0 ? b.P[i] * std::exp(-kG0 * (h - kBaseH[i]) / (kR * b.T[i]))
                                    : b.P[i] * std::pow(b.T[i] / T, kG0 / (kR * kLapse[i]));
  return {T, P, P / (kR * T), std::sqrt(kGamma * kR * T)};
}

}  // namespace canopy::physics
