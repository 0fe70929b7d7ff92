// Stepping the world with 10, 100 and 1,000 rockets in flight.
//
//   build/release/bench/canopy_bench --benchmark_filter=WorldStep
//
// The `rtf` counter is the real-time factor: simulated seconds per wall
// second, for one run on one core.
#include <benchmark/benchmark.h>

#include "canopy/core/units.h"
#include "canopy/sim/world.h"

namespace canopy {
namespace {

// N long-range rockets fired at once from one site towards points 35-40 km
// away, so that all N stay in flight for the measured interval.
scenario::Scenario salvo(int n) {
  scenario::Scenario sc;
  sc.name = "bench";
  sc.run = {400, 0.01, 1};
  sc.environment.wind = {{0.0, 10000.0}, {core::Vec2(3, 1), core::Vec2(15, 5)}};
  physics::RocketParams r;
  r.launch_mass_kg = 150;
  r.propellant_mass_kg = 52;
  r.burn_time_s = 2.6;
  r.thrust_N = 45000;
  r.diameter_m = 0.16;
  r.cd = {{0.0, 0.8, 1.0, 1.2, 2.0, 3.0}, {0.28, 0.30, 0.42, 0.40, 0.33, 0.28}};
  sc.rocket_types.push_back({"long", r, 0.03});
  sc.launch_sites.push_back({"site", {-37000, 0}, 1000});
  scenario::Raid raid;
  raid.count = n;
  raid.interval_s = 0.0;
  raid.aim.point_en_m = {0, 0};
  raid.aim_sigma_m = 500;
  sc.raids.push_back(raid);
  return sc;
}

void BM_WorldStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const scenario::Scenario sc = salvo(n);
  auto make = [&] {
    auto w = sim::World::create(sc);
    // Past the boost phase: every rocket coasting in flight.
    while (w->time_s() < 5.0) w->step();
    return std::move(*w);
  };
  sim::World world = make();
  double simulated = 0;
  for (auto _ : state) {
    // One iteration: one simulated second (100 ticks of 10 ms).
    for (int i = 0; i < 100; ++i) world.step();
    simulated += 1.0;
    if (world.time_s() > 50.0) {
      state.PauseTiming();
      world = make();
      state.ResumeTiming();
    }
    if (world.in_flight() != n) {
      state.SkipWithError("a rocket landed during the measurement");
      break;
    }
  }
  state.counters["rockets"] = n;
  state.counters["rtf"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WorldStep)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace canopy
