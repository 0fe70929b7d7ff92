// The battle manager: the defense's own picture of the sky, built from radar
// plots only, and what it decides from it (docs/assess.md). One call, step(),
// runs the chain: tracking, then impact prediction, then threat evaluation
// and the engage decision, then civil-alert orders, then engagement (fire
// control: assignment, launches, uplinks, kill assessment).
//
// It is given only what a real battle manager knows (Knowledge): its
// sensors, the defended areas and alert zones, the threat library (rocket
// types as threat classes), its doctrine and a wind forecast. It never sees
// truth: the library layout keeps sim (and its truth) out of reach.
//
//   bmc::BattleManager bm(knowledge);
//   bmc::Orders orders = bm.step(now_s, arrived_scans);
//   for (const auto& a : orders.alerts) ...        // sirens on/off
//   for (const auto& e : bm.take_track_events()) ...
#pragma once

#include <array>
#include <span>
#include <unordered_map>
#include <vector>

#include "canopy/assess/alerts.h"
#include "canopy/assess/impact.h"
#include "canopy/assess/threat.h"
#include "canopy/bmc/fire_control.h"
#include "canopy/core/geodetic.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/plot.h"
#include "canopy/tracking/tracker.h"

namespace canopy::bmc {

struct Knowledge {
  scenario::Origin origin;  // for latitude/longitude of predicted impacts
  std::vector<scenario::Sensor> sensors;
  std::vector<scenario::DefendedArea> defended_areas;
  std::vector<scenario::AlertZone> alert_zones;
  std::vector<scenario::RocketType> threat_library;
  scenario::TrackerConfig tracker;
  scenario::Doctrine doctrine;
  physics::Environment forecast;  // the Earth model, air, and the wind forecast
  std::vector<scenario::InterceptorType> interceptor_types;
  std::vector<scenario::Battery> batteries;

  // What a scenario tells the defense (everything but its truth), with the
  // given wind forecast.
  static Knowledge from_scenario(const scenario::Scenario& sc, physics::Environment forecast);
};

// The tracker the battle manager runs on this knowledge: its sensors, its
// tracker settings, the wind forecast and its threat library.
tracking::Tracker make_tracker(const Knowledge& knowledge);

// A prediction can steer decisions once the track is past boost with at
// least this probability (before, the motor may still add speed).
inline constexpr double kMaxBoostProbability = 0.5;

// One track's refreshed impact prediction and threat evaluation.
struct TrackAssessment {
  double t_s = 0;  // when it was made
  int track = 0;
  assess::ImpactPrediction prediction;
  double lat_deg = 0, lon_deg = 0;  // of the predicted impact point
  assess::ThreatEvaluation threat;
  double p_boost = 0;
  bool used = false;  // steered the decision and alerts (past boost)
  bool threat_declared = false;
};

// A track classed as debris, or back as a possible rocket.
struct TrackClassChange {
  double t_s = 0;
  int track = 0;
  bool debris = false;
  FireControl::Debris reason = FireControl::Debris::kNo;
};

// Alert changes of one policy (canopy's, or a baseline for comparison).
struct PolicyAlerts {
  assess::AlertPolicy policy = assess::AlertPolicy::kProbability;
  std::vector<assess::AlertChange> changes;
};

// What one step decided.
struct Orders {
  std::vector<TrackAssessment> assessments;
  std::vector<assess::ThreatDecision> decisions;
  // One per policy, in the order of assess::kAlertPolicies.
  std::array<PolicyAlerts, assess::kAlertPolicyCount> alerts;
  // Launches, uplinks, kill assessments and assignment plans.
  FireControlOrders engagement;
  std::vector<TrackClassChange> classes;
};

struct BattleManagerStats {
  std::int64_t predictions = 0;
  std::int64_t prediction_failures = 0;
  std::int64_t own_plots_discounted = 0;  // plots of its own interceptors
};

// The measurement a radar plot gives the tracker: (range, azimuth,
// elevation[, range rate]).
tracking::Measurement measurement_from_plot(const sensors::Plot& plot);

class BattleManager {
 public:
  explicit BattleManager(Knowledge knowledge);

  // Scans that arrived since the last step (any order), then the chain up
  // to now_s. `interceptors`: the downlink of its own interceptors.
  Orders step(double now_s, std::span<const sensors::Scan> arrived,
              std::span<const InterceptorReport> interceptors = {});
  // Ends every track (end of run) and every alert.
  Orders finish(double now_s);

  std::vector<tracking::TrackEvent> take_track_events() { return std::exchange(track_events_, {}); }
  std::vector<tracking::Association> take_associations() { return tracker_.take_associations(); }
  std::vector<tracking::TrackSnapshot> picture(double t_s) const { return tracker_.picture(t_s); }
  const tracking::Tracker& tracker() const { return tracker_; }
  const Knowledge& knowledge() const { return knowledge_; }
  const BattleManagerStats& stats() const { return stats_; }
  const FireControl& fire_control() const { return fire_control_; }

 private:
  struct Live {
    double next_prediction_s = 0;
  };
  void handle_track_events(double now_s);
  void assess_track(double now_s, const tracking::TrackSnapshot& snap, Orders& orders);
  // Records a track's class (debris or not); a track that becomes debris
  // loses its alerts and its threat.
  void classify(double now_s, int track, FireControl::Debris reason, Orders& orders);

  Knowledge knowledge_;
  tracking::Tracker tracker_;
  tracking::ThreatLibrary threats_;
  assess::ImpactPredictor predictor_;
  core::GeoFrame geo_;
  std::vector<const core::Polygon*> zone_polygons_;
  assess::ThreatBoard threat_board_;
  std::vector<assess::AlertBoard> alert_boards_;         // canopy's, (a), (b)
  std::unordered_map<int, Live> live_;                   // confirmed tracks
  std::unordered_map<int, FireControl::Debris> debris_;  // tracks classed as debris
  std::vector<int> due_;
  std::vector<tracking::TrackEvent> track_events_;
  FireControl fire_control_;
  BattleManagerStats stats_;
};

}  // namespace canopy::bmc
