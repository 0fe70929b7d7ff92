#include "canopy/io/replay.h"

#include <algorithm>
#include <cmath>

#include "canopy/io/replay_coverage.h"

namespace canopy::io {
namespace {

using nlohmann::ordered_json;

// Rounded for a compact page: positions to 0.1 m, times to 1 ms.
double r1(double v) { return std::round(v * 10) / 10; }
double r3(double v) { return std::round(v * 1000) / 1000; }

constexpr double kPredictionStepS = 2.0;
// To `digits` significant digits (covariances span many orders of magnitude).
double significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return std::isfinite(v) ? v : 0;
  const double scale = std::pow(10.0, digits - 1 - std::floor(std::log10(std::abs(v))));
  return std::round(v * scale) / scale;
}

ordered_json nullable(const std::optional<int>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}
ordered_json nullable(const std::optional<std::string>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}
ordered_json nullable(const std::optional<double>& v) {
  return v ? ordered_json(r3(*v)) : ordered_json(nullptr);
}

ordered_json en(const Vec2& p) { return ordered_json::array({r1(p.x()), r1(p.y())}); }

ordered_json polygon(const core::Polygon& poly) {
  ordered_json a = ordered_json::array();
  for (const Vec2& v : poly.vertices()) a.push_back(en(v));
  return a;
}

ordered_json trail(const std::vector<TrailPoint>* samples) {
  ordered_json a = ordered_json::array();
  if (samples)
    for (const TrailPoint& s : *samples)
      a.push_back(ordered_json::array({r3(s[0]), r1(s[1]), r1(s[2]), r1(s[3])}));
  return a;
}

template <class Map>
const std::vector<TrailPoint>* find_trail(const Map& m, int id) {
  auto it = m.find(id);
  return it == m.end() ? nullptr : &it->second;
}

// Earliest time per rocket.
void first(std::map<int, double>& m, const std::optional<int>& rocket, double t) {
  if (!rocket) return;
  auto [it, inserted] = m.emplace(*rocket, t);
  if (!inserted) it->second = std::min(it->second, t);
}

}  // namespace

std::optional<std::string> area_at(const RunData& run, const Vec2& p_en_m) {
  if (!run.scenario) return std::nullopt;
  for (const auto& a : run.scenario->defended_areas)
    if (a.polygon.contains(p_en_m)) return a.name;
  return std::nullopt;
}

ordered_json build_replay(const RunData& run, const std::vector<BackgroundLayer>& background) {
  ordered_json j;
  j["version"] = 1;
  j["scenario"] = run.scenario_name;
  j["seed"] = run.seed;
  j["sim_time_s"] = run.sim_time_s;

  // Geometry from scenario.yaml (empty arrays without it).
  const scenario::Scenario* sc = run.scenario ? &*run.scenario : nullptr;
  j["origin"] = {{"lat_deg", sc ? sc->origin.lat_deg : 0.0},
                 {"lon_deg", sc ? sc->origin.lon_deg : 0.0}};
  ordered_json areas = ordered_json::array(), zones = ordered_json::array(),
               sites = ordered_json::array(), batteries = ordered_json::array(),
               sensors = ordered_json::array();
  if (sc) {
    for (const auto& a : sc->defended_areas)
      areas.push_back({{"name", a.name}, {"value", a.value}, {"polygon_en_m", polygon(a.polygon)}});
    for (const auto& z : sc->alert_zones)
      zones.push_back({{"id", z.id}, {"polygon_en_m", polygon(z.polygon)}});
    for (const auto& s : sc->launch_sites)
      sites.push_back(
          {{"name", s.name}, {"center_en_m", en(s.center_en_m)}, {"radius_m", s.radius_m}});
    for (const auto& b : sc->batteries) {
      ordered_json launchers = ordered_json::array();
      for (const auto& l : b.launchers) launchers.push_back(en(l.position_en_m));
      batteries.push_back(
          {{"name", b.name}, {"position_en_m", en(b.position_en_m)}, {"launchers", launchers}});
    }
    for (const auto& s : sc->sensors)
      sensors.push_back({{"name", s.name}, {"position_en_m", en(s.position_en_m)}});
  }
  j["areas"] = areas;
  j["zones"] = zones;
  j["sites"] = sites;
  j["batteries"] = batteries;
  j["sensors"] = sensors;
  j["background"] = background_json(background, sc);

  // Per-rocket timeline milestones from the event log.
  std::map<int, double> detected, confirmed, declared, alerted, engaged, intercepted;
  std::map<int, const sim::ImpactEvent*> impact_of;
  std::map<int, int> track_rocket;
  for (const sim::TrackEvent& e : run.events.of<sim::TrackEvent>()) {
    if (e.kind == sim::TrackEvent::Kind::kStart) {
      first(detected, e.rocket, e.t_s);
      if (e.rocket) track_rocket.emplace(e.track, *e.rocket);
    }
    if (e.kind == sim::TrackEvent::Kind::kConfirm) first(confirmed, e.rocket, e.t_s);
  }
  for (const sim::ThreatDecisionEvent& d : run.events.of<sim::ThreatDecisionEvent>())
    if (d.threat) first(declared, d.rocket, d.t_s);
  for (const sim::AlertEvent& a : run.events.of<sim::AlertEvent>())
    if (a.on) first(alerted, a.rocket, a.t_s);
  for (const sim::FireEvent& f : run.events.of<sim::FireEvent>()) first(engaged, f.rocket, f.t_s);
  for (const sim::InterceptEvent& i : run.events.of<sim::InterceptEvent>())
    if (i.killed) first(intercepted, i.rocket, i.t_s);
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>())
    impact_of.emplace(i.rocket, &i);
  // The last prediction of each rocket: where an intercepted one would have landed.
  std::map<int, const sim::ImpactPredictionEvent*> last_prediction;
  for (const sim::ImpactPredictionEvent& p : run.events.of<sim::ImpactPredictionEvent>())
    if (p.rocket) last_prediction[*p.rocket] = &p;

  auto opt = [](const std::map<int, double>& m, int id) -> std::optional<double> {
    auto it = m.find(id);
    return it == m.end() ? std::nullopt : std::optional<double>(it->second);
  };
  ordered_json rockets = ordered_json::array();
  for (const sim::LaunchEvent& l : run.events.of<sim::LaunchEvent>()) {
    const auto* samples = find_trail(run.rockets, l.rocket);
    const sim::ImpactEvent* impact = impact_of.contains(l.rocket) ? impact_of[l.rocket] : nullptr;
    const auto killed_at = opt(intercepted, l.rocket);
    std::string outcome = impact ? "impact" : killed_at ? "intercepted" : "in_flight";
    double t_end = impact ? impact->t_s : killed_at ? *killed_at : run.sim_time_s;
    std::optional<std::string> area;
    if (impact) {
      area = impact->area;
    } else if (auto it = last_prediction.find(l.rocket); it != last_prediction.end()) {
      area = area_at(run, it->second->p_en_m);
    }
    ordered_json timeline = {
        {"launch", r3(l.t_s)},
        {"detected", nullable(opt(detected, l.rocket))},
        {"confirmed", nullable(opt(confirmed, l.rocket))},
        {"declared", nullable(opt(declared, l.rocket))},
        {"alerted", nullable(opt(alerted, l.rocket))},
        {"engaged", nullable(opt(engaged, l.rocket))},
        {"intercepted", nullable(killed_at)},
        {"impact", impact ? ordered_json(r3(impact->t_s)) : ordered_json(nullptr)}};
    rockets.push_back({{"id", l.rocket},
                       {"type", l.rocket_type},
                       {"t_launch", r3(l.t_s)},
                       {"t_end", r3(t_end)},
                       {"outcome", outcome},
                       {"area", nullable(area)},
                       {"trail", trail(samples)},
                       {"timeline", timeline}});
  }
  j["rockets"] = rockets;

  ordered_json tracks = ordered_json::array();
  for (const auto& [id, samples] : run.tracks) {
    auto it = track_rocket.find(id);
    tracks.push_back(
        {{"id", id},
         {"rocket", it == track_rocket.end() ? ordered_json(nullptr) : ordered_json(it->second)},
         {"trail", trail(&samples)}});
  }
  j["tracks"] = tracks;

  // Every track's first and last prediction and, between them, one per
  // kPredictionStepS (a track predicts every doctrine.prediction_interval_s,
  // 1 s by default): the ellipse still visibly shrinks, and predictions,
  // the bulk of the page, take half the bytes. Covariances to 4 digits
  // draw the same ellipse.
  std::map<int, double> kept_at;
  std::map<int, size_t> last_of;
  const auto& all_predictions = run.events.of<sim::ImpactPredictionEvent>();
  for (size_t i = 0; i < all_predictions.size(); ++i) last_of[all_predictions[i].track] = i;
  ordered_json predictions = ordered_json::array();
  for (size_t i = 0; i < all_predictions.size(); ++i) {
    const sim::ImpactPredictionEvent& p = all_predictions[i];
    auto kept = kept_at.find(p.track);
    if (kept != kept_at.end() && p.t_s < kept->second + kPredictionStepS && last_of[p.track] != i)
      continue;
    kept_at[p.track] = p.t_s;
    predictions.push_back(
        {{"t", r3(p.t_s)},
         {"track", p.track},
         {"rocket", nullable(p.rocket)},
         {"p_en_m", en(p.p_en_m)},
         {"cov_m2",
          {{significant(p.cov_en_m2(0, 0), 4), significant(p.cov_en_m2(0, 1), 4)},
           {significant(p.cov_en_m2(1, 0), 4), significant(p.cov_en_m2(1, 1), 4)}}},
         {"t_impact", r3(p.t_impact_s)}});
  }
  j["prediction_step_s"] = kPredictionStepS;
  j["predictions"] = predictions;

  std::map<int, const sim::InterceptorEndEvent*> end_of;
  for (const sim::InterceptorEndEvent& e : run.events.of<sim::InterceptorEndEvent>())
    end_of.emplace(e.interceptor, &e);
  ordered_json interceptors = ordered_json::array();
  for (const sim::FireEvent& f : run.events.of<sim::FireEvent>()) {
    const auto* end = end_of.contains(f.interceptor) ? end_of[f.interceptor] : nullptr;
    interceptors.push_back({{"id", f.interceptor},
                            {"battery", f.battery},
                            {"rocket", nullable(f.rocket)},
                            {"t_fire", r3(f.t_s)},
                            {"t_end", end ? ordered_json(r3(end->t_s)) : ordered_json(nullptr)},
                            {"reason", end ? ordered_json(end->reason) : ordered_json(nullptr)},
                            {"trail", trail(find_trail(run.interceptors, f.interceptor))}});
  }
  j["interceptors"] = interceptors;

  ordered_json intercepts = ordered_json::array();
  for (const sim::InterceptEvent& i : run.events.of<sim::InterceptEvent>())
    intercepts.push_back({{"t", r3(i.t_s)},
                          {"interceptor", i.interceptor},
                          {"rocket", i.rocket},
                          {"killed", i.killed},
                          {"p_enu_m", {r1(i.p_W.x()), r1(i.p_W.y()), r1(i.p_W.z())}},
                          {"miss_m", significant(i.miss_m, 6)}});
  j["intercepts"] = intercepts;

  ordered_json impacts = ordered_json::array();
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>())
    impacts.push_back({{"t", r3(i.t_s)},
                       {"rocket", i.rocket},
                       {"p_en_m", en(i.p_W.head<2>())},
                       {"area", nullable(i.area)}});
  j["impacts"] = impacts;

  // Zone alert intervals, merged over tracks, in order of onset.
  std::vector<std::tuple<double, double, std::string>> holds;
  for (const auto& [zone, intervals] :
       alert_intervals(run.events.of<sim::AlertEvent>(), run.sim_time_s))
    for (const auto& [on, off] : intervals) holds.emplace_back(on, off, zone);
  std::sort(holds.begin(), holds.end());
  ordered_json alerts = ordered_json::array();
  for (const auto& [on, off, zone] : holds)
    alerts.push_back({{"zone", zone}, {"on", r3(on)}, {"off", r3(off)}});
  j["alerts"] = alerts;
  j["coverage"] = coverage_json(sc);
  return j;
}

}  // namespace canopy::io
