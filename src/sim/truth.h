// Truth propagation: every rocket's plan, drawn before the run, and its
// flight, stepped lazily (a heap keyed by each flight's latest step end, so
// only the flights that need a step are touched each tick). The world reads
// truth here for its radars, its trajectory samples and the interceptors'
// seekers; the battle manager never does.
//
//   auto plans = sim::plan_rockets(scenario, seed, run_index, integrator);
//   sim::Truth truth(scenario, geo, std::move(*plans), integrator);
//   sim::LaunchEvent e = truth.launch(truth.plans()[0]);
//   truth.advance_to(t_s);                  // then state_in_flight(idx, t_s)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/core/geodetic.h"
#include "canopy/physics/ballistics.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sim/events.h"

namespace canopy::sim {

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

// Plans every rocket (launch point, aim point, Cd factor, launch angles),
// each from its own stream; ids follow launch order. Fails only when a raid
// has no reachable aim point after many draws.
core::Result<std::vector<RocketPlan>> plan_rockets(const scenario::Scenario& scenario,
                                                   std::uint64_t seed, int run_index,
                                                   const physics::IntegratorOptions& integrator);

// The first defended area (in scenario order) containing a ground point.
std::optional<std::string> area_at(const scenario::Scenario& scenario, const Vec2& en);

class Truth {
 public:
  Truth() = default;
  // The scenario must outlive the Truth.
  Truth(const scenario::Scenario& scenario, const core::GeoFrame& geo,
        std::vector<RocketPlan> plans, const physics::IntegratorOptions& integrator);

  const std::vector<RocketPlan>& plans() const { return plans_; }
  // Launches a planned rocket at its launch time; the event carries its
  // undefended impact point (the flight's own integrator, flown to the
  // ground at once: the steps do not depend on when a flight is advanced).
  LaunchEvent launch(const RocketPlan& plan);
  // Steps every flight whose trajectory ends before t until it covers t.
  // Targets must not decrease, so that afterwards each airborne flight's
  // latest step brackets t (prev < t <= now) and state_in_flight(idx, t)
  // is valid.
  void advance_to(double t_s);
  // Reports the rockets that have reached the ground by t_end (after
  // advance_to(t_end)); on_landed receives each one's index and impact.
  void land(double t_end, std::vector<Event>& events,
            const std::function<void(int, const physics::Impact&)>& on_landed);
  // Takes a rocket out of the sky (an interceptor killed it).
  void kill(int idx);

  // Launched and not yet landed or killed, in launch order (rocket index =
  // id - 1).
  const std::vector<int>& airborne() const { return airborne_; }
  bool is_airborne(int idx) const;
  bool killed(int idx) const { return killed_[static_cast<size_t>(idx)]; }
  const physics::Flight& flight(int idx) const { return *flights_[static_cast<size_t>(idx)]; }
  // The rocket's state at t_s if it is flying then (launched before t_s
  // and not yet on the ground).
  std::optional<physics::State> state_in_flight(int idx, double t_s) const;

 private:
  ImpactEvent impact(const RocketPlan& plan, const physics::Impact& hit) const;

  const scenario::Scenario* scenario_ = nullptr;
  core::GeoFrame geo_;
  physics::IntegratorOptions integrator_;
  std::vector<RocketPlan> plans_;  // sorted by launch time
  // Flights, indexed by rocket id - 1.
  std::vector<std::optional<physics::Flight>> flights_;
  std::vector<bool> killed_;
  std::vector<int> airborne_;
  // Flights still stepping, keyed by the end time of their latest step.
  using Key = std::pair<double, int>;
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> stepping_;
  // Flights that have found their impact but not yet reached it in time.
  std::vector<int> landing_;
};

}  // namespace canopy::sim
