// The exact WTA solver: dynamic programming over targets with the remaining
// inventory as state; small instances only (docs/wta.md).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "canopy/engage/wta.h"
#include "wta_internal.h"

namespace canopy::engage {
namespace detail {

// ---------------------------------------------------------------------------
// Exact: DP over targets, state = remaining rounds of every useful type
// (mixed radix), choice per (target, state) kept for the reconstruction.
// ---------------------------------------------------------------------------
namespace {

struct ExactSize {
  std::vector<int> types;  // useful weapon types
  double states = 1, transitions = 1;
};

ExactSize exact_size(const Model& m) {
  ExactSize z;
  for (int i = 0; i < m.W; ++i) {
    if (m.targets_of[i].empty()) continue;
    z.types.push_back(i);
    z.states *= m.c[i] + 1.0;
    z.transitions *= (m.c[i] + 1.0) * (m.c[i] + 2.0) / 2.0;
  }
  z.states *= std::max(1, m.T);
  z.transitions *= std::max(1, m.T);
  return z;
}

}  // namespace
}  // namespace detail

using detail::Clock;
using detail::exact_size;
using detail::ExactSize;
using detail::kInf;
using detail::Model;
using detail::seconds_since;

bool wta_exact_fits(const WtaProblem& pb) {
  if (!pb.validate()) return false;
  const ExactSize z = exact_size(Model(pb));
  return z.states <= kWtaExactMaxStates && z.transitions <= kWtaExactMaxTransitions;
}

core::Result<WtaSolution> solve_wta_exact(const WtaProblem& pb) {
  const auto t0 = Clock::now();
  if (auto ok = pb.validate(); !ok) return std::unexpected(ok.error());
  const Model m(pb);
  const ExactSize z = exact_size(m);
  if (z.states > kWtaExactMaxStates || z.transitions > kWtaExactMaxTransitions)
    return core::fail(fmt::format(
        "too large for the exact solver: {:.3g} states and {:.3g} transitions (limits {:.0e} "
        "and {:.0e}; see docs/wta.md)",
        z.states, z.transitions, kWtaExactMaxStates, kWtaExactMaxTransitions));
  const int D = static_cast<int>(z.types.size());
  std::vector<long> stride(D + 1, 1);
  for (int d = 0; d < D; ++d) stride[d + 1] = stride[d] * (m.c[z.types[d]] + 1);
  const long S = stride[D];
  std::vector<double> f(S, 0.0), g(S);
  std::vector<std::uint32_t> choice(static_cast<size_t>(S) * m.T, 0);
  std::vector<int> r(D);
  for (int j = m.T - 1; j >= 0; --j) {
    // Digits this target can use, with their powers of q.
    std::vector<int> ds;
    for (int d = 0; d < D; ++d)
      if (m.p[m.idx(z.types[d], j)] > 0) ds.push_back(d);
    std::uint32_t* ch = &choice[static_cast<size_t>(j) * S];
    for (long st = 0; st < S; ++st) {
      for (int d = 0; d < D; ++d) r[d] = static_cast<int>(st / stride[d] % (m.c[z.types[d]] + 1));
      double best = kInf;
      long best_off = 0;
      // Enumerate x <= r on the usable digits, sum x <= cap.
      std::function<void(size_t, long, double, double, int)> rec =
          [&](size_t k, long off, double surv, double cost, int used) {
            if (k == ds.size()) {
              const double v = m.V[j] * surv + cost + f[st - off];
              if (v < best) best = v, best_off = off;
              return;
            }
            const int d = ds[k], i = z.types[d];
            const double qi = m.q[m.idx(i, j)];
            double sv = surv;
            for (int x = 0; x <= r[d] && used + x <= m.cap; ++x, sv *= qi)
              rec(k + 1, off + x * stride[d], sv, cost + x * m.cost[i], used + x);
          };
      rec(0, 0, 1.0, 0.0, 0);
      g[st] = best;
      ch[st] = static_cast<std::uint32_t>(best_off);
    }
    std::swap(f, g);
  }
  // Walk the choices from the full stock.
  WtaSolution sol;
  sol.assignment.assign(m.W, {});
  long st = S - 1;
  for (int j = 0; j < m.T; ++j) {
    long off = choice[static_cast<size_t>(j) * S + st];
    st -= off;
    for (int d = D - 1; d >= 0; --d) {
      const long x = off / stride[d];
      off -= x * stride[d];
      for (long k = 0; k < x; ++k) sol.assignment[z.types[d]].push_back(j);
    }
  }
  sol.objective = wta_objective(pb, sol.assignment);
  sol.lower_bound = sol.objective;
  sol.proven_optimal = true;
  sol.solve_s = seconds_since(t0);
  return sol;
}

}  // namespace canopy::engage
