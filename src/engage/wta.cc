// Static weapon-target assignment: heuristics, Lagrangian bound, exact DP
// (docs/wta.md).
#include "canopy/engage/wta.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <queue>
#include <utility>

#include "canopy/core/assignment.h"
#include "canopy/core/random.h"

namespace canopy::engage {
namespace {

using Clock = std::chrono::steady_clock;

// Longer limits mean "until proven optimal or the iteration cap": clamped
// here, they cannot overflow the clock's nanoseconds (about 292 years from
// its epoch) and end the search at once.
constexpr double kMaxTimeLimit_s = 1e6;

Clock::time_point after(Clock::time_point t0, double seconds) {
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}
constexpr double kInf = std::numeric_limits<double>::infinity();
// Survival factors are clamped here so that removing a round (a division)
// stays finite; objectives reported to callers use the true 1 - p.
constexpr double kQMin = 1e-12;

double seconds_since(Clock::time_point t0) {
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

  explicit Model(const WtaProblem& pb) {
    W = pb.weapon_types();
    T = pb.targets();
    cap = pb.max_per_target;
    V = pb.values;
    c = pb.counts;
    cost.assign(W, 0.0);
    if (!pb.round_cost.empty()) cost = pb.round_cost;
    p.assign(static_cast<size_t>(W) * T, 0.0);
    q.assign(p.size(), kInf);
    qt.assign(p.size(), kInf);
    targets_of.resize(W);
    types_of.resize(T);
    tp.resize(W);
    tpq.resize(W);
    tb.resize(T);
    for (int i = 0; i < W; ++i) rounds += c[i];
    if (cap <= 0) return;
    // Target by target (the caller's p is column-major) into qt, then type
    // by type into p and q: both passes write contiguously, and without
    // branches on the (random) feasibility pattern.
    std::vector<int> buf(std::max(W, T));
    for (int j = 0; j < T; ++j) {
      if (!(V[j] > 0)) continue;
      const double* col = pb.p.data() + static_cast<size_t>(j) * pb.p.rows();
      double* qj = qt.data() + static_cast<size_t>(j) * W;  // (data(): W may be 0)
      int n = 0;
      for (int i = 0; i < W; ++i) {
        const double pij = col[i];
        const bool ok = pij > 0 && c[i] > 0;
        qj[i] = ok ? std::max(kQMin, 1.0 - pij) : kInf;
        buf[n] = i;
        n += ok;
      }
      types_of[j].assign(buf.begin(), buf.begin() + n);
      tb[j].assign(n, std::numeric_limits<double>::quiet_NaN());
    }
    for (int i = 0; i < W; ++i) {
      if (c[i] <= 0) continue;
      double* pi = p.data() + idx(i, 0);  // (data(): T may be 0)
      double* qi = q.data() + idx(i, 0);
      const double* qti = qt.data() + i;
      int n = 0;
      for (int j = 0; j < T; ++j) {
        const double qij = qti[static_cast<size_t>(j) * W];
        const bool ok = qij != kInf;
        qi[j] = qij;
        pi[j] = ok ? 1.0 - qij : 0.0;  // p itself unless clamped (p ~ 1)
        buf[n] = j;
        n += ok;
      }
      targets_of[i].assign(buf.begin(), buf.begin() + n);
      tp[i].resize(n);
      tpq[i].resize(n);
      for (int t = 0; t < n; ++t) {
        const int j = buf[t];
        tp[i][t] = pi[j];
        tpq[i][t] = pi[j] / qi[j];
      }
    }
  }
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
  void refresh(const Model& m) {
    f = 0;
    for (int j = 0; j < m.T; ++j) {
      double sj = 1;
      for (int i : m.types_of[j]) {
        const int k = x[m.idx(i, j)];
        if (k > 0) sj *= std::pow(m.q[m.idx(i, j)], k);
      }
      s[j] = sj;
      vs[j] = m.V[j] * sj;
      f += vs[j];
    }
    for (int i = 0; i < m.W; ++i) f += m.cost[i] * (m.c[i] - left[i]);
  }
  WtaAssignment assignment(const Model& m) const {
    WtaAssignment a(m.W);
    for (int i = 0; i < m.W; ++i)
      for (int j : m.targets_of[i])
        for (int k = 0; k < x[m.idx(i, j)]; ++k) a[i].push_back(j);
    return a;
  }
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

double tol(double a) { return 1e-12 * (1.0 + std::abs(a)); }

// ---------------------------------------------------------------------------
// Maximum marginal return: a lazy max-heap of targets keyed by the best gain
// of one more round on them (gains only fall as rounds are given out).
// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// Local search: best one-round move per weapon type (which solves that type's
// block exactly: the objective is separable and convex in its rounds), then
// first-improvement swaps of two rounds of different types.
// ---------------------------------------------------------------------------
bool improve_type(const Model& m, State& st, Journal& jr, int i) {
  const auto& tg = m.targets_of[i];
  if (tg.empty()) return false;
  bool any = false;
  for (int guard = 0; guard < 4 * static_cast<int>(tg.size()) + 8; ++guard) {
    // Two best destinations (gross gain a), and the cheapest source (loss r).
    double a1 = m.cost[i], a2 = m.cost[i];  // the stock as destination
    int k1 = -1, k2 = -1;
    double r1 = kInf, r2 = kInf;
    int j1 = -2, j2 = -2;
    if (st.left[i] > 0) r1 = m.cost[i], j1 = -1;  // the stock as source
    const double* tp = m.tp[i].data();
    const double* tpq = m.tpq[i].data();
    const int* xi = &st.x[m.idx(i, 0)];
    const int nt = static_cast<int>(tg.size());
    for (int t = 0; t < nt; ++t) {
      const int k = tg[t];
      const double vs = st.vs[k];
      if (xi[k] > 0) {
        const double r = vs * tpq[t];
        if (r < r1) {
          r2 = r1, j2 = j1, r1 = r, j1 = k;
        } else if (r < r2) {
          r2 = r, j2 = k;
        }
      }
      const double a = vs * tp[t];
      if (a <= a2 || st.n[k] >= m.cap) continue;
      if (a > a1) {
        a2 = a1, k2 = k1, a1 = a, k1 = k;
      } else {
        a2 = a, k2 = k;
      }
    }
    if (j1 == -2) return any;
    // Best pair with source != destination.
    double best = 0;
    int bs = -2, bd = -2;
    auto consider = [&](double r, int j, double a, int k) {
      if (j == -2 || j == k) return;
      const double d = r - a;
      if (d < best - tol(a)) best = d, bs = j, bd = k;
    };
    consider(r1, j1, a1, k1);
    consider(r1, j1, a2, k2);
    consider(r2, j2, a1, k1);
    if (bs == -2) return any;
    jr.move(m, st, i, bs, bd);
    any = true;
  }
  return any;
}

bool improve_swap(const Model& m, State& st, Journal& jr) {
  // Groups of rounds (type, target) with x > 0, by type; after a local
  // optimum only swaps that touch a target whose survival changed can
  // improve. Swapping (i on j) with (h on k) changes the objective by
  //   vs_j (q_hj / q_ij - 1) + vs_k (q_ik / q_hk - 1),
  // whose second term is above -vs_k: a type h is skipped at once when the
  // first term is at least the largest vs_k over its groups (or infinite:
  // h cannot engage j). Candidates are re-checked before they are applied.
  auto& gk = st.gk;
  auto& ginv = st.ginv;
  auto& d = st.dg;
  auto& beg = st.gbeg;
  auto& top = st.gtop;
  gk.clear(), ginv.clear(), d.clear();
  beg.assign(m.W + 1, 0);
  top.assign(m.W, 0.0);
  for (int i = 0; i < m.W; ++i) {
    beg[i] = static_cast<int>(gk.size());
    if (m.targets_of[i].empty()) continue;
    const int* xi = &st.x[m.idx(i, 0)];  // a dense row: a fast scan
    for (int j = 0; j < m.T; ++j)
      if (xi[j] > 0) {
        gk.push_back(j), ginv.push_back(1.0 / m.q[m.idx(i, j)]);
        if (st.dirty[j]) d.push_back({i, j});
      }
  }
  beg[m.W] = static_cast<int>(gk.size());
  auto tops = [&] {
    for (int h = 0; h < m.W; ++h) {
      double t = 0;
      for (int g = beg[h]; g < beg[h + 1]; ++g) t = std::max(t, st.vs[gk[g]]);
      top[h] = t;
    }
  };
  tops();
  std::fill(st.dirty.begin(), st.dirty.end(), 0);
  const double* vs = st.vs.data();
  bool any = false;
  for (const auto& [i, j] : d) {
    if (st.x[m.idx(i, j)] <= 0) continue;
    const double* qti = &m.q[m.idx(i, 0)];                    // type i on every target
    const double* qtj = &m.qt[static_cast<size_t>(j) * m.W];  // every type on j
    const double invqij = 1.0 / m.q[m.idx(i, j)];
    bool moved = false;
    for (int h = 0; h < m.W && !moved; ++h) {
      if (h == i || beg[h] == beg[h + 1]) continue;
      const double t1 = vs[j] * (qtj[h] * invqij - 1.0);
      if (!(t1 < top[h])) continue;
      for (int g = beg[h]; g < beg[h + 1]; ++g) {
        const int k = gk[g];
        const double delta = t1 + vs[k] * (qti[k] * ginv[g] - 1.0);
        if (!(delta < -tol(vs[j] + vs[k])) || k == j) continue;
        if (st.x[m.idx(h, k)] <= 0) continue;
        jr.move(m, st, i, j, k);
        jr.move(m, st, h, k, j);
        any = moved = true;
        break;
      }
    }
    if (moved) tops();  // survivals changed: refresh the bounds
  }
  return any;
}

// Stops at the deadline (the state stays feasible, maybe not a local optimum).
void local_search(const Model& m, State& st, Journal& jr,
                  Clock::time_point deadline = Clock::time_point::max(), bool swaps = true) {
  for (int pass = 0; pass < 10000; ++pass) {
    bool moved = true;
    while (moved) {
      moved = false;
      for (int i = 0; i < m.W; ++i) {
        if (!st.tdirty[i]) continue;  // nothing it sees changed: still optimal
        if (improve_type(m, st, jr, i)) {
          moved = true;
        } else {
          st.tdirty[i] = 0;
        }
        if ((i & 7) == 7 && Clock::now() > deadline) return;
      }
    }
    if (!swaps || Clock::now() > deadline || !improve_swap(m, st, jr)) break;
  }
}

// ---------------------------------------------------------------------------
// Exact reassignment neighbourhood (a very large-scale neighbourhood in the
// spirit of Ahuja et al.'s ejection chains): on a set S of targets, free one
// round per target (and a few rounds from stock), then give each freed round
// to at most one target of S, optimally, by core::solve_assignment. With at
// most one freed round arriving per target the objective of every such
// reassignment is known exactly, so the neighbourhood (all moves, swaps and
// cyclic exchanges of the freed rounds) is searched exactly.
// ---------------------------------------------------------------------------
struct Chains {
  std::vector<std::pair<int, int>> rows;  // freed rounds: (type, from; -1 stock)
  std::vector<double> a, sfix;
  std::vector<char> freed;

  // Returns true if the state improved.
  bool improve(const Model& m, State& st, Journal& jr, const std::vector<int>& S,
               core::Stream& rng) {
    const int ns = static_cast<int>(S.size());
    if (ns == 0) return false;
    rows.clear();
    sfix.assign(ns, 0.0);
    freed.assign(ns, 0);
    double before = 0;
    for (int t = 0; t < ns; ++t) {
      const int j = S[t];
      before += m.V[j] * st.s[j];
      sfix[t] = st.s[j];
      if (st.n[j] == 0) continue;
      int nth = static_cast<int>(rng.uniform() * st.n[j]) % st.n[j];
      for (int i : m.types_of[j]) {
        nth -= st.x[m.idx(i, j)];
        if (nth < 0) {
          rows.push_back({i, j});
          sfix[t] = st.s[j] / m.q[m.idx(i, j)];
          freed[t] = 1;
          before += m.cost[i];
          break;
        }
      }
    }
    // Rounds in stock (one per type, while the rows fit the columns).
    for (int i = 0; i < m.W && static_cast<int>(rows.size()) < ns; ++i)
      if (st.left[i] > 0 && !m.targets_of[i].empty()) rows.push_back({i, -1});
    const int n = static_cast<int>(rows.size());
    if (n == 0) return false;
    a.assign(static_cast<size_t>(n) * ns, 0.0);
    for (int r = 0; r < n; ++r) {
      const int i = rows[r].first;
      double* row = &a[static_cast<size_t>(r) * ns];
      for (int t = 0; t < ns; ++t) {
        const int j = S[t];
        const size_t ij = m.idx(i, j);
        if (!(m.p[ij] > 0)) continue;
        // The rounds that stay on j, plus this one, within the cap.
        if (st.n[j] - freed[t] + 1 > m.cap) continue;
        row[t] = std::min(0.0, m.cost[i] - m.V[j] * sfix[t] * m.p[ij]);
      }
    }
    const std::vector<int> col = core::solve_assignment(
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            a.data(), n, ns));
    double after = 0;
    for (int t = 0; t < ns; ++t) after += m.V[S[t]] * sfix[t];
    for (int r = 0; r < n; ++r)
      if (col[r] >= 0) after += a[static_cast<size_t>(r) * ns + col[r]];
    if (!(after < before - 1e-9 * (1.0 + std::abs(before)))) return false;
    for (int r = 0; r < n; ++r)
      if (rows[r].second >= 0) jr.move(m, st, rows[r].first, rows[r].second, -1);
    for (int r = 0; r < n; ++r)
      if (col[r] >= 0 && a[static_cast<size_t>(r) * ns + col[r]] < 0)
        jr.move(m, st, rows[r].first, -1, S[col[r]]);
    return true;
  }
};

// ---------------------------------------------------------------------------
// Lagrangian relaxation of the inventory: for multipliers mu_i = lambda_i +
// cost_i, target j's subproblem min_x V_j prod q^x + sum mu_i x_i, solved by
// depth-first branch and bound with the continuous relaxation as bound.
// ---------------------------------------------------------------------------
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

struct LagrangeResult {
  double lb = -kInf;
  std::vector<double> lambda;                             // at the best bound
  std::vector<std::vector<std::pair<int, int>>> pattern;  // per target, at best
  int iterations = 0;
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

// Passes after the first stop at `deadline`; the first one (always run) stops
// at `hard`, the targets it did not reach counting 0 (every subproblem's
// minimum is >= 0, so the bound stays valid, only weaker).
LagrangeResult lagrangian(const Model& m, const State& incumbent, double ub,
                          Clock::time_point deadline, int max_iter,
                          Clock::time_point hard = Clock::time_point::max()) {
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

core::Result<void> WtaProblem::validate() const {
  const int W = weapon_types(), T = targets();
  if (p.rows() != W || p.cols() != T)
    return core::fail(fmt::format("p is {} x {}, expected {} weapon types x {} targets", p.rows(),
                                  p.cols(), W, T));
  for (int j = 0; j < T; ++j)
    if (!std::isfinite(values[j]) || values[j] < 0)
      return core::fail(fmt::format("values[{}] = {} is not a finite value >= 0", j, values[j]));
  for (int i = 0; i < W; ++i) {
    if (counts[i] < 0) return core::fail(fmt::format("counts[{}] = {} is negative", i, counts[i]));
    for (int j = 0; j < T; ++j)
      if (!(p(i, j) >= 0 && p(i, j) <= 1))
        return core::fail(fmt::format("p[{}][{}] = {} is outside [0, 1]", i, j, p(i, j)));
  }
  if (!round_cost.empty()) {
    if (static_cast<int>(round_cost.size()) != W)
      return core::fail(
          fmt::format("round_cost has {} entries, expected {}", round_cost.size(), W));
    for (int i = 0; i < W; ++i)
      if (!std::isfinite(round_cost[i]) || round_cost[i] < 0)
        return core::fail(fmt::format("round_cost[{}] = {} is not >= 0", i, round_cost[i]));
  }
  if (max_per_target < 0) return core::fail("max_per_target is negative");
  return {};
}

core::Result<void> wta_check(const WtaProblem& pb, const WtaAssignment& a) {
  const int W = pb.weapon_types(), T = pb.targets();
  if (static_cast<int>(a.size()) != W)
    return core::fail(fmt::format("{} rows for {} weapon types", a.size(), W));
  std::vector<int> per_target(T, 0);
  for (int i = 0; i < W; ++i) {
    if (static_cast<int>(a[i].size()) > pb.counts[i])
      return core::fail(fmt::format("type {} fires {} rounds of {}", i, a[i].size(), pb.counts[i]));
    for (int j : a[i]) {
      if (j < 0 || j >= T || !(pb.p(i, j) > 0))
        return core::fail(fmt::format("type {} cannot engage target {}", i, j));
      if (++per_target[j] > pb.max_per_target)
        return core::fail(fmt::format("target {} gets more than {} rounds", j, pb.max_per_target));
    }
  }
  return {};
}

double wta_objective(const WtaProblem& pb, const WtaAssignment& a) {
  if (!wta_check(pb, a)) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> s(pb.targets(), 1.0);
  double f = 0;
  for (int i = 0; i < pb.weapon_types(); ++i)
    for (int j : a[i]) {
      s[j] *= 1.0 - pb.p(i, j);
      if (!pb.round_cost.empty()) f += pb.round_cost[i];
    }
  for (int j = 0; j < pb.targets(); ++j) f += pb.values[j] * s[j];
  return f;
}

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
