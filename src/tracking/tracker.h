// The multi-target, multi-sensor tracker: one track picture from every
// radar's scans, built from plots only (docs/tracking.md).
//
// It is composed of the small parts beside it: an Estimator per track
// (motion model + EKF/UKF/IMM), a spatial index and chi-square gate,
// independent clusters, an associator (GNN or JPDA, associator.h), two-point
// initiation with a speed gate, M-of-N confirmation and deletion rules.
//
//   tracking::Tracker tracker(config, sensors, context);
//   tracker.receive(scan);              // any arrival order
//   tracker.advance_to(now_s);          // processes scans older than the window
//   for (const TrackEvent& e : tracker.take_events()) ...
//   for (const TrackSnapshot& s : tracker.picture(now_s)) ...
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <span>
#include <string_view>
#include <vector>

#include "canopy/scenario/scenario.h"
#include "canopy/sensors/sensor.h"
#include "canopy/tracking/associator.h"
#include "canopy/tracking/estimator.h"
#include "canopy/tracking/gating.h"
#include "canopy/tracking/measurement.h"
#include "canopy/tracking/types.h"

namespace canopy::tracking {

// A sensor as the tracker knows it: its geometry and noise (public), never
// its truth.
struct SensorInfo {
  Measurement::Kind kind = Measurement::Kind::kPolar;
  // kPolar: the sensor (its coverage decides when a track counts a miss;
  // its spec, which axes it measures and how noisily).
  std::shared_ptr<const sensors::Sensor> sensor;
  // kCartesian: per-axis noise; the sensor sees everything.
  double sigma_m = 0;

  static SensorInfo polar(const scenario::Sensor& spec, int index);
  static SensorInfo cartesian(double sigma_m);
};

// All the measurements one sensor made at one time.
struct ScanInput {
  int sensor = 0;
  double t_s = 0;
  double arrival_s = 0;
  std::vector<Measurement> measurements;
};

enum class TrackStatus { kTentative, kConfirmed };

enum class EndReason { kMisses, kBelowGround, kCovariance, kDuplicate, kRunEnd };
std::string_view to_string(EndReason reason);

struct TrackEvent {
  enum class Kind { kStart, kConfirm, kEnd };
  Kind kind = Kind::kStart;
  double t_s = 0;
  int track = 0;
  EndReason reason = EndReason::kMisses;  // kEnd only
};

// A track's plot: which measurement updated which track (GNN), or the most
// likely one (JPDA). The simulation maps plot ids to truth for analysis.
struct Association {
  int track = 0;
  std::uint64_t plot_id = 0;
};

// One track in the picture, predicted to the picture's time.
struct TrackSnapshot {
  int id = 0;
  TrackStatus status = TrackStatus::kTentative;
  double t_s = 0;
  double t_start_s = 0;
  double t_last_update_s = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
  Eigen::Matrix<double, 6, 6> P_pv = Eigen::Matrix<double, 6, 6>::Identity();
  std::optional<double> kd_m2pkg;
  int hits = 0;
  // For impact prediction: the coasting estimate [p, v, kd], the most
  // probable threat class (index into the library) and P(still boosting).
  Estimator::Ballistic ballistic;
};

// Counters for the run summary and the benchmarks.
struct TrackerStats {
  std::int64_t scans = 0;
  std::int64_t measurements = 0;
  std::int64_t associated = 0;
  std::int64_t late_dropped = 0;  // arrived after their time was processed
  std::int64_t tracks_started = 0;
  std::int64_t tracks_confirmed = 0;
};

class Tracker {
 public:
  Tracker(const scenario::TrackerConfig& config, std::vector<SensorInfo> sensors,
          EstimatorConfig estimator);

  // Buffers a scan (arrival order may differ from measurement order).
  void receive(ScanInput scan);
  // Processes, in measurement-time order, every buffered scan measured at or
  // before now_s - reorder_window_s.
  void advance_to(double now_s);
  // Processes every buffered scan.
  void flush();
  // Ends every live track (reason kRunEnd) at t_s.
  void finish(double t_s);

  // Track events and associations since the last call, in order.
  std::vector<TrackEvent> take_events();
  std::vector<Association> take_associations();

  // Every live track (tentative too if asked), predicted to t_s (a copy; the
  // tracks themselves are not moved). t_s must not precede the latest
  // processed scan.
  std::vector<TrackSnapshot> picture(double t_s, bool include_tentative = false) const;
  // The listed tracks (ids sorted ascending; unknown ids are skipped).
  std::vector<TrackSnapshot> picture(double t_s, std::span<const int> ids) const;

  const TrackerStats& stats() const { return stats_; }
  const std::vector<SensorInfo>& sensors() const { return sensors_; }
  double processed_until_s() const { return processed_s_; }

 private:
  struct Track {
    int id = 0;
    TrackStatus status = TrackStatus::kTentative;
    Estimator est;
    double t_start_s = 0;
    double t_last_update_s = 0;
    std::uint32_t history = 0;  // bit 0: latest opportunity; 1 = hit
    int opportunities = 0;
    int misses_in_a_row = 0;
    int hits = 0;
  };
  // An unassociated plot waiting for a second plot to make a track.
  struct Candidate {
    Vec3 p_W;
    Eigen::Matrix3d P_W;
    double t_s = 0;
    std::uint64_t plot_id = 0;
  };
  struct LaterFirst {
    bool operator()(const ScanInput& a, const ScanInput& b) const {
      return a.t_s != b.t_s ? a.t_s > b.t_s : a.sensor > b.sensor;
    }
  };

  TrackSnapshot snapshot(const Track& track, double t_s) const;
  void process(const ScanInput& scan);
  void associate(const ScanInput& scan, const MeasurementModel& model,
                 const std::vector<Vec3>& plot_W, std::vector<char>& used, std::vector<char>& hit);
  // The associator's input: gated pairs (marking their plots used), ln|S|
  // per track, clutter density per plot.
  GatedScan gate_plots(const ScanInput& scan, const MeasurementModel& model,
                       const std::vector<Vec3>& plot_W, std::vector<char>& used) const;
  // Applies one of the associator's updates to its track; records the
  // association and the hit.
  void apply(const ScanInput& scan, const MeasurementModel& model, const TrackUpdate& update,
             std::vector<char>& hit);
  void initiate(const ScanInput& scan, const std::vector<Vec3>& plot_W,
                const std::vector<Eigen::Matrix3d>& plot_P, const std::vector<char>& used);
  void manage(const ScanInput& scan, const std::vector<char>& covered,
              const std::vector<char>& hit);
  void drop_duplicates(double t_s, std::vector<char>& drop);
  bool below_ground(const Estimator& est) const;
  double clutter_density(const MeasurementModel& model, const ScanInput& scan, int plot) const;
  MeasurementModel model_for(const ScanInput& scan) const;

  scenario::TrackerConfig config_;
  std::vector<SensorInfo> sensors_;
  std::unique_ptr<EstimatorContext> context_;     // stable: tracks point to it
  std::unique_ptr<const Associator> associator_;  // GNN or JPDA, from config_
  double gate_[kMaxMeasDim + 1] = {};             // chi-square threshold by measurement dimension
  double gate6_ = 0;                              // the same on [p, v], for duplicate tracks
  double candidate_age_s_ = 1.0;  // how long an unassociated plot waits for a partner
  std::priority_queue<ScanInput, std::vector<ScanInput>, LaterFirst> pending_;
  double processed_s_ = -1e300;
  std::vector<Track> tracks_;
  std::vector<Candidate> candidates_;
  int next_id_ = 1;
  std::vector<TrackEvent> events_;
  std::vector<Association> associations_;
  TrackerStats stats_;
};

}  // namespace canopy::tracking
