// Monte Carlo throughput and thread scaling on the built-in default scenario
// (about 200 rockets, three radars, three batteries, twelve minutes):
// runs per second on 1 and 2 worker threads, eval::run_many as
// `canopy montecarlo` calls it.
//
//   build/release/bench/canopy_bench --benchmark_filter=MonteCarlo
//
// Parallel efficiency = runs_per_s(2 threads) / (2 x runs_per_s(1 thread)).
// The flyout tables are built before timing (once per process in real use).
#include <benchmark/benchmark.h>

#include <numeric>

#include "canopy/eval/montecarlo.h"
#include "canopy/scenario/load.h"

namespace canopy {
namespace {

void BM_MonteCarloDefaultScenario(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const scenario::Scenario sc = *scenario::load_default();
  (void)eval::run_once(sc, 1000);  // warm the process-wide flyout tables
  constexpr int kRuns = 4;
  std::vector<int> runs(kRuns);
  std::iota(runs.begin(), runs.end(), 0);
  for (auto _ : state) {
    int done = 0;
    auto ok = eval::run_many(sc, runs, threads, [&](eval::RunRecord) { ++done; });
    if (!ok || done != kRuns) state.SkipWithError("a run failed");
  }
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(kRuns) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MonteCarloDefaultScenario)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace canopy
