#include "canopy/core/assignment.h"

#include <cmath>
#include <limits>
#include <utility>

namespace canopy::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Crouse's algorithm for nr <= nc and finite costs: every row is assigned.
std::vector<int> solve_finite(const Eigen::MatrixXd& c) {
  const int nr = static_cast<int>(c.rows()), nc = static_cast<int>(c.cols());
  std::vector<double> u(nr, 0), v(nc, 0), shortest(nc);
  std::vector<int> path(nc, -1), col4row(nr, -1), row4col(nc, -1), remaining(nc);
  std::vector<char> SR(nr), SC(nc);
  for (int cur = 0; cur < nr; ++cur) {
    // Dijkstra-like search for the shortest augmenting path from row `cur`.
    double min_val = 0;
    int i = cur, sink = -1, n_remaining = nc;
    for (int k = 0; k < nc; ++k) remaining[k] = nc - k - 1;
    std::fill(SR.begin(), SR.end(), 0);
    std::fill(SC.begin(), SC.end(), 0);
    std::fill(shortest.begin(), shortest.end(), kInf);
    while (sink == -1) {
      int index = -1;
      double lowest = kInf;
      SR[i] = 1;
      for (int it = 0; it < n_remaining; ++it) {
        const int j = remaining[it];
        const double r = min_val + c(i, j) - u[i] - v[j];
        if (r < shortest[j]) {
          path[j] = i;
          shortest[j] = r;
        }
        if (shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1)) {
          lowest = shortest[j];
          index = it;
        }
      }
      min_val = lowest;
      const int j = remaining[index];
      if (row4col[j] == -1) {
        sink = j;
      } else {
        i = row4col[j];
      }
      SC[j] = 1;
      remaining[index] = remaining[--n_remaining];
    }
    // Update the duals, then augment along the path.
    u[cur] += min_val;
    for (int r = 0; r < nr; ++r)
      if (SR[r] && r != cur) u[r] += min_val - shortest[col4row[r]];
    for (int j = 0; j < nc; ++j)
      if (SC[j]) v[j] -= min_val - shortest[j];
    for (int j = sink;;) {
      const int r = path[j];
      row4col[j] = r;
      std::swap(col4row[r], j);
      if (r == cur) break;
    }
  }
  return col4row;
}

}  // namespace

std::vector<int> solve_assignment(const Eigen::MatrixXd& cost) {
  const int nr = static_cast<int>(cost.rows()), nc = static_cast<int>(cost.cols());
  if (nr == 0 || nc == 0) return std::vector<int>(nr, -1);
  const bool transposed = nr > nc;
  Eigen::MatrixXd c = transposed ? Eigen::MatrixXd(cost.transpose()) : cost;
  // Forbidden entries cost more than any assignment of finite ones, so the
  // optimum first maximises the number of feasible pairs.
  double span = 0;
  for (Eigen::Index k = 0; k < c.size(); ++k) {
    const double x = c.data()[k];
    if (std::isfinite(x)) span += std::abs(x);
  }
  const double big = 2 * span + 1;
  for (Eigen::Index k = 0; k < c.size(); ++k)
    if (!std::isfinite(c.data()[k])) c.data()[k] = big;
  const std::vector<int> col4row = solve_finite(c);
  std::vector<int> out(nr, -1);
  for (int r = 0; r < static_cast<int>(col4row.size()); ++r) {
    const int col = col4row[r];
    if (col < 0 || c(r, col) >= big) continue;
    if (transposed) {
      out[col] = r;
    } else {
      out[r] = col;
    }
  }
  return out;
}

std::vector<int> solve_assignment_with_miss(const Eigen::MatrixXd& cost,
                                            const Eigen::VectorXd& miss) {
  const Eigen::Index nr = cost.rows(), nc = cost.cols();
  Eigen::MatrixXd c = Eigen::MatrixXd::Constant(nr, nc + nr, kInf);
  c.leftCols(nc) = cost;
  for (Eigen::Index r = 0; r < nr; ++r) c(r, nc + r) = miss(r);
  std::vector<int> out = solve_assignment(c);
  for (int& col : out)
    if (col >= nc) col = -1;
  return out;
}

}  // namespace canopy::core
