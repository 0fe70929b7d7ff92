#include "canopy/physics/atmosphere.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

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

namespace {

constexpr double kTableLo_m = -5000.0, kTableHi_m = 100000.0, kTableStep_m = 10.0;

struct AirTable {
  std::vector<double> ln_rho, sound;
};

const AirTable& air_table() {
  static const AirTable t = [] {
    AirTable out;
    const int n = static_cast<int>((kTableHi_m - kTableLo_m) / kTableStep_m) + 1;
    out.ln_rho.reserve(n);
    out.sound.reserve(n);
    for (int i = 0; i < n; ++i) {
      const AtmosphereSample s = us76(kTableLo_m + i * kTableStep_m);
      out.ln_rho.push_back(std::log(s.density_kgpm3));
      out.sound.push_back(s.speed_of_sound_mps);
    }
    return out;
  }();
  return t;
}

}  // namespace

AirSample us76_air(double altitude_m) {
  if (!(altitude_m >= kTableLo_m && altitude_m < kTableHi_m)) {
    const AtmosphereSample s = us76(altitude_m);
    return {s.density_kgpm3, s.speed_of_sound_mps};
  }
  const AirTable& t = air_table();
  const double x = (altitude_m - kTableLo_m) / kTableStep_m;
  const size_t i = static_cast<size_t>(x);
  const double f = x - static_cast<double>(i);
  return {std::exp(t.ln_rho[i] + f * (t.ln_rho[i + 1] - t.ln_rho[i])),
          t.sound[i] + f * (t.sound[i + 1] - t.sound[i])};
}

}  // namespace canopy::physics
