// Optimal rectangular linear assignment: the one solver of canopy, used by
// the tracker (plot-to-track association, docs/tracking.md), the tracking
// metrics (GOSPA) and the WTA search's exact reassignment (docs/wta.md).
//
// Shortest augmenting paths with dual variables (Jonker-Volgenant, in the
// rectangular form of Crouse 2016, "On implementing 2D rectangular assignment
// algorithms"). Written here because no Debian package offers it for C++.
//
//   std::vector<int> col = core::solve_assignment(cost);     // +inf: forbidden
//   std::vector<int> col = core::solve_assignment_with_miss(cost, miss);
#pragma once

#include <Eigen/Core>
#include <vector>

namespace canopy::core {

// Minimises the total cost over assignments of rows to distinct columns,
// assigning as many rows as the feasible (finite) entries allow. Returns
// each row's column, or -1.
std::vector<int> solve_assignment(const Eigen::MatrixXd& cost);

// As above, but each row may also stay unassigned at its own miss cost
// (one private dummy column per row). Returns each row's column or -1.
std::vector<int> solve_assignment_with_miss(const Eigen::MatrixXd& cost,
                                            const Eigen::VectorXd& miss_cost);

}  // namespace canopy::core
