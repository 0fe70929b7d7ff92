// The run's own figures (summary.json's top level, its sensors, tracks and
// battle_manager sections, and the engagement counts), scored from the
// event log and the world's telemetry: the world reports what happened, and
// eval alone counts it.
//
//   eval::RunScorer scorer(scenario);
//   for (const sim::Event& e : events) scorer.on_event(e);
//   eval::RunSummary s = scorer.result(world.stats());
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "canopy/scenario/scenario.h"
#include "canopy/sim/events.h"
#include "canopy/sim/world.h"

namespace canopy::eval {

// One defended area's figures (docs/metrics.md, "Per area"): the rockets
// that threatened it (the launch event's undefended impact_area, truth), how
// many of them were engaged and killed, the warheads that fell in it and the
// value hit there.
struct AreaFigures {
  std::string name;
  double value = 0;      // the area's value (e.g. population)
  int threatening = 0;   // rockets whose undefended impact point is in the area
  int engaged = 0;       // ... of them with an interceptor fired at their track
  int intercepted = 0;   // ... of them killed
  int leakers = 0;       // warheads that fell in the area (summary.json: impacts)
  double value_hit = 0;  // leakers x value
};

// The world's telemetry (sim::WorldStats) and the figures scored from the
// events.
struct RunSummary : sim::WorldStats {
  int rockets_launched = 0;
  int impacts = 0;
  int impacts_in_areas = 0;
  int impacts_open_ground = 0;
  double value_hit = 0;
  std::vector<AreaFigures> areas;  // in scenario order
  int tracks_started = 0;
  int tracks_confirmed = 0;
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
  int plans = 0;
  double max_plan_gap = 0;  // largest certified assignment gap
};

class RunScorer {
 public:
  explicit RunScorer(const scenario::Scenario& scenario);
  void on_event(const sim::Event& event);
  // The counts so far, with the world's telemetry.
  RunSummary result(const sim::WorldStats& stats) const;

 private:
  RunSummary s_;
  std::unordered_map<std::string, int> area_index_;  // defended area name -> index
  std::unordered_map<std::string, double> battery_round_cost_;
  std::unordered_map<int, int> threatened_;  // rocket -> area index of its undefended impact
  std::set<int> engaged_, killed_;
};

}  // namespace canopy::eval
