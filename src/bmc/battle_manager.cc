#include "canopy/bmc/battle_manager.h"

#include <algorithm>
#include <array>
#include <utility>

#include "canopy/core/check.h"

namespace canopy::bmc {
namespace {

tracking::ThreatLibrary make_library(const Knowledge& k) {
  return k.threat_library.empty() ? tracking::ThreatLibrary::generic()
                                  : tracking::ThreatLibrary::from_rocket_types(k.threat_library);
}

assess::PredictorConfig make_predictor(const Knowledge& k) {
  assess::PredictorConfig c;
  c.environment = k.forecast;
  c.wind_error_sigma_mps = k.tracker.wind_forecast_error_mps;
  c.process_noise_mps2 = k.tracker.process_noise_mps2;
  return c;
}

std::vector<const core::Polygon*> zone_polygons(const Knowledge& k) {
  std::vector<const core::Polygon*> out;
  for (const auto& z : k.alert_zones) out.push_back(&z.polygon);
  return out;
}

}  // namespace

tracking::Tracker make_tracker(const Knowledge& k) {
  std::vector<tracking::SensorInfo> sensors;
  for (size_t i = 0; i < k.sensors.size(); ++i)
    sensors.push_back(tracking::SensorInfo::polar(k.sensors[i], static_cast<int>(i)));
  tracking::EstimatorConfig est;
  est.model = k.tracker.model;
  est.filter = k.tracker.filter;
  est.process_noise_mps2 = k.tracker.process_noise_mps2;
  est.environment = k.forecast;
  est.threats = make_library(k);
  return tracking::Tracker(k.tracker, std::move(sensors), std::move(est));
}

Knowledge Knowledge::from_scenario(const scenario::Scenario& sc, physics::Environment forecast) {
  Knowledge k;
  k.origin = sc.origin;
  k.sensors = sc.sensors;
  k.defended_areas = sc.defended_areas;
  k.alert_zones = sc.alert_zones;
  k.threat_library = sc.rocket_types;
  k.tracker = sc.tracker;
  k.doctrine = sc.doctrine;
  k.forecast = std::move(forecast);
  k.interceptor_types = sc.interceptor_types;
  k.batteries = sc.batteries;
  return k;
}

tracking::Measurement measurement_from_plot(const sensors::Plot& plot) {
  tracking::Measurement m;
  m.id = plot.id;
  m.sensor = plot.sensor;
  m.t_s = plot.t_s;
  m.kind = tracking::Measurement::Kind::kPolar;
  // The axes the plot carries, in the tracker's order.
  std::array<double, tracking::kMaxMeasDim> z{};
  int n = 0;
  if (plot.range_m) z[n++] = *plot.range_m;
  z[n++] = plot.azimuth_rad;
  if (plot.elevation_rad) z[n++] = *plot.elevation_rad;
  if (plot.range_rate_mps) z[n++] = *plot.range_rate_mps;
  m.z = Eigen::Map<const tracking::MeasVec>(z.data(), n);
  return m;
}

BattleManager::BattleManager(Knowledge knowledge)
    : knowledge_(std::move(knowledge)),
      tracker_(make_tracker(knowledge_)),
      threats_(make_library(knowledge_)),
      predictor_(make_predictor(knowledge_)),
      geo_(knowledge_.origin.lat_deg, knowledge_.origin.lon_deg, knowledge_.origin.alt_m),
      zone_polygons_(zone_polygons(knowledge_)),
      threat_board_(knowledge_.doctrine),
      fire_control_(knowledge_.interceptor_types, knowledge_.batteries, knowledge_.defended_areas,
                    knowledge_.doctrine, knowledge_.forecast, knowledge_.sensors,
                    knowledge_.threat_library) {
  for (const assess::AlertPolicyInfo& p : assess::kAlertPolicies)
    alert_boards_.emplace_back(p.policy, knowledge_.doctrine, zone_polygons_);
}

Orders BattleManager::step(double now_s, std::span<const sensors::Scan> arrived,
                           std::span<const InterceptorReport> interceptors) {
  std::vector<Vec3> plots_W;
  for (const sensors::Scan& scan : arrived) {
    // The world's scans come from the scenario's own sensors.
    CANOPY_CHECK(scan.sensor >= 0 && scan.sensor < static_cast<int>(knowledge_.sensors.size()),
                 "a scan of sensor {}; {} sensors known", scan.sensor, knowledge_.sensors.size());
    tracking::ScanInput in;
    in.sensor = scan.sensor;
    in.t_s = scan.t_s;
    in.arrival_s = scan.arrival_s;
    in.measurements.reserve(scan.plots.size());
    plots_W.clear();
    const scenario::Sensor& radar = knowledge_.sensors[static_cast<size_t>(scan.sensor)];
    for (const sensors::Plot& p : scan.plots) {
      // A plot that places its object in 3-D can be its own interceptor,
      // and is evidence for kill assessment; a 2-D radar's or a passive
      // sensor's plot only feeds the tracker.
      if (p.range_m && p.elevation_rad) {
        const Vec3 p_W =
            sensors::W_from_polar(radar.p_W, {*p.range_m, p.azimuth_rad, *p.elevation_rad});
        if (fire_control_.active()) {
          // Its own interceptors' plots are discounted: they are where the
          // downlink says, within three sigmas of the radar's noise.
          const double cross =
              *p.range_m * std::max(radar.sigma_azimuth_rad, radar.sigma_elevation_rad);
          const double gate = 3 * std::hypot(radar.sigma_range_m, cross) + 30;
          if (fire_control_.near_own_interceptor(p.t_s, p_W, gate)) {
            ++stats_.own_plots_discounted;
            continue;
          }
        }
        plots_W.push_back(p_W);
      }
      in.measurements.push_back(measurement_from_plot(p));
    }
    if (fire_control_.active()) fire_control_.observe(scan.t_s, scan.sensor, plots_W);
    tracker_.receive(std::move(in));
  }
  tracker_.advance_to(now_s);

  Orders orders;
  for (size_t i = 0; i < orders.alerts.size(); ++i)
    orders.alerts[i].policy = alert_boards_[i].policy();
  handle_track_events(now_s);

  // Refresh the predictions that are due, in track order.
  due_.clear();
  for (const auto& [id, live] : live_)
    if (live.next_prediction_s <= now_s + 1e-9) due_.push_back(id);
  if (!due_.empty()) {
    std::sort(due_.begin(), due_.end());
    for (const tracking::TrackSnapshot& snap : tracker_.picture(now_s, due_)) {
      live_[snap.id].next_prediction_s = now_s + knowledge_.doctrine.prediction_interval_s;
      assess_track(now_s, snap, orders);
    }
  }
  if (fire_control_.active()) {
    orders.engagement = fire_control_.step(now_s, interceptors, tracker_);
    for (const KillAssessment& k : orders.engagement.assessments) {
      if (!k.killed) continue;
      // A kill the evidence is sure of (and no track going on along the
      // rocket's path) stops the rocket's alerts at once; what the track
      // follows now is debris.
      for (size_t i = 0; i < alert_boards_.size(); ++i)
        alert_boards_[i].cancel_track(k.track, now_s, assess::AlertEnd::kKilled,
                                      orders.alerts[i].changes);
      classify(now_s, k.track, FireControl::Debris::kKillClaim, orders);
    }
    for (const KillRevoked& r : orders.engagement.revoked) {
      // The rocket flies on: its track is assessed again at once, and its
      // alerts come back with that prediction.
      classify(now_s, r.track, FireControl::Debris::kNo, orders);
      if (auto it = live_.find(r.track); it != live_.end()) it->second.next_prediction_s = now_s;
    }
  }
  for (size_t i = 0; i < alert_boards_.size(); ++i)
    alert_boards_[i].expire(now_s, orders.alerts[i].changes);
  return orders;
}

Orders BattleManager::finish(double now_s) {
  tracker_.finish(now_s);
  Orders orders;
  for (size_t i = 0; i < orders.alerts.size(); ++i)
    orders.alerts[i].policy = alert_boards_[i].policy();
  handle_track_events(now_s);
  // The run ends: every alert still on stops now.
  for (size_t i = 0; i < alert_boards_.size(); ++i)
    alert_boards_[i].end_all(now_s, orders.alerts[i].changes);
  return orders;
}

void BattleManager::handle_track_events(double now_s) {
  for (const tracking::TrackEvent& e : tracker_.take_events()) {
    if (e.kind == tracking::TrackEvent::Kind::kConfirm) {
      live_[e.track] = {now_s};  // first prediction at once
    } else if (e.kind == tracking::TrackEvent::Kind::kEnd) {
      live_.erase(e.track);
      debris_.erase(e.track);
      threat_board_.forget(e.track);
      fire_control_.track_ended(e.track, now_s);  // its alerts run out their hold
    }
    track_events_.push_back(e);
  }
}

void BattleManager::classify(double now_s, int track, FireControl::Debris reason, Orders& orders) {
  // A track that ended has no class to change (a kill claimed, or a claim
  // revoked, after the track ended).
  if (!live_.contains(track)) return;
  const auto it = debris_.find(track);
  const FireControl::Debris was = it == debris_.end() ? FireControl::Debris::kNo : it->second;
  if ((was == FireControl::Debris::kNo) == (reason == FireControl::Debris::kNo)) {
    if (reason != FireControl::Debris::kNo) it->second = reason;
    return;
  }
  orders.classes.push_back({now_s, track, reason != FireControl::Debris::kNo, reason});
  if (reason == FireControl::Debris::kNo) {
    debris_.erase(it);
    return;
  }
  debris_[track] = reason;
  // Debris sounds no siren and draws no interceptor.
  for (size_t i = 0; i < alert_boards_.size(); ++i)
    alert_boards_[i].cancel_track(track, now_s, assess::AlertEnd::kDebris,
                                  orders.alerts[i].changes);
  threat_board_.forget(track);
  fire_control_.update_threat(track, std::nullopt);
}

void BattleManager::assess_track(double now_s, const tracking::TrackSnapshot& snap,
                                 Orders& orders) {
  const assess::BallisticEstimate est = ballistic_estimate(snap, threats_);
  ++stats_.predictions;
  auto ip = predictor_.predict(est);
  if (!ip) {
    ++stats_.prediction_failures;
    return;
  }
  TrackAssessment a;
  a.t_s = now_s;
  a.track = snap.id;
  a.prediction = *ip;
  const core::LatLon ll = geo_.latlon_from_enu(core::ground_point(ip->p_en_m));
  a.lat_deg = ll.lat_deg;
  a.lon_deg = ll.lon_deg;
  a.threat = assess::evaluate_threat(*ip, knowledge_.defended_areas);
  a.p_boost = snap.ballistic.p_boost;
  a.used = a.p_boost < kMaxBoostProbability;
  const FireControl::Debris debris =
      fire_control_.active() ? fire_control_.debris(snap, tracker_) : FireControl::Debris::kNo;
  classify(now_s, snap.id, debris, orders);
  if (debris != FireControl::Debris::kNo) {
    // Debris (of a claimed kill, or born in a detonation's cloud).
    a.used = false;
  } else if (a.used) {
    if (auto d = threat_board_.update(snap.id, now_s, a.threat, ip->t_impact_s))
      orders.decisions.push_back(*d);
    const std::vector<double> p_zone = assess::polygon_probabilities(*ip, zone_polygons_);
    for (size_t i = 0; i < alert_boards_.size(); ++i)
      alert_boards_[i].update(snap.id, now_s, *ip, p_zone, orders.alerts[i].changes);
  } else {
    // Baseline (b) alerts every zone from confirmation, boost or not.
    const size_t b = assess::policy_index(assess::AlertPolicy::kRegion);
    alert_boards_[b].update(snap.id, now_s, *ip, {}, orders.alerts[b].changes);
  }
  a.threat_declared = debris == FireControl::Debris::kNo && threat_board_.is_threat(snap.id);
  if (fire_control_.active()) {
    std::optional<ThreatTrack> th;
    if (a.used && a.threat_declared) {
      th.emplace();
      th->track = snap.id;
      th->threat_value = a.threat.threat_value;
      const auto& type = knowledge_.threat_library.empty()
                             ? nullptr
                             : &knowledge_.threat_library[static_cast<size_t>(snap.ballistic.type)];
      if (type) th->burnout_mass_kg = type->params.launch_mass_kg - type->params.propellant_mass_kg;
      th->path = engage::predict_path(est, knowledge_.forecast);
    }
    fire_control_.update_threat(snap.id, std::move(th));
  }
  orders.assessments.push_back(std::move(a));
}

}  // namespace canopy::bmc
