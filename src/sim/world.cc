#include "canopy/sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "canopy/core/random.h"
#include "canopy/core/units.h"

namespace canopy::sim {
namespace {

// Aim points drawn per rocket before the raid is declared unreachable.
constexpr int kMaxAimDraws = 1000;

// Radar object ids of interceptors and fragments (rockets are 1..N).
constexpr int kInterceptorObject = 1'000'000;
constexpr int kFragmentObject = 2'000'000;
// The proximity fuze fires at a closest approach within this distance;
// farther, the interceptor has missed and destroys itself.
constexpr double kFuzeRange_m = 50;
// An interceptor whose range to its locked rocket has opened this far past
// its closest approach has missed.
constexpr double kMissedOpening_m = 300;
// The seeker locks on the rocket nearest to where the uplinked track puts
// the target, if one is this close to it.
constexpr double kLockGate_m = 500;

}  // namespace

int World::rocket_or_none(int object) const {
  return object >= 1 && object <= static_cast<int>(plans_.size()) ? object : -1;
}

double event_time(const Event& e) {
  return std::visit([](const auto& ev) { return ev.t_s; }, e);
}

core::Result<World> World::create(const scenario::Scenario& sc, WorldOptions options) {
  World w;
  w.scenario_ = sc;
  w.options_ = options;
  w.geo_ = core::GeoFrame(sc.origin.lat_deg, sc.origin.lon_deg, sc.origin.alt_m);
  w.step_s_ = sc.run.step_s;
  w.duration_s_ = sc.run.duration_s;
  const std::uint64_t seed = options.seed.value_or(sc.run.seed);

  // Reach bands per rocket type, in calm air, as the validator uses them.
  std::vector<physics::ReachBand> bands;
  for (const auto& type : sc.rocket_types)
    bands.push_back(physics::reach_band(type.params, sc.environment));

  // Plan every rocket from its own stream: launch point, Cd factor, aim point.
  for (size_t r = 0; r < sc.raids.size(); ++r) {
    const scenario::Raid& raid = sc.raids[r];
    const scenario::RocketType& type = sc.rocket_types[raid.type_index];
    const scenario::LaunchSite& site = sc.launch_sites[raid.site_index];
    for (int k = 0; k < raid.count; ++k) {
      core::Stream rng(seed, static_cast<std::uint64_t>(options.run_index), core::tag("rocket"), r,
                       static_cast<std::uint64_t>(k));
      RocketPlan plan;
      plan.raid = static_cast<int>(r);
      plan.index_in_raid = k;
      plan.type = raid.type_index;
      plan.t_launch_s = raid.at_s + k * raid.interval_s;
      plan.launch_en_m = site.center_en_m + rng.uniform_in_disc(site.radius_m);
      plan.cd_factor = std::max(0.1, 1.0 + type.cd_dispersion * rng.normal());
      bool solved = false;
      for (int draw = 1; draw <= kMaxAimDraws && !solved; ++draw) {
        Vec2 aim = raid.aim.kind == scenario::Aim::Kind::kArea
                       ? sc.defended_areas[raid.aim.area_index].polygon.sample_uniform(rng)
                       : raid.aim.point_en_m;
        aim += raid.aim_sigma_m * Vec2(rng.normal(), rng.normal());
        // Out of the band: draw again from the same stream.
        if (!bands[plan.type].contains(core::ground_distance_m(plan.launch_en_m, aim))) continue;
        auto sol = physics::solve_aim(type.params, sc.environment, plan.launch_en_m, aim,
                                      bands[plan.type], 0.1, options.integrator);
        if (!sol) continue;
        plan.aim_en_m = aim;
        plan.aim = *sol;
        plan.aim_draws = draw;
        solved = true;
      }
      if (!solved) {
        return core::fail(fmt::format(
            "raids[{}]: rocket {} of {} found no reachable aim point in {} draws (type '{}' "
            "reaches {:.1f}-{:.1f} km)",
            r, k + 1, raid.count, kMaxAimDraws, type.name, bands[plan.type].min_range_m / 1000,
            bands[plan.type].max_range_m / 1000));
      }
      w.plans_.push_back(plan);
    }
  }
  // Rocket ids follow launch order (ties: raid, then index in raid).
  std::stable_sort(w.plans_.begin(), w.plans_.end(), [](const RocketPlan& a, const RocketPlan& b) {
    return a.t_launch_s < b.t_launch_s;
  });
  for (size_t i = 0; i < w.plans_.size(); ++i) w.plans_[i].id = static_cast<int>(i) + 1;
  w.flights_.resize(w.plans_.size());

  // Sensors, and the battle manager with what a real one would know: its
  // sensors, the areas, the threat library and a wind forecast (the true
  // wind plus one error vector, drawn per run).
  w.seed_ = seed;
  w.first_detected_s_.assign(w.plans_.size(), -1.0);
  w.killed_.assign(w.plans_.size(), false);
  w.undefended_area_.assign(w.plans_.size(), -1);
  w.shots_at_.assign(w.plans_.size(), 0);
  w.forecast_ = sc.environment;
  {
    core::Stream rng(seed, static_cast<std::uint64_t>(options.run_index), core::tag("forecast"));
    const double sigma = sc.tracker.wind_forecast_error_mps;
    const Vec2 error(sigma * rng.normal(), sigma * rng.normal());
    physics::WindProfile& wind = w.forecast_.wind;
    if (wind.alt_m.empty()) {
      wind.alt_m = {0.0};
      wind.wind_en_mps = {Vec2::Zero()};
    }
    for (Vec2& v : wind.wind_en_mps) v += error;
  }
  if (!sc.sensors.empty()) {
    for (size_t r = 0; r < sc.sensors.size(); ++r)
      w.radars_.emplace_back(sc.sensors[r], static_cast<int>(r));
    w.scan_k_.assign(sc.sensors.size(), 0);
    w.bm_.emplace(bmc::Knowledge::from_scenario(sc, w.forecast_));
  }

  w.summary_.scenario = sc.name;
  w.summary_.seed = seed;
  w.summary_.run_index = options.run_index;
  w.summary_.rockets_planned = static_cast<int>(w.plans_.size());
  for (const auto& area : sc.defended_areas)
    w.summary_.areas.push_back({area.name, area.value, 0, 0});
  return w;
}

bool World::done() const {
  if (static_cast<double>(tick_) * step_s_ >= duration_s_ - 1e-9) return true;
  return options_.stop_when_quiet && next_launch_ == plans_.size() && airborne_.empty() &&
         interceptors_.empty() && fragments_.empty();
}

void World::run() {
  while (!done()) step();
}

std::optional<physics::State> World::rocket_state(int id) const {
  if (id < 1 || id > static_cast<int>(flights_.size()) || !flights_[id - 1]) return std::nullopt;
  if (std::find(airborne_.begin(), airborne_.end(), id - 1) == airborne_.end()) return std::nullopt;
  return flights_[id - 1]->state_at(time_s());
}

void World::launch(const RocketPlan& plan, std::vector<Event>& out) {
  const scenario::Scenario& sc = scenario_;
  physics::RocketParams params = sc.rocket_types[plan.type].params;
  params.cd_factor = plan.cd_factor;
  const Vec3 p_W = core::ground_point(plan.launch_en_m);
  flights_[plan.id - 1] = physics::Flight::launch(params, sc.environment, p_W, plan.aim.dir_W,
                                                  plan.t_launch_s, options_.integrator);
  airborne_.push_back(plan.id - 1);
  stepping_.push({plan.t_launch_s, plan.id - 1});
  ++summary_.rockets_launched;
  // Where it falls, undefended (truth, for scoring and for outside tools).
  physics::Flight undefended = *flights_[plan.id - 1];
  const physics::Impact& hit = undefended.fly_to_ground();
  const auto& areas = sc.defended_areas;
  for (size_t i = 0; i < areas.size() && undefended_area_[plan.id - 1] < 0; ++i)
    if (areas[i].polygon.contains(hit.p_W.head<2>()))
      undefended_area_[plan.id - 1] = static_cast<int>(i);

  LaunchEvent e;
  e.t_s = plan.t_launch_s;
  e.rocket = plan.id;
  e.rocket_type = sc.rocket_types[plan.type].name;
  e.site = sc.launch_sites[sc.raids[plan.raid].site_index].name;
  e.elevation_deg = core::rad_to_deg(plan.aim.elevation_rad);
  e.azimuth_deg = core::rad_to_deg(plan.aim.azimuth_rad);
  e.dir_W = plan.aim.dir_W;
  e.p_W = p_W;
  const core::LatLon ll = geo_.latlon_from_enu(p_W);
  e.lat_deg = ll.lat_deg;
  e.lon_deg = ll.lon_deg;
  e.aim_en_m = plan.aim_en_m;
  e.cd_factor = plan.cd_factor;
  e.raid = plan.raid;
  e.impact_p_W = hit.p_W;
  if (undefended_area_[plan.id - 1] >= 0) {
    e.impact_area = areas[static_cast<size_t>(undefended_area_[plan.id - 1])].name;
    ++summary_.threatening;
  }
  out.push_back(std::move(e));
}

ImpactEvent World::impact(const RocketPlan& plan, const physics::Impact& hit) {
  ImpactEvent e;
  e.t_s = hit.t_s;
  e.rocket = plan.id;
  e.p_W = hit.p_W;
  const core::LatLon ll = geo_.latlon_from_enu(hit.p_W);
  e.lat_deg = ll.lat_deg;
  e.lon_deg = ll.lon_deg;
  e.speed_mps = hit.v_W.norm();
  e.aim_miss_m = core::ground_distance_m(hit.p_W.head<2>(), plan.aim_en_m);

  // Damage: the impact counts against the first defended area containing it.
  ++summary_.impacts;
  const auto& areas = scenario_.defended_areas;
  for (size_t i = 0; i < areas.size(); ++i) {
    if (!areas[i].polygon.contains(hit.p_W.head<2>())) continue;
    e.area = areas[i].name;
    AreaDamage& d = summary_.areas[i];
    ++d.impacts;
    d.value_hit += d.value;
    summary_.value_hit += d.value;
    ++summary_.impacts_in_areas;
    break;
  }
  if (!e.area) ++summary_.impacts_open_ground;
  for (const auto& zone : scenario_.alert_zones) {
    if (!zone.polygon.contains(hit.p_W.head<2>())) continue;
    e.zone = zone.id;
    break;
  }
  return e;
}

void World::advance_flights_to(double t_s) {
  while (!stepping_.empty() && stepping_.top().first < t_s) {
    const int idx = stepping_.top().second;
    stepping_.pop();
    if (killed_[static_cast<size_t>(idx)]) continue;
    physics::Flight& f = *flights_[idx];
    f.advance_to(t_s);
    if (f.landed()) {
      landing_.push_back(idx);
    } else {
      stepping_.push({f.current().t_s, idx});
    }
  }
}

// A time inside a tick at which truth is read, in increasing order.
struct World::Sample {
  enum class Kind { kTrajectory, kScan, kPicture };
  double t_s = 0;
  Kind kind = Kind::kTrajectory;
  int radar = 0;
};

void World::scan(int r, double t_s, std::vector<PlotRecord>& plots) {
  const sensors::Radar& radar = radars_[r];
  const std::int64_t k = scan_k_[r]++;
  if (radar.in_outage(t_s)) return;
  std::vector<sensors::Object> objects;
  for (int idx : airborne_) {
    const physics::Flight& f = *flights_[idx];
    if (t_s <= f.t_launch_s() || (f.landed() && f.impact()->t_s <= t_s)) continue;
    const physics::State st = f.state_at(t_s);
    objects.push_back({idx + 1, st.p_W, st.v_W, scenario_.rocket_types[plans_[idx].type].rcs_m2});
  }
  // Interceptors (at the start of this tick's flight step; extrapolated to
  // the scan time) and fragments are objects like any other.
  for (const Interceptor& icpt : interceptors_) {
    const physics::State& st = icpt.flight.current();
    objects.push_back({kInterceptorObject + icpt.id, st.p_W + (t_s - st.t_s) * st.v_W, st.v_W,
                       scenario_.interceptor_types[static_cast<size_t>(icpt.type)].rcs_m2});
  }
  for (size_t i = 0; i < fragments_.size(); ++i) {
    physics::Flight& f = fragments_[i].flight;
    f.advance_to(t_s);
    if (f.landed() && f.impact()->t_s <= t_s) continue;
    const physics::State st = f.state_at(t_s);
    objects.push_back({kFragmentObject + fragments_[i].rocket * 100 + fragments_[i].index, st.p_W,
                       st.v_W, engage::kFragmentRcs_m2});
  }
  core::Stream rng(seed_, static_cast<std::uint64_t>(options_.run_index), core::tag("radar"),
                   static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(k));
  std::vector<sensors::PlotOrigin> origins;
  sensors::Scan out = radar.observe(t_s, objects, rng, next_plot_id_, origins);
  ++summary_.scans;
  for (const sensors::PlotOrigin& o : origins) {
    plot_rocket_[o.plot_id] = o.object;
    ++summary_.plots;
    if (o.object > static_cast<int>(plans_.size())) continue;  // interceptor or fragment
    if (o.object < 0) {
      ++summary_.clutter_plots;
    } else if (first_detected_s_[o.object - 1] < 0) {
      first_detected_s_[o.object - 1] = t_s;
      ++summary_.rockets_detected;
      new_detections_.emplace_back(o.object, t_s);
    }
  }
  if (sink_ != nullptr) {
    for (const sensors::Plot& p : out.plots)
      plots.push_back({p, scenario_.sensors[r].name, rocket_or_none(plot_rocket_[p.id])});
  }
  in_transit_.push_back(std::move(out));
}

void World::collect_truth(double t_s, PictureSample& out) const {
  out.t_s = t_s;
  for (int idx : airborne_) {
    const physics::Flight& f = *flights_[idx];
    if (t_s <= f.t_launch_s() || (f.landed() && f.impact()->t_s <= t_s)) continue;
    const physics::State st = f.state_at(t_s);
    out.truth.push_back({idx + 1, st.p_W, st.v_W});
  }
}

int World::majority_rocket(int track) const {
  const auto it = track_votes_.find(track);
  if (it == track_votes_.end()) return -1;
  int best = -1, votes = 0;
  for (const auto& [rocket, n] : it->second)
    if (n > votes) best = rocket, votes = n;  // ties: the lower id (map order)
  return best;
}

bool World::follows_debris(int track) const {
  const auto f = fragment_votes_.find(track);
  if (f == fragment_votes_.end()) return false;
  int rocket_votes = 0;
  if (const auto v = track_votes_.find(track); v != track_votes_.end())
    for (const auto& [rocket, n] : v->second) rocket_votes = std::max(rocket_votes, n);
  return f->second > rocket_votes;
}

int World::following_rocket(int track) const {
  const auto it = recent_.find(track);
  if (it == recent_.end()) return -1;
  const Recent& r = it->second;
  const int n = std::min(r.count, kRecentPlots);
  for (int i = 0; i < n; ++i) {
    const int id = r.object[static_cast<size_t>(i)];
    if (id <= 0) continue;
    const int votes = static_cast<int>(std::count(r.object.begin(), r.object.begin() + n, id));
    if (2 * votes >= n) return id;
  }
  return -1;
}

void World::run_battle_manager(double t_end, std::vector<Event>& events) {
  // Deliver the scans that have arrived, in order of arrival.
  std::stable_sort(in_transit_.begin(), in_transit_.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  size_t n = 0;
  while (n < in_transit_.size() && in_transit_[n].arrival_s <= t_end + 1e-12) ++n;
  bmc::Orders orders = bm_->step(t_end, std::span<const sensors::Scan>(in_transit_.data(), n),
                                 std::exchange(reports_, {}));
  in_transit_.erase(in_transit_.begin(), in_transit_.begin() + static_cast<std::ptrdiff_t>(n));
  std::optional<bmc::Orders> last;
  if (done()) {
    last = bm_->finish(t_end);
    finished_ = true;
  }

  // Truth behind the tracks, from the plots they used (analysis only).
  for (const tracking::Association& a : bm_->take_associations()) {
    const auto it = plot_rocket_.find(a.plot_id);
    const int rocket = it == plot_rocket_.end() ? -1 : rocket_or_none(it->second);
    if (rocket > 0) ++track_votes_[a.track][rocket];
    if (it != plot_rocket_.end() && it->second >= kFragmentObject) ++fragment_votes_[a.track];
    Recent& recent = recent_[a.track];
    recent.object[static_cast<size_t>(recent.count++ % kRecentPlots)] = std::max(rocket, 0);
  }
  for (const tracking::TrackEvent& te : bm_->take_track_events()) {
    TrackEvent e;
    e.t_s = t_end;
    e.t_meas_s = te.t_s;
    e.track = te.track;
    const int rocket = majority_rocket(te.track);
    if (rocket > 0) e.rocket = rocket;
    switch (te.kind) {
      case tracking::TrackEvent::Kind::kStart:
        e.kind = TrackEvent::Kind::kStart;
        track_start_s_[te.track] = te.t_s;
        ++summary_.tracks_started;
        break;
      case tracking::TrackEvent::Kind::kConfirm:
        e.kind = TrackEvent::Kind::kConfirm;
        track_confirm_s_[te.track] = te.t_s;
        ++summary_.tracks_confirmed;
        new_confirmations_.push_back({te.track, rocket, te.t_s});
        break;
      case tracking::TrackEvent::Kind::kEnd:
        e.kind = TrackEvent::Kind::kEnd;
        e.reason = std::string(tracking::to_string(te.reason));
        break;
    }
    events.push_back(std::move(e));
  }
  summary_.plots_late_dropped = bm_->tracker().stats().late_dropped;
  record_orders(orders, events);
  if (last) record_orders(*last, events);

  // Finish the picture samples of this tick with the confirmed tracks.
  for (PictureSample& ps : pictures_) {
    for (const tracking::TrackSnapshot& t : bm_->picture(ps.t_s)) {
      PictureSample::Track pt;
      pt.id = t.id;
      pt.p_W = t.p_W;
      pt.v_W = t.v_W;
      pt.P_pv = t.P_pv;
      pt.age_s = ps.t_s - t.t_start_s;
      pt.rocket = majority_rocket(t.id);
      pt.debris = pt.rocket < 0 && follows_debris(t.id);
      ps.tracks.push_back(pt);
    }
  }
  if (!pictures_.empty()) {
    pictures_.front().first_detections = std::exchange(new_detections_, {});
    pictures_.front().confirmations = std::exchange(new_confirmations_, {});
  }
}

void World::record_orders(const bmc::Orders& orders, std::vector<Event>& events) {
  auto rocket_of = [&](int track) -> std::optional<int> {
    const int r = majority_rocket(track);
    return r > 0 ? std::optional<int>(r) : std::nullopt;
  };
  for (const bmc::TrackAssessment& a : orders.assessments) {
    ImpactPredictionEvent e;
    e.t_s = a.t_s;
    e.track = a.track;
    e.rocket = rocket_of(a.track);
    e.p_en_m = a.prediction.p_en_m;
    e.cov_en_m2 = a.prediction.cov_en_m2;
    e.lat_deg = a.lat_deg;
    e.lon_deg = a.lon_deg;
    e.t_impact_s = a.prediction.t_impact_s;
    e.sigma_t_impact_s = a.prediction.sigma_t_impact_s;
    e.p_threat = a.threat.p_hit;
    e.threat_value = a.threat.threat_value;
    e.p_boost = a.p_boost;
    e.used = a.used;
    e.threat = a.threat_declared;
    const auto start = track_start_s_.find(a.track);
    if (start != track_start_s_.end()) e.track_age_s = a.t_s - start->second;
    const auto confirm = track_confirm_s_.find(a.track);
    if (confirm != track_confirm_s_.end()) e.since_confirm_s = a.t_s - confirm->second;
    events.push_back(std::move(e));
  }
  for (const assess::ThreatDecision& d : orders.decisions) {
    ThreatDecisionEvent e;
    e.t_s = d.t_s;
    e.track = d.track;
    e.rocket = rocket_of(d.track);
    e.threat = d.threat;
    e.p_threat = d.p_hit;
    e.threat_value = d.threat_value;
    e.t_impact_s = d.t_impact_s;
    e.time_to_impact_s = d.time_to_impact_s;
    if (d.threat) ++summary_.threats_declared;
    events.push_back(std::move(e));
  }
  for (size_t p = 0; p < orders.alerts.size(); ++p) {
    for (const assess::AlertChange& c : orders.alerts[p].changes) {
      AlertEvent e;
      e.t_s = c.t_s;
      e.on = c.on;
      e.zone = c.zone;
      e.zone_id = scenario_.alert_zones[static_cast<size_t>(c.zone)].id;
      e.track = c.track;
      e.rocket = rocket_of(c.track);
      e.t_impact_s = c.t_impact_s;
      e.policy = static_cast<int>(p);
      e.reason = std::string(assess::to_string(c.reason));
      if (!c.on) {
        const int f = following_rocket(c.track);
        if (f > 0) e.following = f;
      }
      if (p == 0 && c.on) ++summary_.alerts_on;
      events.push_back(std::move(e));
    }
  }
  summary_.predictions = bm_->stats().predictions;
  summary_.prediction_failures = bm_->stats().prediction_failures;
  summary_.own_plots_discounted = bm_->stats().own_plots_discounted;

  const bmc::FireControlOrders& eng = orders.engagement;
  for (const bmc::FireOrder& o : eng.fire) fire(o, events);
  for (const bmc::Uplink& u : eng.uplinks) {
    for (Interceptor& icpt : interceptors_)
      if (icpt.id == u.interceptor) icpt.guidance.uplink(u.target);
  }
  for (const bmc::KillAssessment& k : eng.assessments) {
    KillAssessmentEvent e;
    e.t_s = k.t_s;
    e.track = k.track;
    e.interceptor = k.interceptor;
    e.killed = k.killed;
    e.outcome = std::string(engage::to_string(k.outcome));
    e.track_ended = k.track_ended;
    e.plots_per_scan = k.plots_per_scan;
    e.p_alive = k.p_alive;
    e.covering_scans = k.covering_scans;
    e.intact_hits = k.intact_hits;
    e.detonation_offset_m = k.detonation_offset_m;
    e.held_by_track = k.held_by_track;
    e.rocket = rocket_of(k.track);
    if (e.rocket) {
      e.rocket_killed = static_cast<bool>(killed_[static_cast<size_t>(*e.rocket - 1)]);
      ++summary_.kill_assessments;
      if (*e.rocket_killed == k.killed) ++summary_.kill_assessments_right;
    }
    events.push_back(e);
  }
  for (const bmc::KillRevoked& k : eng.revoked)
    events.push_back(
        KillRevokedEvent{k.t_s, k.track, k.interceptor, k.p_alive, rocket_of(k.track)});
  for (const bmc::EngagementHold& h : eng.holds)
    events.push_back(EngagementHoldEvent{h.t_s, h.track, std::string(bmc::to_string(h.reason)),
                                         rocket_of(h.track)});
  for (const bmc::TrackClassChange& c : orders.classes) {
    const char* reason = c.reason == bmc::FireControl::Debris::kKillClaim ? "kill_claim"
                         : c.reason == bmc::FireControl::Debris::kCloud   ? "debris_cloud"
                                                                          : "evidence";
    const int f = following_rocket(c.track);
    events.push_back(TrackClassEvent{c.t_s, c.track, c.debris, reason, rocket_of(c.track),
                                     f > 0 ? std::optional<int>(f) : std::nullopt});
  }
  for (const bmc::EngagementPlan& p : eng.plans) {
    EngagementPlanEvent e;
    e.t_s = p.t_s;
    e.threats = p.threats;
    e.launchers = p.launchers;
    e.rounds = p.rounds;
    e.objective = p.objective;
    e.lower_bound = p.lower_bound;
    e.gap = p.gap;
    ++summary_.plans;
    summary_.max_plan_gap = std::max(summary_.max_plan_gap, p.gap);
    events.push_back(e);
  }
}

const scenario::DefendedArea* World::undefended_area(int idx) const {
  const int area = undefended_area_[static_cast<size_t>(idx)];
  return area >= 0 ? &scenario_.defended_areas[static_cast<size_t>(area)] : nullptr;
}

std::optional<std::string> World::area_at(const Vec2& en) const {
  for (const auto& area : scenario_.defended_areas)
    if (area.polygon.contains(en)) return area.name;
  return std::nullopt;
}

void World::fire(const bmc::FireOrder& o, std::vector<Event>& events) {
  const scenario::Battery& b = scenario_.batteries[static_cast<size_t>(o.battery)];
  const scenario::InterceptorType& type =
      scenario_.interceptor_types[static_cast<size_t>(b.interceptor_type)];
  Interceptor icpt{
      o.interceptor,
      b.interceptor_type,
      o.track,
      physics::GuidedFlight::launch(type.params, scenario_.environment, type.max_accel_mps2,
                                    o.launcher_W, o.dir_W, o.t_s, type.autopilot_lag_s),
      engage::Guidance(type),
      0,
      {},
      Vec3::Zero(),
      true};
  if (sink_ != nullptr && options_.trajectory_interval_s > 0)
    interceptor_samples_.push_back({o.t_s, icpt.id, icpt.flight.current().p_W});
  interceptors_.push_back(std::move(icpt));
  ++summary_.interceptors_fired;
  summary_.interceptor_cost += type.cost;

  FireEvent e;
  e.t_s = o.t_s;
  e.battery = b.name;
  e.launcher = o.launcher;
  e.interceptor = o.interceptor;
  e.track = o.track;
  const int r = majority_rocket(o.track);
  if (r > 0) {
    e.rocket = r;
    if (shots_at_[static_cast<size_t>(r - 1)]++ == 0 && !killed_[static_cast<size_t>(r - 1)]) {
      ++summary_.rockets_engaged;
      if (undefended_area(r - 1))
        ++summary_.engaged_in_areas;
      else
        ++summary_.engaged_open_ground;
    }
  }
  e.intercept_W = o.intercept_W;
  e.t_intercept_s = o.t_intercept_s;
  e.pk = o.pk;
  e.p_debris = o.p_debris;
  events.push_back(std::move(e));
}

void World::end_interceptor(Interceptor& icpt, double t_s, const char* reason,
                            std::vector<Event>& events) {
  icpt.alive = false;
  InterceptorEndEvent e;
  e.t_s = t_s;
  e.interceptor = icpt.id;
  e.reason = reason;
  e.p_W = icpt.flight.current().p_W;
  if (sink_ != nullptr && options_.trajectory_interval_s > 0)
    interceptor_samples_.push_back({t_s, icpt.id, e.p_W});
  events.push_back(std::move(e));
  if (std::string_view(reason) != "fuzed") {
    reports_.push_back(
        {icpt.id, t_s, e.p_W, icpt.flight.current().v_W, bmc::InterceptorReport::Status::kEnded});
  }
}

void World::kill(int idx, const physics::State& at) {
  killed_[static_cast<size_t>(idx)] = true;
  ++summary_.rockets_killed;
  if (const scenario::DefendedArea* area = undefended_area(idx)) {
    summary_.value_saved += area->value;
    ++summary_.killed_in_areas;
  }
  std::erase(airborne_, idx);
  std::erase(landing_, idx);
  // The debris: fragments from the rocket's burnout mass, from its own stream.
  const RocketPlan& plan = plans_[static_cast<size_t>(idx)];
  const auto& params = scenario_.rocket_types[static_cast<size_t>(plan.type)].params;
  core::Stream rng(seed_, static_cast<std::uint64_t>(options_.run_index), core::tag("debris"),
                   static_cast<std::uint64_t>(plan.id));
  int k = 0;
  for (const engage::Fragment& f :
       engage::make_fragments(at, params.launch_mass_kg - params.propellant_mass_kg, rng)) {
    fragments_.push_back(
        {plan.id, ++k, f.body.launch_mass_kg, f.body.diameter_m,
         physics::Flight::coast_from(f.body, scenario_.environment, f.state, options_.integrator)});
  }
}

std::optional<World::Seen> World::object_at(int object, double t_s, double t1_s) {
  if (object >= 1 && object <= static_cast<int>(plans_.size())) {
    const int idx = object - 1;
    if (std::find(airborne_.begin(), airborne_.end(), idx) == airborne_.end()) return std::nullopt;
    // Its flight brackets t1; back to t_s by a second-order step, exact to
    // about g h^2 / 2 over a tick.
    physics::State s = flights_[static_cast<size_t>(idx)]->state_at(t1_s);
    s.p_W += (t_s - t1_s) * s.v_W;
    s.t_s = t_s;
    return Seen{s,
                scenario_.rocket_types[static_cast<size_t>(plans_[static_cast<size_t>(idx)].type)]
                    .length_m};
  }
  for (Fragment& f : fragments_) {
    if (kFragmentObject + f.rocket * 100 + f.index != object) continue;
    f.flight.advance_to(t_s);
    if (f.flight.landed() && f.flight.impact()->t_s <= t_s) return std::nullopt;
    return Seen{f.flight.state_at(t_s), f.body_length_m};
  }
  return std::nullopt;
}

void World::fly_interceptors(double t0, double t1, std::vector<Event>& events) {
  const double h = t1 - t0;
  const auto tick = static_cast<std::uint64_t>(std::llround(t0 / h));
  for (Interceptor& icpt : interceptors_) {
    if (!icpt.alive) continue;
    const scenario::InterceptorType& type =
        scenario_.interceptor_types[static_cast<size_t>(icpt.type)];
    physics::GuidedFlight& f = icpt.flight;
    if (f.current().t_s > t0 + 1e-9) continue;  // launched at the end of this tick
    const physics::State own = f.current();
    // Seeker: lock on the object in range that best matches the uplinked
    // track (rockets and fragments alike), and hold it.
    if (icpt.locked == 0 && icpt.guidance.in_seeker_range(t0, own.p_W)) {
      double best = engage::kSameObjectChi2;
      auto consider = [&](int object, const physics::State& st) {
        if ((st.p_W - own.p_W).norm() > type.seeker.range_m) return;
        const double chi2 = icpt.guidance.match_chi2(t0, st.p_W, st.v_W);
        if (chi2 >= best) return;
        best = chi2;
        icpt.locked = object;
        icpt.target_prev = st;
      };
      for (int idx : airborne_) {
        if (flights_[static_cast<size_t>(idx)]->t_launch_s() >= t0) continue;
        consider(idx + 1, object_at(idx + 1, t0, t1)->state);
      }
      for (Fragment& frag : fragments_) {
        frag.flight.advance_to(t0);
        if (frag.flight.landed() && frag.flight.impact()->t_s <= t0) continue;
        consider(kFragmentObject + frag.rocket * 100 + frag.index, frag.flight.state_at(t0));
      }
    }
    if (icpt.locked > 0) {
      const auto seen = object_at(icpt.locked, t0, t1);
      if (!seen) {
        end_interceptor(icpt, t0, "target_lost", events);
        continue;
      }
      // The line of sight to the apparent scattering centre: the target
      // plus glint (a Gauss-Markov offset over its length), with angle noise.
      core::Stream rng(seed_, static_cast<std::uint64_t>(options_.run_index), core::tag("seeker"),
                       static_cast<std::uint64_t>(icpt.id), tick);
      const double corr = type.seeker.glint_correlation_s;
      const double a = std::exp(-h / corr);
      const double sigma_g = type.seeker.glint_fraction * seen->length_m;
      const Vec3 n_g(rng.normal(), rng.normal(), rng.normal());
      icpt.glint_W = a * icpt.glint_W + sigma_g * std::sqrt(1 - a * a) * n_g;
      Vec3 los = (icpt.target_prev.p_W + icpt.glint_W - own.p_W).normalized();
      los += type.seeker.sigma_rad * Vec3(rng.normal(), rng.normal(), rng.normal());
      icpt.guidance.seeker(t0, los.normalized(), own, f.accel_W());
    }
    f.step(h, icpt.guidance.command(t0, own));
    if (sink_ != nullptr && options_.trajectory_interval_s > 0) {
      const double dt = options_.trajectory_interval_s / 4;
      if (std::floor(t1 / dt + 1e-9) > std::floor(t0 / dt + 1e-9))
        interceptor_samples_.push_back({t1, icpt.id, f.current().p_W});
    }

    if (icpt.locked > 0) {
      const auto seen = object_at(icpt.locked, t1, t1);
      if (!seen) {
        end_interceptor(icpt, t1, "target_lost", events);
        continue;
      }
      const physics::State tgt = seen->state;
      const Vec3 r0 = icpt.target_prev.p_W - own.p_W, w0 = icpt.target_prev.v_W - own.v_W;
      const Vec3 r1 = tgt.p_W - f.current().p_W, w1 = tgt.v_W - f.current().v_W;
      icpt.target_prev = tgt;
      const physics::ClosestApproach ca = physics::closest_approach(r0, w0, r1, w1, h);
      const bool passing = r1.dot(w1) > 0 && r0.dot(w0) <= 0;
      if (passing && ca.distance_m < icpt.closest_m) {
        icpt.closest_m = ca.distance_m;
        icpt.closest_t_s = t0 + ca.s * h;
        icpt.closest_p_W = f.state_at(icpt.closest_t_s).p_W;
      }
      // Fuze at a closest approach inside the fuze range; a pass farther
      // out is a miss once the range has opened well beyond it.
      const bool fuze = passing && ca.distance_m <= kFuzeRange_m;
      const bool missed = r1.dot(w1) > 0 && r1.norm() > icpt.closest_m + kMissedOpening_m;
      if (fuze || missed) {
        const bool rocket = icpt.locked <= static_cast<int>(plans_.size());
        InterceptEvent e;
        e.interceptor = icpt.id;
        e.rocket = rocket ? icpt.locked : (icpt.locked - kFragmentObject) / 100;
        e.debris = !rocket;
        e.closest_m = icpt.closest_m;
        if (fuze) {
          // The warhead goes off a timing error after the closest approach:
          // the relative motion carries the target on by |w| delta.
          core::Stream frng(seed_, static_cast<std::uint64_t>(options_.run_index),
                            core::tag("fuze"), static_cast<std::uint64_t>(icpt.id));
          const double delta = type.fuze_sigma_s * frng.normal();
          const physics::State own_ca = f.state_at(icpt.closest_t_s);
          const physics::State tgt_ca =
              object_at(icpt.locked, icpt.closest_t_s, t1).value_or(Seen{tgt, 0}).state;
          const Vec3 r_ca = tgt_ca.p_W - own_ca.p_W;
          const Vec3 w_ca = tgt_ca.v_W - own_ca.v_W;
          e.t_s = icpt.closest_t_s + delta;
          e.miss_m = (r_ca + delta * w_ca).norm();
          e.p_W = own_ca.p_W + delta * own_ca.v_W;
        } else {
          e.t_s = icpt.closest_t_s;
          e.miss_m = icpt.closest_m;
          e.p_W = icpt.closest_p_W;
        }
        e.altitude_m = core::altitude_m(e.p_W);
        summary_.miss_m.push_back(e.miss_m);
        summary_.intercept_alt_m.push_back(e.altitude_m);
        if (fuze) {
          // A fragment is no kill.
          e.pk = rocket ? engage::kill_probability(e.miss_m, type.lethal_radius_m,
                                                   type.pk_at_lethal_radius)
                        : 0.0;
          core::Stream rng(seed_, static_cast<std::uint64_t>(options_.run_index), core::tag("kill"),
                           static_cast<std::uint64_t>(icpt.id));
          e.killed = rocket && rng.uniform() < e.pk;
          ++summary_.fuzed;
          if (e.killed) kill(icpt.locked - 1, object_at(icpt.locked, e.t_s, t1)->state);
          events.push_back(e);
          end_interceptor(icpt, e.t_s, "fuzed", events);
          reports_.push_back(
              {icpt.id, e.t_s, e.p_W, f.current().v_W, bmc::InterceptorReport::Status::kDetonated});
        } else {
          events.push_back(e);
          end_interceptor(icpt, t1, "missed", events);
        }
        continue;
      }
    }
    if (f.altitude_m() < 0) {
      end_interceptor(icpt, t1, "ground", events);
    } else if (f.flight_time_s() >= type.max_flight_s) {
      end_interceptor(icpt, t1, "timeout", events);
    } else {
      reports_.push_back(
          {icpt.id, t1, f.current().p_W, f.current().v_W, bmc::InterceptorReport::Status::kFlying});
    }
  }
  std::erase_if(interceptors_, [](const Interceptor& i) { return !i.alive; });
}

void World::land_fragments(double t_s, std::vector<Event>& events) {
  std::erase_if(fragments_, [&](Fragment& frag) {
    frag.flight.advance_to(t_s);
    if (!frag.flight.landed() || frag.flight.impact()->t_s > t_s) return false;
    const physics::Impact& hit = *frag.flight.impact();
    DebrisImpactEvent e;
    e.t_s = hit.t_s;
    e.rocket = frag.rocket;
    e.fragment = frag.index;
    e.p_W = hit.p_W;
    e.mass_kg = frag.mass_kg;
    e.speed_mps = hit.v_W.norm();
    e.area = area_at(hit.p_W.head<2>());
    ++summary_.debris_impacts;
    if (e.area) ++summary_.debris_in_areas;
    events.push_back(std::move(e));
    return true;
  });
}

void World::step() {
  if (done()) return;
  const double t_end = static_cast<double>(tick_ + 1) * step_s_;
  std::vector<Event> events;
  std::vector<TrajectorySample> samples;
  std::vector<PlotRecord> plots;
  const bool sampling = sink_ != nullptr && options_.trajectory_interval_s > 0;
  auto sample = [&](int idx, const physics::State& s) {
    if (sampling) samples.push_back({s.t_s, idx + 1, s.p_W, s.v_W});
  };

  // Launch the rockets due in this tick, at their exact launch times.
  while (next_launch_ < plans_.size() && plans_[next_launch_].t_launch_s <= t_end + 1e-12) {
    const RocketPlan& plan = plans_[next_launch_++];
    launch(plan, events);
    sample(plan.id - 1, flights_[plan.id - 1]->current());
  }

  // The times inside this tick at which truth is read: trajectory samples,
  // radar scans and picture samples, taken in increasing time order so that
  // every flight's latest step brackets each of them.
  std::vector<Sample> due;
  if (sampling) {
    const double dt = options_.trajectory_interval_s;
    for (;; ++next_sample_k_) {
      const double ts = static_cast<double>(next_sample_k_) * dt;
      if (ts > t_end + 1e-12) break;
      due.push_back({ts, Sample::Kind::kTrajectory, 0});
    }
  }
  for (size_t r = 0; r < radars_.size(); ++r) {
    const double revisit = scenario_.sensors[r].revisit_s;
    for (std::int64_t k = scan_k_[r];; ++k) {
      const double ts = static_cast<double>(k) * revisit;
      if (ts > t_end + 1e-12) break;
      due.push_back({ts, Sample::Kind::kScan, static_cast<int>(r)});
    }
  }
  if (bm_ && sink_ != nullptr && options_.picture_interval_s > 0) {
    for (;; ++next_picture_k_) {
      const double ts = static_cast<double>(next_picture_k_) * options_.picture_interval_s;
      if (ts > t_end + 1e-12) break;
      due.push_back({ts, Sample::Kind::kPicture, 0});
    }
  }
  std::stable_sort(due.begin(), due.end(), [](const Sample& a, const Sample& b) {
    return a.t_s != b.t_s ? a.t_s < b.t_s : a.radar < b.radar;
  });
  pictures_.clear();
  for (const Sample& d : due) {
    advance_flights_to(d.t_s);
    switch (d.kind) {
      case Sample::Kind::kTrajectory:
        for (int idx : airborne_) {
          const physics::Flight& f = *flights_[idx];
          if (d.t_s <= f.t_launch_s() || (f.landed() && f.impact()->t_s <= d.t_s)) continue;
          sample(idx, f.state_at(d.t_s));
        }
        break;
      case Sample::Kind::kScan:
        scan(d.radar, d.t_s, plots);
        break;
      case Sample::Kind::kPicture:
        collect_truth(d.t_s, pictures_.emplace_back());
        break;
    }
  }

  // Fly every rocket to the end of the tick; report those that land in it.
  advance_flights_to(t_end);
  std::erase_if(landing_, [&](int idx) {
    const physics::Impact& hit = *flights_[idx]->impact();
    if (hit.t_s > t_end + 1e-12) return false;
    events.push_back(impact(plans_[idx], hit));
    sample(idx, physics::State{hit.t_s, hit.p_W, hit.v_W});
    std::erase(airborne_, idx);
    return true;
  });

  if (!interceptors_.empty()) fly_interceptors(t_end - step_s_, t_end, events);
  if (!fragments_.empty()) land_fragments(t_end, events);

  ++tick_;
  summary_.sim_time_s = time_s();
  summary_.in_flight_at_end = static_cast<int>(airborne_.size());

  // The battle manager receives the plots that have arrived and updates its
  // picture.
  if (bm_) run_battle_manager(t_end, events);

  // Hand everything to the sink in time order.
  if (sink_ == nullptr) return;
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return event_time(a) < event_time(b); });
  std::stable_sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) {
    return a.t_s != b.t_s ? a.t_s < b.t_s : a.rocket < b.rocket;
  });
  for (const Event& e : events) sink_->on_event(e);
  for (const TrajectorySample& s : samples) sink_->on_trajectory(s);
  for (const PlotRecord& p : plots) sink_->on_plot(p);
  for (const PictureSample& p : pictures_) sink_->on_picture(p);
  std::stable_sort(interceptor_samples_.begin(), interceptor_samples_.end(),
                   [](const auto& a, const auto& b) {
                     return a.t_s != b.t_s ? a.t_s < b.t_s : a.interceptor < b.interceptor;
                   });
  for (const InterceptorSample& s : interceptor_samples_) sink_->on_interceptor(s);
  interceptor_samples_.clear();
}

}  // namespace canopy::sim
