#include "canopy/assess/threat.h"

#include <algorithm>

#include "canopy/assess/area_probability.h"

namespace canopy::assess {

std::vector<double> polygon_probabilities(const ImpactPrediction& ip,
                                          const std::vector<const core::Polygon*>& polygons) {
  std::vector<double> p(polygons.size(), 0.0);
  for (size_t i = 0; i < polygons.size(); ++i) {
    if (beyond_sigmas(ip.p_en_m, ip.cov_en_m2, *polygons[i], kNegligibleSigmas)) continue;
    p[i] = polygon_probability(ip.p_en_m, ip.cov_en_m2, *polygons[i]);
  }
  return p;
}

ThreatEvaluation evaluate_threat(const ImpactPrediction& ip,
                                 const std::vector<scenario::DefendedArea>& areas) {
  std::vector<const core::Polygon*> polygons;
  for (const auto& a : areas) polygons.push_back(&a.polygon);
  ThreatEvaluation ev;
  ev.p_area = polygon_probabilities(ip, polygons);
  for (size_t i = 0; i < areas.size(); ++i) {
    ev.p_hit += ev.p_area[i];
    ev.threat_value += ev.p_area[i] * areas[i].value;
  }
  ev.p_hit = std::min(ev.p_hit, 1.0);
  return ev;
}

std::optional<ThreatDecision> ThreatBoard::update(int track, double now_s,
                                                  const ThreatEvaluation& ev, double t_impact_s) {
  const auto it = state_.find(track);
  const bool was = it != state_.end() && it->second;
  const bool now = was ? ev.p_hit >= doctrine_.p_release : ev.p_hit >= doctrine_.p_engage;
  if (it != state_.end() && was == now) return std::nullopt;
  state_[track] = now;
  return ThreatDecision{
      now_s, track, now, ev.p_hit, ev.threat_value, t_impact_s, t_impact_s - now_s};
}

bool ThreatBoard::is_threat(int track) const {
  const auto it = state_.find(track);
  return it != state_.end() && it->second;
}

}  // namespace canopy::assess
