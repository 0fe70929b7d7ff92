// The tracker's associator role: given one scan's gated track-plot pairs,
// decide which plots update which tracks (docs/tracking.md). A new
// association method is a new Associator; the tracker's loop does not change.
//
// Input: the gate's output for one scan (pairs with their normalised
// innovation squared, each track's ln|S|, each plot's clutter density).
// Output: one TrackUpdate per track that takes plots, in the order the
// tracker applies the updates and records the associations. An associator
// reads no track state and changes none; the tracker applies its updates.
//
//   std::unique_ptr<tracking::Associator> assoc = tracking::make_associator(config);
//   for (const tracking::TrackUpdate& u : assoc->associate(gated)) ...
#pragma once

#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "canopy/scenario/scenario.h"

namespace canopy::tracking {

// One scan's gated pairs, as the associator sees them. Tracks and plots are
// indices into the tracker's tracks and the scan's plots.
struct GatedScan {
  int n_tracks = 0;
  int n_plots = 0;
  int dim = 0;      // measurement dimension (degrees of freedom of the gate)
  double gate = 0;  // chi-square threshold every pair passed
  // (track, plot) pairs inside the gate, sorted by track then plot, and the
  // normalised innovation squared y' S^-1 y of each.
  std::vector<std::pair<int, int>> pairs;
  std::vector<double> nis;
  // Per track: ln|S| of its predicted measurement (0 for a track with no
  // plot near it).
  std::vector<double> log_det_S;
  // Per plot: false plots per unit measurement volume around it.
  std::vector<double> clutter_density;

  // Index of (track, plot) in pairs, or -1 if the pair is not gated.
  int pair_index(int track, int plot) const;
};

// A hard update: the track takes this one plot (GNN). Counts as a hit.
struct PlotAssignment {
  int track = 0;
  int plot = 0;
};

// A weighted update (JPDA): the track takes each plot with probability
// beta, or none of them with beta_none.
struct WeightedUpdate {
  int track = 0;
  std::vector<int> plots;    // beta > 0, ascending
  std::vector<double> beta;  // per plot in plots
  double beta_none = 0;
  int most_likely = 0;  // the plot recorded as the track's association
  bool hit = false;     // counts as a detection for confirmation and deletion
};

using TrackUpdate = std::variant<PlotAssignment, WeightedUpdate>;

class Associator {
 public:
  virtual ~Associator() = default;
  // The updates for one scan, in the order the tracker applies and records
  // them. Every plot of a gated pair is already kept from starting a track.
  virtual std::vector<TrackUpdate> associate(const GatedScan& scan) const = 0;
};

// Global nearest neighbour: per cluster, the optimal assignment minimising
// sum(NIS + ln|S|), where a track may stay unassigned at cost gate + ln|S|.
class GnnAssociator final : public Associator {
 public:
  std::vector<TrackUpdate> associate(const GatedScan& scan) const override;
};

// Joint probabilistic data association: per cluster, the joint association
// probabilities (jpda.h) with detection probability pd and the gate's
// probability, as weights for a PDA update of each track.
class JpdaAssociator final : public Associator {
 public:
  // Detection probability the weights assume.
  static constexpr double kAssumedPd = 0.9;
  explicit JpdaAssociator(double gate_probability, double pd = kAssumedPd)
      : gate_probability_(gate_probability), pd_(pd) {}
  std::vector<TrackUpdate> associate(const GatedScan& scan) const override;

 private:
  double gate_probability_;
  double pd_;
};

// The associator the configuration names (`tracker.association`).
std::unique_ptr<Associator> make_associator(const scenario::TrackerConfig& config);

}  // namespace canopy::tracking
