// The weapon-target assignment solvers a doctrine can choose (scenario key
// `doctrine.wta_solver`; docs/engage.md): one row per solver, its key and
// what it does. engage::solve_wta (engage/wta.h) runs the chosen one.
//
// The list lives here, not in engage, because the loader (this module)
// checks the key and lists the valid values, and scenario comes before
// engage in the module order (docs/architecture.md). A new solver is a row
// here, an enumerator, and one case in engage::solve_wta (a switch without
// a default: the compiler names a missing case).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace canopy::scenario {

enum class WtaSolver { kFast, kMmr, kMmrLocalSearch, kExact };

struct WtaSolverInfo {
  WtaSolver solver = WtaSolver::kFast;
  std::string_view key{};          // the value of doctrine.wta_solver
  std::string_view description{};  // one line
};

inline constexpr std::array<WtaSolverInfo, 4> kWtaSolvers{{
    {WtaSolver::kFast, "fast",
     "maximum marginal return, local search, exact reassignment steps and iterated local search "
     "on an iteration budget, with a Lagrangian lower bound (the default)"},
    {WtaSolver::kMmr, "mmr", "maximum marginal return alone (greedy; no lower bound)"},
    {WtaSolver::kMmrLocalSearch, "mmr-local-search",
     "maximum marginal return, then one-round moves and two-round swaps to a local optimum (no "
     "lower bound)"},
    {WtaSolver::kExact, "exact",
     "the proven optimum by dynamic programming when the plan is small enough "
     "(engage::wta_exact_fits), else the fast solver"},
}};

// The solver of a key, if there is one.
constexpr std::optional<WtaSolver> wta_solver_from_key(std::string_view key) {
  for (const WtaSolverInfo& s : kWtaSolvers)
    if (s.key == key) return s.solver;
  return std::nullopt;
}

// The key of a solver.
constexpr std::string_view wta_solver_key(WtaSolver solver) {
  for (const WtaSolverInfo& s : kWtaSolvers)
    if (s.solver == solver) return s.key;
  return {};
}

}  // namespace canopy::scenario
