// Small order statistics shared by the metrics.
#pragma once

#include <algorithm>
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

}  // namespace canopy::eval
