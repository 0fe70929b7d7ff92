#include "canopy/eval/engagement_metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "canopy/eval/statistics.h"

namespace canopy::eval {
namespace {

// Undefined (NaN; null in JSON, "—" printed) without a denominator.
double ratio(double a, double b) {
  return b > 0 ? a / b : std::numeric_limits<double>::quiet_NaN();
}

nlohmann::ordered_json num(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

std::string percent(double x) { return std::isfinite(x) ? fmt::format("{:.1f} %", 100 * x) : "—"; }

}  // namespace

EngagementMetrics engagement_metrics(const RunSummary& s) {
  EngagementMetrics m;
  m.interceptors_fired = s.interceptors_fired;
  m.rockets_engaged = s.rockets_engaged;
  m.rockets_intercepted = s.rockets_killed;
  m.interception_rate = ratio(s.rockets_killed, s.rockets_engaged);
  m.engaged_open_ground = s.engaged_open_ground;
  m.threatening = s.threatening;
  m.open_ground_rockets = s.rockets_launched - m.threatening;
  m.open_ground_engaged_rate = ratio(s.engaged_open_ground, m.open_ground_rockets);
  m.leakers = s.impacts_in_areas;
  m.leak_rate = ratio(m.leakers, m.threatening);
  std::tie(m.leak_rate_lo, m.leak_rate_hi) = wilson_interval(m.leakers, m.threatening);
  m.value_hit = s.value_hit;
  m.value_saved = s.value_saved;
  m.interceptors_per_kill = ratio(s.interceptors_fired, s.rockets_killed);
  m.cost = s.interceptor_cost;
  m.cost_per_value_saved = ratio(s.interceptor_cost, s.value_saved);
  m.closest_approaches = static_cast<int>(s.miss_m.size());
  m.miss_median_m = percentile(s.miss_m, 0.5);
  m.miss_p90_m = percentile(s.miss_m, 0.9);
  m.intercept_alt_median_m = percentile(s.intercept_alt_m, 0.5);
  m.intercept_alt_p10_m = percentile(s.intercept_alt_m, 0.1);
  m.intercept_alt_p90_m = percentile(s.intercept_alt_m, 0.9);
  m.debris_impacts = s.debris_impacts;
  m.debris_in_areas = s.debris_in_areas;
  m.kill_assessments = s.kill_assessments;
  m.kill_assessment_accuracy = ratio(s.kill_assessments_right, s.kill_assessments);
  m.plans = s.plans;
  m.max_plan_gap = s.max_plan_gap;
  return m;
}

nlohmann::ordered_json to_json(const EngagementMetrics& m) {
  return {{"interceptors_fired", m.interceptors_fired},
          {"rockets_engaged", m.rockets_engaged},
          {"rockets_intercepted", m.rockets_intercepted},
          {"interception_rate", num(m.interception_rate)},
          {"open_ground_rockets", m.open_ground_rockets},
          {"engaged_open_ground", m.engaged_open_ground},
          {"open_ground_engaged_rate", num(m.open_ground_engaged_rate)},
          {"threatening", m.threatening},
          {"leakers", m.leakers},
          {"leak_rate", num(m.leak_rate)},
          {"leak_rate_ci95", {m.leak_rate_lo, m.leak_rate_hi}},
          {"value_hit", m.value_hit},
          {"value_saved", m.value_saved},
          {"interceptors_per_kill", num(m.interceptors_per_kill)},
          {"interceptor_cost", m.cost},
          {"cost_per_value_saved", num(m.cost_per_value_saved)},
          {"closest_approaches", m.closest_approaches},
          {"miss_median_m", m.miss_median_m},
          {"miss_p90_m", m.miss_p90_m},
          {"intercept_alt_p10_m", m.intercept_alt_p10_m},
          {"intercept_alt_median_m", m.intercept_alt_median_m},
          {"intercept_alt_p90_m", m.intercept_alt_p90_m},
          {"debris_impacts", m.debris_impacts},
          {"debris_in_areas", m.debris_in_areas},
          {"kill_assessments", m.kill_assessments},
          {"kill_assessment_accuracy", num(m.kill_assessment_accuracy)},
          {"plans", m.plans},
          {"max_plan_gap", m.max_plan_gap}};
}

std::string summary_text(const EngagementMetrics& m) {
  std::string out = "\n  engagement\n";
  out += fmt::format(
      "    interceptors fired {:>6}   ({} per kill, cost {:.0f})\n", m.interceptors_fired,
      std::isfinite(m.interceptors_per_kill) ? fmt::format("{:.2f}", m.interceptors_per_kill)
                                             : std::string("—"),
      m.cost);
  out += fmt::format("    rockets engaged    {:>6}   intercepted {} ({} of engaged)\n",
                     m.rockets_engaged, m.rockets_intercepted, percent(m.interception_rate));
  out +=
      fmt::format("    open ground        {:>6}   of them engaged {} ({})\n", m.open_ground_rockets,
                  m.engaged_open_ground, percent(m.open_ground_engaged_rate));
  out += fmt::format(
      "    leakers            {:>6}   of {} threatening: {} (95 % CI {:.1f}-{:.1f} %)\n", m.leakers,
      m.threatening, percent(m.leak_rate), 100 * m.leak_rate_lo, 100 * m.leak_rate_hi);
  out += fmt::format("    miss distance      median {:.1f} m, p90 {:.1f} m ({} passes)\n",
                     m.miss_median_m, m.miss_p90_m, m.closest_approaches);
  out += fmt::format("    intercept altitude median {:.0f} m (p10 {:.0f}, p90 {:.0f})\n",
                     m.intercept_alt_median_m, m.intercept_alt_p10_m, m.intercept_alt_p90_m);
  out += fmt::format("    debris impacts     {:>6}   in defended areas {}\n", m.debris_impacts,
                     m.debris_in_areas);
  out += fmt::format("    kill assessments   {:>6}   right {}\n", m.kill_assessments,
                     percent(m.kill_assessment_accuracy));
  out += fmt::format("    assignment plans   {:>6}   largest certified gap {:.2f} %\n", m.plans,
                     100 * m.max_plan_gap);
  return out;
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
