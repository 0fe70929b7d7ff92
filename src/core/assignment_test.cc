#include "canopy/core/assignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "canopy/core/random.h"

namespace canopy::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Best (most rows assigned, then least cost) by trying every injection.
std::pair<int, double> brute_force(const Eigen::MatrixXd& c) {
  const int nr = static_cast<int>(c.rows()), nc = static_cast<int>(c.cols());
  std::pair<int, double> best{-1, kInf};
  std::vector<int> col(nr, -1);
  std::vector<char> used(nc, 0);
  auto rec = [&](auto&& self, int r, int n, double cost) -> void {
    if (r == nr) {
      if (n > best.first || (n == best.first && cost < best.second)) best = {n, cost};
      return;
    }
    self(self, r + 1, n, cost);
    for (int j = 0; j < nc; ++j) {
      if (used[j] || !std::isfinite(c(r, j))) continue;
      used[j] = 1;
      self(self, r + 1, n + 1, cost + c(r, j));
      used[j] = 0;
    }
  };
  rec(rec, 0, 0, 0.0);
  return best;
}

TEST(Assignment, MatchesBruteForceOnRandomMatrices) {
  core::Stream rng(1, core::tag("assignment"));
  for (int trial = 0; trial < 3000; ++trial) {
    const int nr = 1 + static_cast<int>(rng.uniform() * 5);
    const int nc = 1 + static_cast<int>(rng.uniform() * 5);
    Eigen::MatrixXd c(nr, nc);
    for (int i = 0; i < nr; ++i)
      for (int j = 0; j < nc; ++j)
        c(i, j) = rng.uniform() < 0.25 ? kInf : std::round(rng.uniform(-10, 10) * 4) / 4;
    const std::vector<int> col = solve_assignment(c);
    int n = 0;
    double cost = 0;
    std::vector<int> seen;
    for (int i = 0; i < nr; ++i) {
      if (col[i] < 0) continue;
      ASSERT_TRUE(std::isfinite(c(i, col[i])));
      ++n;
      cost += c(i, col[i]);
      seen.push_back(col[i]);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
    const auto best = brute_force(c);
    EXPECT_EQ(n, best.first) << trial;
    EXPECT_NEAR(cost, best.second, 1e-9) << trial;
  }
}

TEST(Assignment, MissCostLeavesRowsUnassigned) {
  Eigen::MatrixXd c(2, 2);
  c << 1, 10, 10, 20;
  Eigen::VectorXd miss(2);
  miss << 5, 5;
  // Row 1 would pay 20 (or make row 0 pay 10): a miss at 5 is cheaper.
  EXPECT_EQ(solve_assignment_with_miss(c, miss), (std::vector<int>{0, -1}));
  EXPECT_TRUE(solve_assignment(Eigen::MatrixXd(0, 3)).empty());
  EXPECT_EQ(solve_assignment(Eigen::MatrixXd::Constant(2, 2, kInf)), (std::vector<int>{-1, -1}));
}

}  // namespace
}  // namespace canopy::core
