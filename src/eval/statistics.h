// Small statistics shared by the metrics and the Monte Carlo: order
// statistics, the Wilson interval of a proportion, Student-t intervals of a
// mean, of a paired difference and of an unpaired (Welch) difference, and
// percentile bootstrap intervals (docs/montecarlo.md says which is used
// where).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace canopy::eval {

// The arithmetic mean, summed in order; 0 for an empty set.
inline double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

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
  // Exact at the ends: no rounding residue above 0 with no success, below 1 with all.
  return {k <= 0 ? 0.0 : std::max(0.0, centre - half), k >= n ? 1.0 : std::min(1.0, centre + half)};
}

// A point estimate with its 95 % interval: lo and hi are NaN when there is
// no interval (fewer than two samples), everything NaN with no sample.
struct Estimate {
  double estimate = 0;
  double lo = 0, hi = 0;
  double sd = 0;  // sample standard deviation, for means
  long n = 0;     // samples
};

// Quantile of Student's t distribution with `dof` degrees of freedom
// (Boost.Math; dof need not be whole, for Welch).
double student_t_quantile(double p, double dof);

// Mean of the finite values and its Student-t 95 % interval.
Estimate mean_interval(std::span<const double> values);

// Paired difference b - a over the indices where both are finite: mean
// difference and its Student-t 95 % interval.
Estimate paired_difference(std::span<const double> a, std::span<const double> b);

// Unpaired difference of means b - a (each over its finite values), with
// Welch's 95 % interval: what two independent Monte Carlos would give.
Estimate welch_difference(std::span<const double> a, std::span<const double> b);

// Percentile bootstrap (B resamples of the runs, seeded) of the ratio
// sum(num) / sum(den): the run-level interval of a pooled proportion, which
// unlike the Wilson interval does not treat the trials within a run as
// independent. Runs with den = 0 take part with weight 0.
Estimate bootstrap_ratio(std::span<const double> num, std::span<const double> den,
                         std::uint64_t seed, int resamples = 2000);

}  // namespace canopy::eval
