#include "canopy/eval/statistics.h"

#include <boost/math/distributions/students_t.hpp>
#include <limits>

#include "canopy/core/random.h"

namespace canopy::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Moments {
  long n = 0;
  double mean = 0, var = 0;  // sample variance (n - 1)
};

// Two-pass mean and variance of the finite values, in index order.
Moments moments(std::span<const double> v) {
  Moments m;
  double sum = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      sum += x;
      ++m.n;
    }
  if (m.n == 0) return m;
  m.mean = sum / static_cast<double>(m.n);
  double ss = 0;
  for (double x : v)
    if (std::isfinite(x)) ss += (x - m.mean) * (x - m.mean);
  m.var = m.n > 1 ? ss / static_cast<double>(m.n - 1) : 0;
  return m;
}

Estimate t_interval(const Moments& m) {
  Estimate e;
  e.n = m.n;
  if (m.n == 0) return {kNaN, kNaN, kNaN, kNaN, 0};
  e.estimate = m.mean;
  e.sd = std::sqrt(m.var);
  e.lo = e.hi = kNaN;  // one sample gives no interval
  if (m.n > 1) {
    const double half = student_t_quantile(0.975, static_cast<double>(m.n - 1)) * e.sd /
                        std::sqrt(static_cast<double>(m.n));
    e.lo = m.mean - half;
    e.hi = m.mean + half;
  }
  return e;
}

}  // namespace

double student_t_quantile(double p, double dof) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), p);
}

Estimate mean_interval(std::span<const double> values) { return t_interval(moments(values)); }

Estimate paired_difference(std::span<const double> a, std::span<const double> b) {
  std::vector<double> d;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (std::isfinite(a[i]) && std::isfinite(b[i])) d.push_back(b[i] - a[i]);
  return t_interval(moments(d));
}

Estimate welch_difference(std::span<const double> a, std::span<const double> b) {
  const Moments ma = moments(a), mb = moments(b);
  if (ma.n == 0 || mb.n == 0) return {kNaN, kNaN, kNaN, kNaN, 0};
  Estimate e;
  e.n = ma.n + mb.n;
  e.estimate = mb.mean - ma.mean;
  e.lo = e.hi = kNaN;
  if (ma.n < 2 || mb.n < 2) return e;
  e.lo = e.hi = e.estimate;
  const double va = ma.var / static_cast<double>(ma.n), vb = mb.var / static_cast<double>(mb.n);
  const double se = std::sqrt(va + vb);
  if (se == 0) return e;
  const double dof =
      (va + vb) * (va + vb) /
      (va * va / static_cast<double>(ma.n - 1) + vb * vb / static_cast<double>(mb.n - 1));
  const double half = student_t_quantile(0.975, dof) * se;
  e.lo = e.estimate - half;
  e.hi = e.estimate + half;
  return e;
}

Estimate bootstrap_ratio(std::span<const double> num, std::span<const double> den,
                         std::uint64_t seed, int resamples) {
  const size_t n = std::min(num.size(), den.size());
  double sn = 0, sd = 0;
  for (size_t i = 0; i < n; ++i) {
    sn += num[i];
    sd += den[i];
  }
  if (n == 0 || sd <= 0) return {kNaN, kNaN, kNaN, kNaN, static_cast<long>(n)};
  Estimate e;
  e.n = static_cast<long>(n);
  e.estimate = sn / sd;
  long informative = 0;  // runs with trials
  for (size_t i = 0; i < n; ++i) informative += den[i] > 0;
  if (informative < 2) {  // resampling one run gives no interval
    e.lo = e.hi = kNaN;
    return e;
  }
  core::Stream rng(seed, core::tag("bootstrap"));
  std::vector<double> ratios;
  ratios.reserve(static_cast<size_t>(resamples));
  for (int b = 0; b < resamples; ++b) {
    double bn = 0, bd = 0;
    for (size_t k = 0; k < n; ++k) {
      const size_t i = static_cast<size_t>(rng.bits() % n);
      bn += num[i];
      bd += den[i];
    }
    if (bd > 0) ratios.push_back(bn / bd);
  }
  e.lo = percentile(ratios, 0.025);
  e.hi = percentile(ratios, 0.975);
  return e;
}

}  // namespace canopy::eval
