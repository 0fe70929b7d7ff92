// Joint probabilistic data association for one cluster (docs/tracking.md).
//
// Exact: every joint event (each plot to at most one track, each track to at
// most one plot) is enumerated, for clusters of up to kJpdaExactTracks
// tracks and kJpdaMaxEvents joint events. Larger clusters use Fitzgerald's
// "cheap JPDA" approximation.
//
//   tracking::JpdaResult r = tracking::jpda(L, clutter_density, pd_pg);
//   r.beta(i, j);        // P(plot j is track i's)
//   r.beta_none(i);      // P(none of them is)
#pragma once

#include <Eigen/Core>

namespace canopy::tracking {

inline constexpr int kJpdaExactTracks = 8;
inline constexpr double kJpdaMaxEvents = 50000;

struct JpdaResult {
  Eigen::MatrixXd beta;       // tracks x plots
  Eigen::VectorXd beta_none;  // per track
};

// L(i, j) = Pd N(y_ij; 0, S_i) for gated pairs, 0 outside the gate;
// clutter_density = false plots per unit measurement volume; pd_pg =
// detection times gate probability.
JpdaResult jpda(const Eigen::MatrixXd& L, double clutter_density, double pd_pg);

}  // namespace canopy::tracking
