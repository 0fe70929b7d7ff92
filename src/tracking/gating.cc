#include "canopy/tracking/gating.h"

#include <algorithm>
#include <cmath>
#include <nanoflann.hpp>

namespace canopy::tracking {
namespace {

// nanoflann's view of the points.
struct Cloud {
  std::vector<Vec3> pts;
  size_t kdtree_get_point_count() const { return pts.size(); }
  double kdtree_get_pt(size_t i, size_t dim) const { return pts[i](static_cast<int>(dim)); }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};

using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Cloud>, Cloud,
                                                 3, std::uint32_t>;

// Regularised lower incomplete gamma P(a, x): series below a + 1, Lentz's
// continued fraction for Q above.
double gamma_p(double a, double x) {
  if (x <= 0) return 0;
  const double log_prefix = a * std::log(x) - x - std::lgamma(a);
  if (x < a + 1) {
    double sum = 1 / a, term = sum;
    for (int n = 1; n < 1000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::abs(term) < std::abs(sum) * 1e-16) break;
    }
    return sum * std::exp(log_prefix);
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-16) break;
  }
  return 1 - std::exp(log_prefix) * h;
}

}  // namespace

struct PlotIndex::Impl {
  Cloud cloud;
  Tree tree;
  explicit Impl(std::span<const Vec3> p)
      : cloud{std::vector<Vec3>(p.begin(), p.end())},
        tree(3, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(10)) {
    tree.buildIndex();
  }
};

PlotIndex::PlotIndex(std::span<const Vec3> points_W) : impl_(std::make_unique<Impl>(points_W)) {}
PlotIndex::~PlotIndex() = default;

int PlotIndex::size() const { return static_cast<int>(impl_->cloud.pts.size()); }

void PlotIndex::query_radius(const Vec3& centre_W, double radius_m, std::vector<int>& out) const {
  out.clear();
  if (impl_->cloud.pts.empty() || !(radius_m >= 0)) return;
  std::vector<std::pair<std::uint32_t, double>> found;
  const double q[3] = {centre_W.x(), centre_W.y(), centre_W.z()};
  impl_->tree.radiusSearch(q, radius_m * radius_m, found, nanoflann::SearchParams(32, 0, false));
  for (const auto& f : found) out.push_back(static_cast<int>(f.first));
  std::sort(out.begin(), out.end());
}

std::vector<std::pair<int, int>> coarse_gate(const PlotIndex& index,
                                             std::span<const Vec3> centres_W,
                                             std::span<const double> radii_m) {
  std::vector<std::pair<int, int>> pairs;
  std::vector<int> near;
  for (size_t i = 0; i < centres_W.size(); ++i) {
    index.query_radius(centres_W[i], radii_m[i], near);
    for (int j : near) pairs.emplace_back(static_cast<int>(i), j);
  }
  return pairs;
}

double chi2_cdf(double x, int dof) { return gamma_p(0.5 * dof, 0.5 * x); }

double chi2_gate(double probability, int dof) {
  double lo = 0, hi = 10.0 * dof + 100;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (chi2_cdf(mid, dof) < probability ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace canopy::tracking
