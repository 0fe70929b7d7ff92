// The simulated world: truth for every rocket, launches and impacts as
// events, and the damage model. One run is single-threaded and
// deterministic: all randomness comes from streams keyed by (seed, run,
// entity).
//
//   auto world = sim::World::create(scenario, {.run_index = 0});
//   if (!world) ...;                         // e.g. an unreachable aim
//   world->set_sink(&sink);
//   while (!world->done()) world->step();    // one run.step_s tick each
//   const sim::RunSummary& s = world->summary();
//
// Later issues plug sensors, the battle manager and interceptors into the
// same tick loop (World::step).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "canopy/bmc/battle_manager.h"
#include "canopy/core/error.h"
#include "canopy/core/geodetic.h"
#include "canopy/engage/guidance.h"
#include "canopy/physics/ballistics.h"
#include "canopy/physics/flight.h"
#include "canopy/physics/interceptor.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/radar.h"
#include "canopy/sim/events.h"

namespace canopy::sim {

struct WorldOptions {
  int run_index = 0;
  std::optional<std::uint64_t> seed;  // overrides scenario.run.seed
  // Trajectory samples go to the sink every this many simulated seconds
  // (on the grid k * interval), plus one at launch and one at impact.
  // 0 disables them.
  double trajectory_interval_s = 1.0;
  // Stop before run.duration_s once every rocket has launched and landed.
  bool stop_when_quiet = true;
  physics::IntegratorOptions integrator;
  // Truth and the battle manager's picture go to the sink every this many
  // simulated seconds (for the tracking metrics). 0 disables them.
  double picture_interval_s = 0.5;
};

// One rocket's plan, drawn before the run from its own stream.
struct RocketPlan {
  int id = 0;  // 1-based, in launch order
  int raid = 0;
  int index_in_raid = 0;
  int type = 0;
  double t_launch_s = 0;
  Vec2 launch_en_m = Vec2::Zero();
  Vec2 aim_en_m = Vec2::Zero();
  double cd_factor = 1;
  physics::AimSolution aim;
  int aim_draws = 1;  // how many aim points were drawn to find a reachable one
};

struct AreaDamage {
  std::string name;
  double value = 0;  // the area's value (e.g. population)
  int impacts = 0;
  double value_hit = 0;  // impacts x value
};

struct RunSummary {
  std::string scenario;
  std::uint64_t seed = 0;
  int run_index = 0;
  double sim_time_s = 0;
  int rockets_planned = 0;
  int rockets_launched = 0;
  int impacts = 0;
  int impacts_in_areas = 0;
  int impacts_open_ground = 0;
  int in_flight_at_end = 0;
  double value_hit = 0;
  std::vector<AreaDamage> areas;
  // Sensors and tracker.
  std::int64_t scans = 0;
  std::int64_t plots = 0;
  std::int64_t clutter_plots = 0;
  int rockets_detected = 0;
  int tracks_started = 0;
  int tracks_confirmed = 0;
  std::int64_t plots_late_dropped = 0;
  // Assessment.
  std::int64_t predictions = 0;
  std::int64_t prediction_failures = 0;
  int threats_declared = 0;  // decisions that declared a threat
  int alerts_on = 0;         // canopy's policy: (zone, track) alerts issued
  // Engagement (docs/engage.md, docs/metrics.md).
  int interceptors_fired = 0;
  double interceptor_cost = 0;
  int rockets_engaged = 0;  // rockets with at least one interceptor fired at their track
  int rockets_killed = 0;
  int engaged_open_ground = 0;  // engaged rockets that would have fallen outside every area
  int engaged_in_areas = 0;     // ... and inside one
  double value_saved = 0;       // the area values of the killed rockets' would-be impacts
  int killed_in_areas = 0;      // killed rockets that would have fallen in an area
  int threatening = 0;          // launched rockets that would have fallen in an area
  std::vector<double> miss_m;   // per closest approach
  std::vector<double> intercept_alt_m;
  int fuzed = 0;
  int debris_impacts = 0;
  int debris_in_areas = 0;
  int kill_assessments = 0;
  int kill_assessments_right = 0;
  std::int64_t own_plots_discounted = 0;
  int plans = 0;
  double max_plan_gap = 0;  // largest certified assignment gap
};

class World {
 public:
  // Plans every rocket (launch point, aim point, Cd factor, launch angles).
  // Fails only when a raid has no reachable aim point after many draws.
  static core::Result<World> create(const scenario::Scenario& scenario, WorldOptions options = {});

  World(World&&) = default;
  World& operator=(World&&) = default;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Events and trajectory samples go here (may be null).
  void set_sink(EventSink* sink) { sink_ = sink; }

  // Advances one run.step_s tick: launches due rockets, flies every rocket
  // in flight, and reports impacts, all in time order.
  void step();
  // Steps until done().
  void run();
  bool done() const;

  double time_s() const { return tick_ * step_s_; }
  double duration_s() const { return duration_s_; }
  int in_flight() const { return static_cast<int>(airborne_.size()); }
  const std::vector<RocketPlan>& plans() const { return plans_; }
  const RunSummary& summary() const { return summary_; }
  // Truth state of a rocket in flight at the current time (nullopt if not).
  std::optional<physics::State> rocket_state(int id) const;
  const core::GeoFrame& geo() const { return geo_; }
  // The battle manager (absent when the scenario has no sensors).
  const bmc::BattleManager* battle_manager() const { return bm_ ? &*bm_ : nullptr; }
  // The wind forecast the battle manager was given.
  const physics::Environment& forecast() const { return forecast_; }

 private:
  World() = default;
  void launch(const RocketPlan& plan, std::vector<Event>& out);
  ImpactEvent impact(const RocketPlan& plan, const physics::Impact& hit);
  // Steps every flight whose trajectory ends before t until it covers t.
  // Targets must not decrease, so that afterwards each airborne flight's
  // latest step brackets t (prev < t <= now) and state_at(t) is valid.
  void advance_flights_to(double t_s);

  scenario::Scenario scenario_;
  WorldOptions options_;
  core::GeoFrame geo_;
  double step_s_ = 0.01;
  double duration_s_ = 0;
  std::int64_t tick_ = 0;
  std::vector<RocketPlan> plans_;  // sorted by launch time
  size_t next_launch_ = 0;
  // Flights, indexed by rocket id - 1.
  std::vector<std::optional<physics::Flight>> flights_;
  // Per rocket: the defended area (index) its undefended impact falls in,
  // or -1; set at launch.
  std::vector<int> undefended_area_;
  // Launched and not yet reported as landed, in launch order.
  std::vector<int> airborne_;
  // Flights still stepping, keyed by the end time of their latest step: only
  // the flights that need a step are touched, not every flight every tick.
  using Key = std::pair<double, int>;
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> stepping_;
  // Flights that have found their impact but not yet reached it in time.
  std::vector<int> landing_;
  std::int64_t next_sample_k_ = 0;

  // Sensors and the battle manager.
  struct Sample;  // a time inside a tick at which truth is read
  void scan(int radar, double t_s, std::vector<PlotRecord>& plots);
  void collect_truth(double t_s, PictureSample& out) const;
  void run_battle_manager(double t_end, std::vector<Event>& events);
  int majority_rocket(int track) const;
  // The rocket most of the track's latest plots came from (>= half of the
  // last kRecentPlots), or -1: what the track follows now.
  int following_rocket(int track) const;
  int rocket_or_none(int object) const;
  void record_orders(const bmc::Orders& orders, std::vector<Event>& events);
  std::vector<sensors::Radar> radars_;
  std::vector<std::int64_t> scan_k_;  // per radar: index of its next scan
  std::vector<sensors::Scan> in_transit_;
  std::optional<bmc::BattleManager> bm_;
  physics::Environment forecast_;
  std::uint64_t seed_ = 0;
  std::uint64_t next_plot_id_ = 1;
  std::unordered_map<std::uint64_t, int> plot_rocket_;       // the truth map (sim only)
  std::unordered_map<int, std::map<int, int>> track_votes_;  // track -> rocket -> plots
  static constexpr int kRecentPlots = 6;
  struct Recent {
    std::array<int, kRecentPlots> object{};  // rocket id, or 0 (anything else)
    int count = 0;
  };
  std::unordered_map<int, Recent> recent_;       // track -> its latest plots
  std::unordered_map<int, int> fragment_votes_;  // track -> plots of fragments
  // Truth: most of the track's plots came from fragments of killed rockets.
  bool follows_debris(int track) const;
  std::unordered_map<int, double> track_start_s_;
  std::unordered_map<int, double> track_confirm_s_;
  std::vector<double> first_detected_s_;  // per rocket; < 0: not yet
  std::vector<PictureSample> pictures_;   // truth read; tracks filled after the tick
  std::vector<std::pair<int, double>> new_detections_;
  std::vector<PictureSample::Confirmation> new_confirmations_;
  std::int64_t next_picture_k_ = 0;

  // Engagement: interceptors in flight, fragments of killed rockets.
  struct Interceptor {
    int id = 0;
    int type = 0;  // into scenario.interceptor_types
    int track = 0;
    physics::GuidedFlight flight;
    engage::Guidance guidance;
    // What the seeker locked on: a rocket id (1..N), a fragment's object id
    // (kFragmentObject + ...), or 0: nothing yet.
    int locked = 0;
    physics::State target_prev;   // the locked object at the flight's current time
    Vec3 glint_W = Vec3::Zero();  // the apparent scattering centre's offset
    bool alive = true;
    double closest_m = 1e18;  // closest approach to the locked rocket so far
    double closest_t_s = 0;
    Vec3 closest_p_W = Vec3::Zero();
  };
  struct Fragment {
    int rocket = 0;  // 1-based
    int index = 0;   // 1-based within the rocket
    double mass_kg = 0;
    double body_length_m = 0;  // its size, for the seeker's glint
    physics::Flight flight;
  };
  void fire(const bmc::FireOrder& order, std::vector<Event>& events);
  void fly_interceptors(double t0_s, double t1_s, std::vector<Event>& events);
  // The state of a locked object at t_s within the tick ending t1_s, and its
  // length (for glint); nothing once it is gone.
  struct Seen {
    physics::State state;
    double length_m = 0;
  };
  std::optional<Seen> object_at(int object, double t_s, double t1_s);
  void kill(int idx, const physics::State& at);
  void land_fragments(double t_s, std::vector<Event>& events);
  void end_interceptor(Interceptor& icpt, double t_s, const char* reason,
                       std::vector<Event>& events);
  std::optional<std::string> area_at(const Vec2& en) const;
  // The defended area a launched rocket would fall in, undefended (from
  // its flight to the ground at launch: the integrator's steps do not
  // depend on when the flight is advanced, so this is where it lands unless
  // it is killed).
  const scenario::DefendedArea* undefended_area(int idx) const;
  std::vector<Interceptor> interceptors_;
  std::vector<Fragment> fragments_;
  std::vector<InterceptorSample> interceptor_samples_;  // this tick's, for the sink
  std::vector<bmc::InterceptorReport> reports_;         // downlink for the next battle-manager step
  std::vector<bool> killed_;                            // per rocket
  std::vector<int> shots_at_;  // per rocket: interceptors fired at its track
  bool finished_ = false;
  EventSink* sink_ = nullptr;
  RunSummary summary_;
};

}  // namespace canopy::sim
