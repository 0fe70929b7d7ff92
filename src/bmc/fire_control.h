// Fire control (docs/engage.md): the engagement half of the battle manager.
// From the declared threats and their predicted paths it plans intercepts
// for every launcher (engage::intercept_window), assigns launchers to
// threats by weapon-target assignment every doctrine.replan_s (and at once
// on a new threat, a kill assessment or an emptied launcher), orders
// launches, uplinks the tracks to its interceptors in flight, and assesses
// each intercept from evidence (engage::KillEvidence): whether something
// goes on along the rocket's pre-intercept path, where the interceptor
// detonated. A "killed" claim stays under watch and is revoked the moment
// the radars see the rocket go on. Each detonation also leaves a debris
// cloud (engage::DebrisCloud) that classes new tracks as debris.
//
// It knows its own interceptors only from their downlink (InterceptorReport),
// never the truth.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "canopy/engage/debris.h"
#include "canopy/engage/flyout.h"
#include "canopy/engage/guidance.h"
#include "canopy/engage/intercept.h"
#include "canopy/engage/kill_assessment.h"
#include "canopy/engage/wta.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/plot.h"
#include "canopy/tracking/threats.h"
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
  engage::KillOutcome outcome = engage::KillOutcome::kUnknown;
  bool killed = false;  // outcome == kKilled
  bool track_ended = false;
  double plots_per_scan = 0;  // near the target after the detonation
  double p_alive = 0;         // P(intact) from the evidence
  int covering_scans = 0;     // scans of radars covering the intact path
  int intact_hits = 0;        // ... with a plot on it
  double detonation_offset_m = 0;
  // Why a conclusive "killed" was held back as unknown: a track that
  // moves as the intact rocket would goes on.
  bool held_by_track = false;
};

// A "killed" claim the radars contradicted: the rocket flies on.
struct KillRevoked {
  double t_s = 0;
  int track = 0;
  int interceptor = 0;
  double p_alive = 0;
};

// Why a declared threat is not engaged now (docs/engage.md).
enum class HoldReason {
  kNone,              // engaged (an interceptor fired or in flight at it)
  kNoWindow,          // no launcher can reach it in time
  kNoInventory,       // the launchers that can reach it are empty
  kLaunchRate,        // assigned, but its battery fired too recently
  kWaitingForWindow,  // assigned, its best launch time comes later
  kLowerValue,        // the assignment spent the rounds on more valuable threats
  kAssessing,         // a kill assessment of it is under way
  kShotsExhausted,    // shots_per_threat interceptors fired at it
};
std::string_view to_string(HoldReason reason);

struct EngagementHold {
  double t_s = 0;
  int track = 0;
  HoldReason reason = HoldReason::kNone;
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
  std::vector<KillRevoked> revoked;
  std::vector<EngagementPlan> plans;
  std::vector<EngagementHold> holds;  // a threat's reason, when it changes
};

// A declared threat as the battle manager last assessed it.
struct ThreatTrack {
  int track = 0;
  double threat_value = 0;
  double burnout_mass_kg = 50;
  engage::ThreatPath path;
};

// A track's coasting estimate for impact prediction and planning: [p, v,
// kd] with its covariance and the most probable class's Cd shape.
assess::BallisticEstimate ballistic_estimate(const tracking::TrackSnapshot& track,
                                             const tracking::ThreatLibrary& library);

class FireControl {
 public:
  FireControl(std::vector<scenario::InterceptorType> types,
              std::vector<scenario::Battery> batteries, std::vector<scenario::DefendedArea> areas,
              scenario::Doctrine doctrine, physics::Environment forecast,
              std::vector<scenario::Sensor> sensors = {},
              std::vector<scenario::RocketType> threat_library = {});
  bool active() const { return !batteries_.empty(); }

  // Plots that arrived (positions in W), as evidence for kill assessment.
  void observe(double t_s, int sensor, std::span<const Vec3> plots_W);
  // Whether a track is debris: its rocket was claimed killed (and not
  // revoked), or it started after a detonation inside that detonation's
  // debris cloud, moves as a fragment can, and neither as that intact
  // rocket would nor as any rocket tracked since before the detonation
  // (a new track on a live rocket, after a break or a duplicate).
  enum class Debris { kNo, kKillClaim, kCloud };
  Debris debris(const tracking::TrackSnapshot& track, const tracking::Tracker& tracker) const;
  // Own interceptors near a point at a time (from the downlink), for
  // discounting their plots.
  bool near_own_interceptor(double t_s, const Vec3& p_W, double gate_m) const;

  // A threat's refreshed assessment; nullopt threat: no longer a threat.
  void update_threat(int track, std::optional<ThreatTrack> threat);
  void track_ended(int track, double t_s);

  FireControlOrders step(double now_s, std::span<const InterceptorReport> reports,
                         const tracking::Tracker& tracker);
  // Tracks assessed killed and not revoked (their alerts stop; they are
  // not engaged).
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
    int type = 0;                                       // interceptor type
    std::optional<assess::BallisticEstimate> target{};  // the track as last uplinked
    // Its track ended (a duplicate dropped, a break): where the target
    // would be, to hand the interceptor over to the track that follows it.
    std::optional<engage::IntactPath> lost{};
  };
  // One detonation under assessment, then (if claimed killed) under watch.
  struct Watch {
    enum class State { kPending, kUnknown, kClaimed };
    State state = State::kPending;
    int interceptor = 0, track = 0;
    engage::KillEvidence evidence;
    std::shared_ptr<const engage::DebrisCloud> cloud;  // where fragments can be, had it been killed
    double threat_rcs_m2 = 0.05;
    double t_decide_s = 0, t_until_s = 0;
    std::map<std::pair<int, double>, int> scans;  // (sensor, scan time) -> plots near the target
    bool track_ended = false;
  };
  void detonated(const InterceptorReport& r, int track, const InFlight& f, double now_s,
                 const tracking::Tracker& tracker);
  void assess(double now_s, const tracking::Tracker& tracker, FireControlOrders& out);
  // A confirmed track moves as the intact rocket of the watch would, and
  // has been updated since the fragments separated. Every track counts: the
  // claimed track itself (a survivor's own track going on is the surest
  // sign of it), and no track this test passes is debris of the
  // detonation's cloud (debris() classes none that moves as the intact
  // rocket would).
  bool intact_track_goes_on(const Watch& w, double now_s,
                            const std::vector<tracking::TrackSnapshot>& picture) const;
  // The weapon-target assignment (docs/engage.md), in steps.
  struct Candidates {
    std::vector<int> targets;                      // threats open to a shot now
    std::vector<int> weapons;                      // launchers with rounds
    std::vector<engage::InterceptWindow> windows;  // weapon a on target j: [a * targets + j]
    std::vector<char> reachable;                   // per target: some window is feasible
  };
  void replan(double now_s, FireControlOrders& out);
  // The threats open to a shot now with their values; the others get their
  // hold reason.
  void open_targets(double now_s, bool salvo, Candidates& c, std::vector<double>& values,
                    FireControlOrders& out);
  engage::InterceptContext intercept_context(const LauncherState& l) const;
  // The windows of every weapon on every target, and their kill
  // probabilities, counts and costs in the problem.
  void plan_windows(double now_s, Candidates& c, engage::WtaProblem& pb) const;
  // Why no launcher with rounds can reach a threat.
  HoldReason unreachable_reason(double now_s, const ThreatTrack& th) const;
  void log_unreachable(double now_s, Candidates& c, FireControlOrders& out);
  static void log_plan(double now_s, const Candidates& c, const engage::WtaSolution& sol,
                       FireControlOrders& out);
  void launch_assigned(double now_s, const Candidates& c, const engage::WtaSolution& sol,
                       FireControlOrders& out);
  void fire(double now_s, LauncherState& l, int track, const engage::InterceptWindow& w,
            FireControlOrders& out);
  void log_hold(double now_s, int track, HoldReason reason, FireControlOrders& out);

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
  std::vector<sensors::Radar> radars_;
  tracking::ThreatLibrary library_;
  double max_burnout_kg_ = 50;
  double min_rcs_m2_ = 0.05;
  std::vector<Watch> watches_;
  std::set<int> killed_;
  std::set<int> awaiting_;  // tracks with an assessment under way
  struct Cloud {
    std::shared_ptr<const engage::DebrisCloud> cloud;
    engage::IntactPath intact;
  };
  std::vector<Cloud> clouds_;        // one per detonation, until its fragments land
  std::map<int, HoldReason> holds_;  // the last reason logged per threat
  double next_track_check_s_ = 0;
  double next_handover_s_ = 0;
  // The confirmed picture for debris()'s lineage test, and its time.
  mutable std::vector<tracking::TrackSnapshot> lineage_;
  mutable double lineage_t_s_ = -1e300;
  double next_replan_s_ = 0;
  bool replan_now_ = false;
  int next_interceptor_id_ = 1;
};

}  // namespace canopy::bmc
