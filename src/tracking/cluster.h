// Independent clusters of tracks and plots linked by gate pairs: each
// cluster's association can be solved alone (docs/tracking.md).
//
//   for (const tracking::Cluster& c : tracking::clusters(n_tracks, n_plots, pairs)) ...
#pragma once

#include <span>
#include <utility>
#include <vector>

namespace canopy::tracking {

struct Cluster {
  std::vector<int> tracks;  // ascending
  std::vector<int> plots;   // ascending
};

// Connected components of the bipartite gate graph (union-find). Tracks and
// plots that appear in no pair belong to no cluster. Clusters come ordered
// by their lowest track index.
std::vector<Cluster> clusters(int n_tracks, int n_plots,
                              std::span<const std::pair<int, int>> pairs);

}  // namespace canopy::tracking
