#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "canopy/core/random.h"
#include "canopy/tracking/cluster.h"
#include "canopy/tracking/gating.h"
#include "canopy/tracking/jpda.h"

namespace canopy::tracking {
namespace {

TEST(Gating, ChiSquareQuantilesMatchTables) {
  EXPECT_NEAR(chi2_gate(0.99, 3), 11.3449, 1e-4);
  EXPECT_NEAR(chi2_gate(0.9999, 3), 21.1075, 1e-4);
  EXPECT_NEAR(chi2_gate(0.95, 4), 9.4877, 1e-4);
  EXPECT_NEAR(chi2_gate(0.95, 1), 3.8415, 1e-4);
  EXPECT_NEAR(chi2_gate(0.99, 6), 16.8119, 1e-4);
}

TEST(Gating, CoarseGateEqualsBruteForce) {
  core::Stream rng(2, core::tag("gate"));
  std::vector<Vec3> plots, centres;
  std::vector<double> radii;
  for (int j = 0; j < 500; ++j)
    plots.emplace_back(rng.uniform(0, 1e4), rng.uniform(0, 1e4), rng.uniform(0, 1e3));
  for (int i = 0; i < 200; ++i) {
    centres.emplace_back(rng.uniform(0, 1e4), rng.uniform(0, 1e4), rng.uniform(0, 1e3));
    radii.push_back(rng.uniform(10, 800));
  }
  const PlotIndex index(plots);
  const auto pairs = coarse_gate(index, centres, radii);
  std::vector<std::pair<int, int>> brute;
  for (int i = 0; i < 200; ++i)
    for (int j = 0; j < 500; ++j)
      if ((plots[j] - centres[i]).norm() <= radii[i]) brute.emplace_back(i, j);
  EXPECT_EQ(pairs, brute);
}

TEST(Cluster, SplitsIndependentGroups) {
  const std::vector<std::pair<int, int>> pairs = {{0, 1}, {1, 1}, {1, 2}, {3, 0}};
  const auto cs = clusters(5, 4, pairs);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].tracks, (std::vector<int>{0, 1}));
  EXPECT_EQ(cs[0].plots, (std::vector<int>{1, 2}));
  EXPECT_EQ(cs[1].tracks, (std::vector<int>{3}));
  EXPECT_EQ(cs[1].plots, (std::vector<int>{0}));
}

TEST(Jpda, SingleTrackReducesToPdaf) {
  // PDAF: beta_j = L_j / (lambda (1 - Pd Pg) + sum L), beta_0 = lambda (1 - Pd Pg) / (...).
  Eigen::MatrixXd L(1, 3);
  L << 2e-9, 5e-10, 0;
  const double lambda = 1e-9, pdpg = 0.9;
  const JpdaResult r = jpda(L, lambda, pdpg);
  const double den = lambda * (1 - pdpg) + L.sum();
  EXPECT_NEAR(r.beta(0, 0), 2e-9 / den, 1e-12);
  EXPECT_NEAR(r.beta(0, 1), 5e-10 / den, 1e-12);
  EXPECT_NEAR(r.beta(0, 2), 0, 1e-15);
  EXPECT_NEAR(r.beta_none(0), lambda * (1 - pdpg) / den, 1e-12);
}

TEST(Jpda, TwoTracksSharingOnePlotMatchHandEnumeration) {
  Eigen::MatrixXd L(2, 1);
  L << 3.0, 1.0;
  const double lambda = 2.0, m = 0.1;  // 1 - Pd Pg
  const JpdaResult r = jpda(L, lambda, 0.9);
  // Events: none (m*m), plot->0 (L0/lambda * m), plot->1 (m * L1/lambda).
  const double e0 = m * m, e1 = 1.5 * m, e2 = m * 0.5, total = e0 + e1 + e2;
  EXPECT_NEAR(r.beta(0, 0), e1 / total, 1e-12);
  EXPECT_NEAR(r.beta(1, 0), e2 / total, 1e-12);
  EXPECT_NEAR(r.beta_none(0), (e0 + e2) / total, 1e-12);
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(r.beta.row(i).sum() + r.beta_none(i), 1, 1e-12);
}

}  // namespace
}  // namespace canopy::tracking
