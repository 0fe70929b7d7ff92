// The whole chain with engagement: the default scenario's radars, battle
// manager and batteries against one salvo of N long-range rockets from the
// Hills site at the towns (10, 100, 1,000), stepped from launch to 60 s.
//
//   build/release/bench/canopy_bench --benchmark_filter=DefendedWorld
//
// The `rtf` counter is simulated seconds per wall second for one run on one
// core: the world (truth, radars, interceptor flyout, fuzing, debris) and
// the battle manager (tracking, prediction, decision, alerts, fire control).
#include <benchmark/benchmark.h>

#include "canopy/scenario/load.h"
#include "canopy/sim/world.h"

namespace canopy {
namespace {

scenario::Scenario defended_salvo(int n) {
  scenario::Scenario sc = *scenario::load_default();
  sc.raids.clear();
  scenario::Raid raid;
  raid.site_index = 1;  // Hills
  raid.type_index = 2;  // long
  raid.count = n;
  raid.interval_s = 0.0;
  raid.aim.kind = scenario::Aim::Kind::kPoint;
  raid.aim.point_en_m = {6000, -1000};
  raid.aim_sigma_m = 4000;
  sc.raids.push_back(raid);
  sc.run.duration_s = 60;
  return sc;
}

void BM_DefendedWorld(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const scenario::Scenario sc = defended_salvo(n);
  sim::WorldOptions opts;
  opts.trajectory_interval_s = 0;
  opts.picture_interval_s = 0;
  // Counts the fire events (the only sink work: no samples are taken).
  struct Fires : sim::EventSink {
    void on_event(const sim::Event& e) override { n += std::holds_alternative<sim::FireEvent>(e); }
    int n = 0;
  } fires;
  auto make = [&] {
    sim::World w = std::move(*sim::World::create(sc, opts));
    fires.n = 0;
    w.set_sink(&fires);
    return w;
  };
  sim::World world = make();
  double simulated = 0;
  int fired = 0;
  for (auto _ : state) {
    // One iteration: one simulated second (100 ticks of 10 ms).
    for (int i = 0; i < 100 && !world.done(); ++i) world.step();
    simulated += 1.0;
    if (world.done()) {
      fired = fires.n;
      state.PauseTiming();
      world = make();
      state.ResumeTiming();
    }
  }
  state.counters["rockets"] = n;
  state.counters["fired_per_run"] = fired;
  state.counters["rtf"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DefendedWorld)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(60);

}  // namespace
}  // namespace canopy
