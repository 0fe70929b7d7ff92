// Small order statistics shared by the metrics.
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace canopy::eval {

// The q-quantile (0 <= q <= 1) by linear interpolation between order
// statistics; q = 0.5 is the median (the mean of the middle two for an even
// count). 0 for an empty set.
inline double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (pos - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

// Wilson score interval of a binomial proportion (k successes of n), at
// z = 1.96 (95 %). [0, 1] for n = 0.
inline std::pair<double, double> wilson_interval(long k, long n, double z = 1.959963984540054) {
  if (n <= 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace canopy::eval
