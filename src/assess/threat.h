// Threat evaluation and the engage decision (docs/assess.md).
//
// For one impact prediction: the probability of impact inside each
// defended area (polygon_probability), P(hit) = sum over the areas (areas
// are taken as disjoint, as the world's damage model takes them), and the
// threat value sum P(area) x value(area).
//
// ThreatBoard keeps each track's decision with hysteresis: a track becomes a
// threat when P(hit) >= p_engage and stops being one when P(hit) < p_release.
// Every first decision and every change is returned for the decision log.
//
//   assess::ThreatBoard board(doctrine);
//   ThreatEvaluation ev = assess::evaluate_threat(prediction, areas);
//   if (auto d = board.update(track, now_s, ev, prediction.t_impact_s)) log(*d);
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include "canopy/assess/impact.h"
#include "canopy/scenario/scenario.h"

namespace canopy::assess {

struct ThreatEvaluation {
  std::vector<double> p_area;  // per defended area
  double p_hit = 0;            // sum of p_area, at most 1
  double threat_value = 0;     // sum of p_area x value
};

// Areas farther than this many standard deviations count as zero.
inline constexpr double kNegligibleSigmas = 8.0;

ThreatEvaluation evaluate_threat(const ImpactPrediction& prediction,
                                 const std::vector<scenario::DefendedArea>& areas);

// P(impact in polygon) for each polygon, skipping those beyond
// kNegligibleSigmas.
std::vector<double> polygon_probabilities(const ImpactPrediction& prediction,
                                          const std::vector<const core::Polygon*>& polygons);

struct ThreatDecision {
  double t_s = 0;
  int track = 0;
  bool threat = false;  // the new state
  double p_hit = 0;
  double threat_value = 0;
  double t_impact_s = 0;
  double time_to_impact_s = 0;
};

class ThreatBoard {
 public:
  explicit ThreatBoard(const scenario::Doctrine& doctrine) : doctrine_(doctrine) {}

  // A new evaluation of a track; returns a decision on its first evaluation
  // and whenever its state changes.
  std::optional<ThreatDecision> update(int track, double now_s, const ThreatEvaluation& ev,
                                       double t_impact_s);
  bool is_threat(int track) const;
  void forget(int track) { state_.erase(track); }

 private:
  scenario::Doctrine doctrine_;
  std::unordered_map<int, bool> state_;
};

}  // namespace canopy::assess
