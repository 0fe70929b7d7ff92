// Static weapon-target assignment (docs/wta.md): the fast solver on seeded
// instances drawn like wta_gen.py's families (own generator, same
// distributions), at its 0.01 s limit. Counters: objective, lower bound,
// and the gap between them in percent (an upper bound on the gap to the
// optimum; tools/wta_check.sh measures the gap to proven optima).
#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>

#include "canopy/core/random.h"
#include "canopy/engage/wta.h"

namespace {

using canopy::engage::WtaProblem;

int uint_in(canopy::core::Stream& r, int lo, int hi) {
  return lo + std::min(hi - lo, static_cast<int>(r.uniform() * (hi - lo + 1)));
}

// family 0 ahuja, 1 andersen (mu rounds per type, T = 2W), 2 dome.
WtaProblem make(int family, int W, int T, int mu, std::uint64_t seed) {
  canopy::core::Stream r(seed, canopy::core::tag("wta_bench"), family);
  WtaProblem pb;
  pb.p = Eigen::MatrixXd::Zero(W, T);
  for (int j = 0; j < T; ++j) {
    if (family == 0) pb.values.push_back(uint_in(r, 25, 100));
    if (family == 1) pb.values.push_back(uint_in(r, 1, 99));
    if (family == 2) {
      if (r.uniform() < 0.35) {
        pb.values.push_back(uint_in(r, 0, 2));
      } else {
        const double u1 = std::max(1e-12, r.uniform()), u2 = r.uniform();
        const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
        pb.values.push_back(std::round(10 * std::exp(z)) + 1);
      }
    }
  }
  for (int i = 0; i < W; ++i) {
    pb.counts.push_back(family == 0 ? 1 : family == 1 ? mu : uint_in(r, 2, 6));
    for (int j = 0; j < T; ++j) {
      if (family == 0) pb.p(i, j) = 0.6 + 0.3 * r.uniform();
      if (family == 1) pb.p(i, j) = std::clamp(r.uniform(), 1e-4, 0.9999);
      if (family == 2) pb.p(i, j) = r.uniform() < 0.6 ? 0.70 + 0.25 * r.uniform() : 0.0;
    }
  }
  return pb;
}

void BM_Wta(benchmark::State& state) {
  const WtaProblem pb = make(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
                             static_cast<int>(state.range(2)), static_cast<int>(state.range(3)), 1);
  canopy::engage::WtaSolution s;
  for (auto _ : state) {
    s = canopy::engage::solve_wta_fast(pb, 0.01);
    benchmark::DoNotOptimize(s.objective);
  }
  const double lb = s.lower_bound.value_or(0.0);
  state.counters["objective"] = s.objective;
  state.counters["lower_bound"] = lb;
  state.counters["gap_to_lb_pct"] = s.objective > 0 ? 100 * (s.objective - lb) / s.objective : 0;
}
BENCHMARK(BM_Wta)
    ->ArgNames({"family", "W", "T", "mu"})
    ->Args({0, 20, 20, 1})
    ->Args({0, 40, 40, 1})
    ->Args({0, 80, 80, 1})
    ->Args({1, 10, 20, 2})
    ->Args({1, 30, 60, 2})
    ->Args({1, 50, 100, 3})
    ->Args({2, 25, 100, 0})
    ->Args({2, 60, 250, 0})
    ->Args({2, 125, 500, 0})
    ->Unit(benchmark::kMillisecond);

}  // namespace
