#include "canopy/eval/safety_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "canopy/assess/alerts.h"

namespace canopy::eval {
namespace {

double pct(int a, int b) { return b > 0 ? 100.0 * a / b : 0.0; }

}  // namespace

void SafetyScorer::on_event(const sim::Event& event) {
  if (const auto* e = std::get_if<sim::TrackEvent>(&event)) {
    if (e->kind == sim::TrackEvent::Kind::kConfirm && e->rocket &&
        !confirmed_s_.contains(*e->rocket))
      confirmed_s_[*e->rocket] = e->t_s;
  } else if (const auto* e = std::get_if<sim::ImpactEvent>(&event)) {
    gone_s_.try_emplace(e->rocket, e->t_s);
    if (e->zone) impacts_.push_back(*e);
  } else if (const auto* e = std::get_if<sim::AlertEvent>(&event)) {
    if (e->policy != static_cast<int>(assess::kCanopyPolicy)) return;
    auto& intervals = alerts_[{e->zone_id, e->track}];
    if (e->on) {
      ++m_.alerts_on;
      if (!e->rocket) ++m_.alerts_on_no_rocket;
      if (!intervals.empty() && !intervals.back().off_s)
        breaches_.emplace_back(
            e->t_s, fmt::format("{:.2f} s: alert_on repeated for zone {} track {}", e->t_s,
                                e->zone_id, e->track));
      intervals.push_back({e->t_s, std::nullopt});
    } else {
      if (!intervals.empty() && !intervals.back().off_s) intervals.back().off_s = e->t_s;
      if (e->reason == "killed" || e->reason == "debris") cancels_.push_back(*e);
    }
  } else if (const auto* e = std::get_if<sim::ThreatDecisionEvent>(&event)) {
    if (e->threat) declared_.insert(e->track);
  } else if (const auto* e = std::get_if<sim::FireEvent>(&event)) {
    ++m_.interceptors_fired;
    fired_at_[e->interceptor] = e->rocket;
    engaged_.insert(e->track);
    if (debris_[e->track]) {
      ++m_.fires_on_debris;
      breaches_.emplace_back(
          e->t_s, fmt::format("{:.2f} s: interceptor {} fired at track {}, classed as debris",
                              e->t_s, e->interceptor, e->track));
    }
  } else if (const auto* e = std::get_if<sim::InterceptEvent>(&event)) {
    if (!e->killed) return;
    gone_s_.try_emplace(e->rocket, e->t_s);
    const auto it = fired_at_.find(e->interceptor);
    if (it != fired_at_.end() && it->second && *it->second != e->rocket) ++m_.wrong_target_kills;
  } else if (const auto* e = std::get_if<sim::KillAssessmentEvent>(&event)) {
    ++m_.kill_assessments;
    if (e->outcome == "killed") ++m_.assessed_killed;
    if (e->outcome == "survived") ++m_.assessed_survived;
    if (e->outcome == "unknown") ++m_.assessed_unknown;
    if (e->killed && e->rocket_killed && !*e->rocket_killed) {
      ++m_.false_kill_claims;
      breaches_.emplace_back(e->t_s,
                             fmt::format("{:.2f} s: track {} claimed killed (interceptor {}) while "
                                         "its rocket flies on",
                                         e->t_s, e->track, e->interceptor));
    }
  } else if (std::get_if<sim::KillRevokedEvent>(&event) != nullptr) {
    ++m_.kills_revoked;
  } else if (const auto* e = std::get_if<sim::TrackClassEvent>(&event)) {
    debris_[e->track] = e->debris;
    if (!e->debris) return;
    if (ever_debris_.insert(e->track).second) ++m_.debris_tracks;
    if (e->following) classed_.push_back({e->t_s, e->track, *e->following});
  } else if (const auto* e = std::get_if<sim::EngagementHoldEvent>(&event)) {
    last_hold_[e->track] = e->reason;
  }
}

SafetyMetrics SafetyScorer::result() const {
  SafetyMetrics m = m_;
  m.min_warning_s = min_warning_s_;
  std::vector<std::pair<double, std::string>> breaches = breaches_;
  constexpr double kNever = std::numeric_limits<double>::infinity();
  auto gone = [&](int rocket) {
    const auto it = gone_s_.find(rocket);
    return it == gone_s_.end() ? kNever : it->second;
  };
  for (const sim::ImpactEvent& imp : impacts_) {
    const auto c = confirmed_s_.find(imp.rocket);
    if (c == confirmed_s_.end() || c->second > imp.t_s - (min_warning_s_ + 2)) continue;
    ++m.warnable_impacts;
    // The oldest (zone, track) alert on at the impact.
    double best = -1;
    for (const auto& [key, intervals] : alerts_) {
      if (key.first != *imp.zone) continue;
      for (const Interval& iv : intervals)
        if (iv.on_s <= imp.t_s && (!iv.off_s || *iv.off_s >= imp.t_s))
          best = std::max(best, imp.t_s - iv.on_s);
    }
    if (best < 0) {
      ++m.unwarned;
      breaches.emplace_back(imp.t_s, fmt::format("{:.2f} s: rocket {} hit zone {} with no alert on",
                                                 imp.t_s, imp.rocket, *imp.zone));
    } else if (best < min_warning_s_) {
      ++m.late;
      breaches.emplace_back(
          imp.t_s, fmt::format("{:.2f} s: rocket {} hit zone {} with {:.1f} s of warning", imp.t_s,
                               imp.rocket, *imp.zone, best));
    } else {
      ++m.warned;
    }
  }
  for (const sim::AlertEvent& e : cancels_) {
    const std::optional<int> r = e.following;
    if (!r || gone(*r) <= e.t_s) continue;
    ++m.alerts_cancelled_while_alive;
    breaches.emplace_back(e.t_s,
                          fmt::format("{:.2f} s: alert of zone {} (track {}) cancelled ({}) while "
                                      "rocket {} flies",
                                      e.t_s, e.zone_id, e.track, e.reason, *r));
  }
  for (const Classed& c : classed_)
    if (gone(c.rocket) > c.t_s) ++m.debris_tracks_on_rockets;
  for (int track : declared_) {
    if (engaged_.contains(track)) continue;
    ++m.threats_not_engaged;
    const auto it = last_hold_.find(track);
    ++m.not_engaged_by_reason[it == last_hold_.end() ? "not_logged" : it->second];
  }
  std::stable_sort(breaches.begin(), breaches.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [t, what] : breaches) m.breaches.push_back(std::move(what));
  return m;
}

nlohmann::ordered_json to_json(const SafetyMetrics& m) {
  nlohmann::ordered_json reasons = nlohmann::ordered_json::object();
  for (const auto& [reason, n] : m.not_engaged_by_reason) reasons[reason] = n;
  return {{"min_warning_s", m.min_warning_s},
          {"warnable_impacts", m.warnable_impacts},
          {"warnable_warned", m.warned},
          {"unwarned", m.unwarned},
          {"late", m.late},
          {"kill_assessments", m.kill_assessments},
          {"assessed_killed", m.assessed_killed},
          {"assessed_survived", m.assessed_survived},
          {"assessed_unknown", m.assessed_unknown},
          {"false_kill_claims", m.false_kill_claims},
          {"kills_revoked", m.kills_revoked},
          {"alerts_on", m.alerts_on},
          {"debris_alerts", m.alerts_on_no_rocket},
          {"alerts_cancelled_while_alive", m.alerts_cancelled_while_alive},
          {"interceptors_fired", m.interceptors_fired},
          {"wrong_target_kills", m.wrong_target_kills},
          {"fires_on_debris", m.fires_on_debris},
          {"debris_classified_tracks", m.debris_tracks},
          {"debris_classified_on_rockets", m.debris_tracks_on_rockets},
          {"threats_not_engaged", m.threats_not_engaged},
          {"not_engaged_by_reason", reasons},
          {"breaches", m.breaches}};
}

std::string summary_text(const SafetyMetrics& m) {
  std::string s = "\n  closed-loop safety\n";
  s += fmt::format("    warnable impacts {:>6}   warned {}, no alert {}, late {} (< {:.0f} s)\n",
                   m.warnable_impacts, m.warned, m.unwarned, m.late, m.min_warning_s);
  s += fmt::format(
      "    kill assessments {:>6}   killed {}, survived {}, unknown {}; false claims {} "
      "({:.2f} %); revoked {}\n",
      m.kill_assessments, m.assessed_killed, m.assessed_survived, m.assessed_unknown,
      m.false_kill_claims, pct(m.false_kill_claims, m.kill_assessments), m.kills_revoked);
  s += fmt::format(
      "    alerts raised    {:>6}   by tracks with no rocket {} ({:.1f} %); cancelled while "
      "the rocket flew {}\n",
      m.alerts_on, m.alerts_on_no_rocket, pct(m.alerts_on_no_rocket, m.alerts_on),
      m.alerts_cancelled_while_alive);
  s += fmt::format("    wrong-target kills {:>4}   of {} interceptors ({:.2f} %)\n",
                   m.wrong_target_kills, m.interceptors_fired,
                   pct(m.wrong_target_kills, m.interceptors_fired));
  s += fmt::format(
      "    debris tracks    {:>6}   classed by the battle manager ({} on a live rocket)\n",
      m.debris_tracks, m.debris_tracks_on_rockets);
  s += fmt::format("    threats declared, never engaged {}", m.threats_not_engaged);
  const char* sep = ": ";
  for (const auto& [reason, n] : m.not_engaged_by_reason) {
    s += fmt::format("{}{} {}", sep, reason, n);
    sep = ", ";
  }
  s += "\n";
  for (const std::string& b : m.breaches) s += fmt::format("    BREACH {}\n", b);
  return s;
}

}  // namespace canopy::eval
