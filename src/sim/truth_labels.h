// The truth behind the battle manager's tracks, for analysis only: which
// object caused each radar plot (the simulation's map), and so which
// rocket each track follows. The world writes these labels into its events
// (`rocket`, `following`); the battle manager never sees them.
//
//   sim::TruthLabels labels(rockets);
//   labels.plot(plot_id, object);              // at each scan
//   labels.associate(bm.take_associations());  // after each step
//   int r = labels.majority_rocket(track);     // -1: none
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <unordered_map>

#include "canopy/tracking/tracker.h"

namespace canopy::sim {

// Radar object ids: rockets are 1..N; interceptors and fragments of killed
// rockets are numbered apart.
inline constexpr int kInterceptorObject = 1'000'000;
inline constexpr int kFragmentObject = 2'000'000;
constexpr int fragment_object(int rocket, int index) {
  return kFragmentObject + rocket * 100 + index;
}

class TruthLabels {
 public:
  TruthLabels() = default;
  explicit TruthLabels(int rockets) : rockets_(rockets) {}

  // The object behind a plot: a rocket id, an interceptor or fragment
  // object id, or < 0 for clutter.
  void plot(std::uint64_t plot_id, int object) { plot_object_[plot_id] = object; }
  // The rocket behind a plot, or -1 (clutter, interceptor, fragment).
  int plot_rocket(std::uint64_t plot_id) const;
  // Counts the plots each track used.
  void associate(std::span<const tracking::Association> associations);

  // The rocket most of the track's plots came from (ties: the lower id), or
  // -1.
  int majority_rocket(int track) const;
  // The rocket most of the track's latest plots came from (>= half of the
  // last kRecentPlots), or -1: what the track follows now.
  int following_rocket(int track) const;
  // Most of the track's plots came from fragments of killed rockets.
  bool follows_debris(int track) const;

 private:
  int rocket_or_none(int object) const { return object >= 1 && object <= rockets_ ? object : -1; }

  static constexpr int kRecentPlots = 6;
  struct Recent {
    std::array<int, kRecentPlots> object{};  // rocket id, or 0 (anything else)
    int count = 0;
  };
  int rockets_ = 0;
  std::unordered_map<std::uint64_t, int> plot_object_;
  std::unordered_map<int, std::map<int, int>> track_votes_;  // track -> rocket -> plots
  std::unordered_map<int, Recent> recent_;                   // track -> its latest plots
  std::unordered_map<int, int> fragment_votes_;              // track -> plots of fragments
};

}  // namespace canopy::sim
