// The whole battle-manager chain - tracking, impact prediction, threat
// evaluation, alerts - against a sky holding 10, 100 and 1,000 rockets at
// once: one single-threaded run, every plot and every prediction.
//
//   build/release/bench/canopy_bench --benchmark_filter=BattleManagerStep
//
// The default scenario's three radars, five towns, 30 alert zones, threat
// library and doctrine; N `long` rockets fired within 4 s from around the
// Hills site towards the towns (about 80 s of flight). The radar scans are
// recorded beforehand; the battle manager steps every 10 ms as in the
// world. After 15 s of warm-up (tracks confirmed, predictions running) the
// next 30 simulated seconds are timed. `rtf` is the real-time factor.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "canopy/bmc/battle_manager.h"
#include "canopy/core/random.h"
#include "canopy/scenario/load.h"
#include "canopy/sensors/radar.h"

namespace canopy {
namespace {

constexpr double kTick_s = 0.01, kWarmup_s = 15, kMeasured_s = 30;

struct Sky {
  scenario::Scenario sc;
  std::vector<sensors::Scan> scans;  // in order of arrival
};

Sky record(int n) {
  Sky sky;
  sky.sc = *scenario::load_default();
  const scenario::Scenario& sc = sky.sc;
  const physics::RocketParams rocket = sc.rocket_types[2].params;  // long
  core::Stream rng(5, core::tag("bench-bm"), static_cast<std::uint64_t>(n));
  std::vector<physics::Flight> flights;
  for (int i = 0; i < n; ++i) {
    const core::Vec2 from = core::Vec2(-22000, -8000) + rng.uniform_in_disc(3000);
    const core::Vec2 to = core::Vec2(5000, -2000) + rng.uniform_in_disc(8000);
    const double az = std::atan2(to.x() - from.x(), to.y() - from.y());
    const double el = rng.uniform(0.55, 0.8);
    const core::Vec3 dir(std::cos(el) * std::sin(az), std::cos(el) * std::cos(az), std::sin(el));
    flights.push_back(physics::Flight::launch(rocket, sc.environment, core::ground_point(from), dir,
                                              rng.uniform(0, 4)));
  }
  std::vector<sensors::Radar> radars;
  for (size_t r = 0; r < sc.sensors.size(); ++r) radars.emplace_back(sc.sensors[r], int(r));
  // Scan times of every radar, merged in time order.
  std::vector<std::pair<double, int>> times;
  for (size_t r = 0; r < sc.sensors.size(); ++r)
    for (double t = 0; t <= kWarmup_s + kMeasured_s; t += sc.sensors[r].revisit_s)
      times.emplace_back(t, static_cast<int>(r));
  std::sort(times.begin(), times.end());
  std::uint64_t next_id = 1;
  for (const auto& [t, r] : times) {
    std::vector<sensors::Object> objects;
    for (size_t i = 0; i < flights.size(); ++i) {
      physics::Flight& f = flights[i];
      if (t <= f.t_launch_s()) continue;
      f.advance_to(t);
      if (f.landed() && f.impact()->t_s <= t) continue;
      const physics::State s = f.state_at(t);
      objects.push_back({static_cast<int>(i) + 1, s.p_W, s.v_W, sc.rocket_types[2].rcs_m2});
    }
    core::Stream scan_rng(5, core::tag("bench-bm-scan"), static_cast<std::uint64_t>(r),
                          static_cast<std::uint64_t>(t * 1000));
    std::vector<sensors::PlotOrigin> origins;
    sky.scans.push_back(radars[r].observe(t, objects, scan_rng, next_id, origins));
  }
  std::stable_sort(sky.scans.begin(), sky.scans.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  return sky;
}

void BM_BattleManagerStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Sky sky = record(n);
  std::int64_t predictions = 0;
  std::size_t tracks = 0;
  double simulated = 0;
  for (auto _ : state) {
    state.PauseTiming();
    bmc::BattleManager bm(bmc::Knowledge::from_scenario(sky.sc, sky.sc.environment));
    size_t next = 0;
    std::int64_t before = 0;
    const auto ticks = static_cast<std::int64_t>(std::llround((kWarmup_s + kMeasured_s) / kTick_s));
    const auto warmup = static_cast<std::int64_t>(std::llround(kWarmup_s / kTick_s));
    for (std::int64_t k = 1; k <= ticks; ++k) {
      if (k == warmup + 1) {
        before = bm.stats().predictions;
        state.ResumeTiming();
      }
      const double now = static_cast<double>(k) * kTick_s;
      const size_t first = next;
      while (next < sky.scans.size() && sky.scans[next].arrival_s <= now + 1e-12) ++next;
      benchmark::DoNotOptimize(
          bm.step(now, std::span<const sensors::Scan>(sky.scans.data() + first, next - first)));
    }
    state.PauseTiming();
    predictions += bm.stats().predictions - before;
    tracks = bm.picture(kWarmup_s + kMeasured_s).size();
    simulated += kMeasured_s;
    state.ResumeTiming();
  }
  state.counters["confirmed_tracks"] = static_cast<double>(tracks);
  state.counters["predictions_per_sim_s"] = static_cast<double>(predictions) / simulated;
  // Simulated seconds per wall second.
  state.counters["rtf"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BattleManagerStep)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace canopy
