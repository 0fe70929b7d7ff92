#include "canopy/eval/assess_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "canopy/eval/statistics.h"

namespace canopy::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(int a, int b) { return b > 0 ? static_cast<double>(a) / b : 0.0; }

}  // namespace

AssessScorer::AssessScorer(std::vector<scenario::AlertZone> zones, AssessMetricsOptions options)
    : zones_(std::move(zones)), opt_(std::move(options)) {
  for (auto& per_policy : alerts_) per_policy.resize(zones_.size());
}

void AssessScorer::on_event(const sim::Event& event) {
  last_t_s_ = std::max(last_t_s_, sim::event_time(event));
  if (const auto* e = std::get_if<sim::LaunchEvent>(&event)) {
    Rocket& r = rockets_[e->rocket];
    r.t_launch_s = e->t_s;
    r.in_area = e->impact_area.has_value();  // truth: the undefended impact point
  } else if (const auto* e = std::get_if<sim::ImpactEvent>(&event)) {
    Rocket& r = rockets_[e->rocket];
    r.t_impact_s = e->t_s;
    r.impact_en_m = e->p_W.head<2>();
    for (size_t z = 0; z < zones_.size() && r.zone < 0; ++z)
      if (zones_[z].polygon.contains(r.impact_en_m)) r.zone = static_cast<int>(z);
  } else if (const auto* e = std::get_if<sim::TrackEvent>(&event)) {
    if (e->kind == sim::TrackEvent::Kind::kConfirm && e->rocket) {
      Rocket& r = rockets_[*e->rocket];
      if (!r.t_confirm_s || e->t_meas_s < *r.t_confirm_s) r.t_confirm_s = e->t_meas_s;
    }
  } else if (const auto* e = std::get_if<sim::ImpactPredictionEvent>(&event)) {
    ++predictions_;
    if (e->rocket) {
      rockets_[*e->rocket].predictions.push_back({e->t_s, e->since_confirm_s, e->p_en_m,
                                                  e->cov_en_m2, e->t_impact_s,
                                                  e->sigma_t_impact_s});
    }
  } else if (const auto* e = std::get_if<sim::ThreatDecisionEvent>(&event)) {
    if (!e->threat) return;
    if (e->rocket) {
      Rocket& r = rockets_[*e->rocket];
      if (!r.t_declared_s) r.t_declared_s = e->t_s;
    } else if (!false_track_declared_[e->track]) {
      false_track_declared_[e->track] = true;
      ++false_tracks_declared_;
    }
  } else if (const auto* e = std::get_if<sim::AlertEvent>(&event)) {
    if (e->policy < 0 || e->policy >= static_cast<int>(alerts_.size()) || e->zone < 0 ||
        e->zone >= static_cast<int>(zones_.size()))
      return;
    alerts_[static_cast<size_t>(e->policy)][static_cast<size_t>(e->zone)].push_back(
        {e->t_s, e->on, e->track, e->rocket.value_or(-1)});
  }
}

namespace {

nlohmann::ordered_json zones_json(const std::vector<ZoneAlertMetrics>& zones) {
  using nlohmann::ordered_json;
  auto num = [](double x) { return std::isfinite(x) ? ordered_json(x) : ordered_json(nullptr); };
  ordered_json out = ordered_json::array();
  for (const ZoneAlertMetrics& z : zones)
    out.push_back({{"zone", z.zone},
                   {"impacts", z.impacts},
                   {"own_warning_mean_s", num(z.mean_own_warning_s)},
                   {"own_warning_p5_s", num(z.p5_own_warning_s)},
                   {"false_population_s", z.false_population_s}});
  return out;
}

}  // namespace

AlertPolicyMetrics AssessScorer::score_policy(int policy) const {
  AlertPolicyMetrics m;
  m.policy = assess::kAlertPolicies[static_cast<size_t>(policy)].label;
  std::vector<double> warnings, own_warnings;
  for (size_t z = 0; z < zones_.size(); ++z) {
    // The zone's alert intervals: under alert while any track holds it.
    const std::vector<AlertEdge>& edges = alerts_[static_cast<size_t>(policy)][z];
    const auto intervals = alert_intervals(edges, last_t_s_);
    ZoneAlertMetrics zone{.zone = zones_[z].id};
    std::vector<double> impacts, zone_own;
    for (const auto& [id, r] : rockets_) {
      if (!r.t_impact_s || r.zone != static_cast<int>(z)) continue;
      const double t = *r.t_impact_s;
      impacts.push_back(t);
      ++m.impacts_in_zones;
      const double warning = warning_at(intervals, t).value_or(0);
      warnings.push_back(warning);
      if (warning >= opt_.min_warning_s && warning > 0) {
        ++m.warned;
      } else {
        ++m.missed;
      }
      std::vector<AlertEdge> own;
      for (const AlertEdge& e : edges)
        if (e.rocket == id) own.push_back(e);
      own_warnings.push_back(warning_at(alert_intervals(own, last_t_s_), t).value_or(0));
      zone_own.push_back(own_warnings.back());
    }
    const double population = zones_[z].population;
    for (const auto& [s, e] : intervals) {
      ++m.zone_alerts;
      m.total_population_s += population * (e - s);
      const bool hit =
          std::any_of(impacts.begin(), impacts.end(), [&](double t) { return s <= t && t <= e; });
      if (!hit) {
        ++m.false_zone_alerts;
        m.false_population_s += population * (e - s);
        zone.false_population_s += population * (e - s);
      }
    }
    zone.impacts = static_cast<int>(impacts.size());
    zone.mean_own_warning_s = impacts.empty() ? kNaN : mean(zone_own);
    zone.p5_own_warning_s = impacts.empty() ? kNaN : percentile(zone_own, 0.05);
    m.zones.push_back(std::move(zone));
  }
  m.mean_warning_s = mean(warnings);
  m.mean_own_warning_s = mean(own_warnings);
  m.median_own_warning_s = percentile(own_warnings, 0.5);
  m.p5_own_warning_s = percentile(own_warnings, 0.05);
  m.p5_warning_s = percentile(warnings, 0.05);
  m.median_warning_s = percentile(warnings, 0.5);
  m.p95_warning_s = percentile(warnings, 0.95);
  m.min_warning_s = warnings.empty() ? 0 : *std::min_element(warnings.begin(), warnings.end());
  return m;
}

AssessMetrics AssessScorer::result() const {
  AssessMetrics m;
  m.predictions = predictions_;
  m.false_tracks_declared = false_tracks_declared_;
  auto inside95 = [](const Prediction& p, const core::Vec2& truth) {
    const core::Vec2 d = truth - p.p_en_m;
    const Eigen::Matrix2d C = p.cov + 1e-9 * Eigen::Matrix2d::Identity();
    return d.dot(C.ldlt().solve(d)) <= kChi2_2dof_95;
  };

  // Calibration at checkpoints after the rocket's first confirmation: the
  // prediction in force then (the latest made at or before it).
  std::vector<std::vector<double>> cp_miss(opt_.checkpoints_s.size());
  for (double k : opt_.checkpoints_s) m.checkpoints.push_back({k, 0, 0, 0, 0});
  // Miss distance against track age (since the track's confirmation).
  const size_t nbins = opt_.age_bins_s.size() - 1;
  std::vector<std::vector<double>> bin_miss(nbins), bin_sigma_t(nbins), bin_dt(nbins);
  std::vector<int> bin_inside(nbins, 0);
  std::vector<double> leads;
  for (const auto& [id, r] : rockets_) {
    ++m.rockets_launched;
    if (r.t_confirm_s) ++m.rockets_tracked;
    // The engage decision, over every rocket: a true threat is one whose
    // undefended impact point is in a defended area, killed or not. Lead
    // times need an impact, so they count the rockets that landed.
    const bool declared = r.t_declared_s.has_value();
    if (r.in_area) {
      ++m.true_threats;
      declared ? ++m.threat_declared : ++m.threat_missed;
      if (r.t_impact_s) {
        const double lead = declared ? *r.t_impact_s - *r.t_declared_s : 0.0;
        if (declared) leads.push_back(lead);
        if (*r.t_impact_s - r.t_launch_s > opt_.long_flight_s) {
          ++m.long_flight_threats;
          if (declared && lead >= opt_.required_lead_s) ++m.long_flight_early;
        }
      }
    } else {
      ++m.open_ground;
      declared ? ++m.open_declared : ++m.open_ignored;
    }
    if (!r.t_impact_s) continue;
    ++m.rockets_landed;
    for (size_t c = 0; c < opt_.checkpoints_s.size() && r.t_confirm_s; ++c) {
      const double t = *r.t_confirm_s + opt_.checkpoints_s[c];
      if (*r.t_impact_s <= t) continue;
      const Prediction* in_force = nullptr;
      for (const Prediction& p : r.predictions)
        if (p.t_s <= t + 1e-9) in_force = &p;
      if (in_force == nullptr) continue;
      ++m.checkpoints[c].rockets;
      if (inside95(*in_force, r.impact_en_m)) ++m.checkpoints[c].inside_95;
      cp_miss[c].push_back((in_force->p_en_m - r.impact_en_m).norm());
    }
    for (const Prediction& p : r.predictions) {
      const auto it =
          std::upper_bound(opt_.age_bins_s.begin(), opt_.age_bins_s.end(), p.since_confirm_s);
      if (it == opt_.age_bins_s.begin() || it == opt_.age_bins_s.end()) continue;
      const size_t b = static_cast<size_t>(it - opt_.age_bins_s.begin()) - 1;
      bin_miss[b].push_back((p.p_en_m - r.impact_en_m).norm());
      bin_sigma_t[b].push_back(p.sigma_t_s);
      bin_dt[b].push_back(std::abs(p.t_impact_s - *r.t_impact_s));
      if (inside95(p, r.impact_en_m)) ++bin_inside[b];
    }
  }
  for (size_t c = 0; c < m.checkpoints.size(); ++c) {
    m.checkpoints[c].coverage = ratio(m.checkpoints[c].inside_95, m.checkpoints[c].rockets);
    m.checkpoints[c].median_miss_m = percentile(cp_miss[c], 0.5);
  }
  for (size_t b = 0; b < nbins; ++b) {
    AgeBin bin;
    bin.lo_s = opt_.age_bins_s[b];
    bin.hi_s = opt_.age_bins_s[b + 1];
    bin.predictions = static_cast<int>(bin_miss[b].size());
    bin.median_miss_m = percentile(bin_miss[b], 0.5);
    bin.coverage_95 = ratio(bin_inside[b], bin.predictions);
    bin.median_sigma_t_s = percentile(bin_sigma_t[b], 0.5);
    bin.median_abs_t_error_s = percentile(bin_dt[b], 0.5);
    m.by_age.push_back(bin);
  }
  m.declared_fraction = ratio(m.threat_declared, m.true_threats);
  m.open_declared_fraction = ratio(m.open_declared, m.open_ground);
  m.long_flight_early_fraction = ratio(m.long_flight_early, m.long_flight_threats);
  // No declared threat landed: no lead time (null in summary.json).
  m.mean_lead_s = leads.empty() ? kNaN : mean(leads);
  m.median_lead_s = leads.empty() ? kNaN : percentile(leads, 0.5);
  m.min_lead_s = leads.empty() ? kNaN : *std::min_element(leads.begin(), leads.end());
  for (size_t p = 0; p < m.alerts.size(); ++p) m.alerts[p] = score_policy(static_cast<int>(p));
  return m;
}

nlohmann::ordered_json to_json(const AssessMetrics& m) {
  using nlohmann::ordered_json;
  ordered_json cps = ordered_json::array();
  for (const Checkpoint& c : m.checkpoints)
    cps.push_back({{"after_confirm_s", c.after_confirm_s},
                   {"rockets", c.rockets},
                   {"inside_95", c.inside_95},
                   {"coverage_95", c.coverage},
                   {"median_miss_m", c.median_miss_m}});
  ordered_json bins = ordered_json::array();
  for (const AgeBin& b : m.by_age) {
    if (b.predictions == 0) continue;
    bins.push_back({{"age_from_s", b.lo_s},
                    {"age_to_s", b.hi_s >= 1e9 ? ordered_json(nullptr) : ordered_json(b.hi_s)},
                    {"predictions", b.predictions},
                    {"median_miss_m", b.median_miss_m},
                    {"coverage_95", b.coverage_95},
                    {"median_sigma_t_impact_s", b.median_sigma_t_s},
                    {"median_abs_t_impact_error_s", b.median_abs_t_error_s}});
  }
  ordered_json alerts = ordered_json::object();
  for (size_t p = 0; p < m.alerts.size(); ++p) {
    const AlertPolicyMetrics& a = m.alerts[p];
    alerts[std::string(assess::kAlertPolicies[p].key)] = {
        {"impacts_in_zones", a.impacts_in_zones},
        {"warned", a.warned},
        {"missed", a.missed},
        {"mean_warning_s", a.mean_warning_s},
        {"p5_warning_s", a.p5_warning_s},
        {"median_warning_s", a.median_warning_s},
        {"p95_warning_s", a.p95_warning_s},
        {"shortest_warning_s", a.min_warning_s},
        {"own_warning_mean_s", a.mean_own_warning_s},
        {"own_warning_median_s", a.median_own_warning_s},
        {"own_warning_p5_s", a.p5_own_warning_s},
        {"zone_alerts", a.zone_alerts},
        {"false_zone_alerts", a.false_zone_alerts},
        {"false_population_s", a.false_population_s},
        {"total_population_s", a.total_population_s},
        {"zones", zones_json(a.zones)}};
  }
  return {{"rockets_launched", m.rockets_launched},
          {"rockets_landed", m.rockets_landed},
          {"rockets_confirmed", m.rockets_tracked},
          {"predictions", m.predictions},
          {"calibration", cps},
          {"miss_by_track_age", bins},
          {"decision",
           {{"true_threats", m.true_threats},
            {"open_ground_rockets", m.open_ground},
            {"confusion",
             {{"threats_declared", m.threat_declared},
              {"threats_not_declared", m.threat_missed},
              {"open_ground_declared", m.open_declared},
              {"open_ground_not_declared", m.open_ignored}}},
            {"threat_declared_rate", m.declared_fraction},
            {"open_ground_declared_rate", m.open_declared_fraction},
            {"false_tracks_declared", m.false_tracks_declared},
            {"long_flight_threats", m.long_flight_threats},
            {"long_flight_declared_early", m.long_flight_early},
            {"long_flight_declared_early_rate", m.long_flight_early_fraction},
            {"lead_mean_s", m.mean_lead_s},
            {"lead_median_s", m.median_lead_s},
            {"lead_min_s", m.min_lead_s}}},
          {"alerts", alerts}};
}

namespace {
std::string seconds(double s) { return std::isfinite(s) ? fmt::format("{:.1f} s", s) : "—"; }
}  // namespace

std::string summary_text(const AssessMetrics& m) {
  std::string s;
  s += fmt::format(
      "\n  assessment: {} rockets launched, {} tracked, {} declared threats, {} truly "
      "threatening (undefended impact point in a defended area); {} predictions\n",
      m.rockets_launched, m.rockets_tracked, m.threat_declared + m.open_declared, m.true_threats,
      m.predictions);
  s += fmt::format(
      "  calibration (true impact inside the predicted 95 % ellipse; the {} rockets that "
      "landed):\n",
      m.rockets_landed);
  for (const Checkpoint& c : m.checkpoints)
    s += fmt::format(
        "    {:>4.0f} s after confirmation  {:>5.3f}  ({} of {})  median miss {:.0f} m\n",
        c.after_confirm_s, c.coverage, c.inside_95, c.rockets, c.median_miss_m);
  s += "  median miss against track age (s since confirmation):";
  for (const AgeBin& b : m.by_age)
    if (b.predictions > 0)
      s += b.hi_s >= 1e9 ? fmt::format(" {:.0f}+: {:.0f} m", b.lo_s, b.median_miss_m)
                         : fmt::format(" {:.0f}-{:.0f}: {:.0f} m", b.lo_s, b.hi_s, b.median_miss_m);
  s += "\n";
  s += fmt::format("  engage decision       declared   not declared   (all {} rockets)\n",
                   m.true_threats + m.open_ground);
  s += fmt::format("    true threats        {:>8}   {:>12}\n", m.threat_declared, m.threat_missed);
  s += fmt::format("    open ground         {:>8}   {:>12}\n", m.open_declared, m.open_ignored);
  s += fmt::format(
      "    {:.1f} % of threats declared; {} of {} long flights (> {:.0f} s) declared >= {:.0f} s "
      "before impact; lead median {}, min {} (threats that landed); {:.1f} % of "
      "open-ground rockets declared; {} false tracks declared\n",
      100 * m.declared_fraction, m.long_flight_early, m.long_flight_threats, 40.0, 20.0,
      seconds(m.median_lead_s), seconds(m.min_lead_s), 100 * m.open_declared_fraction,
      m.false_tracks_declared);
  s += fmt::format("  alerts {:<22} {:>7} {:>6} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6} {:>11}\n",
                   "policy", "impacts", "missed", "warn mean", "own mean", "p5", "median", "p95",
                   "false", "false pop*s");
  for (const AlertPolicyMetrics& a : m.alerts)
    s += fmt::format(
        "         {:<22} {:>7} {:>6} {:>8.1f}s {:>8.1f}s {:>5.1f}s {:>5.1f}s {:>5.1f}s {:>6} "
        "{:>11.3g}\n",
        a.policy, a.impacts_in_zones, a.missed, a.mean_warning_s, a.mean_own_warning_s,
        a.p5_warning_s, a.median_warning_s, a.p95_warning_s, a.false_zone_alerts,
        a.false_population_s);
  return s;
}

}  // namespace canopy::eval
