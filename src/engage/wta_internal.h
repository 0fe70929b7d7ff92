// Private to the WTA solvers (src/engage/wta*.cc; not part of wta.h's API):
// the problem in solver form, an assignment under construction, shared steps.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "canopy/core/random.h"
#include "canopy/engage/wta.h"

namespace canopy::engage::detail {

using Clock = std::chrono::steady_clock;

// Longer limits mean "until proven optimal or the iteration cap": clamped
// here, they cannot overflow the clock's nanoseconds (about 292 years from
// its epoch) and end the search at once.
inline constexpr double kMaxTimeLimit_s = 1e6;

inline Clock::time_point after(Clock::time_point t0, double seconds) {
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}
inline constexpr double kInf = std::numeric_limits<double>::infinity();
// Survival factors are clamped here so that removing a round (a division)
// stays finite; objectives reported to callers use the true 1 - p.
inline constexpr double kQMin = 1e-12;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The problem in solver form: flat W x T arrays and sparse lists of the
// pairs that can matter (p > 0, V > 0, rounds in stock).
struct Model {
  int W = 0, T = 0, cap = 0;
  // p, q: W x T row-major; q = 1 - p (clamped), +inf where the pair is
  // useless (so a swap or move onto it never looks improving); qt: q, T x W.
  std::vector<double> V, p, q, qt, cost;
  std::vector<int> c;
  std::vector<std::vector<int>> targets_of;  // per type: useful targets
  std::vector<std::vector<int>> types_of;    // per target: useful types
  std::vector<std::vector<double>> tp, tpq;  // per type, along targets_of: p, p / q
  // Per target, along types_of: -log q, computed when first needed (NaN
  // until then; only the bound uses it).
  mutable std::vector<std::vector<double>> tb;
  long rounds = 0;

  explicit Model(const WtaProblem& pb);  // wta.cc
  size_t idx(int i, int j) const { return static_cast<size_t>(i) * T + j; }
  // -log q of the t-th type of target j.
  double logkill(int j, size_t t) const {
    double& b = tb[j][t];
    if (std::isnan(b)) b = -std::log(q[idx(types_of[j][t], j)]);
    return b;
  }
  bool useful() const {
    return std::any_of(targets_of.begin(), targets_of.end(), [](auto& v) { return !v.empty(); });
  }
};

// An assignment under construction: counts x_ij, survival s_j, rounds per
// target and stock, and the objective, all kept up to date by move().
struct State {
  std::vector<int> x, n, left;
  std::vector<double> s, vs;  // survival, and V_j s_j
  std::vector<char> dirty;    // survival changed since the last swap pass
  std::vector<char> tdirty;   // per type: a target of it changed since its
                              // last scan found no improving move
  // Scratch of the swap pass (kept to avoid reallocations).
  std::vector<int> gk, gbeg;
  std::vector<double> ginv, gtop;
  std::vector<std::pair<int, int>> dg;
  double f = 0;

  explicit State(const Model& m)
      : x(static_cast<size_t>(m.W) * m.T, 0),
        n(m.T, 0),
        left(m.c),
        s(m.T, 1.0),
        vs(m.V),
        dirty(m.T, 1),
        tdirty(m.W, 1) {
    f = std::accumulate(m.V.begin(), m.V.end(), 0.0);
  }
  // One round of type i from target `from` to target `to` (-1: the stock).
  void move(const Model& m, int i, int from, int to) {
    if (from >= 0) {
      const double sj = s[from];
      s[from] = sj / m.q[m.idx(i, from)];
      f += m.V[from] * (s[from] - sj);
      vs[from] = m.V[from] * s[from];
      --x[m.idx(i, from)];
      --n[from];
      dirty[from] = 1;
      for (int h : m.types_of[from]) tdirty[h] = 1;
    } else {
      --left[i];
      f += m.cost[i];
    }
    if (to >= 0) {
      const double sk = s[to];
      s[to] = sk * m.q[m.idx(i, to)];
      f += m.V[to] * (s[to] - sk);
      vs[to] = m.V[to] * s[to];
      ++x[m.idx(i, to)];
      ++n[to];
      dirty[to] = 1;
      for (int h : m.types_of[to]) tdirty[h] = 1;
    } else {
      ++left[i];
      f -= m.cost[i];
    }
  }
  // Survival and objective from the counts (removes rounding drift).
  void refresh(const Model& m);                    // wta.cc
  WtaAssignment assignment(const Model& m) const;  // wta.cc
};

// A journal of moves, so that a rejected perturbation can be undone.
struct Journal {
  struct Step {
    int i, from, to;
  };
  std::vector<Step> steps;
  bool on = false;
  void move(const Model& m, State& st, int i, int from, int to) {
    st.move(m, i, from, to);
    if (on) steps.push_back({i, from, to});
  }
  void undo(const Model& m, State& st) {
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) st.move(m, it->i, it->to, it->from);
    steps.clear();
  }
};

inline double tol(double a) { return 1e-12 * (1.0 + std::abs(a)); }

// Maximum marginal return (wta_mmr.cc): the rounds in stock, one at a time,
// to the target where one more round gains the most.
void fill_mmr(const Model& m, State& st);

// Local search (wta_local_search.cc): best one-round moves per weapon type,
// then swaps of two rounds of different types. Stops at the deadline (the
// state stays feasible, maybe not a local optimum).
void local_search(const Model& m, State& st, Journal& jr,
                  Clock::time_point deadline = Clock::time_point::max(), bool swaps = true);

// The exact reassignment neighbourhood (wta_local_search.cc): free one round
// on each target of S and give the freed rounds back optimally.
struct Chains {
  std::vector<std::pair<int, int>> rows;  // freed rounds: (type, from; -1 stock)
  std::vector<double> a, sfix;
  std::vector<char> freed;

  // Returns true if the state improved.
  bool improve(const Model& m, State& st, Journal& jr, const std::vector<int>& S,
               core::Stream& rng);
};

// The Lagrangian relaxation of the inventory (wta_lagrange.cc): the best
// bound, and the multipliers and per-target patterns that gave it.
struct LagrangeResult {
  double lb = -kInf;
  std::vector<double> lambda;                             // at the best bound
  std::vector<std::vector<std::pair<int, int>>> pattern;  // per target, at best
  int iterations = 0;
};
// At most `max_iter` subgradient passes from multipliers priced on
// `incumbent` (objective `ub`); passes after the first stop at `deadline`,
// the first one at `hard`.
LagrangeResult lagrangian(const Model& m, const State& incumbent, double ub,
                          Clock::time_point deadline, int max_iter,
                          Clock::time_point hard = Clock::time_point::max());
// A feasible assignment from the subproblems' patterns (wta_lagrange.cc).
void fill_from_patterns(const Model& m, State& st,
                        const std::vector<std::vector<std::pair<int, int>>>& pat);

}  // namespace canopy::engage::detail
