// Fire control (docs/engage.md): the engagement half of the battle manager.
// From the declared threats and their predicted paths it plans intercepts
// for every launcher (engage::intercept_window), assigns launchers to
// threats by weapon-target assignment every doctrine.replan_s (and at once
// on a new threat, a kill assessment or an emptied launcher), orders
// launches, uplinks the tracks to its interceptors in flight, and assesses
// each intercept from radar plots alone: the track ends, or several plots
// appear where one rocket was (debris).
//
// It knows its own interceptors only from their downlink (InterceptorReport),
// never the truth.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "canopy/engage/flyout.h"
#include "canopy/engage/guidance.h"
#include "canopy/engage/intercept.h"
#include "canopy/engage/wta.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/plot.h"
#include "canopy/tracking/tracker.h"

namespace canopy::bmc {

using core::Vec3;

// One interceptor's downlink.
struct InterceptorReport {
  enum class Status { kFlying, kDetonated, kEnded };
  int id = 0;
  double t_s = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
  Status status = Status::kFlying;  // kDetonated: fuzed at t_s, p_W
};

struct FireOrder {
  double t_s = 0;
  int interceptor = 0;  // the id the battle manager gives it
  int battery = 0;
  int launcher = 0;  // index within the battery
  int track = 0;
  Vec3 launcher_W = Vec3::Zero();
  Vec3 dir_W = Vec3::UnitZ();  // the launcher's pointing
  Vec3 intercept_W = Vec3::Zero();
  double t_intercept_s = 0;
  double pk = 0;
  double p_debris = 0;
};

struct Uplink {
  int interceptor = 0;
  engage::TargetState target;
};

struct KillAssessment {
  double t_s = 0;
  int track = 0;
  int interceptor = 0;
  bool killed = false;
  bool track_ended = false;
  double plots_per_scan = 0;  // near the target after the detonation
};

// One weapon-target assignment, for the log.
struct EngagementPlan {
  double t_s = 0;
  int threats = 0;
  int launchers = 0;
  int rounds = 0;  // assigned (fired now or later)
  double objective = 0;
  std::optional<double> lower_bound;
  double gap = 0;  // (objective - lower bound) / objective, certified
};

struct FireControlOrders {
  std::vector<FireOrder> fire;
  std::vector<Uplink> uplinks;
  std::vector<KillAssessment> assessments;
  std::vector<EngagementPlan> plans;
};

// A declared threat as the battle manager last assessed it.
struct ThreatTrack {
  int track = 0;
  double threat_value = 0;
  double burnout_mass_kg = 50;
  engage::ThreatPath path;
};

class FireControl {
 public:
  FireControl(std::vector<scenario::InterceptorType> types,
              std::vector<scenario::Battery> batteries, std::vector<scenario::DefendedArea> areas,
              scenario::Doctrine doctrine, physics::Environment forecast);
  bool active() const { return !batteries_.empty(); }

  // Plots that arrived (positions in W), as evidence for kill assessment.
  void observe(double t_s, int sensor, std::span<const Vec3> plots_W);
  // Own interceptors near a point at a time (from the downlink), for
  // discounting their plots.
  bool near_own_interceptor(double t_s, const Vec3& p_W, double gate_m) const;

  // A threat's refreshed assessment; nullopt threat: no longer a threat.
  void update_threat(int track, std::optional<ThreatTrack> threat);
  void track_ended(int track, double t_s);

  FireControlOrders step(double now_s, std::span<const InterceptorReport> reports,
                         const tracking::Tracker& tracker);
  // Tracks assessed killed (their alerts stop; they are never re-engaged).
  bool killed(int track) const { return killed_.contains(track); }
  int interceptors_left() const;

 private:
  struct LauncherState {
    int battery = 0, index = 0;
    Vec3 p_W = Vec3::Zero();
    int rounds = 0;
    double reload_at_s = -1;  // < 0: not reloading
  };
  struct InFlight {
    int id = 0, track = 0;
    double pk = 0;
    Vec3 p_W = Vec3::Zero(), v_W = Vec3::Zero();
    double t_s = 0;
  };
  struct Pending {  // a kill assessment under way
    int interceptor = 0, track = 0;
    double t_detonation_s = 0, t_decide_s = 0;
    engage::TargetState target;                   // the track's state at detonation
    std::map<std::pair<int, double>, int> scans;  // (sensor, scan time) -> plots in the gate
    bool track_ended = false;
  };
  void replan(double now_s, FireControlOrders& out);
  void assess(double now_s, FireControlOrders& out);

  std::vector<scenario::InterceptorType> types_;
  std::vector<scenario::Battery> batteries_;
  std::vector<scenario::DefendedArea> areas_;
  scenario::Doctrine doctrine_;
  physics::Environment forecast_;
  std::vector<const engage::FlyoutTable*> tables_;
  std::vector<LauncherState> launchers_;
  std::vector<double> battery_next_launch_s_;
  std::map<int, ThreatTrack> threats_;
  std::map<int, InFlight> in_flight_;
  std::map<int, int> shots_;  // track -> interceptors fired at it
  std::vector<Pending> pending_;
  std::set<int> killed_;
  std::set<int> awaiting_;                      // tracks with an assessment under way
  std::vector<std::pair<double, Vec3>> kills_;  // where and when kills were assessed
  std::set<int> debris_tracks_;
  double next_replan_s_ = 0;
  bool replan_now_ = false;
  int next_interceptor_id_ = 1;
};

}  // namespace canopy::bmc
