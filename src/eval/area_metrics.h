// Per defended area figures of one run, scored from the event log
// (docs/metrics.md, "Per area"): the rockets that threatened each area (the
// launch event's undefended impact_area, truth), how many of them were
// engaged and killed, the warheads that fell in it and the value hit there.
//
//   eval::AreaScorer areas(scenario);
//   for (const sim::Event& e : events) areas.on_event(e);
//   for (const eval::AreaFigures& a : areas.result()) ...
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "canopy/scenario/scenario.h"
#include "canopy/sim/events.h"

namespace canopy::eval {

struct AreaFigures {
  std::string name;
  double value = 0;     // the area's value
  int threatening = 0;  // rockets whose undefended impact point is in the area
  int engaged = 0;      // ... of them with an interceptor fired at their track
  int intercepted = 0;  // ... of them killed
  int leakers = 0;      // warheads that fell in the area
  double value_hit = 0;
};

class AreaScorer {
 public:
  explicit AreaScorer(const scenario::Scenario& scenario);
  void on_event(const sim::Event& event);
  // In scenario order.
  const std::vector<AreaFigures>& result() const { return areas_; }

 private:
  std::vector<AreaFigures> areas_;
  std::unordered_map<std::string, int> index_;  // area name -> index
  std::unordered_map<int, int> threatened_;     // rocket -> area index
  std::set<int> engaged_, killed_;
};

// summary.json's engagement "areas": one object per area, with its leak rate
// (null when nothing threatened it).
nlohmann::ordered_json to_json(const std::vector<AreaFigures>& areas);

}  // namespace canopy::eval
