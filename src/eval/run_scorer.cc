#include "canopy/eval/run_scorer.h"

#include <algorithm>
#include <variant>

#include "canopy/assess/alerts.h"

namespace canopy::eval {

RunScorer::RunScorer(const scenario::Scenario& scenario) {
  for (const auto& a : scenario.defended_areas) {
    area_index_.emplace(a.name, static_cast<int>(s_.areas.size()));
    s_.areas.push_back({.name = a.name, .value = a.value});
  }
  for (const auto& b : scenario.batteries)
    battery_round_cost_[b.name] =
        scenario.interceptor_types[static_cast<size_t>(b.interceptor_type)].cost;
}

void RunScorer::on_event(const sim::Event& event) {
  const auto area = [&](const std::optional<std::string>& name) -> AreaFigures* {
    if (!name) return nullptr;
    const auto it = area_index_.find(*name);
    return it == area_index_.end() ? nullptr : &s_.areas[static_cast<size_t>(it->second)];
  };
  const auto threatened = [&](int rocket) -> AreaFigures* {
    const auto it = threatened_.find(rocket);
    return it == threatened_.end() ? nullptr : &s_.areas[static_cast<size_t>(it->second)];
  };
  std::visit(
      [&]<class E>(const E& e) {
        if constexpr (std::is_same_v<E, sim::LaunchEvent>) {
          ++s_.rockets_launched;
          if (AreaFigures* a = area(e.impact_area)) {
            threatened_[e.rocket] = static_cast<int>(a - s_.areas.data());
            ++a->threatening;
            ++s_.threatening;
          }
        } else if constexpr (std::is_same_v<E, sim::ImpactEvent>) {
          // The impact counts against the first defended area containing it.
          ++s_.impacts;
          if (AreaFigures* a = area(e.area)) {
            ++a->leakers;
            a->value_hit += a->value;
            s_.value_hit += a->value;
            ++s_.impacts_in_areas;
          } else {
            ++s_.impacts_open_ground;
          }
        } else if constexpr (std::is_same_v<E, sim::TrackEvent>) {
          if (e.kind == sim::TrackEvent::Kind::kStart) ++s_.tracks_started;
          if (e.kind == sim::TrackEvent::Kind::kConfirm) ++s_.tracks_confirmed;
        } else if constexpr (std::is_same_v<E, sim::ThreatDecisionEvent>) {
          if (e.threat) ++s_.threats_declared;
        } else if constexpr (std::is_same_v<E, sim::AlertEvent>) {
          if (e.on && e.policy == static_cast<int>(assess::kCanopyPolicy)) ++s_.alerts_on;
        } else if constexpr (std::is_same_v<E, sim::FireEvent>) {
          ++s_.interceptors_fired;
          if (const auto it = battery_round_cost_.find(e.battery); it != battery_round_cost_.end())
            s_.interceptor_cost += it->second;
          // Engaged: first fired at while still flying.
          if (!e.rocket || !engaged_.insert(*e.rocket).second || killed_.contains(*e.rocket))
            return;
          ++s_.rockets_engaged;
          if (AreaFigures* a = threatened(*e.rocket)) {
            ++a->engaged;
            ++s_.engaged_in_areas;
          } else {
            ++s_.engaged_open_ground;
          }
        } else if constexpr (std::is_same_v<E, sim::InterceptEvent>) {
          s_.miss_m.push_back(e.miss_m);
          s_.intercept_alt_m.push_back(e.altitude_m);
          if (!e.killed || e.debris || !killed_.insert(e.rocket).second) return;
          ++s_.rockets_killed;
          if (AreaFigures* a = threatened(e.rocket)) {
            ++a->intercepted;
            s_.value_saved += a->value;
            ++s_.killed_in_areas;
          }
        } else if constexpr (std::is_same_v<E, sim::InterceptorEndEvent>) {
          if (e.reason == "fuzed") ++s_.fuzed;
        } else if constexpr (std::is_same_v<E, sim::DebrisImpactEvent>) {
          ++s_.debris_impacts;
          if (e.area) ++s_.debris_in_areas;
        } else if constexpr (std::is_same_v<E, sim::KillAssessmentEvent>) {
          if (!e.rocket) return;
          ++s_.kill_assessments;
          if (e.rocket_killed == e.killed) ++s_.kill_assessments_right;
        } else if constexpr (std::is_same_v<E, sim::EngagementPlanEvent>) {
          ++s_.plans;
          s_.max_plan_gap = std::max(s_.max_plan_gap, e.gap);
        }
      },
      event);
}

RunSummary RunScorer::result(const sim::WorldStats& stats) const {
  RunSummary s = s_;
  static_cast<sim::WorldStats&>(s) = stats;
  return s;
}

}  // namespace canopy::eval
