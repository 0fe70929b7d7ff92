#include "canopy/eval/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "canopy/core/random.h"

namespace canopy::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Statistics, WilsonIntervalMatchesTheClosedForm) {
  // 5 of 10: centre 0.5, half-width 1.96 / (1 + 1.96^2/10) * sqrt(0.025 + 1.96^2/400).
  const auto [lo, hi] = wilson_interval(5, 10);
  EXPECT_NEAR(lo, 0.236593, 1e-6);
  EXPECT_NEAR(hi, 0.763407, 1e-6);
  // 0 of 20: the interval starts at 0 and is not degenerate.
  const auto [lo0, hi0] = wilson_interval(0, 20);
  EXPECT_EQ(lo0, 0.0);
  EXPECT_NEAR(hi0, 0.161125, 1e-6);
}

TEST(Statistics, StudentQuantilesMatchTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776445, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.262157, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 1e6), 1.959966, 1e-5);
}

TEST(Statistics, MeanIntervalIsStudentT) {
  const std::vector<double> v = {1, 2, 3, 4, 5, kNaN};  // NaN: undefined in that run
  const Estimate e = mean_interval(v);
  EXPECT_EQ(e.n, 5);
  EXPECT_DOUBLE_EQ(e.estimate, 3);
  EXPECT_NEAR(e.sd, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(e.lo, 3 - 2.776445 * std::sqrt(0.5), 1e-5);
  EXPECT_NEAR(e.hi, 3 + 2.776445 * std::sqrt(0.5), 1e-5);
  EXPECT_TRUE(std::isnan(mean_interval(std::vector<double>{}).estimate));
  const Estimate one = mean_interval(std::vector<double>{7});  // no interval from one run
  EXPECT_EQ(one.estimate, 7);
  EXPECT_TRUE(std::isnan(one.lo));
  EXPECT_TRUE(std::isnan(one.hi));
  EXPECT_TRUE(std::isnan(welch_difference(std::vector<double>{1}, std::vector<double>{2}).lo));
}

TEST(Statistics, PairedDifferenceUsesTheDifferences) {
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const std::vector<double> b = {1.1, 2.2, 3.1, 4.3, 5.3};
  const Estimate d = paired_difference(a, b);
  EXPECT_NEAR(d.estimate, 0.2, 1e-12);
  EXPECT_NEAR(d.sd, 0.1, 1e-12);
  EXPECT_NEAR(d.lo, 0.2 - 2.776445 * 0.1 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(d.hi, 0.2 + 2.776445 * 0.1 / std::sqrt(5.0), 1e-6);
  // The same data unpaired: Welch's interval is far wider.
  const Estimate u = welch_difference(a, b);
  EXPECT_NEAR(u.estimate, 0.2, 1e-12);
  EXPECT_GT(u.hi - u.lo, 10 * (d.hi - d.lo));
}

TEST(Statistics, WelchWithEqualVariancesIsThePooledInterval) {
  // Equal sizes and variances: dof = 2n - 2 = 8, se = sqrt(2.5/5 * 2) = 1.
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const std::vector<double> b = {3, 4, 5, 6, 7};
  const Estimate u = welch_difference(a, b);
  EXPECT_DOUBLE_EQ(u.estimate, 2);
  EXPECT_NEAR(u.lo, 2 - 2.306004, 1e-6);
  EXPECT_NEAR(u.hi, 2 + 2.306004, 1e-6);
}

TEST(Statistics, StudentIntervalCoversTheMeanAtItsNominalRate) {
  // Seeded property: 2000 samples of 10 normals; about 95 % of intervals
  // hold the true mean (binomial sd 0.5 %).
  int covered = 0;
  for (int k = 0; k < 2000; ++k) {
    core::Stream rng(11, k);
    std::vector<double> v(10);
    for (double& x : v) x = 3 + 2 * rng.normal();
    const Estimate e = mean_interval(v);
    covered += e.lo <= 3 && 3 <= e.hi;
  }
  EXPECT_NEAR(covered / 2000.0, 0.95, 0.015);
}

TEST(Statistics, BootstrapRatioIsSeededAndBracketsTheEstimate) {
  const std::vector<double> num = {3, 5, 0, 8, 2, 4, 6, 1};
  const std::vector<double> den = {10, 10, 0, 12, 9, 10, 11, 8};
  const Estimate a = bootstrap_ratio(num, den, 5), b = bootstrap_ratio(num, den, 5);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  EXPECT_DOUBLE_EQ(a.estimate, 29.0 / 70.0);
  EXPECT_LT(a.lo, a.estimate);
  EXPECT_GT(a.hi, a.estimate);
  EXPECT_GT(a.lo, 0.15);
  EXPECT_LT(a.hi, 0.65);
  EXPECT_TRUE(std::isnan(bootstrap_ratio(num, std::vector<double>(8, 0.0), 5).estimate));
}

}  // namespace
}  // namespace canopy::eval
