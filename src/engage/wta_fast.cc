// solve_wta_fast: maximum marginal return and local search, the Lagrangian
// bound, then iterated local search with exact reassignment steps (docs/wta.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "canopy/core/random.h"
#include "canopy/engage/wta.h"
#include "wta_internal.h"

namespace canopy::engage {
namespace detail {
namespace {

// ---------------------------------------------------------------------------
// Iterated local search: random kicks (moves of a few rounds to random
// targets), local search, accept if no worse, undo otherwise.
// ---------------------------------------------------------------------------
// Targets per exact reassignment step (the assignment solve is cubic in it):
// all of them up to kChainAll, else kChainRelated related ones (measured on
// dome 125 x 500: smaller, more frequent steps improve faster). Then failed
// steps in a row before the search falls back on random kicks.
constexpr int kChainAll = 100;
constexpr int kChainRelated = 32;
constexpr int kChainPatience = 8;
// The share of the time limit the search may use (see solve_wta_fast).
constexpr double kStopFraction = 0.9;

struct Search {
  const Model& m;
  core::Stream rng;
  State best;
  double best_f;
  Chains chains;
  std::vector<int> pool, sub, types;
  std::vector<char> mark;
  int chain_size_ = chain_size();

  Search(const Model& model, std::uint64_t seed, const State& start)
      : m(model), rng(seed, core::tag("wta_ils")), best(start), best_f(start.f) {}

  int pick(int n) { return static_cast<int>(rng.uniform() * n) % std::max(n, 1); }

  void offer(const State& st) {
    if (st.f < best_f - tol(best_f)) best = st, best_f = st.f;
  }

  // One kick: `k` random rounds each moved to a random feasible target.
  void kick(State& st, Journal& jr, int k) {
    for (int r = 0; r < k; ++r) {
      const int i = pick(m.W);
      const auto& tg = m.targets_of[i];
      if (tg.empty() || m.c[i] == 0) continue;
      // A random round of type i (or its stock).
      int from = -1;
      if (st.left[i] == 0 || pick(4) != 0) {
        int nth = pick(m.c[i] - st.left[i]);
        for (int j : tg) {
          nth -= st.x[m.idx(i, j)];
          if (nth < 0) {
            from = j;
            break;
          }
        }
      }
      if (from == -1 && st.left[i] <= 0) continue;
      const int to = tg[pick(static_cast<int>(tg.size()))];
      if (to == from || st.n[to] >= m.cap) continue;
      jr.move(m, st, i, from, to);
    }
  }

  // Up to `size` targets for a reassignment step. When they are few, a
  // random sample; otherwise related targets: those where a few random
  // weapon types have rounds, and where those types would gain the most.
  int chain_size() const {
    int useful = 0;
    for (int j = 0; j < m.T; ++j) useful += !m.types_of[j].empty();
    return useful <= kChainAll ? useful : kChainRelated;
  }
  const std::vector<int>& subset(const State& st) {
    const int size = chain_size_;
    if (pool.empty()) {
      for (int j = 0; j < m.T; ++j)
        if (!m.types_of[j].empty()) pool.push_back(j);
      for (int i = 0; i < m.W; ++i)
        if (!m.targets_of[i].empty()) types.push_back(i);
      mark.assign(m.T, 0);
    }
    const int np = static_cast<int>(pool.size());
    sub.clear();
    if (np <= kChainAll) {
      const int k = std::min(size, np);
      for (int t = 0; t < k; ++t) std::swap(pool[t], pool[t + pick(np - t)]);
      sub.assign(pool.begin(), pool.begin() + k);
      return sub;
    }
    auto add = [&](int j) {
      if (!mark[j] && static_cast<int>(sub.size()) < size) mark[j] = 1, sub.push_back(j);
    };
    const int nty = static_cast<int>(types.size());
    for (int tries = 0; tries < 4 * nty && static_cast<int>(sub.size()) < size; ++tries) {
      const int i = types[pick(nty)];
      // The targets where type i has rounds, and its best two destinations.
      double a1 = -1, a2 = -1;
      int k1 = -1, k2 = -1;
      const auto& tg = m.targets_of[i];
      for (size_t t = 0; t < tg.size(); ++t) {
        const int k = tg[t];
        if (st.x[m.idx(i, k)] > 0) {
          add(k);
          continue;
        }
        const double a = st.vs[k] * m.tp[i][t];
        if (a > a1) {
          a2 = a1, k2 = k1, a1 = a, k1 = k;
        } else if (a > a2) {
          a2 = a, k2 = k;
        }
      }
      if (k1 >= 0) add(k1);
      if (k2 >= 0) add(k2);
    }
    for (int j : sub) mark[j] = 0;
    return sub;
  }

  long run(State& cur, Clock::time_point deadline, long max_iter, double lb) {
    Journal jr;
    jr.on = true;
    long it = 0;
    long since_best = 0;
    int chain_fail = 0;
    // The longest reassignment step so far; before the first, a guess of
    // 3 ns per inner step of the assignment solve.
    const double n = chain_size_;
    Clock::duration chain_cost = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(3e-9 * n * n * n));
    long steps = 0;
    for (; it < max_iter; ++it) {
      if (Clock::now() > deadline) break;
      if (best_f <= lb + 1e-9 * std::abs(best_f)) break;
      jr.steps.clear();
      const double f0 = cur.f;
      if (chain_fail < kChainPatience && Clock::now() + chain_cost < deadline) {
        // The exact reassignment neighbourhood first; kicks once it stalls.
        const auto c0 = Clock::now();
        const bool better = chains.improve(m, cur, jr, subset(cur), rng);
        chain_cost = steps++ == 0 ? Clock::now() - c0 : std::max(chain_cost, Clock::now() - c0);
        if (better) {
          local_search(m, cur, jr, deadline);
          cur.refresh(m);
          offer(cur);
          chain_fail = 0;
          since_best = 0;
        } else {
          ++chain_fail;
        }
        continue;
      }
      kick(cur, jr, 1 + pick(3));
      local_search(m, cur, jr, deadline);
      if (cur.f <= f0 + tol(f0)) {
        if (cur.f < f0 - tol(f0)) chain_fail = 0;
        if (cur.f < best_f - tol(best_f)) {
          cur.refresh(m);
          offer(cur);
          since_best = 0;
        }
        jr.steps.clear();
      } else {
        jr.undo(m, cur);
      }
      // Long stagnation: restart from the best with a fresh survival vector.
      if (++since_best > 2000) {
        cur = best;
        since_best = 0;
      }
    }
    return it;
  }
};

// Objective of a state on the caller's problem (true 1 - p, no clamping).
double true_objective(const WtaProblem& pb, const Model& m, const State& st) {
  return wta_objective(pb, st.assignment(m));
}

}  // namespace
}  // namespace detail

using detail::after;
using detail::Clock;
using detail::fill_from_patterns;
using detail::fill_mmr;
using detail::Journal;
using detail::kInf;
using detail::kMaxTimeLimit_s;
using detail::kStopFraction;
using detail::LagrangeResult;
using detail::lagrangian;
using detail::local_search;
using detail::Model;
using detail::Search;
using detail::seconds_since;
using detail::State;
using detail::true_objective;

WtaSolution solve_wta_fast(const WtaProblem& pb, const WtaFastOptions& o) {
  const auto t0 = Clock::now();
  WtaSolution sol;
  if (!pb.validate()) return sol;
  const Model m(pb);
  const auto t_model = Clock::now();
  State st(m);
  if (!m.useful()) {  // nothing can be engaged: fire nothing
    sol.assignment.assign(m.W, {});
    sol.objective = wta_objective(pb, sol.assignment);
    sol.lower_bound = sol.objective;
    sol.proven_optimal = true;
    sol.solve_s = seconds_since(t0);
    return sol;
  }
  Journal jr;
  const double tl = std::clamp(o.time_limit_s, 0.0, kMaxTimeLimit_s);
  auto at = [&](double frac) { return after(t0, frac * tl); };
  // The search stops a little before the limit: a step in flight, writing
  // the result, and (on a loaded machine) preemption come after it.
  const auto stop = at(kStopFraction);
  // Construction: MMR and a complete local search.
  fill_mmr(m, st);
  local_search(m, st, jr, stop);
  st.refresh(m);
  // Lower bound (its first pass always runs), and a start from its patterns.
  // Its first pass costs about as much as building the model; when that is
  // a large share of the limit, it runs last instead, so that the search
  // gets the time (it still stops at `stop`; see lagrangian()).
  const double model_s = std::chrono::duration<double>(t_model - t0).count();
  const bool bound_last = o.lower_bound && 1.5 * model_s > 0.05 * tl;
  double lb = -kInf;
  if (o.lower_bound && !bound_last) {
    LagrangeResult lr = lagrangian(m, st, st.f, at(0.3), 300, stop);
    lb = std::max(0.0, lr.lb);  // the objective is never negative
    const bool patterns = std::any_of(lr.pattern.begin(), lr.pattern.end(),
                                      [](const auto& pt) { return !pt.empty(); });
    if (patterns && Clock::now() < at(0.4)) {
      State st3(m);
      fill_from_patterns(m, st3, lr.pattern);
      local_search(m, st3, jr, stop);
      st3.refresh(m);
      if (st3.f < st.f) st = st3;
    }
  }
  // Iterated local search for the rest of the time.
  Search search(m, o.seed, st);
  const auto search_stop = bound_last ? stop - std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(1.5 * model_s))
                                      : stop;
  sol.iterations = search.run(st, search_stop, o.max_iterations, lb);
  if (bound_last) {
    lb = std::max(0.0, lagrangian(m, search.best, search.best_f, stop, 300, stop).lb);
  }
  sol.assignment = search.best.assignment(m);
  sol.objective = true_objective(pb, m, search.best);
  if (lb > -kInf) {
    sol.lower_bound = std::min(lb, sol.objective);
    sol.proven_optimal = lb >= sol.objective - 1e-9 * std::abs(sol.objective);
  }
  sol.solve_s = seconds_since(t0);
  return sol;
}

}  // namespace canopy::engage
