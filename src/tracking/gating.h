// Gating: which plots may belong to which tracks (docs/tracking.md).
//
// A k-d tree over the scan's plot positions (nanoflann) gives each track the
// plots inside a sphere that holds its chi-square gate ellipsoid, so the
// work grows with tracks + plots, not tracks x plots; the exact chi-square
// test on the innovation then decides.
//
//   tracking::PlotIndex index(plot_positions_W);
//   auto pairs = tracking::coarse_gate(index, track_centres_W, radii_m);
//   double gamma = tracking::chi2_gate(0.9999, 3);   // 21.1075
#pragma once

#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "canopy/tracking/types.h"

namespace canopy::tracking {

class PlotIndex {
 public:
  explicit PlotIndex(std::span<const Vec3> points_W);
  ~PlotIndex();
  PlotIndex(const PlotIndex&) = delete;
  PlotIndex& operator=(const PlotIndex&) = delete;

  // Indices of the points within radius_m of centre_W, ascending.
  void query_radius(const Vec3& centre_W, double radius_m, std::vector<int>& out) const;
  int size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// (track, plot) pairs whose plot lies within the track's radius of its
// centre, sorted by track then plot.
std::vector<std::pair<int, int>> coarse_gate(const PlotIndex& index,
                                             std::span<const Vec3> centres_W,
                                             std::span<const double> radii_m);

// The chi-square quantile: P(X <= gamma) = probability for dof degrees of
// freedom (bisection on the regularised lower incomplete gamma function,
// to 1e-10 relative).
double chi2_gate(double probability, int dof);
// The chi-square CDF, P(dof/2, x/2).
double chi2_cdf(double x, int dof);

}  // namespace canopy::tracking
