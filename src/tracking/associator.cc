#include "canopy/tracking/associator.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "canopy/core/assignment.h"
#include "canopy/tracking/cluster.h"
#include "canopy/tracking/jpda.h"

namespace canopy::tracking {

int GatedScan::pair_index(int track, int plot) const {
  // Pairs are sorted by track then plot.
  const auto key = std::make_pair(track, plot);
  const auto it = std::lower_bound(pairs.begin(), pairs.end(), key);
  return it != pairs.end() && *it == key ? static_cast<int>(it - pairs.begin()) : -1;
}

std::vector<TrackUpdate> GnnAssociator::associate(const GatedScan& scan) const {
  std::vector<TrackUpdate> out;
  for (const Cluster& c : clusters(scan.n_tracks, scan.n_plots, scan.pairs)) {
    if (c.tracks.empty() || c.plots.empty()) continue;
    const int nt = static_cast<int>(c.tracks.size()), np = static_cast<int>(c.plots.size());
    // Cost = NIS + ln|S|, forbidden outside the gate; a miss costs the gate.
    Eigen::MatrixXd cost =
        Eigen::MatrixXd::Constant(nt, np, std::numeric_limits<double>::infinity());
    Eigen::VectorXd miss(nt);
    for (int a = 0; a < nt; ++a) {
      miss(a) = scan.gate + scan.log_det_S[c.tracks[a]];
      for (int b = 0; b < np; ++b) {
        const int k = scan.pair_index(c.tracks[a], c.plots[b]);
        if (k >= 0) cost(a, b) = scan.nis[k] + scan.log_det_S[c.tracks[a]];
      }
    }
    // Each track its assigned plot, if any.
    const std::vector<int> col = core::solve_assignment_with_miss(cost, miss);
    for (int a = 0; a < nt; ++a)
      if (col[a] >= 0) out.emplace_back(PlotAssignment{c.tracks[a], c.plots[col[a]]});
  }
  return out;
}

std::vector<TrackUpdate> JpdaAssociator::associate(const GatedScan& scan) const {
  std::vector<TrackUpdate> out;
  const int dof = scan.dim;
  for (const Cluster& c : clusters(scan.n_tracks, scan.n_plots, scan.pairs)) {
    if (c.tracks.empty() || c.plots.empty()) continue;
    const int nt = static_cast<int>(c.tracks.size()), np = static_cast<int>(c.plots.size());
    // Likelihood of each gated pair: Pd N(y; 0, S).
    Eigen::MatrixXd L = Eigen::MatrixXd::Zero(nt, np);
    for (int a = 0; a < nt; ++a)
      for (int b = 0; b < np; ++b) {
        const int k = scan.pair_index(c.tracks[a], c.plots[b]);
        if (k < 0) continue;
        const double norm =
            std::exp(-0.5 * (dof * std::log(2 * std::numbers::pi) + scan.log_det_S[c.tracks[a]]));
        L(a, b) = pd_ * norm * std::exp(-0.5 * scan.nis[k]);
      }
    // Joint association probabilities, with the clutter density at the
    // cluster's first plot.
    const double clutter = scan.clutter_density[c.plots.front()];
    const JpdaResult r = jpda(L, clutter, pd_ * gate_probability_);
    // Each track with some weight on some plot: those plots and weights.
    for (int a = 0; a < nt; ++a) {
      WeightedUpdate u;
      u.track = c.tracks[a];
      u.beta_none = r.beta_none(a);
      int best = -1;
      for (int b = 0; b < np; ++b) {
        if (r.beta(a, b) <= 0) continue;
        u.plots.push_back(c.plots[b]);
        u.beta.push_back(r.beta(a, b));
        if (best < 0 || r.beta(a, b) > r.beta(a, best)) best = b;
      }
      if (u.plots.empty()) continue;
      u.most_likely = c.plots[best];
      u.hit = r.beta_none(a) < 0.5;
      out.emplace_back(std::move(u));
    }
  }
  return out;
}

std::unique_ptr<Associator> make_associator(const scenario::TrackerConfig& config) {
  switch (config.association) {
    case scenario::TrackerConfig::Association::kGnn:
      return std::make_unique<GnnAssociator>();
    case scenario::TrackerConfig::Association::kJpda:
      return std::make_unique<JpdaAssociator>(config.gate_probability);
  }
  return std::make_unique<GnnAssociator>();
}

}  // namespace canopy::tracking
