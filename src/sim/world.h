// The simulated world: truth for every rocket, the radars, the battle
// manager it hosts (which sees plots, never truth), the interceptors it
// launches and the debris of the rockets they kill. It reports what happens
// as events to a sink; it does not score itself (eval does, from the events
// and stats()). One run is single-threaded and deterministic: all randomness
// comes from streams keyed by (seed, run, entity).
//
//   auto world = sim::World::create(scenario, {.run_index = 0});
//   if (!world) ...;                         // e.g. an unreachable aim
//   world->set_sink(&sink);                  // e.g. eval::ScoringSink
//   while (!world->done()) world->step();    // one run.step_s tick each
//   const sim::WorldStats& s = world->stats();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "canopy/bmc/battle_manager.h"
#include "canopy/core/error.h"
#include "canopy/core/geodetic.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/sensor.h"
#include "canopy/sim/bm_link.h"
#include "canopy/sim/events.h"
#include "canopy/sim/interceptors.h"
#include "canopy/sim/truth.h"
#include "canopy/sim/truth_labels.h"

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

// What the world itself saw happen, beyond its events: the telemetry of
// its radars and of the battle manager it hosts. Scoring is eval's
// (eval::RunScorer turns events and these into a run's summary).
struct WorldStats {
  std::string scenario;
  std::uint64_t seed = 0;
  int run_index = 0;
  double sim_time_s = 0;
  int rockets_planned = 0;
  int in_flight_at_end = 0;
  std::int64_t scans = 0;
  std::int64_t plots = 0;  // every plot: rockets, clutter, interceptors, fragments
  std::int64_t clutter_plots = 0;
  int rockets_detected = 0;  // rockets seen in at least one plot
  // The battle manager's own counters (0 without sensors).
  std::int64_t plots_late_dropped = 0;
  std::int64_t predictions = 0;
  std::int64_t prediction_failures = 0;
  std::int64_t own_plots_discounted = 0;
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
  void set_sink(EventSink* sink);

  // Advances one run.step_s tick: launches due rockets, flies every rocket
  // in flight, and reports impacts, all in time order.
  void step();
  // Steps until done().
  void run();
  bool done() const;

  double time_s() const { return tick_ * step_s_; }
  double duration_s() const { return duration_s_; }
  int in_flight() const { return static_cast<int>(truth_.airborne().size()); }
  int launched() const { return static_cast<int>(next_launch_); }
  const std::vector<RocketPlan>& plans() const { return truth_.plans(); }
  const WorldStats& stats() const { return stats_; }
  // Truth state of a rocket in flight at the current time (nullopt if not).
  std::optional<physics::State> rocket_state(int id) const;
  const core::GeoFrame& geo() const { return geo_; }
  // The battle manager (absent when the scenario has no sensors).
  const bmc::BattleManager* battle_manager() const { return bm_ ? &*bm_ : nullptr; }
  // The wind forecast the battle manager was given.
  const physics::Environment& forecast() const { return forecast_; }

 private:
  World() = default;
  struct Sample;  // a time inside a tick at which truth is read
  void scan(int radar, double t_s, std::vector<PlotRecord>& plots);
  void collect_truth(double t_s, PictureSample& out) const;
  void run_battle_manager(double t_end, std::vector<Event>& events);
  // The orders as events, and carried out: launches, then uplinks.
  void carry_out(const bmc::Orders& orders, std::vector<Event>& events);

  // On the heap, so that the rooms below keep its address when the world
  // moves.
  std::unique_ptr<scenario::Scenario> scenario_;
  WorldOptions options_;
  core::GeoFrame geo_;
  double step_s_ = 0.01;
  double duration_s_ = 0;
  std::int64_t tick_ = 0;
  std::uint64_t seed_ = 0;
  Truth truth_;
  size_t next_launch_ = 0;          // into truth_.plans(), in launch order
  std::int64_t next_sample_k_ = 0;  // trajectory samples

  // Sensors and the battle manager.
  std::vector<std::unique_ptr<sensors::Sensor>> sensors_;
  std::vector<std::int64_t> scan_k_;  // per radar: index of its next scan
  std::vector<sensors::Scan> in_transit_;
  std::optional<bmc::BattleManager> bm_;
  physics::Environment forecast_;
  std::uint64_t next_plot_id_ = 1;
  TruthLabels labels_;  // the truth map (sim only)
  TrackTimes track_times_;
  std::vector<double> first_detected_s_;  // per rocket; < 0: not yet
  std::vector<PictureSample> pictures_;   // truth read; tracks filled after the tick
  std::vector<std::pair<int, double>> new_detections_;
  std::vector<PictureSample::Confirmation> new_confirmations_;
  std::int64_t next_picture_k_ = 0;

  // Engagement: the interceptors in flight and the fragments of kills.
  InterceptorModel interceptors_;
  bool finished_ = false;
  EventSink* sink_ = nullptr;
  WorldStats stats_;
};

}  // namespace canopy::sim
