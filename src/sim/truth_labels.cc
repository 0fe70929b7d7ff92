#include "canopy/sim/truth_labels.h"

#include <algorithm>

namespace canopy::sim {

int TruthLabels::plot_rocket(std::uint64_t plot_id) const {
  const auto it = plot_object_.find(plot_id);
  return it == plot_object_.end() ? -1 : rocket_or_none(it->second);
}

void TruthLabels::associate(std::span<const tracking::Association> associations) {
  for (const tracking::Association& a : associations) {
    const auto it = plot_object_.find(a.plot_id);
    const int rocket = it == plot_object_.end() ? -1 : rocket_or_none(it->second);
    if (rocket > 0) ++track_votes_[a.track][rocket];
    if (it != plot_object_.end() && it->second >= kFragmentObject) ++fragment_votes_[a.track];
    Recent& recent = recent_[a.track];
    recent.object[static_cast<size_t>(recent.count++ % kRecentPlots)] = std::max(rocket, 0);
  }
}

int TruthLabels::majority_rocket(int track) const {
  const auto it = track_votes_.find(track);
  if (it == track_votes_.end()) return -1;
  int best = -1, votes = 0;
  for (const auto& [rocket, n] : it->second)
    if (n > votes) best = rocket, votes = n;  // ties: the lower id (map order)
  return best;
}

bool TruthLabels::follows_debris(int track) const {
  const auto f = fragment_votes_.find(track);
  if (f == fragment_votes_.end()) return false;
  int rocket_votes = 0;
  if (const auto v = track_votes_.find(track); v != track_votes_.end())
    for (const auto& [rocket, n] : v->second) rocket_votes = std::max(rocket_votes, n);
  return f->second > rocket_votes;
}

int TruthLabels::following_rocket(int track) const {
  const auto it = recent_.find(track);
  if (it == recent_.end()) return -1;
  const Recent& r = it->second;
  const int n = std::min(r.count, kRecentPlots);
  for (int i = 0; i < n; ++i) {
    const int id = r.object[static_cast<size_t>(i)];
    if (id <= 0) continue;
    const int votes = static_cast<int>(std::count(r.object.begin(), r.object.begin() + n, id));
    if (2 * votes >= n) return id;
  }
  return -1;
}

}  // namespace canopy::sim
