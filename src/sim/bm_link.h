// The link between the world and the battle manager it hosts: what the
// battle manager decided, as events with their truth labels. Pure
// functions: the world carries the orders out itself (InterceptorModel).
//
//   labels.associate(bm.take_associations());
//   for (const auto& te : bm.take_track_events())
//     events.push_back(sim::track_event(te, t_end, labels));
//   sim::orders_to_events(orders, {scenario, labels, truth, times}, events);
#pragma once

#include <unordered_map>
#include <vector>

#include "canopy/bmc/battle_manager.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sim/events.h"
#include "canopy/sim/truth.h"
#include "canopy/sim/truth_labels.h"

namespace canopy::sim {

// When each track started and was confirmed (measurement times), for the
// ages the prediction events carry.
struct TrackTimes {
  std::unordered_map<int, double> start_s;
  std::unordered_map<int, double> confirm_s;
};

// A track event of the tracker, stamped with the step's time t_end and the
// track's majority rocket.
TrackEvent track_event(const tracking::TrackEvent& event, double t_end_s,
                       const TruthLabels& labels);

struct OrderContext {
  const scenario::Scenario& scenario;
  const TruthLabels& labels;
  const Truth& truth;  // which rockets are dead, for kill assessments
  const TrackTimes& times;
};

// One step's orders as events, appended in this order: impact predictions,
// threat decisions, alert changes (every policy), fire, kill assessments,
// revoked kills, engagement holds, track classes, engagement plans.
void orders_to_events(const bmc::Orders& orders, const OrderContext& context,
                      std::vector<Event>& out);

}  // namespace canopy::sim
