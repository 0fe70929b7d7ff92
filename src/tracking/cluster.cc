#include "canopy/tracking/cluster.h"

#include <numeric>

namespace canopy::tracking {

std::vector<Cluster> clusters(int n_tracks, int n_plots,
                              std::span<const std::pair<int, int>> pairs) {
  // Nodes: tracks 0..n_tracks-1, then plots.
  std::vector<int> parent(static_cast<size_t>(n_tracks + n_plots));
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const auto& [t, p] : pairs) {
    const int a = find(t), b = find(n_tracks + p);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  std::vector<int> cluster_of(parent.size(), -1);
  std::vector<char> linked(parent.size(), 0);
  for (const auto& [t, p] : pairs) linked[t] = linked[n_tracks + p] = 1;
  std::vector<Cluster> out;
  for (int node = 0; node < n_tracks + n_plots; ++node) {
    if (!linked[node]) continue;
    const int root = find(node);
    if (cluster_of[root] < 0) {
      cluster_of[root] = static_cast<int>(out.size());
      out.emplace_back();
    }
    Cluster& c = out[cluster_of[root]];
    if (node < n_tracks) {
      c.tracks.push_back(node);
    } else {
      c.plots.push_back(node - n_tracks);
    }
  }
  return out;
}

}  // namespace canopy::tracking
