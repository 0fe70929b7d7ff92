// The probability that a 2-D Gaussian impact point falls inside a polygon
// (docs/assess.md), computed by a deterministic rule with no sampling:
//
//   1. whiten: z = L^-1 (p - mean), with Sigma = L L^T (Cholesky), so the
//      polygon becomes another polygon and the density a standard normal;
//   2. split the polygon into signed triangles (origin, a, b), one per edge;
//   3. each triangle's probability is a closed form in Owen's T function
//      (Boost.Math): for an edge at distance h from the origin, seen under
//      the angles u1..u2 from the foot of its perpendicular,
//        P = (u2 - u1) / (2 pi) - [T(h, tan u2) - T(h, tan u1)].
//
// The result is exact up to Owen's T's precision (about 1e-15), for convex
// and concave polygons alike. `sampled_polygon_probability` is the
// brute-force check the tests use.
//
//   double p = assess::polygon_probability(mean_en_m, cov_m2, town.polygon);
#pragma once

#include <Eigen/Dense>

#include "canopy/core/polygon.h"
#include "canopy/core/random.h"

namespace canopy::assess {

using core::Vec2;

// P(x in polygon) for x ~ N(mean, cov). cov must be symmetric positive
// semi-definite; it is floored at 1e-6 m^2 per axis so a point estimate
// still gives 0 or 1 (or 1/2 on an edge).
double polygon_probability(const Vec2& mean_en_m, const Eigen::Matrix2d& cov_m2,
                           const core::Polygon& polygon);

// The same by drawing `samples` points (for tests and checks).
double sampled_polygon_probability(const Vec2& mean_en_m, const Eigen::Matrix2d& cov_m2,
                                   const core::Polygon& polygon, int samples, core::Stream& rng);

// Whether the polygon lies entirely farther than k standard deviations
// (along every direction) from the mean: then its probability is below
// about exp(-k^2 / 2) and callers may skip it.
bool beyond_sigmas(const Vec2& mean_en_m, const Eigen::Matrix2d& cov_m2,
                   const core::Polygon& polygon, double k);

}  // namespace canopy::assess
