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

std::string metric_label(std::string_view name) {
  std::string_view family = name, member;
  const bool of_member = split_member(name, family, member);
  // Words of the family; a unit suffix (_s, _m) becomes the registry's unit
  // in parentheses, "p5" a 5th percentile.
  std::string_view unit;
  if (const auto d = find_metric(name); d && (family.ends_with("_s") || family.ends_with("_m"))) {
    family.remove_suffix(2);
    unit = d->unit;
  }
  std::string label, percentile;
  for (size_t start = 0; start <= family.size();) {
    const size_t end = std::min(family.find('_', start), family.size());
    const std::string_view word = family.substr(start, end - start);
    if (word == "p5") {
      percentile = ", 5th percentile";
    } else if (!word.empty()) {
      label += (label.empty() ? "" : " ") + std::string(word);
    }
    start = end + 1;
  }
  label += percentile;
  if (!unit.empty()) label += fmt::format(" ({})", unit);
  if (of_member) label += fmt::format(", {}", member);
  return label;
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
