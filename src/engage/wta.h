// Static weapon-target assignment (WTA): which rounds of which weapon type
// go to which target (docs/wta.md).
//
//   minimise  sum_j V_j prod_i (1 - p_ij)^x_ij  +  sum_ij cost_i x_ij
//   subject to sum_j x_ij <= c_i              (rounds of weapon type i)
//              sum_i x_ij <= max_per_target   (shots per threat, optional)
//              x_ij integer >= 0, x_ij = 0 where p_ij = 0
//
// V_j is the value at stake on target j (what is lost if it survives), p_ij
// the kill probability of one round of type i on target j, c_i the rounds of
// type i in stock, cost_i the price of firing one (in units of V). The
// classic problem (docs/wta.md) has no cap and zero cost.
//
//   engage::WtaProblem pb;
//   pb.values = {10, 4};
//   pb.p = Eigen::MatrixXd{{0.8, 0.5}, {0.0, 0.7}};  // 2 types x 2 targets
//   pb.counts = {2, 1};
//   engage::WtaSolution s = engage::solve_wta_fast(pb, /*time_limit_s=*/0.01);
//   // s.assignment[i]: the target of each round of type i that is fired.
//
// Solvers:
//   solve_wta_fast   maximum marginal return + local search, then exact
//                    reassignment steps (optimal assignment of one freed
//                    round per target) and iterated local search, with a
//                    Lagrangian lower bound; anytime (stops at 90 % of the
//                    limit), deterministic for a seed when the time limit
//                    does not bind.
//   solve_wta_exact  dynamic programming over targets with the remaining
//                    inventory as state; small instances only
//                    (wta_exact_fits).
//   solve_wta_mmr    the textbook baselines (maximum marginal return,
//                    optionally followed by move/swap local search).
//   solve_wta        the one a doctrine chose (WtaSolver, below).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/scenario/wta_solver.h"

namespace canopy::engage {

struct WtaProblem {
  std::vector<double> values;      // V_j >= 0, one per target
  Eigen::MatrixXd p;               // weapon types x targets, in [0, 1]; 0: cannot engage
  std::vector<int> counts;         // c_i >= 0, rounds of each weapon type
  std::vector<double> round_cost;  // cost_i >= 0 per round fired; empty: all zero
  int max_per_target = std::numeric_limits<int>::max();  // shots per threat

  int weapon_types() const { return static_cast<int>(counts.size()); }
  int targets() const { return static_cast<int>(values.size()); }
  // Shapes, ranges and finiteness; the message names what is wrong.
  core::Result<void> validate() const;
};

// assignment[i]: the target index of every round of type i that is fired
// (a target appears once per round; rounds left in stock are not listed).
using WtaAssignment = std::vector<std::vector<int>>;

struct WtaSolution {
  WtaAssignment assignment;
  double objective = 0;               // the objective of `assignment`
  std::optional<double> lower_bound;  // valid: never above the optimum
  double solve_s = 0;                 // wall time
  bool proven_optimal = false;        // objective == optimum (to 1e-9 relative)
  long iterations = 0;                // improvement iterations run (ILS)
};

// The objective of an assignment (NaN if it is infeasible: wrong shape,
// too many rounds, a cap exceeded, or a round on a p = 0 target).
double wta_objective(const WtaProblem& problem, const WtaAssignment& assignment);
// Why an assignment is infeasible, or nothing.
core::Result<void> wta_check(const WtaProblem& problem, const WtaAssignment& assignment);

struct WtaFastOptions {
  double time_limit_s = 0.01;
  std::uint64_t seed = 1;
  // Iterated-local-search iterations; with the time limit not binding the
  // result depends on the seed only.
  long max_iterations = 2'000'000;
  bool lower_bound = true;  // run the Lagrangian bound (also used to stop early)
};

WtaSolution solve_wta_fast(const WtaProblem& problem, const WtaFastOptions& options);
inline WtaSolution solve_wta_fast(const WtaProblem& problem, double time_limit_s,
                                  std::uint64_t seed = 1) {
  WtaFastOptions o;
  o.time_limit_s = time_limit_s;
  o.seed = seed;
  return solve_wta_fast(problem, o);
}

// Maximum marginal return (den Broeder et al. 1959), then, if asked,
// first-improvement local search over one-round moves and two-round swaps.
WtaSolution solve_wta_mmr(const WtaProblem& problem, bool local_search);

// The exact solver's work: T * prod_i (c_i + 1)(c_i + 2) / 2 transitions
// over the useful weapon types, and T * prod_i (c_i + 1) stored choices.
// It accepts instances with at most kWtaExactMaxTransitions and
// kWtaExactMaxStates.
inline constexpr double kWtaExactMaxTransitions = 3e8;
inline constexpr double kWtaExactMaxStates = 2e7;
bool wta_exact_fits(const WtaProblem& problem);
// Proven optimum (proven_optimal = true, lower_bound = objective), or an
// error if the instance is too large (wta_exact_fits) or invalid.
core::Result<WtaSolution> solve_wta_exact(const WtaProblem& problem);

// The solvers a doctrine can choose (`doctrine.wta_solver`): the list, its
// keys and descriptions are scenario::kWtaSolvers (scenario/wta_solver.h),
// where the loader can check a key against it.
using scenario::kWtaSolvers;
using scenario::WtaSolver;
// Runs the chosen solver. `fast_options` is for kFast, and for kExact when
// the instance is too large for the exact solver (wta_exact_fits) or
// invalid: it then runs the fast solver, so every choice gives a plan in
// bounded time. kMmr and kMmrLocalSearch give no lower bound.
WtaSolution solve_wta(const WtaProblem& problem, WtaSolver solver,
                      const WtaFastOptions& fast_options);

// A valid lower bound on the optimum: the Lagrangian relaxation of the
// inventory constraints, each target's subproblem solved by branch and
// bound (or bounded by its continuous relaxation), maximised over the
// multipliers by subgradient steps. `incumbent` (optional) seeds the
// multipliers and the step size. Empty only if the problem is invalid.
std::optional<double> wta_lower_bound(const WtaProblem& problem, double time_limit_s = 0.05,
                                      const WtaAssignment* incumbent = nullptr);

}  // namespace canopy::engage
