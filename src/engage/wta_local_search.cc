// Local search for WTA: best one-round moves per weapon type, swaps of two
// rounds, and the exact reassignment neighbourhood (docs/wta.md).
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "canopy/core/assignment.h"
#include "canopy/core/random.h"
#include "wta_internal.h"

namespace canopy::engage::detail {

// ---------------------------------------------------------------------------
// Local search: best one-round move per weapon type (which solves that type's
// block exactly: the objective is separable and convex in its rounds), then
// first-improvement swaps of two rounds of different types.
// ---------------------------------------------------------------------------
namespace {

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

}  // namespace

// Stops at the deadline (the state stays feasible, maybe not a local optimum).
void local_search(const Model& m, State& st, Journal& jr, Clock::time_point deadline, bool swaps) {
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
bool Chains::improve(const Model& m, State& st, Journal& jr, const std::vector<int>& S,
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

}  // namespace canopy::engage::detail
