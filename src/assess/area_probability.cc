#include "canopy/assess/area_probability.h"

#include <algorithm>
#include <boost/math/special_functions/owens_t.hpp>
#include <cmath>
#include <numbers>

namespace canopy::assess {
namespace {

constexpr double kMinVariance_m2 = 1e-6;

// Owen's T in double arithmetic: boost's default promotes to long double,
// three times slower for agreement within a few ulps.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

// Owen's T(h, a) < exp(-h^2 / 2) / (2 pi) * |atan a| < 1e-16 for h > 8.5:
// an edge that far from the mean contributes only its angle.
constexpr double kNoOwensT = 8.5;
// A polygon more than 9 standard deviations away along an axis holds less
// than Q(9) ~ 1e-19 of the mass, below the sum's own rounding.
constexpr double kZeroSigmas = 9.0;

Eigen::Matrix2d floored(const Eigen::Matrix2d& cov) {
  Eigen::Matrix2d c = 0.5 * (cov + cov.transpose());
  c.diagonal() = c.diagonal().cwiseMax(kMinVariance_m2);
  return c;
}

// Signed probability of the triangle (0, a, b) under the standard normal:
// positive when (a, b) turns counter-clockwise around the origin.
double wedge_probability(const Vec2& a, const Vec2& b) {
  const Vec2 edge = b - a;
  const double len = edge.norm();
  if (len == 0) return 0.0;
  const double cross = a.x() * b.y() - a.y() * b.x();
  const double h = std::abs(cross) / len;  // distance of the edge's line from the origin
  const Vec2 t = edge / len;
  // Signed positions of a and b along the edge, from the foot of the
  // perpendicular; the angles they subtend at the origin are atan(s / h).
  const double sa = a.dot(t), sb = b.dot(t);
  if (h < 1e-300) return 0.0;  // the edge passes through the origin: zero-area wedge
  const double ua = std::atan2(sa, h), ub = std::atan2(sb, h);
  double p = (ub - ua) / (2 * std::numbers::pi);
  if (h <= kNoOwensT)
    p -= boost::math::owens_t(h, sb / h, DoublePolicy()) -
         boost::math::owens_t(h, sa / h, DoublePolicy());
  return cross >= 0 ? p : -p;
}

}  // namespace

double polygon_probability(const Vec2& mean, const Eigen::Matrix2d& cov,
                           const core::Polygon& polygon) {
  const auto& v = polygon.vertices();
  if (v.size() < 3 || beyond_sigmas(mean, cov, polygon, kZeroSigmas)) return 0.0;
  const Eigen::LLT<Eigen::Matrix2d> llt(floored(cov));
  const Eigen::Matrix2d L = llt.matrixL();
  std::vector<Vec2> z(v.size());
  for (size_t i = 0; i < v.size(); ++i) z[i] = L.triangularView<Eigen::Lower>().solve(v[i] - mean);
  double p = 0;
  for (size_t i = 0; i < z.size(); ++i) p += wedge_probability(z[i], z[(i + 1) % z.size()]);
  // Either orientation: the sum is +P or -P.
  return std::clamp(std::abs(p), 0.0, 1.0);
}

double sampled_polygon_probability(const Vec2& mean, const Eigen::Matrix2d& cov,
                                   const core::Polygon& polygon, int samples, core::Stream& rng) {
  const Eigen::Matrix2d L = Eigen::LLT<Eigen::Matrix2d>(floored(cov)).matrixL();
  int inside = 0;
  for (int k = 0; k < samples; ++k) {
    const Vec2 x = mean + L * Vec2(rng.normal(), rng.normal());
    if (polygon.contains(x)) ++inside;
  }
  return static_cast<double>(inside) / samples;
}

bool beyond_sigmas(const Vec2& mean, const Eigen::Matrix2d& cov, const core::Polygon& polygon,
                   double k) {
  // Quick test on the bounding box with the per-axis standard deviations:
  // a box more than k sigma away on either axis is beyond k sigma.
  const Eigen::Matrix2d c = floored(cov);
  const Vec2 lo = polygon.min_corner(), hi = polygon.max_corner();
  const double se = std::sqrt(c(0, 0)), sn = std::sqrt(c(1, 1));
  return lo.x() - mean.x() > k * se || mean.x() - hi.x() > k * se || lo.y() - mean.y() > k * sn ||
         mean.y() - hi.y() > k * sn;
}

}  // namespace canopy::assess
