// Static weapon-target assignment: the problem's checks and objective, and
// its solver form shared by the solvers (wta_internal.h; docs/wta.md).
#include "canopy/engage/wta.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "wta_internal.h"

namespace canopy::engage {
namespace detail {

Model::Model(const WtaProblem& pb) {
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

void State::refresh(const Model& m) {
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

WtaAssignment State::assignment(const Model& m) const {
  WtaAssignment a(m.W);
  for (int i = 0; i < m.W; ++i)
    for (int j : m.targets_of[i])
      for (int k = 0; k < x[m.idx(i, j)]; ++k) a[i].push_back(j);
  return a;
}

}  // namespace detail

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

}  // namespace canopy::engage
