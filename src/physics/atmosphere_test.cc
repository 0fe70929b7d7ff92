#include "canopy/physics/atmosphere.h"

#include <gtest/gtest.h>

namespace canopy::physics {
namespace {

// U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), table by geometric
// altitude: temperature K, pressure Pa, density kg/m^3, speed of sound m/s.
struct Row {
  double z_m, T, P, rho, a;
};
constexpr Row kTable[] = {
    {0, 288.150, 101325.0, 1.2250, 340.29},      {1000, 281.651, 89876.0, 1.1117, 336.43},
    {2000, 275.154, 79501.0, 1.0066, 332.53},    {5000, 255.676, 54048.0, 0.73643, 320.55},
    {10000, 223.252, 26500.0, 0.41351, 299.53},  {15000, 216.650, 12111.0, 0.19476, 295.07},
    {20000, 216.650, 5529.3, 0.088910, 295.07},  {25000, 221.552, 2549.2, 0.040084, 298.39},
    {30000, 226.509, 1197.0, 0.018410, 301.71},  {40000, 250.350, 287.14, 0.0039957, 317.19},
    {50000, 270.650, 79.779, 0.0010269, 329.80}, {60000, 247.021, 21.958, 3.0968e-4, 315.07},
    {70000, 219.585, 5.2209, 8.2829e-5, 297.06}, {80000, 198.639, 1.0524, 1.8458e-5, 282.54},
};

TEST(Atmosphere, MatchesThePublishedTableWithinATenthOfAPercent) {
  for (const Row& r : kTable) {
    const AtmosphereSample s = us76(r.z_m);
    EXPECT_NEAR(s.temperature_K / r.T, 1.0, 1e-3) << r.z_m;
    EXPECT_NEAR(s.pressure_Pa / r.P, 1.0, 1e-3) << r.z_m;
    EXPECT_NEAR(s.density_kgpm3 / r.rho, 1.0, 1e-3) << r.z_m;
    EXPECT_NEAR(s.speed_of_sound_mps / r.a, 1.0, 1e-3) << r.z_m;
  }
}

TEST(Atmosphere, DensityFallsMonotonicallyAndContinuously) {
  double last = us76(-5000).density_kgpm3;
  for (double z = -4990; z <= 100000; z += 10) {
    const double rho = us76(z).density_kgpm3;
    EXPECT_LT(rho, last) << z;
    EXPECT_GT(rho, 0.0) << z;
    EXPECT_LT(last / rho, 1.01) << z;  // no jump at layer boundaries
    last = rho;
  }
}

TEST(Atmosphere, TabulatedAirMatchesTheFullModel) {
  for (double z = -5000; z <= 110000; z += 7.3) {
    const AtmosphereSample full = us76(z);
    const AirSample fast = us76_air(z);
    EXPECT_NEAR(fast.density_kgpm3 / full.density_kgpm3, 1.0, 5e-5) << z;
    EXPECT_NEAR(fast.speed_of_sound_mps / full.speed_of_sound_mps, 1.0, 5e-5) << z;
  }
}

}  // namespace
}  // namespace canopy::physics
