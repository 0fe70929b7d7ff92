#include "canopy/eval/area_metrics.h"

namespace canopy::eval {

AreaScorer::AreaScorer(const scenario::Scenario& scenario) {
  for (const auto& a : scenario.defended_areas) {
    index_.emplace(a.name, static_cast<int>(areas_.size()));
    areas_.push_back({.name = a.name, .value = a.value});
  }
}

void AreaScorer::on_event(const sim::Event& event) {
  auto area_of = [&](const std::optional<std::string>& name) -> AreaFigures* {
    if (!name) return nullptr;
    auto it = index_.find(*name);
    return it == index_.end() ? nullptr : &areas_[static_cast<size_t>(it->second)];
  };
  auto threatened = [&](int rocket) -> AreaFigures* {
    auto it = threatened_.find(rocket);
    return it == threatened_.end() ? nullptr : &areas_[static_cast<size_t>(it->second)];
  };
  if (const auto* e = std::get_if<sim::LaunchEvent>(&event)) {
    if (AreaFigures* a = area_of(e->impact_area)) {
      ++a->threatening;
      threatened_[e->rocket] = static_cast<int>(a - areas_.data());
    }
  } else if (const auto* e = std::get_if<sim::FireEvent>(&event)) {
    // Engaged: fired at while still flying, counted once (as RunScorer
    // counts rockets_engaged).
    if (!e->rocket || killed_.contains(*e->rocket) || !engaged_.insert(*e->rocket).second) return;
    if (AreaFigures* a = threatened(*e->rocket)) ++a->engaged;
  } else if (const auto* e = std::get_if<sim::InterceptEvent>(&event)) {
    if (!e->killed || e->debris || !killed_.insert(e->rocket).second) return;
    if (AreaFigures* a = threatened(e->rocket)) ++a->intercepted;
  } else if (const auto* e = std::get_if<sim::ImpactEvent>(&event)) {
    if (AreaFigures* a = area_of(e->area)) {
      ++a->leakers;
      a->value_hit += a->value;
    }
  }
}

nlohmann::ordered_json to_json(const std::vector<AreaFigures>& areas) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const AreaFigures& a : areas) {
    out.push_back(
        {{"name", a.name},
         {"threatening", a.threatening},
         {"engaged", a.engaged},
         {"intercepted", a.intercepted},
         {"leakers", a.leakers},
         {"leak_rate", a.threatening > 0
                           ? nlohmann::ordered_json(static_cast<double>(a.leakers) / a.threatening)
                           : nlohmann::ordered_json(nullptr)},
         {"value_hit", a.value_hit}});
  }
  return out;
}

}  // namespace canopy::eval
