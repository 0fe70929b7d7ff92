// Tracking metrics: how well the battle manager's confirmed tracks match
// truth (docs/metrics.md). Definitions follow tools/peers/eval_tracks.py
// so that the two agree on the same data: per sample time, an optimal
// assignment of tracks to truth on position with cut-off c; GOSPA (p = 2,
// alpha = 2); RMS errors over the assigned pairs; identity switches and
// breaks; false tracks; confirmation latency; NEES of [p, v].
//
//   eval::TrackingScorer scorer;
//   scorer.first_detected(rocket, t);  scorer.confirmed(track, rocket, t);
//   scorer.add_scan(t, truth, tracks, ages);
//   eval::TrackingMetrics m = scorer.result();
#pragma once

#include <Eigen/Core>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "canopy/core/earth.h"

namespace canopy::eval {

using core::Vec3;

struct TruthPoint {
  int id = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
};

struct TrackPoint {
  int id = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
  Eigen::Matrix<double, 6, 6> P_pv = Eigen::Matrix<double, 6, 6>::Identity();
  bool confirmed = true;
  int rocket = -1;      // majority truth of its plots (filled by the simulation), -1 if none
  bool debris = false;  // no rocket behind it, and most of its plots from fragments
};

struct TrackingMetricsOptions {
  double gospa_c_m = 200;     // cut-off; p = 2, alpha = 2
  double settle_s = 2;        // settled errors count from this long after first detection
  double nees_age_bin_s = 2;  // width of the NEES-against-track-age bins
};

struct NeesBin {
  double age_lo_s = 0, age_hi_s = 0;
  double mean = 0;
  int count = 0;
};

struct TrackingMetrics {
  int scans = 0;
  double gospa_mean_m = 0, gospa_median_m = 0;
  int assigned_points = 0, missed_points = 0, false_points = 0;
  double rms_position_m = 0, rms_velocity_mps = 0;
  int settled_points = 0;
  double settled_rms_position_m = 0, settled_rms_velocity_mps = 0;
  int rockets_detected = 0, rockets_tracked = 0;
  int track_breaks = 0;
  int id_switches = 0;
  int confirmed_tracks = 0;
  int false_tracks = 0;   // confirmed tracks never on a rocket, not following debris
  int debris_tracks = 0;  // confirmed tracks never on a rocket, following debris fragments
  double mean_confirm_latency_s = 0, median_confirm_latency_s = 0;
  double nees_mean = 0;
  int nees_samples = 0;
  std::vector<NeesBin> nees_by_age;
};

class TrackingScorer {
 public:
  explicit TrackingScorer(TrackingMetricsOptions options = {}) : opt_(options) {}

  void first_detected(int rocket, double t_s);
  void confirmed(int track, int rocket, double t_s);
  // One sample time: truth in flight and the confirmed tracks (with their
  // ages since start, same order as tracks).
  void add_scan(double t_s, std::span<const TruthPoint> truth, std::span<const TrackPoint> tracks,
                std::span<const double> track_age_s);
  TrackingMetrics result() const;

 private:
  TrackingMetricsOptions opt_;
  std::vector<double> gospa_;
  double pos2_ = 0, vel2_ = 0, settled_pos2_ = 0, settled_vel2_ = 0;
  int assigned_ = 0, settled_ = 0, missed_ = 0, false_ = 0;
  std::map<int, double> first_detected_, first_seen_;
  std::map<int, double> confirm_latency_;  // per rocket: first confirmation - first detection
  std::map<int, int> last_track_;          // per rocket: last assigned track
  std::map<int, bool> assigned_last_scan_;
  std::set<int> tracked_, tracks_seen_, tracks_on_truth_, tracks_on_debris_;
  int switches_ = 0, breaks_ = 0;
  std::map<int, std::pair<double, int>> nees_bins_;  // bin -> (sum, count)
  double nees_sum_ = 0;
  int nees_n_ = 0;
};

nlohmann::ordered_json to_json(const TrackingMetrics& m);
// A few indented lines for the printed run summary.
std::string summary_text(const TrackingMetrics& m);

}  // namespace canopy::eval
