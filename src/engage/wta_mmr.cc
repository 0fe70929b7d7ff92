// Maximum marginal return (den Broeder et al. 1959) and solve_wta_mmr, the
// textbook baselines (docs/wta.md).
#include <queue>
#include <utility>

#include "canopy/engage/wta.h"
#include "wta_internal.h"

namespace canopy::engage {
namespace detail {

// ---------------------------------------------------------------------------
// Maximum marginal return: a lazy max-heap of targets keyed by the best gain
// of one more round on them (gains only fall as rounds are given out).
// ---------------------------------------------------------------------------
namespace {

std::pair<double, int> best_add_on(const Model& m, const State& st, int j) {
  double g = 0;
  int bi = -1;
  if (st.n[j] >= m.cap) return {g, bi};
  const double vs = m.V[j] * st.s[j];
  for (int i : m.types_of[j]) {
    if (st.left[i] <= 0) continue;
    const double gi = vs * m.p[m.idx(i, j)] - m.cost[i];
    if (gi > g) g = gi, bi = i;
  }
  return {g, bi};
}

}  // namespace

void fill_mmr(const Model& m, State& st) {
  std::priority_queue<std::pair<double, int>> heap;
  for (int j = 0; j < m.T; ++j) {
    auto [g, i] = best_add_on(m, st, j);
    if (i >= 0) heap.push({g, -j});
  }
  while (!heap.empty()) {
    auto [g, mj] = heap.top();
    heap.pop();
    const int j = -mj;
    auto [g2, i] = best_add_on(m, st, j);
    if (i < 0 || g2 <= tol(g2)) continue;
    if (g2 < g - tol(g)) {  // stale key: re-queue with the current gain
      heap.push({g2, mj});
      continue;
    }
    st.move(m, i, -1, j);
    auto [g3, i3] = best_add_on(m, st, j);
    if (i3 >= 0) heap.push({g3, mj});
  }
}

}  // namespace detail

using detail::Clock;
using detail::fill_mmr;
using detail::Journal;
using detail::local_search;
using detail::Model;
using detail::seconds_since;
using detail::State;

WtaSolution solve_wta_mmr(const WtaProblem& pb, bool with_local_search) {
  const auto t0 = Clock::now();
  WtaSolution sol;
  if (!pb.validate()) return sol;
  const Model m(pb);
  State st(m);
  fill_mmr(m, st);
  if (with_local_search) {
    Journal jr;
    local_search(m, st, jr);
  }
  sol.assignment = st.assignment(m);
  sol.objective = wta_objective(pb, sol.assignment);
  sol.solve_s = seconds_since(t0);
  return sol;
}

}  // namespace canopy::engage
