// What the simulated world reports: typed events, trajectory samples, and the
// sink interface they go to. `io` implements sinks for files (JSONL, CSV);
// tests implement them in memory.
//
//   struct Collect : sim::EventSink {
//     void on_event(const sim::Event& e) override { events.push_back(e); }
//     std::vector<sim::Event> events;
//   };
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/sensors/plot.h"

namespace canopy::sim {

using core::Vec2;
using core::Vec3;

// A rocket leaves its launcher.
struct LaunchEvent {
  double t_s = 0;
  int rocket = 0;
  std::string rocket_type;
  std::string site;
  double elevation_deg = 0;    // in the launch point's own horizon
  double azimuth_deg = 0;      // clockwise from north, in that horizon
  Vec3 dir_W = Vec3::UnitZ();  // unit launch direction in the frame's axes
  Vec3 p_W = Vec3::Zero();     // launch point, on the ground
  double lat_deg = 0;
  double lon_deg = 0;
  Vec2 aim_en_m = Vec2::Zero();
  double cd_factor = 1;
  int raid = 0;  // index into the scenario's raids
  // Truth: where the rocket falls if nothing stops it (the integrator's own
  // impact), and the defended area there, if any.
  Vec3 impact_p_W = Vec3::Zero();
  std::optional<std::string> impact_area;
};

// A rocket reaches the ground.
struct ImpactEvent {
  double t_s = 0;
  int rocket = 0;
  Vec3 p_W = Vec3::Zero();
  double lat_deg = 0;
  double lon_deg = 0;
  double speed_mps = 0;
  std::optional<std::string> area;  // defended area hit, if any
  double aim_miss_m = 0;            // ground distance from the rocket's aim point
  std::optional<std::string> zone;  // alert zone (id) hit, if any
};

// A track of the battle manager starts, is confirmed, or ends. `rocket` is
// filled by the simulation from the plots the track used (the majority),
// for analysis only; the battle manager never knows it.
struct TrackEvent {
  enum class Kind { kStart, kConfirm, kEnd };
  double t_s = 0;       // when the battle manager knew (its processing time)
  double t_meas_s = 0;  // the measurement time of the scan that caused it
  Kind kind = Kind::kStart;
  int track = 0;
  std::optional<int> rocket;
  std::string reason;  // kEnd only: misses, below_ground, covariance, duplicate, run_end
};

// A track's impact prediction (at the battle manager's refresh rate). `rocket`
// is the simulation's truth map, for analysis only.
struct ImpactPredictionEvent {
  double t_s = 0;
  int track = 0;
  std::optional<int> rocket;
  Vec2 p_en_m = Vec2::Zero();
  Eigen::Matrix2d cov_en_m2 = Eigen::Matrix2d::Identity();
  double lat_deg = 0, lon_deg = 0;
  double t_impact_s = 0;
  double sigma_t_impact_s = 0;
  double p_threat = 0;  // P(impact in any defended area)
  double threat_value = 0;
  double p_boost = 0;
  bool used = false;    // steered decisions (past boost)
  bool threat = false;  // the track's engage decision after this prediction
  double track_age_s = 0;
  double since_confirm_s = 0;
};

// The engage decision log: a track's first evaluation, and every change.
struct ThreatDecisionEvent {
  double t_s = 0;
  int track = 0;
  std::optional<int> rocket;
  bool threat = false;
  double p_threat = 0;
  double threat_value = 0;
  double t_impact_s = 0;
  double time_to_impact_s = 0;
};

// A zone alert turns on or off for a track. policy 0 is canopy's (the
// sirens); 1 and 2 are the baselines the metrics compare it with, which the
// event log leaves out.
struct AlertEvent {
  double t_s = 0;
  bool on = false;
  int zone = 0;  // index into the scenario's alert zones
  std::string zone_id;
  int track = 0;
  std::optional<int> rocket;
  double t_impact_s = 0;
  int policy = 0;
  std::string reason;  // off only: released, hold_ended, killed, debris, run_end
  // Off only: the rocket the track's latest plots came from (the one it
  // follows now), if any; analysis only.
  std::optional<int> following;
};

// The battle manager launches an interceptor at a track. `rocket`: the
// truth behind the track, for analysis only.
struct FireEvent {
  double t_s = 0;
  std::string battery;
  int launcher = 0;  // index within the battery
  int interceptor = 0;
  int track = 0;
  std::optional<int> rocket;
  Vec3 intercept_W = Vec3::Zero();  // planned intercept point
  double t_intercept_s = 0;
  double pk = 0;        // expected, as planned
  double p_debris = 0;  // P(debris on a defended area), as planned
};
// An interceptor passes its closest approach to the object its seeker
// locked on, and fuzes (or misses). The warhead goes off a fuze timing
// error after the closest approach: t_s, p_W and miss_m are the
// detonation's.
struct InterceptEvent {
  double t_s = 0;
  int interceptor = 0;
  int rocket = 0;        // the rocket hit (for a fragment: the rocket it came from)
  bool debris = false;   // the seeker locked on a fragment
  double miss_m = 0;     // distance to the target at the detonation
  double closest_m = 0;  // the closest approach
  bool killed = false;
  Vec3 p_W = Vec3::Zero();  // the interceptor at the detonation
  double altitude_m = 0;
  double pk = 0;  // Pk(miss) the kill was drawn from
};
// An interceptor's flight ends: fuzed, timeout (max flight time), ground,
// target_lost (its locked rocket is gone), run_end.
struct InterceptorEndEvent {
  double t_s = 0;
  int interceptor = 0;
  std::string reason;
  Vec3 p_W = Vec3::Zero();
};
// A fragment of a killed rocket reaches the ground.
struct DebrisImpactEvent {
  double t_s = 0;
  int rocket = 0;    // whose fragment
  int fragment = 0;  // 1-based within the rocket
  Vec3 p_W = Vec3::Zero();
  double mass_kg = 0;
  double speed_mps = 0;
  std::optional<std::string> area;
};
// The battle manager's kill assessment of an intercept, from evidence
// (docs/engage.md). `rocket_killed` is the truth, for analysis only.
struct KillAssessmentEvent {
  double t_s = 0;
  int track = 0;
  int interceptor = 0;
  bool killed = false;  // outcome == "killed"
  std::string outcome;  // killed, survived, unknown
  bool track_ended = false;
  double plots_per_scan = 0;
  double p_alive = 0;
  int covering_scans = 0;
  int intact_hits = 0;
  double detonation_offset_m = 0;
  bool held_by_track = false;
  std::optional<bool> rocket_killed;
  std::optional<int> rocket;  // truth behind the track
};
// A "killed" claim the radars contradicted: the battle manager treats the
// rocket as alive again.
struct KillRevokedEvent {
  double t_s = 0;
  int track = 0;
  int interceptor = 0;
  double p_alive = 0;
  std::optional<int> rocket;
};
// A track classed as debris (reason kill_claim or debris_cloud), or back as
// a possible rocket (debris false).
struct TrackClassEvent {
  double t_s = 0;
  int track = 0;
  bool debris = false;
  std::string reason;
  std::optional<int> rocket;
  std::optional<int> following;  // the rocket its latest plots came from (analysis only)
};
// Why a declared threat is not engaged, each time the reason changes
// (no_window, no_inventory, launch_rate, waiting_for_window, lower_value,
// assessing, shots_exhausted).
struct EngagementHoldEvent {
  double t_s = 0;
  int track = 0;
  std::string reason;
  std::optional<int> rocket;
};
// One weapon-target assignment: its size, objective, certified bound and gap.
struct EngagementPlanEvent {
  double t_s = 0;
  int threats = 0;
  int launchers = 0;
  int rounds = 0;
  double objective = 0;
  std::optional<double> lower_bound;
  double gap = 0;
};

using Event =
    std::variant<LaunchEvent, ImpactEvent, TrackEvent, ImpactPredictionEvent, ThreatDecisionEvent,
                 AlertEvent, FireEvent, InterceptEvent, InterceptorEndEvent, DebrisImpactEvent,
                 KillAssessmentEvent, EngagementPlanEvent, KillRevokedEvent, TrackClassEvent,
                 EngagementHoldEvent>;

double event_time(const Event& e);

// Truth state of one rocket at one time, for trajectory output.
struct TrajectorySample {
  double t_s = 0;
  int rocket = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
};

// One interceptor's position, for the replay: at launch, each time its
// flight crosses a multiple of a quarter of the trajectory interval, and at
// its end.
struct InterceptorSample {
  double t_s = 0;
  int interceptor = 0;
  Vec3 p_W = Vec3::Zero();
};

// One radar plot with the truth behind it (the simulation's map), for
// plots.csv and analysis.
struct PlotRecord {
  sensors::Plot plot;
  std::string sensor;
  int rocket = -1;  // -1: clutter
};

// Truth and the battle manager's confirmed tracks at one time, for the
// tracking metrics.
struct PictureSample {
  double t_s = 0;
  struct Truth {
    int rocket = 0;
    Vec3 p_W = Vec3::Zero();
    Vec3 v_W = Vec3::Zero();
  };
  struct Track {
    int id = 0;
    Vec3 p_W = Vec3::Zero();
    Vec3 v_W = Vec3::Zero();
    Eigen::Matrix<double, 6, 6> P_pv = Eigen::Matrix<double, 6, 6>::Identity();
    double age_s = 0;     // since the track started
    int rocket = -1;      // majority truth of its plots (analysis only)
    bool debris = false;  // no rocket: most of its plots came from fragments
  };
  std::vector<Truth> truth;   // rockets in flight
  std::vector<Track> tracks;  // confirmed tracks
  // Rockets seen in a plot for the first time since the previous sample.
  std::vector<std::pair<int, double>> first_detections;
  // Tracks confirmed since the previous sample: (track, rocket or -1, time).
  struct Confirmation {
    int track = 0;
    int rocket = -1;
    double t_s = 0;
  };
  std::vector<Confirmation> confirmations;
};

// Receives the world's output, in time order.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
  virtual void on_trajectory(const TrajectorySample& /*sample*/) {}
  virtual void on_plot(const PlotRecord& /*plot*/) {}
  virtual void on_picture(const PictureSample& /*sample*/) {}
  virtual void on_interceptor(const InterceptorSample& /*sample*/) {}
};

}  // namespace canopy::sim
