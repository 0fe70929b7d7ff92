#include "canopy/eval/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace canopy::eval {
namespace {

using K = MetricKind;
using S = MetricDef::Scope;
constexpr double kInf = std::numeric_limits<double>::infinity();

MetricDef count(std::string_view name, std::string_view unit, std::string_view meaning) {
  return {std::string(name), K::kCount, {}, {}, unit, meaning, 0, kInf};
}
MetricDef value(std::string_view name, std::string_view unit, std::string_view meaning,
                double min = 0) {
  return {std::string(name), K::kValue, {}, {}, unit, meaning, min, kInf};
}
MetricDef proportion(std::string_view name, std::string_view successes, std::string_view trials,
                     std::string_view meaning) {
  return {std::string(name),
          K::kProportion,
          std::string(successes),
          std::string(trials),
          "1",
          meaning,
          0,
          1};
}
MetricDef in(S scope, MetricDef d) {
  d.scope = scope;
  return d;
}

// The fixed metrics (docs/metrics.md, "The registry", lists them; a test
// checks the two agree).
const std::vector<MetricDef>& fixed() {
  static const std::vector<MetricDef> defs = {
      count("rockets_launched", "rockets", "rockets launched"),
      count("threatening", "rockets",
            "rockets whose undefended impact point (the launch event's impact_area) is in a "
            "defended area"),
      count("leakers", "rockets", "warheads that fell in a defended area"),
      proportion("leak_rate", "leakers", "threatening", "leakers / threatening"),
      value("value_hit", "value", "sum of the values of the areas hit"),
      value("value_saved", "value", "values of the areas the killed rockets would have hit"),
      count("rockets_engaged", "rockets", "rockets with an interceptor fired at their track"),
      count("rockets_intercepted", "rockets", "rockets killed"),
      proportion("interception_rate", "rockets_intercepted", "rockets_engaged",
                 "intercepted / engaged"),
      count("open_ground_rockets", "rockets",
            "rockets whose undefended impact point is on open ground"),
      count("engaged_open_ground", "rockets", "open-ground rockets engaged"),
      proportion("open_ground_engaged_rate", "engaged_open_ground", "open_ground_rockets",
                 "engaged open-ground rockets / open-ground rockets"),
      count("interceptors_fired", "interceptors", "interceptors fired"),
      value("interceptors_per_kill", "interceptors",
            "interceptors fired / rockets killed (undefined with no kill)"),
      value("interceptor_cost", "cost", "summed cost of the interceptors fired"),
      value("miss_median_m", "m", "median closest approach of the interceptors"),
      value("intercept_alt_median_m", "m", "median intercept altitude", -kInf),
      count("debris_in_areas", "fragments", "debris fragments that fell in defended areas"),
      count("kill_assessments", "assessments", "kill assessments made"),
      count("kill_assessments_right", "assessments", "kill assessments that matched truth"),
      proportion("kill_assessment_accuracy", "kill_assessments_right", "kill_assessments",
                 "right kill assessments / kill assessments"),
      count("impacts_in_areas", "impacts", "warhead impacts in defended areas"),
      count("impacts_open_ground", "impacts", "warhead impacts on open ground"),
      count("rockets_tracked", "rockets", "rockets held by a confirmed track"),
      count("tracks_confirmed", "tracks", "confirmed tracks"),
      count("false_tracks", "tracks",
            "confirmed tracks with no rocket behind them, debris fragments aside"),
      count("debris_tracks", "tracks", "confirmed tracks on debris fragments"),
      value("gospa_mean_m", "m", "mean GOSPA of the confirmed tracks (c = 200 m, p = 2)"),
      count("true_threats", "rockets",
            "rockets whose undefended impact point is in a defended area, killed or not: the "
            "engage decision's threats"),
      count("threats_declared", "rockets", "true threats declared threats"),
      proportion("threat_declared_rate", "threats_declared", "true_threats",
                 "declared / true threats"),
      count("impacts_in_zones", "impacts", "warhead impacts in alert zones"),
      count("warned", "impacts",
            "impacts in zones under canopy's alert for at least min_warning_s"),
      proportion("warning_rate", "warned", "impacts_in_zones", "warned / impacts in zones"),
      value("mean_warning_s", "s",
            "mean warning of the impacts in zones: time under the zone's alert (any track's)"),
      value("p5_warning_s", "s", "5th percentile of the zone warning of the impacts in zones"),
      value("own_warning_mean_s", "s",
            "mean per-rocket warning of the impacts in zones: from the rocket's own alerts only"),
      value("own_warning_p5_s", "s",
            "5th percentile of the per-rocket warning of the impacts in zones"),
      count("false_zone_alerts", "alerts", "zone alert intervals with no impact in the zone"),
      value("false_population_s", "person·s", "people × seconds under false alert"),
      count("warnable_impacts", "impacts",
            "impacts in alert zones of rockets confirmed at least min_warning_s + 2 s before"),
      count("alerts_missed", "impacts",
            "warnable impacts with no alert on, or one younger than min_warning_s"),
      count("false_kill_claims", "assessments",
            "kill assessments that claimed a live rocket killed"),
      proportion("false_kill_claim_rate", "false_kill_claims", "kill_assessments",
                 "false kill claims / kill assessments"),
      count("alerts_cancelled_while_alive", "alerts",
            "alerts cancelled (kill or debris) while the rocket they followed flew"),
      count("alerts_on", "alerts", "(zone, track) alerts raised"),
      count("debris_alerts", "alerts", "alerts raised by tracks with no rocket behind them"),
      proportion("debris_alert_rate", "debris_alerts", "alerts_on",
                 "debris alerts / alerts raised"),
      count("wrong_target_kills", "rockets", "kills of another rocket than the one fired at"),
      proportion("wrong_target_rate", "wrong_target_kills", "interceptors_fired",
                 "wrong-target kills / interceptors fired"),
      value("sim_time_s", "s", "simulated time"),
  };
  return defs;
}

const std::vector<MetricDef>& family_defs() {
  static const std::vector<MetricDef> defs = {
      in(S::kArea,
         count("threatening", "rockets", "rockets whose undefended impact point is in the area")),
      in(S::kArea, count("engaged", "rockets", "... of them engaged")),
      in(S::kArea, count("intercepted", "rockets", "... of them killed")),
      in(S::kArea, count("leakers", "rockets", "warheads that fell in the area")),
      in(S::kArea, proportion("leak_rate", "leakers", "threatening",
                              "leakers / threatening rockets of the area")),
      in(S::kArea, value("value_hit", "value", "impacts in the area × its value")),
      in(S::kZone, count("impacts", "impacts", "warhead impacts in the zone")),
      in(S::kZone, value("own_warning_mean_s", "s",
                         "mean per-rocket warning of the zone's impacts (own alerts only)")),
      in(S::kZone, value("own_warning_p5_s", "s",
                         "5th percentile of the per-rocket warning of the zone's impacts")),
      in(S::kZone,
         value("false_population_s", "person·s", "the zone's people × seconds under false alert")),
  };
  return defs;
}

// Splits "family[member]"; false when the name has no such form.
bool split_member(std::string_view name, std::string_view& family, std::string_view& member) {
  const size_t open = name.find('[');
  if (open == std::string_view::npos || open == 0 || name.size() < open + 3 || name.back() != ']')
    return false;
  family = name.substr(0, open);
  member = name.substr(open + 1, name.size() - open - 2);
  return true;
}

// summary.json, key by key (docs/outputs.md lists them; a test checks the
// two agree and walks a run's summary.json).
constexpr SummaryKey kSummaryKeys[] = {
    {"scenario", "", "the scenario's name, or \"default\"", ""},
    {"seed", "", "the run's random seed", ""},
    {"run", "", "the run's index in its Monte Carlo (0 for canopy run)", ""},
    {"sim_time_s", "", "", "sim_time_s"},
    {"rockets_planned", "rockets", "rockets the raids plan", ""},
    {"rockets_launched", "", "", "rockets_launched"},
    {"impacts", "impacts", "warheads that reached the ground", ""},
    {"impacts_in_areas", "", "", "impacts_in_areas"},
    {"impacts_open_ground", "", "", "impacts_open_ground"},
    {"in_flight_at_end", "rockets", "rockets still flying when the run ended", ""},
    {"value_hit", "", "", "value_hit"},
    {"areas[].name", "", "the defended area's name", ""},
    {"areas[].value", "value", "the area's value (scenario)", ""},
    {"areas[].impacts", "impacts", "warheads that fell in the area", ""},
    {"areas[].value_hit", "", "", "value_hit"},
    {"unfinished.reason", "", "why the run stopped early (\"max_wall_s\")", ""},
    {"unfinished.max_wall_s", "s", "the wall-time limit that stopped it", ""},
    {"unfinished.sim_time_s", "", "", "sim_time_s"},
    {"unfinished.duration_s", "s", "the scenario's duration", ""},
    {"sensors.scans", "scans", "radar scans", ""},
    {"sensors.plots", "plots", "plots the radars made, clutter included", ""},
    {"sensors.clutter_plots", "plots", "clutter plots", ""},
    {"sensors.rockets_detected", "rockets", "rockets in at least one plot", ""},
    {"sensors.plots_late_dropped", "plots",
     "plots dropped for arriving later than the tracker's window", ""},
    {"tracks.started", "tracks", "tracks started", ""},
    {"tracks.confirmed", "tracks", "tracks confirmed (track_confirm events)", ""},
    {"battle_manager.predictions", "predictions", "impact predictions made", ""},
    {"battle_manager.prediction_failures", "predictions", "impact predictions that failed", ""},
    {"battle_manager.threat_declarations", "decisions", "threat decisions declaring a threat", ""},
    {"battle_manager.alerts_on", "", "", "alerts_on"},
    {"tracking.samples", "samples", "scoring samples (every 0.5 s)", ""},
    {"tracking.gospa_mean_m", "", "", "gospa_mean_m"},
    {"tracking.gospa_median_m", "m", "median GOSPA (c = 200 m, p = 2)", ""},
    {"tracking.assigned_points", "points", "GOSPA assignments of a track to a rocket", ""},
    {"tracking.missed_points", "points", "rockets in the air with no track assigned", ""},
    {"tracking.false_points", "points", "confirmed tracks assigned to no rocket", ""},
    {"tracking.rms_position_m", "m", "RMS position error of the assigned tracks", ""},
    {"tracking.rms_velocity_mps", "m/s", "RMS velocity error of the assigned tracks", ""},
    {"tracking.settled_points", "points", "assignments of tracks older than the settling time", ""},
    {"tracking.settled_rms_position_m", "m", "RMS position error of the settled tracks", ""},
    {"tracking.settled_rms_velocity_mps", "m/s", "RMS velocity error of the settled tracks", ""},
    {"tracking.rockets_detected", "rockets", "rockets with a track started on their plots", ""},
    {"tracking.rockets_tracked", "", "", "rockets_tracked"},
    {"tracking.track_breaks", "breaks", "a rocket's track lost and another started", ""},
    {"tracking.id_switches", "switches", "a track moving from one rocket to another", ""},
    {"tracking.tracks_confirmed", "", "", "tracks_confirmed"},
    {"tracking.false_tracks", "", "", "false_tracks"},
    {"tracking.debris_tracks", "", "", "debris_tracks"},
    {"tracking.mean_confirm_latency_s", "s", "mean time from first plot to confirmation", ""},
    {"tracking.median_confirm_latency_s", "s", "median time from first plot to confirmation", ""},
    {"tracking.nees_mean", "1", "mean normalised estimation error squared (6-D)", ""},
    {"tracking.nees_dim", "1", "the NEES's dimension (consistent filter: mean = 6)", ""},
    {"tracking.nees_samples", "samples", "NEES samples", ""},
    {"tracking.nees_by_age[].age_s", "s", "the bin's track ages [from, to)", ""},
    {"tracking.nees_by_age[].mean", "1", "mean NEES in the bin", ""},
    {"tracking.nees_by_age[].count", "samples", "NEES samples in the bin", ""},
    {"assessment.rockets_launched", "", "", "rockets_launched"},
    {"assessment.rockets_landed", "rockets", "rockets whose warhead reached the ground", ""},
    {"assessment.rockets_confirmed", "rockets", "rockets whose plots confirmed a track", ""},
    {"assessment.predictions", "predictions", "impact predictions scored", ""},
    {"assessment.calibration[].after_confirm_s", "s", "time after confirmation", ""},
    {"assessment.calibration[].rockets", "rockets", "landed rockets with a prediction then", ""},
    {"assessment.calibration[].inside_95", "rockets",
     "... whose impact was inside the predicted 95 % ellipse", ""},
    {"assessment.calibration[].coverage_95", "1", "inside_95 / rockets (ideal 0.95)", ""},
    {"assessment.calibration[].median_miss_m", "m", "median predicted-to-true impact distance", ""},
    {"assessment.miss_by_track_age[].age_from_s", "s", "the bin's track ages from", ""},
    {"assessment.miss_by_track_age[].age_to_s", "s", "... to", ""},
    {"assessment.miss_by_track_age[].predictions", "predictions", "predictions in the bin", ""},
    {"assessment.miss_by_track_age[].median_miss_m", "m", "median impact-point miss in the bin",
     ""},
    {"assessment.miss_by_track_age[].coverage_95", "1",
     "share of the bin's predictions whose 95 % ellipse held the true impact", ""},
    {"assessment.miss_by_track_age[].median_sigma_t_impact_s", "s",
     "median predicted impact-time sigma", ""},
    {"assessment.miss_by_track_age[].median_abs_t_impact_error_s", "s", "median impact-time error",
     ""},
    {"assessment.decision.true_threats", "", "", "true_threats"},
    {"assessment.decision.open_ground_rockets", "", "", "open_ground_rockets"},
    {"assessment.decision.confusion.threats_declared", "", "", "threats_declared"},
    {"assessment.decision.confusion.threats_not_declared", "rockets", "true threats never declared",
     ""},
    {"assessment.decision.confusion.open_ground_declared", "rockets",
     "open-ground rockets declared threats", ""},
    {"assessment.decision.confusion.open_ground_not_declared", "rockets",
     "open-ground rockets never declared", ""},
    {"assessment.decision.threat_declared_rate", "", "", "threat_declared_rate"},
    {"assessment.decision.open_ground_declared_rate", "1",
     "open-ground rockets declared / open-ground rockets", ""},
    {"assessment.decision.false_tracks_declared", "tracks",
     "tracks with no rocket behind them declared threats", ""},
    {"assessment.decision.long_flight_threats", "rockets", "true threats flying over 40 s", ""},
    {"assessment.decision.long_flight_declared_early", "rockets",
     "... declared at least 20 s before impact", ""},
    {"assessment.decision.long_flight_declared_early_rate", "1",
     "long-flight threats declared early / long-flight threats", ""},
    {"assessment.decision.lead_mean_s", "s", "mean time from declaration to impact", ""},
    {"assessment.decision.lead_median_s", "s", "median time from declaration to impact", ""},
    {"assessment.decision.lead_min_s", "s", "shortest time from declaration to impact", ""},
    {"assessment.alerts.<policy>.impacts_in_zones", "", "", "impacts_in_zones"},
    {"assessment.alerts.<policy>.warned", "", "", "warned"},
    {"assessment.alerts.<policy>.missed", "impacts", "impacts in zones not warned", ""},
    {"assessment.alerts.<policy>.mean_warning_s", "", "", "mean_warning_s"},
    {"assessment.alerts.<policy>.p5_warning_s", "", "", "p5_warning_s"},
    {"assessment.alerts.<policy>.median_warning_s", "s", "median zone warning of the impacts", ""},
    {"assessment.alerts.<policy>.p95_warning_s", "s", "95th percentile of the zone warning", ""},
    {"assessment.alerts.<policy>.shortest_warning_s", "s", "shortest zone warning of an impact",
     ""},
    {"assessment.alerts.<policy>.own_warning_mean_s", "", "", "own_warning_mean_s"},
    {"assessment.alerts.<policy>.own_warning_median_s", "s",
     "median per-rocket warning of the impacts in zones", ""},
    {"assessment.alerts.<policy>.own_warning_p5_s", "", "", "own_warning_p5_s"},
    {"assessment.alerts.<policy>.zone_alerts", "alerts", "zone alert intervals", ""},
    {"assessment.alerts.<policy>.false_zone_alerts", "", "", "false_zone_alerts"},
    {"assessment.alerts.<policy>.false_population_s", "", "", "false_population_s"},
    {"assessment.alerts.<policy>.total_population_s", "person·s",
     "people × seconds under any alert", ""},
    {"assessment.alerts.<policy>.zones[].zone", "", "the alert zone's id", ""},
    {"assessment.alerts.<policy>.zones[].impacts", "", "", "impacts"},
    {"assessment.alerts.<policy>.zones[].own_warning_mean_s", "", "", "own_warning_mean_s"},
    {"assessment.alerts.<policy>.zones[].own_warning_p5_s", "", "", "own_warning_p5_s"},
    {"assessment.alerts.<policy>.zones[].false_population_s", "", "", "false_population_s"},
    {"engagement.interceptors_fired", "", "", "interceptors_fired"},
    {"engagement.rockets_engaged", "", "", "rockets_engaged"},
    {"engagement.rockets_intercepted", "", "", "rockets_intercepted"},
    {"engagement.interception_rate", "", "", "interception_rate"},
    {"engagement.open_ground_rockets", "", "", "open_ground_rockets"},
    {"engagement.engaged_open_ground", "", "", "engaged_open_ground"},
    {"engagement.open_ground_engaged_rate", "", "", "open_ground_engaged_rate"},
    {"engagement.threatening", "", "", "threatening"},
    {"engagement.leakers", "", "", "leakers"},
    {"engagement.leak_rate", "", "", "leak_rate"},
    {"engagement.leak_rate_ci95", "1", "the leak rate's Wilson 95 % interval [low, high]", ""},
    {"engagement.value_hit", "", "", "value_hit"},
    {"engagement.value_saved", "", "", "value_saved"},
    {"engagement.interceptors_per_kill", "", "", "interceptors_per_kill"},
    {"engagement.interceptor_cost", "", "", "interceptor_cost"},
    {"engagement.cost_per_value_saved", "1", "interceptor cost / value saved", ""},
    {"engagement.closest_approaches", "passes", "interceptor closest approaches", ""},
    {"engagement.miss_median_m", "", "", "miss_median_m"},
    {"engagement.miss_p90_m", "m", "90th percentile of the closest approach", ""},
    {"engagement.intercept_alt_p10_m", "m", "10th percentile of the intercept altitude", ""},
    {"engagement.intercept_alt_median_m", "", "", "intercept_alt_median_m"},
    {"engagement.intercept_alt_p90_m", "m", "90th percentile of the intercept altitude", ""},
    {"engagement.debris_impacts", "fragments", "debris fragments that reached the ground", ""},
    {"engagement.debris_in_areas", "", "", "debris_in_areas"},
    {"engagement.kill_assessments", "", "", "kill_assessments"},
    {"engagement.kill_assessment_accuracy", "", "", "kill_assessment_accuracy"},
    {"engagement.plans", "plans", "weapon-target assignment plans", ""},
    {"engagement.max_plan_gap", "1", "largest relative gap between a certified plan and its bound",
     ""},
    {"engagement.areas[].name", "", "the defended area's name", ""},
    {"engagement.areas[].threatening", "", "", "threatening"},
    {"engagement.areas[].engaged", "", "", "engaged"},
    {"engagement.areas[].intercepted", "", "", "intercepted"},
    {"engagement.areas[].leakers", "", "", "leakers"},
    {"engagement.areas[].leak_rate", "", "", "leak_rate"},
    {"engagement.areas[].value_hit", "", "", "value_hit"},
    {"safety.min_warning_s", "s", "the doctrine's minimum warning (setting)", ""},
    {"safety.warnable_impacts", "", "", "warnable_impacts"},
    {"safety.warnable_warned", "impacts",
     "warnable impacts under an alert at least min_warning_s old", ""},
    {"safety.unwarned", "impacts", "warnable impacts with no alert on", ""},
    {"safety.late", "impacts", "warnable impacts whose alert was younger than min_warning_s", ""},
    {"safety.kill_assessments", "", "", "kill_assessments"},
    {"safety.assessed_killed", "assessments", "kill assessments that said killed", ""},
    {"safety.assessed_survived", "assessments", "... survived", ""},
    {"safety.assessed_unknown", "assessments", "... unknown", ""},
    {"safety.false_kill_claims", "", "", "false_kill_claims"},
    {"safety.kills_revoked", "assessments", "kill claims revoked when the track flew on", ""},
    {"safety.alerts_on", "", "", "alerts_on"},
    {"safety.debris_alerts", "", "", "debris_alerts"},
    {"safety.alerts_cancelled_while_alive", "", "", "alerts_cancelled_while_alive"},
    {"safety.interceptors_fired", "", "", "interceptors_fired"},
    {"safety.wrong_target_kills", "", "", "wrong_target_kills"},
    {"safety.fires_on_debris", "interceptors", "interceptors fired at tracks classed as debris",
     ""},
    {"safety.debris_classified_tracks", "tracks", "tracks the battle manager classed as debris",
     ""},
    {"safety.debris_classified_on_rockets", "tracks", "... while they followed a rocket in flight",
     ""},
    {"safety.threats_not_engaged", "rockets", "declared threats never engaged", ""},
    {"safety.not_engaged_by_reason.<reason>", "rockets", "... by the battle manager's reason", ""},
    {"safety.breaches", "", "every breach of a safety invariant, in time order (text)", ""},
};
}  // namespace

std::span<const MetricDef> fixed_metrics() { return fixed(); }
std::span<const MetricDef> families() { return family_defs(); }

std::string member_name(std::string_view family, std::string_view member) {
  return fmt::format("{}[{}]", family, member);
}

std::optional<std::string_view> member_of(std::string_view name, std::string_view family) {
  std::string_view f, member;
  if (!split_member(name, f, member) || f != family) return std::nullopt;
  return member;
}

std::optional<MetricDef> find_metric(std::string_view name) {
  for (const MetricDef& d : fixed())
    if (d.name == name) return d;
  std::string_view family, member;
  if (!split_member(name, family, member)) return std::nullopt;
  for (MetricDef d : family_defs()) {
    if (d.name != family) continue;
    d.name = std::string(name);
    if (d.kind == K::kProportion) {
      d.successes = member_name(d.successes, member);
      d.trials = member_name(d.trials, member);
    }
    return d;
  }
  return std::nullopt;
}

namespace {
constexpr std::pair<std::string_view, std::string_view> kAcronyms[] = {
    {"gospa", "GOSPA"}, {"rms", "RMS"}, {"nees", "NEES"}, {"ci95", "95 % interval"}};

// The words of a snake_case name: a unit suffix (_s, _m, _mps) becomes
// `unit` in parentheses, "pN" an Nth percentile.
std::string words_label(std::string_view name, std::string_view unit) {
  bool has_unit = false;
  for (std::string_view suffix : {"_s", "_m", "_mps"})
    if (!unit.empty() && name.ends_with(suffix) && name.size() > suffix.size()) {
      name.remove_suffix(suffix.size());
      has_unit = true;
      break;
    }
  std::string label, percentile;
  for (size_t start = 0; start <= name.size();) {
    const size_t end = std::min(name.find('_', start), name.size());
    const std::string_view word = name.substr(start, end - start);
    if (word.size() >= 2 && word[0] == 'p' &&
        std::all_of(word.begin() + 1, word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const std::string_view n = word.substr(1);
      const char* th = n == "1" ? "st" : n == "2" ? "nd" : n == "3" ? "rd" : "th";
      percentile = fmt::format(", {}{} percentile", n, th);
    } else if (!word.empty()) {
      const auto acronym = std::find_if(std::begin(kAcronyms), std::end(kAcronyms),
                                        [&](const auto& a) { return a.first == word; });
      label += (label.empty() ? "" : " ") +
               std::string(acronym != std::end(kAcronyms) ? acronym->second : word);
    }
    start = end + 1;
  }
  label += percentile;
  if (has_unit) label += fmt::format(" ({})", unit);
  return label;
}
}  // namespace

std::string metric_label(std::string_view name) {
  std::string_view family = name, member;
  const bool of_member = split_member(name, family, member);
  const auto d = find_metric(name);
  std::string label = words_label(family, d ? d->unit : std::string_view{});
  if (of_member) label += fmt::format(", {}", member);
  return label;
}

std::string summary_label(const SummaryKey& key) {
  if (!key.metric.empty()) return metric_label(key.metric);
  std::string_view leaf = key.path.substr(key.path.rfind('.') + 1);
  if (leaf.ends_with("[]")) leaf.remove_suffix(2);
  return words_label(leaf, key.unit);
}

std::span<const SummaryKey> summary_keys() { return kSummaryKeys; }

const SummaryKey* find_summary_key(std::string_view path) {
  const auto matches = [](std::string_view pattern, std::string_view p) {
    while (!pattern.empty() && !p.empty()) {
      const size_t a = std::min(pattern.find('.'), pattern.size());
      const size_t b = std::min(p.find('.'), p.size());
      const std::string_view x = pattern.substr(0, a), y = p.substr(0, b);
      const bool wildcard = x.starts_with('<') && x.ends_with('>') && !y.empty() &&
                            y.find('[') == std::string_view::npos;  // a key, not a list
      if (x != y && !wildcard) return false;
      pattern.remove_prefix(std::min(a + 1, pattern.size()));
      p.remove_prefix(std::min(b + 1, p.size()));
    }
    return pattern.empty() && p.empty();
  };
  for (const SummaryKey& k : kSummaryKeys)
    if (matches(k.path, path)) return &k;
  return nullptr;
}

MetricSet::MetricSet(std::vector<std::string> areas, const std::vector<std::string>& zones)
    : areas_(std::move(areas)) {
  defs_.assign(fixed().begin(), fixed().end());
  for (auto [scope, members] : {std::pair{S::kArea, &std::as_const(areas_)}, {S::kZone, &zones}}) {
    for (const std::string& member : *members) {
      for (const MetricDef& f : family_defs()) {
        if (f.scope != scope) continue;
        auto d = find_metric(member_name(f.name, member));
        defs_.push_back(std::move(*d));
      }
    }
  }
}

int MetricSet::index(std::string_view name) const {
  for (size_t i = 0; i < defs_.size(); ++i)
    if (defs_[i].name == name) return static_cast<int>(i);
  return -1;
}

MetricSet metric_set(const scenario::Scenario& scenario) {
  std::vector<std::string> areas, zones;
  for (const auto& a : scenario.defended_areas) areas.push_back(a.name);
  for (const auto& z : scenario.alert_zones) zones.push_back(z.id);
  return MetricSet(std::move(areas), zones);
}

}  // namespace canopy::eval
