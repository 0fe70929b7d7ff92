// The plots of a run's report page (detail::plots_section), and
// warning_times.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "canopy/eval/alert_intervals.h"
#include "canopy/eval/statistics.h"
#include "canopy/io/report.h"
#include "canopy/io/report_html.h"
#include "canopy/io/report_internal.h"
#include "canopy/io/svg_plot.h"

namespace canopy::io {

WarningTimes warning_times(const RunData& run) {
  WarningTimes w;
  if (!run.scenario) return w;
  const auto holds = alert_intervals(run.events.of<sim::AlertEvent>(), run.sim_time_s);
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>()) {
    const Vec2 p = i.p_W.head<2>();
    const scenario::AlertZone* zone = nullptr;
    for (const auto& z : run.scenario->alert_zones)
      if (z.polygon.contains(p)) {
        zone = &z;
        break;
      }
    if (!zone) continue;
    std::optional<double> warning;
    if (auto it = holds.find(zone->id); it != holds.end())
      warning = eval::warning_at(it->second, i.t_s);
    if (warning) {
      w.warned_s.push_back(*warning);
    } else {
      ++w.unwarned;
    }
  }
  return w;
}

namespace detail {
namespace {

// A proportion with its Wilson 95 % interval, for plots and tables.
struct Proportion {
  std::string name;
  long k = 0, n = 0;
  double p() const { return n > 0 ? static_cast<double>(k) / static_cast<double>(n) : kNaN; }
  std::pair<double, double> ci() const { return eval::wilson_interval(k, n); }
};

svg::Plot proportions_plot(const std::string& title, const std::vector<Proportion>& props) {
  svg::Plot p;
  p.title = title;
  p.y.label = "proportion (95 % interval)";
  p.y.min = 0, p.y.max = 1;
  p.height = 300;
  svg::Series s;
  s.kind = svg::Kind::kPoints;
  s.marker_r = 5;
  for (size_t i = 0; i < props.size(); ++i) {
    p.x.categories.push_back(fmt::format("{} ({}/{})", props[i].name, props[i].k, props[i].n));
    if (props[i].n <= 0) continue;
    const auto [lo, hi] = props[i].ci();
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(props[i].p());
    s.lo.push_back(lo);
    s.hi.push_back(hi);
  }
  p.series.push_back(std::move(s));
  return p;
}

// Median and p90 of y in bins of x.
struct Binned {
  std::vector<double> x, median, p90;
};
Binned binned(const std::vector<double>& xs, const std::vector<double>& ys, double width,
              size_t min_count) {
  std::map<long, std::vector<double>> bins;
  for (size_t i = 0; i < xs.size(); ++i)
    bins[static_cast<long>(std::floor(xs[i] / width))].push_back(ys[i]);
  Binned b;
  for (auto& [k, v] : bins) {
    if (v.size() < min_count) continue;
    b.x.push_back((static_cast<double>(k) + 0.5) * width);
    b.median.push_back(eval::percentile(v, 0.5));
    b.p90.push_back(eval::percentile(v, 0.9));
  }
  return b;
}

// ---- Plots of a run.

svg::Plot rates_plot(const RunData& run) {
  const json& s = run.summary;
  std::vector<Proportion> props;
  auto count = [&](std::initializer_list<std::string_view> path) {
    const double v = number(s, path);
    return std::isfinite(v) ? static_cast<long>(v) : 0L;
  };
  props.push_back(
      {"leak rate", count({"engagement", "leakers"}), count({"engagement", "threatening"})});
  props.push_back({"interception rate", count({"engagement", "rockets_intercepted"}),
                   count({"engagement", "rockets_engaged"})});
  props.push_back({"threats declared",
                   count({"assessment", "decision", "confusion", "threats_declared"}),
                   count({"assessment", "decision", "true_threats"})});
  props.push_back({"warned (canopy)", count({"assessment", "alerts", "canopy", "warned"}),
                   count({"assessment", "alerts", "canopy", "impacts_in_zones"})});
  return proportions_plot("Rates with 95 % Wilson intervals", props);
}

svg::Plot warning_plot(const WarningTimes& w, double min_warning_s) {
  svg::Plot p;
  p.title = "Warning time of impacts in alert zones (canopy policy)";
  p.x.label = "warning time (s)";
  p.y.label = "impacts";
  const double max_w =
      w.warned_s.empty() ? 10 : *std::max_element(w.warned_s.begin(), w.warned_s.end());
  const auto ticks = svg::linear_ticks(0, std::max(max_w, 1.0), 12);
  const double width = ticks.size() > 1 ? ticks[1] - ticks[0] : 10;
  const size_t nbins = static_cast<size_t>(std::floor(max_w / width)) + 1;
  std::vector<double> counts(nbins, 0);
  for (double v : w.warned_s)
    counts[std::min(nbins - 1, static_cast<size_t>(std::floor(v / width)))] += 1;
  p.x.categories.push_back("no warning");
  for (size_t i = 0; i < nbins; ++i)
    p.x.categories.push_back(fmt::format("{}–{}", svg::tick_label(static_cast<double>(i) * width),
                                         svg::tick_label(static_cast<double>(i + 1) * width)));
  svg::Series none = svg::series("no warning", svg::Kind::kBars, "#d62728");
  none.x = {-0.4}, none.x2 = {0.4}, none.y = {static_cast<double>(w.unwarned)};
  svg::Series warned = svg::series("warned", svg::Kind::kBars, "#1f77b4");
  for (size_t i = 0; i < nbins; ++i) {
    warned.x.push_back(static_cast<double>(i + 1) - 0.45);
    warned.x2.push_back(static_cast<double>(i + 1) + 0.45);
    warned.y.push_back(counts[i]);
  }
  p.series = {none, warned};
  // Category i + 1 spans [i w, (i + 1) w]: its left edge sits at x = i + 0.5.
  p.markers.push_back(
      {0.5 + min_warning_s / width, fmt::format("minimum {} s", num(min_warning_s))});
  if (w.warned_s.empty() && w.unwarned == 0) p.series.clear();
  return p;
}

svg::Plot miss_plot(const RunData& run) {
  svg::Plot p;
  p.title = "Interceptor miss distance (closest approach)";
  p.x.label = "miss distance (m, log scale)";
  p.x.log = true;
  p.y.label = "intercepts";
  std::vector<double> miss;
  for (const sim::InterceptEvent& i : run.events.of<sim::InterceptEvent>())
    if (std::isfinite(i.miss_m)) miss.push_back(std::max(i.miss_m, 1e-3));
  if (miss.empty()) return p;
  // Bins on a 1-2-5 sequence spanning the data.
  const double lo = *std::min_element(miss.begin(), miss.end()),
               hi = *std::max_element(miss.begin(), miss.end());
  std::vector<double> edges;
  for (int k = static_cast<int>(std::floor(std::log10(lo))); edges.empty() || edges.back() <= hi;
       ++k)
    for (double m : {1.0, 2.0, 5.0}) edges.push_back(m * std::pow(10.0, k));
  while (edges.size() > 2 && edges[1] <= lo) edges.erase(edges.begin());
  svg::Series killed = svg::series("killed", svg::Kind::kBars, "#2ca02c");
  svg::Series survived = svg::series("not killed", svg::Kind::kBars, "#ff7f0e");
  // Stacked: killed at the bottom, not killed on top (drawn first, taller).
  std::vector<double> k(edges.size() - 1, 0), all(edges.size() - 1, 0);
  for (const sim::InterceptEvent& i : run.events.of<sim::InterceptEvent>()) {
    const double m = std::max(i.miss_m, 1e-3);
    const size_t b =
        static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), m) - edges.begin());
    const size_t bin = std::clamp<size_t>(b, 1, edges.size() - 1) - 1;
    all[bin] += 1;
    if (i.killed) k[bin] += 1;
  }
  for (size_t b = 0; b + 1 < edges.size(); ++b) {
    survived.x.push_back(edges[b]), survived.x2.push_back(edges[b + 1]),
        survived.y.push_back(all[b]);
    killed.x.push_back(edges[b]), killed.x2.push_back(edges[b + 1]), killed.y.push_back(k[b]);
  }
  p.series = {survived, killed};
  return p;
}

svg::Plot interceptors_plot(const RunData& run) {
  svg::Plot p;
  p.title = "Interceptors fired over time";
  p.x.label = "simulated time (s)";
  p.y.label = "interceptors fired (cumulative)";
  p.x.min = 0;
  p.x.max = run.sim_time_s;
  if (run.events.of<sim::FireEvent>().empty()) return p;
  std::map<std::string, svg::Series> by_battery;
  svg::Series total = svg::series("total", svg::Kind::kStep, "#222");
  total.x = {0}, total.y = {0};
  for (const sim::FireEvent& f : run.events.of<sim::FireEvent>()) {
    auto [it, inserted] = by_battery.try_emplace(f.battery);
    svg::Series& s = it->second;
    if (inserted) s.name = f.battery, s.kind = svg::Kind::kStep, s.x = {0}, s.y = {0};
    s.x.push_back(f.t_s), s.y.push_back(s.y.back() + 1);
    total.x.push_back(f.t_s), total.y.push_back(total.y.back() + 1);
  }
  for (auto& [name, s] : by_battery) {
    s.x.push_back(run.sim_time_s), s.y.push_back(s.y.back());
    p.series.push_back(std::move(s));
  }
  total.x.push_back(run.sim_time_s), total.y.push_back(total.y.back());
  if (by_battery.size() > 1) p.series.push_back(std::move(total));
  return p;
}

// |predicted − actual impact| against track age, for predictions whose rocket landed.
svg::Plot prediction_plot(const RunData& run) {
  svg::Plot p;
  p.title = "Predicted impact point error against track age";
  p.x.label = "track age (s)";
  p.y.label = "distance to the actual impact (m, log scale)";
  p.y.log = true;
  std::map<int, Vec2> impact_at;
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>())
    impact_at.emplace(i.rocket, i.p_W.head<2>());
  std::vector<double> ages, misses;
  for (const sim::ImpactPredictionEvent& pr : run.events.of<sim::ImpactPredictionEvent>()) {
    if (!pr.rocket) continue;
    auto it = impact_at.find(*pr.rocket);
    if (it == impact_at.end()) continue;
    ages.push_back(pr.track_age_s);
    misses.push_back(std::max((pr.p_en_m - it->second).norm(), 0.01));
  }
  if (ages.empty()) return p;
  // A thinned scatter behind the binned median and 90th percentile.
  svg::Series dots = svg::series("predictions", svg::Kind::kPoints, "#7f9fbf");
  dots.marker_r = 1.6, dots.opacity = 0.45;
  const size_t stride = std::max<size_t>(1, ages.size() / 2500 + 1);
  for (size_t i = 0; i < ages.size(); i += stride)
    dots.x.push_back(ages[i]), dots.y.push_back(misses[i]);
  const double max_age = *std::max_element(ages.begin(), ages.end());
  const auto ticks = svg::linear_ticks(0, std::max(max_age, 1.0), 30);
  const double width = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  const Binned b = binned(ages, misses, width, 5);
  svg::Series med = svg::series("median", svg::Kind::kLine, "#1f3f77");
  med.x = b.x, med.y = b.median;
  svg::Series p90 = svg::series("90th percentile", svg::Kind::kLine, "#d62728");
  p90.x = b.x, p90.y = b.p90;
  p.series = {dots, med, p90};
  return p;
}

}  // namespace

// The run page's "Plots" section: rates, warning times (with a scenario),
// miss distance, interceptors fired and the impact prediction error.
void plots_section(html::Page& page, const RunData& run) {
  page.section("plots", "Plots");
  page.figure(svg::render(rates_plot(run)),
              "Points: proportions counted in this run; bars: Wilson score 95 % intervals from the "
              "counts in "
              "the labels. Leak rate = leakers / threatening rockets; interception rate = rockets "
              "intercepted / "
              "rockets engaged; threats declared = true threats declared / true threats; warned = "
              "impacts in alert "
              "zones with at least the minimum warning / impacts in alert zones.");
  const double min_warning = run.scenario ? run.scenario->doctrine.min_warning_s : 10;
  const WarningTimes w = warning_times(run);
  if (run.scenario) {
    double mean = 0;
    for (double v : w.warned_s) mean += v;
    const size_t n = w.warned_s.size() + static_cast<size_t>(w.unwarned);
    page.figure(
        svg::render(warning_plot(w, min_warning)),
        fmt::format(
            "canopy's policy. For each warhead impact inside an alert zone (the first zone listed "
            "that contains it): warning = impact time − start of the alert hold covering that "
            "zone at impact, where a hold runs from the zone's first <code>alert_on</code> "
            "while quiet to the <code>alert_off</code> of the last track holding it (from "
            "events.jsonl and the zone polygons). Impacts no hold covered are counted in the "
            "red bar. {} impacts in zones; mean warning {} s counting the unwarned as 0; dashed: "
            "the {} s minimum below which an alert counts as missed.",
            n, n > 0 ? num(mean / static_cast<double>(n)) : "—", num(min_warning)));
  } else {
    page.note(
        "No scenario.yaml in the run directory: the warning-time histogram needs the alert zones.");
  }
  page.figure(svg::render(miss_plot(run)),
              "Closest approach of each interceptor to the rocket its seeker locked on "
              "(<code>intercept</code> "
              "events' <code>miss_m</code>), in bins of a 1–2–5 logarithmic sequence; the green "
              "part were kills.");
  page.figure(svg::render(interceptors_plot(run)),
              "Cumulative <code>fire</code> events against simulated time, per battery (and in "
              "total when there "
              "are several batteries).");
  page.figure(
      svg::render(prediction_plot(run)),
      "Every impact prediction of a track on a rocket that went on to land: the distance from the "
      "predicted impact point to the rocket's actual impact point, against the age of the "
      "predicting "
      "track. Dots: the predictions (thinned to at most about 2 500); lines: median and 90th "
      "percentile "
      "in bins of track age (bins with at least 5 predictions).");
}

}  // namespace detail
}  // namespace canopy::io
