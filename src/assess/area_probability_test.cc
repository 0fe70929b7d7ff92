#include "canopy/assess/area_probability.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/special_functions/owens_t.hpp>
#include <cmath>
#include <numbers>
#include <vector>

namespace canopy::assess {
namespace {

double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

core::Polygon rectangle(double e0, double n0, double e1, double n1) {
  return core::Polygon({{e0, n0}, {e1, n0}, {e1, n1}, {e0, n1}});
}

// polygon_probability before its shortcuts (no early outs, Owen's T on
// every edge), verbatim.
double wedge_probability_every_owens_t(const Vec2& a, const Vec2& b) {
  const Vec2 edge = b - a;
  const double len = edge.norm();
  if (len == 0) return 0.0;
  const double cross = a.x() * b.y() - a.y() * b.x();
  const double h = std::abs(cross) / len;
  const Vec2 t = edge / len;
  const double sa = a.dot(t), sb = b.dot(t);
  if (h < 1e-300) return 0.0;
  const double ua = std::atan2(sa, h), ub = std::atan2(sb, h);
  const double p = (ub - ua) / (2 * std::numbers::pi) -
                   (boost::math::owens_t(h, sb / h) - boost::math::owens_t(h, sa / h));
  return cross >= 0 ? p : -p;
}

double polygon_probability_every_owens_t(const Vec2& mean, const Eigen::Matrix2d& cov,
                                         const core::Polygon& polygon) {
  const auto& v = polygon.vertices();
  if (v.size() < 3) return 0.0;
  Eigen::Matrix2d c = 0.5 * (cov + cov.transpose());
  c.diagonal() = c.diagonal().cwiseMax(1e-6);
  const Eigen::LLT<Eigen::Matrix2d> llt(c);
  const Eigen::Matrix2d L = llt.matrixL();
  std::vector<Vec2> z(v.size());
  for (size_t i = 0; i < v.size(); ++i) z[i] = L.triangularView<Eigen::Lower>().solve(v[i] - mean);
  double p = 0;
  for (size_t i = 0; i < z.size(); ++i)
    p += wedge_probability_every_owens_t(z[i], z[(i + 1) % z.size()]);
  return std::clamp(std::abs(p), 0.0, 1.0);
}

TEST(PolygonProbability, ShortcutsStayWithin1e12OfOwensTOnEveryEdge) {
  // Random star-shaped polygons (3 to 400 vertices) from on the mean to 14
  // standard deviations away, random correlated covariances.
  core::Stream rng(11, core::tag("shortcuts"));
  int far = 0, near = 0;
  for (int k = 0; k < 1500; ++k) {
    const double se = std::exp(rng.uniform(std::log(5.0), std::log(5000.0)));
    const double sn = se * rng.uniform(0.2, 5.0), rho = rng.uniform(-0.95, 0.95);
    Eigen::Matrix2d cov;
    cov << se * se, rho * se * sn, rho * se * sn, sn * sn;
    const double angle = rng.uniform(0, 2 * std::numbers::pi);
    const double reach = rng.uniform(0, 14);
    const double radius = std::max(se, sn) * rng.uniform(0.3, 6);
    const Vec2 centre(reach * se * std::cos(angle), reach * sn * std::sin(angle));
    const int n = 3 + static_cast<int>(rng.uniform() * (k % 10 == 0 ? 400 : 40));
    std::vector<double> turns(n);
    for (double& t : turns) t = rng.uniform(0, 2 * std::numbers::pi);
    std::sort(turns.begin(), turns.end());
    std::vector<Vec2> v;
    for (double t : turns)
      v.push_back(centre + radius * rng.uniform(0.3, 1) * Vec2(std::cos(t), std::sin(t)));
    const core::Polygon poly(v);
    const Vec2 mean(rng.uniform(-10, 10), rng.uniform(-10, 10));
    const double want = polygon_probability_every_owens_t(mean, cov, poly);
    ASSERT_NEAR(polygon_probability(mean, cov, poly), want, 1e-12) << k;
    (want < 1e-9 ? far : near) += 1;
  }
  EXPECT_GT(far, 300);
  EXPECT_GT(near, 300);
}

TEST(PolygonProbability, AxisAlignedRectangleMatchesTheProductOfNormalCdfs) {
  // Independent axes: P = (Phi(b1) - Phi(a1)) (Phi(b2) - Phi(a2)).
  const Vec2 mean(100, -50);
  Eigen::Matrix2d cov;
  cov << 300 * 300, 0, 0, 200 * 200;
  const core::Polygon r = rectangle(-200, -300, 500, 100);
  const double expected = (Phi((500 - 100) / 300.0) - Phi((-200 - 100) / 300.0)) *
                          (Phi((100 + 50) / 200.0) - Phi((-300 + 50) / 200.0));
  EXPECT_NEAR(polygon_probability(mean, cov, r), expected, 1e-12);
}

TEST(PolygonProbability, HalfOfTheMassLiesOnEachSideOfAnEdgeThroughTheMean) {
  Eigen::Matrix2d cov;
  cov << 400, 150, 150, 900;
  // A huge square whose left edge passes through the mean.
  EXPECT_NEAR(polygon_probability({0, 0}, cov, rectangle(0, -1e6, 1e6, 1e6)), 0.5, 1e-9);
  // Either orientation of the ring.
  const core::Polygon cw({{0, -1e6}, {0, 1e6}, {1e6, 1e6}, {1e6, -1e6}});
  EXPECT_NEAR(polygon_probability({0, 0}, cov, cw), 0.5, 1e-9);
}

TEST(PolygonProbability, RegularPolygonApproachesTheDiscClosedForm) {
  // A standard normal inside a disc of radius R: 1 - exp(-R^2 / 2). A
  // 720-gon inscribed in the disc is within 1e-4 of it.
  const double R = 1.7;
  std::vector<Vec2> v;
  for (int k = 0; k < 720; ++k) {
    const double a = 2 * std::numbers::pi * k / 720;
    v.emplace_back(R * std::cos(a), R * std::sin(a));
  }
  EXPECT_NEAR(polygon_probability({0, 0}, Eigen::Matrix2d::Identity(), core::Polygon(v)),
              1 - std::exp(-R * R / 2), 1e-4);
}

TEST(PolygonProbability, AgreesWithBruteForceSamplingWithinOneHundredth) {
  // Random concave polygons (star-shaped rings) and correlated Gaussians,
  // seeded; 50,000 samples give a standard error below 0.0023.
  core::Stream rng(11, core::tag("polygon-test"));
  double worst = 0;
  for (int trial = 0; trial < 30; ++trial) {
    const int n = 3 + static_cast<int>(rng.uniform() * 9);
    std::vector<Vec2> v;
    const Vec2 c(rng.uniform(-3000, 3000), rng.uniform(-3000, 3000));
    for (int k = 0; k < n; ++k) {
      const double a = 2 * std::numbers::pi * (k + rng.uniform(0.1, 0.9)) / n;
      const double r = rng.uniform(300, 2500);
      v.push_back(c + r * Vec2(std::cos(a), std::sin(a)));
    }
    const core::Polygon poly(v);
    const double se = rng.uniform(100, 2000), sn = rng.uniform(100, 2000);
    const double rho = rng.uniform(-0.9, 0.9);
    Eigen::Matrix2d cov;
    cov << se * se, rho * se * sn, rho * se * sn, sn * sn;
    const Vec2 mean(rng.uniform(-2000, 2000), rng.uniform(-2000, 2000));
    const double exact = polygon_probability(mean, cov, poly);
    const double sampled = sampled_polygon_probability(mean, cov, poly, 50000, rng);
    worst = std::max(worst, std::abs(exact - sampled));
    EXPECT_NEAR(exact, sampled, 0.01) << "trial " << trial;
  }
  EXPECT_LT(worst, 0.009);
}

TEST(PolygonProbability, APointEstimateGivesZeroOrOne) {
  const core::Polygon r = rectangle(0, 0, 100, 100);
  EXPECT_NEAR(polygon_probability({50, 50}, Eigen::Matrix2d::Zero(), r), 1.0, 1e-12);
  EXPECT_NEAR(polygon_probability({150, 50}, Eigen::Matrix2d::Zero(), r), 0.0, 1e-12);
}

TEST(PolygonProbability, FarPolygonsAreBeyondEightSigmas) {
  Eigen::Matrix2d cov = 100.0 * 100.0 * Eigen::Matrix2d::Identity();
  EXPECT_TRUE(beyond_sigmas({0, 0}, cov, rectangle(900, -50, 1000, 50), 8));
  EXPECT_FALSE(beyond_sigmas({0, 0}, cov, rectangle(700, -50, 1000, 50), 8));
  EXPECT_LT(polygon_probability({0, 0}, cov, rectangle(900, -50, 1000, 50)), 1e-14);
}

}  // namespace
}  // namespace canopy::assess
