// solve_wta: the solver a doctrine chose (scenario::kWtaSolvers;
// docs/engage.md).
#include <utility>

#include "canopy/engage/wta.h"

namespace canopy::engage {

WtaSolution solve_wta(const WtaProblem& problem, WtaSolver solver,
                      const WtaFastOptions& fast_options) {
  // No default: a solver added to scenario::WtaSolver without a case here
  // is a compiler warning (-Wswitch).
  switch (solver) {
    case WtaSolver::kFast:
      break;
    case WtaSolver::kMmr:
      return solve_wta_mmr(problem, false);
    case WtaSolver::kMmrLocalSearch:
      return solve_wta_mmr(problem, true);
    case WtaSolver::kExact:
      if (auto exact = solve_wta_exact(problem)) return std::move(*exact);
      break;  // too large (or invalid): the fast solver instead
  }
  return solve_wta_fast(problem, fast_options);
}

}  // namespace canopy::engage
