#include "canopy/sim/bm_link.h"

#include <optional>
#include <string>

namespace canopy::sim {

TrackEvent track_event(const tracking::TrackEvent& te, double t_end_s, const TruthLabels& labels) {
  TrackEvent e;
  e.t_s = t_end_s;
  e.t_meas_s = te.t_s;
  e.track = te.track;
  const int rocket = labels.majority_rocket(te.track);
  if (rocket > 0) e.rocket = rocket;
  switch (te.kind) {
    case tracking::TrackEvent::Kind::kStart:
      e.kind = TrackEvent::Kind::kStart;
      break;
    case tracking::TrackEvent::Kind::kConfirm:
      e.kind = TrackEvent::Kind::kConfirm;
      break;
    case tracking::TrackEvent::Kind::kEnd:
      e.kind = TrackEvent::Kind::kEnd;
      e.reason = std::string(tracking::to_string(te.reason));
      break;
  }
  return e;
}

void orders_to_events(const bmc::Orders& orders, const OrderContext& ctx,
                      std::vector<Event>& events) {
  auto some = [](int rocket) { return rocket > 0 ? std::optional<int>(rocket) : std::nullopt; };
  auto rocket_of = [&](int track) { return some(ctx.labels.majority_rocket(track)); };
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
    if (const auto s = ctx.times.start_s.find(a.track); s != ctx.times.start_s.end())
      e.track_age_s = a.t_s - s->second;
    if (const auto c = ctx.times.confirm_s.find(a.track); c != ctx.times.confirm_s.end())
      e.since_confirm_s = a.t_s - c->second;
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
    events.push_back(e);
  }
  for (size_t p = 0; p < orders.alerts.size(); ++p) {
    for (const assess::AlertChange& c : orders.alerts[p].changes) {
      AlertEvent e;
      e.t_s = c.t_s;
      e.on = c.on;
      e.zone = c.zone;
      e.zone_id = ctx.scenario.alert_zones[static_cast<size_t>(c.zone)].id;
      e.track = c.track;
      e.rocket = rocket_of(c.track);
      e.t_impact_s = c.t_impact_s;
      e.policy = static_cast<int>(p);
      e.reason = std::string(assess::to_string(c.reason));
      if (!c.on) e.following = some(ctx.labels.following_rocket(c.track));
      events.push_back(std::move(e));
    }
  }
  const bmc::FireControlOrders& eng = orders.engagement;
  for (const bmc::FireOrder& o : eng.fire) {
    FireEvent e;
    e.t_s = o.t_s;
    e.battery = ctx.scenario.batteries[static_cast<size_t>(o.battery)].name;
    e.launcher = o.launcher;
    e.interceptor = o.interceptor;
    e.track = o.track;
    e.rocket = rocket_of(o.track);
    e.intercept_W = o.intercept_W;
    e.t_intercept_s = o.t_intercept_s;
    e.pk = o.pk;
    e.p_debris = o.p_debris;
    events.push_back(std::move(e));
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
    if (e.rocket) e.rocket_killed = ctx.truth.killed(*e.rocket - 1);
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
    events.push_back(TrackClassEvent{c.t_s, c.track, c.debris, reason, rocket_of(c.track),
                                     some(ctx.labels.following_rocket(c.track))});
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
    events.push_back(e);
  }
}

}  // namespace canopy::sim
