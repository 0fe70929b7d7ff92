// Physics hot paths: the atmosphere, one rocket flown to the ground, and the
// aiming solver used when a world plans its rockets.
//
//   build/release/bench/canopy_bench --benchmark_filter='Us76|FlyToGround|SolveAim'
#include <benchmark/benchmark.h>

#include "canopy/core/units.h"
#include "canopy/physics/atmosphere.h"
#include "canopy/physics/ballistics.h"
#include "canopy/physics/examples.h"

namespace canopy::physics {
namespace {

void BM_Us76(benchmark::State& state) {
  double alt = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(us76(alt));
    alt = alt > 80000 ? 0 : alt + 37.0;
  }
}
BENCHMARK(BM_Us76);

void BM_FlyToGround(benchmark::State& state) {
  const Vec3 p0 = core::ground_point({0, 0});
  const Vec3 dir = core::horizon_at(p0).direction(core::deg_to_rad(45), 0.3);
  for (auto _ : state) {
    Flight f = Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0.0);
    benchmark::DoNotOptimize(f.fly_to_ground());
  }
}
BENCHMARK(BM_FlyToGround)->Unit(benchmark::kMicrosecond);

void BM_SolveAim(benchmark::State& state) {
  const ReachBand band = reach_band(example_medium_rocket(), Environment{});
  Environment env;
  env.wind = {{0.0, 10000.0}, {Vec2(3, 1), Vec2(15, 5)}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        solve_aim(example_medium_rocket(), env, {-15000, 2000}, {1000, 3000}, band));
  }
}
BENCHMARK(BM_SolveAim)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace canopy::physics
