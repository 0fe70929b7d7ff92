// Static weapon-target assignment: the exact solver against brute force, the
// fast solver and the lower bound against the exact optimum, caps and costs,
// degenerate instances. Seeded, deterministic (iteration budgets, not time).
#include "canopy/engage/wta.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "canopy/core/random.h"

namespace canopy::engage {
namespace {

// A random instance: values in [0, 100), p in [0.1, 0.9] or 0 (w.p. zero_p).
WtaProblem random_problem(std::uint64_t seed, int W, int T, int max_count, double zero_p = 0.2) {
  core::Stream rng(seed, core::tag("wta_test"));
  WtaProblem pb;
  for (int j = 0; j < T; ++j) pb.values.push_back(std::floor(100 * rng.uniform()));
  pb.p = Eigen::MatrixXd::Zero(W, T);
  for (int i = 0; i < W; ++i) {
    pb.counts.push_back(static_cast<int>(rng.uniform() * (max_count + 1)));
    for (int j = 0; j < T; ++j)
      pb.p(i, j) = rng.uniform() < zero_p ? 0.0 : 0.1 + 0.8 * rng.uniform();
  }
  return pb;
}

// Every way to fire the rounds (each round: a target or left in stock).
double brute_force(const WtaProblem& pb) {
  std::vector<int> unit;
  for (int i = 0; i < pb.weapon_types(); ++i)
    for (int k = 0; k < pb.counts[i]; ++k) unit.push_back(i);
  double best = std::numeric_limits<double>::infinity();
  WtaAssignment a(pb.weapon_types());
  std::function<void(size_t)> rec = [&](size_t u) {
    if (u == unit.size()) {
      const double f = wta_objective(pb, a);
      if (f < best) best = f;  // NaN (infeasible) never compares less
      return;
    }
    rec(u + 1);  // left in stock
    for (int j = 0; j < pb.targets(); ++j) {
      a[unit[u]].push_back(j);
      rec(u + 1);
      a[unit[u]].pop_back();
    }
  };
  rec(0);
  return best;
}

WtaFastOptions budget(long iterations) {
  WtaFastOptions o;
  o.time_limit_s = 60;  // never binds: the result depends on the seed only
  o.max_iterations = iterations;
  return o;
}

TEST(Wta, ExactEqualsBruteForceEnumeration) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const WtaProblem pb = random_problem(seed, 3, 4, 2);
    auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex) << ex.error().message;
    EXPECT_NEAR(ex->objective, brute_force(pb), 1e-9) << "seed " << seed;
    EXPECT_TRUE(ex->proven_optimal);
    EXPECT_TRUE(wta_check(pb, ex->assignment));
  }
}

TEST(Wta, ExactEqualsBruteForceWithCapsAndCosts) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    WtaProblem pb = random_problem(seed, 3, 4, 2);
    pb.max_per_target = 1 + static_cast<int>(seed % 2);
    pb.round_cost = {5.0, 0.0, 20.0};
    auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex);
    EXPECT_NEAR(ex->objective, brute_force(pb), 1e-9) << "seed " << seed;
  }
}

TEST(Wta, FastSolverIsWithinMeasuredGapOfExact) {
  // Measured: the fast solver found the optimum on all 60 of these
  // (max gap 0); the assertion leaves 0.5 % of room.
  double worst = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const WtaProblem pb = random_problem(seed, 5, 8, 3);
    auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex);
    const WtaSolution fast = solve_wta_fast(pb, budget(300));
    ASSERT_TRUE(wta_check(pb, fast.assignment));
    const double gap = (fast.objective - ex->objective) / std::max(1e-9, ex->objective);
    worst = std::max(worst, gap);
    EXPECT_LE(gap, 0.005) << "seed " << seed;
  }
  RecordProperty("worst_gap", std::to_string(worst));
}

TEST(Wta, LowerBoundNeverExceedsOptimumAndObjectiveNeverBelowIt) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    WtaProblem pb = random_problem(seed, 4, 7, 3, seed % 3 == 0 ? 0.5 : 0.1);
    if (seed % 4 == 0) pb.round_cost = {1, 2, 0, 3};
    if (seed % 5 == 0) pb.max_per_target = 2;
    auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex);
    const double opt = ex->objective, eps = 1e-9 * std::max(1.0, opt);
    const auto lb = wta_lower_bound(pb, 0.05);
    ASSERT_TRUE(lb.has_value());
    EXPECT_LE(*lb, opt + eps) << "seed " << seed;
    const WtaSolution fast = solve_wta_fast(pb, budget(200));
    ASSERT_TRUE(fast.lower_bound.has_value());
    EXPECT_LE(*fast.lower_bound, opt + eps) << "seed " << seed;
    EXPECT_GE(fast.objective, opt - eps) << "seed " << seed;
    if (fast.proven_optimal) {
      EXPECT_NEAR(fast.objective, opt, 1e-7 * std::max(1.0, opt));
    }
  }
}

TEST(Wta, FastSolverIsNeverWorseThanMmrWithLocalSearch) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const WtaProblem pb = random_problem(seed, 12, 30, 4, 0.4);
    const WtaSolution base = solve_wta_mmr(pb, true);
    const WtaSolution mmr = solve_wta_mmr(pb, false);
    const WtaSolution fast = solve_wta_fast(pb, budget(500));
    EXPECT_LE(base.objective, mmr.objective + 1e-9);
    EXPECT_LE(fast.objective, base.objective + 1e-9) << "seed " << seed;
  }
}

TEST(Wta, ReassignmentFindsTheOptimumOfOneRoundInstances) {
  // One round per weapon type, as many types as targets (the ahuja family):
  // the exact reassignment neighbourhood (one freed round per target,
  // exact reassignment) should reach the optimum; measured 0 gap on all 30.
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    WtaProblem pb = random_problem(seed, 7, 7, 1, 0.0);
    std::fill(pb.counts.begin(), pb.counts.end(), 1);
    auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex);
    const WtaSolution fast = solve_wta_fast(pb, budget(50));
    ASSERT_TRUE(wta_check(pb, fast.assignment));
    EXPECT_NEAR(fast.objective, ex->objective, 1e-9 * std::max(1.0, ex->objective))
        << "seed " << seed;
  }
}

TEST(Wta, TightTimeLimitsGiveAFeasibleResultAndAValidBound) {
  // Large enough that nothing finishes at these limits: the search stops,
  // the first bound pass is cut short (unreached targets count 0), and the
  // result is still feasible, no worse than MMR and above its bound.
  const WtaProblem pb = random_problem(5, 60, 300, 5, 0.4);
  const WtaSolution mmr = solve_wta_mmr(pb, false);
  for (double tl : {0.0, 1e-4, 2e-3}) {
    const WtaSolution s = solve_wta_fast(pb, tl);
    ASSERT_TRUE(wta_check(pb, s.assignment)) << tl;
    ASSERT_TRUE(s.lower_bound.has_value()) << tl;
    EXPECT_GE(*s.lower_bound, 0.0) << tl;
    EXPECT_LE(*s.lower_bound, s.objective + 1e-9) << tl;
    EXPECT_LE(s.objective, mmr.objective + 1e-9) << tl;
  }
  // Small instances with a cut-short bound against the exact optimum.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const WtaProblem small = random_problem(seed, 4, 40, 2, 0.3);
    const WtaSolution s = solve_wta_fast(small, 0.0);
    const auto lb = wta_lower_bound(small, 0.0);
    ASSERT_TRUE(s.lower_bound.has_value() && lb.has_value());
    auto ex = solve_wta_exact(small);
    ASSERT_TRUE(ex);
    const double eps = 1e-9 * std::max(1.0, ex->objective);
    EXPECT_LE(*s.lower_bound, ex->objective + eps) << seed;
    EXPECT_LE(*lb, ex->objective + eps) << seed;
    EXPECT_GE(s.objective, ex->objective - eps) << seed;
  }
}

TEST(Wta, FastSolverIsDeterministicForASeed) {
  const WtaProblem pb = random_problem(7, 10, 25, 3);
  const WtaSolution a = solve_wta_fast(pb, budget(400));
  const WtaSolution b = solve_wta_fast(pb, budget(400));
  EXPECT_EQ(a.assignment, b.assignment);
}

TEST(Wta, AHugeTimeLimitSearchesLikeAnUnboundedOne) {
  // 1e12 s once overflowed the clock and stopped the search at once.
  const WtaProblem pb = random_problem(7, 10, 25, 3);
  const WtaSolution ref = solve_wta_fast(pb, budget(400));
  for (double limit : {1e7, 1e12, 1e300}) {
    WtaFastOptions o = budget(400);
    o.time_limit_s = limit;
    const WtaSolution s = solve_wta_fast(pb, o);
    EXPECT_EQ(s.assignment, ref.assignment) << limit;
    EXPECT_EQ(s.iterations, ref.iterations) << limit;
    ASSERT_TRUE(s.lower_bound.has_value());
    EXPECT_DOUBLE_EQ(*s.lower_bound, *ref.lower_bound);
  }
}

TEST(Wta, CapsAndCostsAreRespected) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    WtaProblem pb = random_problem(seed, 6, 10, 4);
    pb.max_per_target = 2;
    pb.round_cost.assign(6, 30.0);  // dear rounds: only the best shots pay
    const WtaSolution fast = solve_wta_fast(pb, budget(200));
    ASSERT_TRUE(wta_check(pb, fast.assignment)) << wta_check(pb, fast.assignment).error().message;
    std::vector<int> per_target(10, 0);
    for (const auto& rounds : fast.assignment)
      for (int j : rounds) ++per_target[j];
    for (int n : per_target) EXPECT_LE(n, 2);
    // With a cost, a round that gains less than it costs is never fired.
    for (int i = 0; i < 6; ++i)
      for (int j : fast.assignment[i]) EXPECT_GT(pb.values[j] * pb.p(i, j), 30.0);
    auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex);
    EXPECT_GE(fast.objective, ex->objective - 1e-9);
    EXPECT_LE(fast.objective, ex->objective * 1.01 + 1e-9) << "seed " << seed;
  }
  // A cap of zero fires nothing.
  WtaProblem pb = random_problem(3, 3, 4, 2);
  pb.max_per_target = 0;
  const WtaSolution s = solve_wta_fast(pb, budget(10));
  for (const auto& r : s.assignment) EXPECT_TRUE(r.empty());
}

TEST(Wta, EverySolverChoiceGivesAValidPlan) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    WtaProblem pb = random_problem(seed, 5, 8, 3);
    pb.max_per_target = 2;
    pb.round_cost.assign(5, 5.0);
    const auto ex = solve_wta_exact(pb);
    ASSERT_TRUE(ex);
    for (const scenario::WtaSolverInfo& info : kWtaSolvers) {
      const WtaSolution s = solve_wta(pb, info.solver, budget(200));
      ASSERT_TRUE(wta_check(pb, s.assignment)) << info.key << ", seed " << seed;
      EXPECT_DOUBLE_EQ(s.objective, wta_objective(pb, s.assignment)) << info.key;
      EXPECT_GE(s.objective, ex->objective - 1e-9) << info.key << ", seed " << seed;
    }
    // Each choice is the solver it names.
    EXPECT_DOUBLE_EQ(solve_wta(pb, WtaSolver::kExact, budget(200)).objective, ex->objective);
    EXPECT_TRUE(solve_wta(pb, WtaSolver::kExact, budget(200)).proven_optimal);
    EXPECT_EQ(solve_wta(pb, WtaSolver::kFast, budget(200)).assignment,
              solve_wta_fast(pb, budget(200)).assignment);
    EXPECT_EQ(solve_wta(pb, WtaSolver::kMmr, budget(200)).assignment,
              solve_wta_mmr(pb, false).assignment);
    EXPECT_EQ(solve_wta(pb, WtaSolver::kMmrLocalSearch, budget(200)).assignment,
              solve_wta_mmr(pb, true).assignment);
  }
  // Too large for the exact solver: the fast one's plan.
  const WtaProblem big = random_problem(1, 40, 80, 3, 0.0);
  ASSERT_FALSE(wta_exact_fits(big));
  const WtaSolution s = solve_wta(big, WtaSolver::kExact, budget(100));
  EXPECT_TRUE(wta_check(big, s.assignment));
  EXPECT_EQ(s.assignment, solve_wta_fast(big, budget(100)).assignment);
}

TEST(Wta, DegenerateInstancesAreSolved) {
  // No targets.
  WtaProblem none;
  none.counts = {2, 1};
  none.p = Eigen::MatrixXd::Zero(2, 0);
  WtaSolution s = solve_wta_fast(none, budget(10));
  EXPECT_EQ(s.assignment.size(), 2u);
  EXPECT_EQ(s.objective, 0.0);
  EXPECT_TRUE(s.proven_optimal);
  EXPECT_TRUE(solve_wta_exact(none));
  // Zero counts, all p = 0, zero values: nothing to fire, objective sum V.
  WtaProblem zc = random_problem(1, 3, 5, 2);
  zc.counts = {0, 0, 0};
  WtaProblem zp = random_problem(2, 3, 5, 2);
  zp.p.setZero();
  for (const WtaProblem& pb : {zc, zp}) {
    double sum_v = 0;
    for (double v : pb.values) sum_v += v;
    s = solve_wta_fast(pb, budget(10));
    EXPECT_DOUBLE_EQ(s.objective, sum_v);
    EXPECT_DOUBLE_EQ(*s.lower_bound, sum_v);
    EXPECT_DOUBLE_EQ(solve_wta_exact(pb)->objective, sum_v);
  }
  WtaProblem zv = random_problem(3, 3, 5, 2);
  std::fill(zv.values.begin(), zv.values.end(), 0.0);
  s = solve_wta_fast(zv, budget(10));
  EXPECT_EQ(s.objective, 0.0);
  EXPECT_EQ(*s.lower_bound, 0.0);
  // p = 1: the target dies for sure.
  WtaProblem sure;
  sure.values = {10};
  sure.p = Eigen::MatrixXd::Ones(1, 1);
  sure.counts = {1};
  EXPECT_EQ(solve_wta_fast(sure, budget(10)).objective, 0.0);
}

TEST(Wta, BadProblemsAreRejectedWithTheReason) {
  WtaProblem pb = random_problem(1, 2, 3, 2);
  pb.p(1, 2) = 1.5;
  ASSERT_FALSE(pb.validate());
  EXPECT_NE(pb.validate().error().message.find("p[1][2]"), std::string::npos);
  EXPECT_FALSE(solve_wta_exact(pb));
  EXPECT_FALSE(wta_lower_bound(pb).has_value());
  pb = random_problem(1, 2, 3, 2);
  pb.values[0] = std::nan("");
  EXPECT_FALSE(pb.validate());
  pb = random_problem(1, 2, 3, 2);
  pb.counts[1] = -1;
  EXPECT_FALSE(pb.validate());
  pb = random_problem(1, 2, 3, 2);
  pb.p = Eigen::MatrixXd::Zero(3, 3);
  EXPECT_FALSE(pb.validate());
  // Infeasible assignments: NaN objective.
  pb = random_problem(1, 2, 3, 2);
  EXPECT_TRUE(std::isnan(wta_objective(pb, {{0, 0, 0, 0, 0}, {}})));
  EXPECT_TRUE(std::isnan(wta_objective(pb, {{}})));
}

TEST(Wta, ExactSolverRefusesLargeInstances) {
  const WtaProblem pb = random_problem(1, 40, 80, 3, 0.0);
  EXPECT_FALSE(wta_exact_fits(pb));
  auto ex = solve_wta_exact(pb);
  ASSERT_FALSE(ex);
  EXPECT_NE(ex.error().message.find("too large"), std::string::npos);
}

}  // namespace
}  // namespace canopy::engage
