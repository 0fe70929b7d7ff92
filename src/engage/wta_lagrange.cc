// The Lagrangian lower bound of WTA: per-target subproblems by branch and
// bound, subgradient steps on the multipliers; wta_lower_bound (docs/wta.md).
#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "canopy/engage/wta.h"
#include "wta_internal.h"

namespace canopy::engage {
namespace detail {

// ---------------------------------------------------------------------------
// Lagrangian relaxation of the inventory: for multipliers mu_i = lambda_i +
// cost_i, target j's subproblem min_x V_j prod q^x + sum mu_i x_i, solved by
// depth-first branch and bound with the continuous relaxation as bound.
// ---------------------------------------------------------------------------
namespace {

class Subproblem {
 public:
  // Returns a lower bound on the subproblem's minimum (exact unless the
  // node limit was hit) and the best pattern found in `pattern`.
  double solve(const Model& m, int j, const std::vector<double>& mu, long node_limit,
               std::vector<std::pair<int, int>>& pattern) {
    pattern.clear();
    const double V = m.V[j];
    items_.clear();
    if (node_limit <= 0) return relax_only(m, j, mu);
    const auto& ty = m.types_of[j];
    for (size_t t = 0; t < ty.size(); ++t) {
      const int i = ty[t];
      const double pij = m.p[m.idx(i, j)];
      if (!(mu[i] < V * pij)) continue;  // not even a first round pays
      const double b = m.logkill(j, t);
      items_.push_back({i, b, mu[i], mu[i] / b, std::min(m.c[i], m.cap)});
    }
    std::sort(items_.begin(), items_.end(), [](const Item& x, const Item& y) {
      return x.ratio < y.ratio || (x.ratio == y.ratio && x.type < y.type);
    });
    best_ = V;
    best_x_.assign(items_.size(), 0);
    cur_x_.assign(items_.size(), 0);
    nodes_ = 0;
    node_limit_ = node_limit;
    open_lb_ = kInf;
    V_ = V;
    cap_ = m.cap;
    dfs(0, 1.0, 0.0, 0);
    for (size_t t = 0; t < items_.size(); ++t)
      if (best_x_[t] > 0) pattern.push_back({items_[t].type, best_x_[t]});
    return std::min(best_, open_lb_);
  }

 private:
  struct Item {
    int type;
    double b, mu, ratio;
    int max;
  };
  // min(V, the continuous relaxation at the root) without sorting all the
  // items: a heap yields them by price only as far as the relaxation needs.
  double relax_only(const Model& m, int j, const std::vector<double>& mu) {
    const double V = m.V[j];
    const auto& ty = m.types_of[j];
    for (size_t t = 0; t < ty.size(); ++t) {
      const int i = ty[t];
      if (!(mu[i] < V * m.p[m.idx(i, j)])) continue;
      const double b = m.logkill(j, t);
      items_.push_back({i, b, mu[i], mu[i] / b, std::min(m.c[i], m.cap)});
    }
    auto later = [](const Item& x, const Item& y) { return x.ratio > y.ratio; };
    std::make_heap(items_.begin(), items_.end(), later);
    double z = 0, g = 0, bound = -1;
    while (!items_.empty()) {
      std::pop_heap(items_.begin(), items_.end(), later);
      const Item it = items_.back();
      items_.pop_back();
      const double len = it.b * it.max;
      const double at = V * std::exp(-z);
      if (at <= it.ratio) {
        bound = at + g;
        break;
      }
      const double zs = it.ratio > 0 ? std::log(V / it.ratio) : kInf;
      if (zs <= z + len) {
        bound = it.ratio + g + it.ratio * (zs - z);
        break;
      }
      g += it.mu * it.max;
      z += len;
    }
    if (bound < 0) bound = V * std::exp(-z) + g;
    items_.clear();
    // The cap is ignored by the relaxation (a weaker, still valid bound).
    return std::min(V, bound);
  }
  // min over real z >= 0 of A e^-z + g(z), g the cheapest way (items t..)
  // to buy z units of log-kill: a lower bound on what is left.
  double relax(size_t t, double A) const {
    double z = 0, g = 0;
    for (; t < items_.size(); ++t) {
      const Item& it = items_[t];
      const double len = it.b * it.max;
      const double at = A * std::exp(-z);
      if (at <= it.ratio) return at + g;
      const double zs = it.ratio > 0 ? std::log(A / it.ratio) : kInf;
      if (zs <= z + len) return it.ratio + g + it.ratio * (zs - z);
      g += it.mu * it.max;
      z += len;
    }
    return A * std::exp(-z) + g;
  }
  void dfs(size_t t, double S, double cost, int used) {
    const double here = V_ * S + cost;
    if (here < best_) best_ = here, best_x_ = cur_x_;
    if (t == items_.size() || used >= cap_) return;
    const double bound = cost + relax(t, V_ * S);
    if (bound >= best_ - tol(best_)) return;
    if (++nodes_ > node_limit_) {
      open_lb_ = std::min(open_lb_, bound);
      return;
    }
    const Item& it = items_[t];
    const int hi = std::min(it.max, cap_ - used);
    const double q = std::exp(-it.b);
    std::vector<double> pw(hi + 1, 1.0);
    for (int k = 1; k <= hi; ++k) pw[k] = pw[k - 1] * q;
    for (int k = hi; k >= 0; --k) {
      cur_x_[t] = k;
      dfs(t + 1, S * pw[k], cost + it.mu * k, used + k);
    }
    cur_x_[t] = 0;
  }

  std::vector<Item> items_;
  std::vector<int> best_x_, cur_x_;
  double best_ = 0, open_lb_ = kInf, V_ = 0;
  long nodes_ = 0, node_limit_ = 0;
  int cap_ = 0;
};

// Multipliers from an assignment: a round's price is about the best gain of
// one more round of its type (zero with rounds left in stock). Measured: a
// much better start than the midpoint with the smallest loss of one fewer.
std::vector<double> lambda_from(const Model& m, const State& st) {
  std::vector<double> lam(m.W, 0.0);
  for (int i = 0; i < m.W; ++i) {
    if (st.left[i] > 0 || m.targets_of[i].empty()) continue;
    double a = 0;
    for (int k : m.targets_of[i]) {
      const size_t ik = m.idx(i, k);
      if (st.n[k] < m.cap) a = std::max(a, m.V[k] * st.s[k] * m.p[ik]);
    }
    lam[i] = std::max(0.0, a - m.cost[i]);
  }
  return lam;
}

}  // namespace

// Passes after the first stop at `deadline`; the first one (always run) stops
// at `hard`, the targets it did not reach counting 0 (every subproblem's
// minimum is >= 0, so the bound stays valid, only weaker).
LagrangeResult lagrangian(const Model& m, const State& incumbent, double ub,
                          Clock::time_point deadline, int max_iter, Clock::time_point hard) {
  LagrangeResult res;
  std::vector<double> lam = lambda_from(m, incumbent), mu(m.W);
  std::vector<std::vector<std::pair<int, int>>> pat(m.T);
  std::vector<double> g(m.W);
  Subproblem sub;
  double theta = 0.5;
  int stall = 0;
  for (int it = 0; it < max_iter; ++it) {
    // The first pass bounds each target by its continuous relaxation alone
    // (cheap, so a bound always exists); later passes branch.
    const long node_limit = it == 0 ? 0 : 2000;
    // The dual function at lambda.
    for (int i = 0; i < m.W; ++i) mu[i] = lam[i] + m.cost[i];
    double L = 0;
    bool timed_out = false;
    for (int j = 0; j < m.T; ++j) {
      if (m.types_of[j].empty()) {
        L += m.V[j];
        pat[j].clear();
        continue;
      }
      L += sub.solve(m, j, mu, node_limit, pat[j]);
      if ((j & 15) == 15 && Clock::now() > (it > 0 ? deadline : hard)) {
        timed_out = true;
        break;
      }
    }
    if (timed_out && it > 0) break;
    for (int i = 0; i < m.W; ++i) L -= lam[i] * m.c[i];
    ++res.iterations;
    if (L > res.lb) {
      if (L > res.lb + 1e-6 * std::abs(ub)) stall = 0;
      res.lb = L;
      res.lambda = lam;
      res.pattern = pat;
    } else if (++stall >= 5) {
      theta *= 0.5;
      stall = 0;
    }
    if (timed_out || res.lb >= ub - 1e-9 * std::abs(ub) || theta < 1e-5 || Clock::now() > deadline)
      break;
    // Subgradient step on the inventory constraints.
    std::fill(g.begin(), g.end(), 0.0);
    for (int j = 0; j < m.T; ++j)
      for (auto [i, k] : pat[j]) g[i] += k;
    double norm = 0;
    for (int i = 0; i < m.W; ++i) {
      g[i] = m.c[i] - g[i];
      if (lam[i] <= 0 && g[i] > 0) g[i] = 0;  // projected direction
      norm += g[i] * g[i];
    }
    if (norm <= 0) break;  // the relaxed optimum is feasible: bound is exact
    const double step = theta * std::max(ub - L, 1e-9 * std::abs(ub)) / norm;
    for (int i = 0; i < m.W; ++i) lam[i] = std::max(0.0, lam[i] - step * g[i]);
  }
  return res;
}

// A feasible assignment from the subproblems' patterns: over-used types give
// back their least useful rounds, then MMR spends what is left.
void fill_from_patterns(const Model& m, State& st,
                        const std::vector<std::vector<std::pair<int, int>>>& pat) {
  for (int j = 0; j < m.T; ++j)
    for (auto [i, k] : pat[j])
      for (int r = 0; r < k && st.n[j] < m.cap; ++r) {
        // Borrow past the stock; repaired below.
        st.move(m, i, -1, j);
      }
  for (int i = 0; i < m.W; ++i) {
    while (st.left[i] < 0) {
      double r = kInf;
      int bj = -1;
      for (int k : m.targets_of[i]) {
        const size_t ik = m.idx(i, k);
        if (st.x[ik] <= 0) continue;
        const double loss = m.V[k] * st.s[k] * m.p[ik] / m.q[ik];
        if (loss < r) r = loss, bj = k;
      }
      st.move(m, i, bj, -1);
    }
  }
  fill_mmr(m, st);
}

}  // namespace detail

using detail::after;
using detail::Clock;
using detail::fill_mmr;
using detail::Journal;
using detail::kMaxTimeLimit_s;
using detail::LagrangeResult;
using detail::lagrangian;
using detail::local_search;
using detail::Model;
using detail::State;

std::optional<double> wta_lower_bound(const WtaProblem& pb, double time_limit_s,
                                      const WtaAssignment* incumbent) {
  const auto t0 = Clock::now();
  if (!pb.validate()) return std::nullopt;
  const Model m(pb);
  State st(m);
  if (incumbent != nullptr && wta_check(pb, *incumbent)) {
    for (int i = 0; i < m.W; ++i)
      for (int j : (*incumbent)[i])
        if (m.p[m.idx(i, j)] > 0) st.move(m, i, -1, j);
  } else {
    fill_mmr(m, st);
    Journal jr;
    local_search(m, st, jr);
  }
  st.refresh(m);
  if (!m.useful()) return st.f;
  const auto deadline = after(t0, std::clamp(time_limit_s, 0.0, kMaxTimeLimit_s));
  const LagrangeResult lr = lagrangian(m, st, st.f, deadline, 1000);
  return lr.lb;
}

}  // namespace canopy::engage
