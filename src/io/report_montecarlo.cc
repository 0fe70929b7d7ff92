// aggregate.json's metrics (read_metrics, shared with the sweep page) and
// the report page of a Monte Carlo directory.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "canopy/core/text.h"
#include "canopy/eval/metrics.h"
#include "canopy/io/report_html.h"
#include "canopy/io/report_internal.h"
#include "canopy/io/svg_plot.h"

namespace canopy::io::detail {

// ---- aggregate.json

// Reads aggregate.json's metrics, naming the file on error; every name must
// be one the registry knows.
core::Result<std::vector<Metric>> read_metrics(const json& agg, const fs::path& file) {
  const json* ms = find(agg, {"metrics"});
  if (!ms || !ms->is_array()) return core::fail(file.string() + ": \"metrics\" must be an array");
  std::vector<Metric> out;
  for (size_t i = 0; i < ms->size(); ++i) {
    const json& m = (*ms)[i];
    const json* name = find(m, {"name"});
    const json* ci = find(m, {"ci95"});
    // A metric no run defines has null estimate and interval.
    if (!name || !name->is_string() || !m.contains("estimate") || !ci ||
        !(ci->is_null() || (ci->is_array() && ci->size() == 2)))
      return core::fail(fmt::format(
          "{}: metrics[{}] needs \"name\", \"estimate\" and \"ci95\" (two numbers or null)",
          file.string(), i));
    Metric x;
    x.name = name->get<std::string>();
    const std::optional<eval::MetricDef> def = eval::find_metric(x.name);
    if (!def)
      return core::fail(
          fmt::format("{}: metrics[{}]: unknown metric \"{}\" (not in canopy's metric registry, "
                      "docs/metrics.md)",
                      file.string(), i, core::printable(x.name)));
    x.scope = def->scope;
    x.kind = find(m, {"kind"}) && m["kind"].is_string() ? m["kind"].get<std::string>() : "";
    x.method = find(m, {"method"}) && m["method"].is_string() ? m["method"].get<std::string>() : "";
    x.unit = find(m, {"unit"}) && m["unit"].is_string() ? m["unit"].get<std::string>()
                                                        : std::string(def->unit);
    x.estimate = number(m, {"estimate"});
    std::tie(x.lo, x.hi) = interval_at(m, "ci95");
    std::tie(x.lo_runs, x.hi_runs) = interval_at(m, "ci95_runs");
    x.sd = number(m, {"sd"});
    auto integer_at = [&](const char* k) {
      const double v = number(m, {k});
      return std::isfinite(v) ? std::lround(v) : -1L;
    };
    x.successes = integer_at("successes"), x.trials = integer_at("trials"), x.n = integer_at("n");
    out.push_back(std::move(x));
  }
  return out;
}

const Metric* metric(const std::vector<Metric>& ms, std::string_view name) {
  for (const Metric& m : ms)
    if (m.name == name) return &m;
  return nullptr;
}

// "estimate [lo, hi]" of a metric; "—" when absent.
std::string estimate_cell(const Metric* m) {
  return m ? estimate_ci(m->estimate, m->lo, m->hi) : "—";
}

namespace {

std::vector<std::string> names_of(const std::vector<Metric>& ms) {
  std::vector<std::string> names;
  for (const Metric& m : ms) names.push_back(m.name);
  return names;
}

// The estimate over its interval, for tables of many such columns.
std::string estimate_over_ci(const Metric* m) {
  if (!m || !std::isfinite(m->estimate)) return "—";
  const bool ci = std::isfinite(m->lo) && std::isfinite(m->hi);
  return fmt::format("{}<br><span class=\"ci\"><small>{}</small></span>", num(m->estimate),
                     ci ? interval_text(m->lo, m->hi) : "[—]");
}

html::Table metrics_table(const std::vector<const Metric*>& ms) {
  html::Table t;
  t.head = {"metric · unit", "estimate", "95 % interval", "method", "basis", "run-level 95 %"};
  for (const Metric* m : ms) {
    std::string basis =
        m->kind == "proportion" && m->trials >= 0 ? fmt::format("{} / {}", m->successes, m->trials)
        : m->n >= 0
            ? fmt::format("n = {}{}", m->n, std::isfinite(m->sd) ? ", sd " + num(m->sd) : "")
            : "";
    t.rows.push_back({metric_cell(m->name, m->unit), num(m->estimate), interval_text(m->lo, m->hi),
                      esc(m->method), basis,
                      std::isfinite(m->lo_runs) ? interval_text(m->lo_runs, m->hi_runs) : ""});
  }
  t.caption =
      "Each metric over the runs. Proportions pool the counts of all runs, with the Wilson score "
      "interval; the run-level interval is a percentile bootstrap of the pooled ratio over runs "
      "(2,000 resamples), which does not assume the trials within a run independent: prefer it "
      "when the two differ. Means are over per-run values with the Student-t interval. An "
      "interval is — when there is none (fewer than two runs define the metric); intervals are "
      "clipped to the metric's range. docs/metrics.md defines every metric.";
  return t;
}

svg::Plot mc_rates_plot(const std::vector<Metric>& ms, const std::string& title) {
  svg::Plot p;
  p.title = title;
  p.y.label = "rate (95 % interval)";
  p.y.min = 0, p.y.max = 1;
  p.height = 300;
  svg::Series s = svg::series("", svg::Kind::kPoints);
  s.marker_r = 5;
  for (std::string_view name : {"leak_rate", "interception_rate"}) {
    const Metric* m = metric(ms, registry_metric(name).name);
    p.x.categories.push_back(eval::metric_label(name));
    if (!m) continue;
    s.x.push_back(static_cast<double>(p.x.categories.size() - 1));
    s.y.push_back(m->estimate), s.lo.push_back(m->lo), s.hi.push_back(m->hi);
  }
  p.series.push_back(std::move(s));
  return p;
}

// The per-area and per-zone families, in table order.
constexpr std::string_view kAreaFamilies[] = {"threatening", "engaged",   "intercepted",
                                              "leakers",     "leak_rate", "value_hit"};
constexpr std::string_view kZoneFamilies[] = {"impacts", "own_warning_mean_s", "own_warning_p5_s",
                                              "false_population_s"};

// A column of one family: its label over `family[…]` and the unit.
std::string family_head(std::string_view family) {
  const eval::MetricDef d = registry_metric(eval::member_name(family, "…"));
  return fmt::format("{}<br><small><code>{}[…]</code><br>{}</small>",
                     esc(eval::metric_label(family)), esc(family), unit_text(d.unit));
}

// One row per member, one column per family: estimate [95 % interval].
html::Table members_table(const std::vector<Metric>& ms, const std::vector<std::string>& members,
                          std::span<const std::string_view> families, std::string first_head) {
  html::Table t;
  t.head = {std::move(first_head)};
  for (std::string_view f : families) t.head.push_back(family_head(f));
  for (const std::string& member : members) {
    std::vector<std::string> row = {esc(member)};
    for (std::string_view f : families)
      row.push_back(estimate_over_ci(metric(ms, eval::member_name(f, member))));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Each area's leak rate with its interval, the pooled counts in the labels.
svg::Plot area_leak_plot(const std::vector<Metric>& ms, const std::vector<std::string>& areas) {
  svg::Plot p;
  p.title = "Leak rate per defended area";
  p.x.label = "defended area (leakers / threatening rockets over the runs)";
  p.y.label = "leak rate (95 % interval)";
  p.y.min = 0, p.y.max = 1;
  p.height = 320;
  svg::Series s = svg::series("", svg::Kind::kPoints);
  s.marker_r = 5;
  for (size_t i = 0; i < areas.size(); ++i) {
    const Metric* m = metric(ms, eval::member_name("leak_rate", areas[i]));
    p.x.categories.push_back(m && m->trials >= 0
                                 ? fmt::format("{} ({}/{})", areas[i], m->successes, m->trials)
                                 : areas[i]);
    if (!m || !std::isfinite(m->estimate)) continue;
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(m->estimate), s.lo.push_back(m->lo), s.hi.push_back(m->hi);
  }
  p.series.push_back(std::move(s));
  return p;
}

// Zone tables longer than this are folded.
constexpr size_t kFoldRows = 20;

}  // namespace

core::Result<std::string> montecarlo_html(const fs::path& dir) {
  auto agg = read_json_file(dir / "aggregate.json");
  if (!agg) return std::unexpected(agg.error());
  auto ms = read_metrics(*agg, dir / "aggregate.json");
  if (!ms) return std::unexpected(ms.error());
  const std::string name = find(*agg, {"scenario"}) ? cell_at(*agg, {"scenario"}) : "?";
  html::Page page(fmt::format("canopy Monte Carlo — {}", name));
  page.header(fmt::format("scenario <b>{}</b> &middot; base seed <b>{}</b> &middot; <b>{}</b> runs",
                          name, cell_at(*agg, {"seed"}), cell_at(*agg, {"runs"})));

  // The run's metrics in full; the per-area and per-zone ones folded.
  std::vector<const Metric*> run_scope, member_scope;
  for (const Metric& m : *ms)
    (m.scope == eval::MetricDef::Scope::kRun ? run_scope : member_scope).push_back(&m);
  page.section("metrics", "Metrics");
  page.table(metrics_table(run_scope));
  if (!member_scope.empty()) {
    html::Table t = metrics_table(member_scope);
    t.caption.clear();
    table_folded(page, t, 0,
                 fmt::format("Every per-area and per-zone metric ({}), with its method and basis",
                             member_scope.size()));
  }

  const std::vector<std::string> names = names_of(*ms);
  if (const std::vector<std::string> areas = members(names, "leak_rate"); !areas.empty()) {
    page.section("areas", "Per defended area");
    html::Table t = members_table(*ms, areas, kAreaFamilies, "defended area");
    t.caption =
        "Per defended area, estimate [95 % interval] over the runs: rockets whose undefended "
        "impact point is in the area (threatening), of them engaged and intercepted, warheads "
        "that fell in it (leakers), the leak rate = leakers / threatening (pooled over the runs, "
        "Wilson interval) and the value hit (impacts in the area × its value). Counts and value "
        "are means per run (Student-t interval). —: no estimate (e.g. no rocket threatened the "
        "area); [—]: no interval (fewer than two runs define it).";
    page.table(t);
    page.figure(svg::render(area_leak_plot(*ms, areas)),
                "Each area's leak rate with its Wilson 95 % interval over the trials pooled from "
                "every run (leakers / threatening rockets in the label).");
  }
  if (const std::vector<std::string> zones = members(names, "own_warning_mean_s"); !zones.empty()) {
    page.section("zones", "Per alert zone");
    html::Table t = members_table(*ms, zones, kZoneFamilies, "alert zone");
    t.caption =
        "Per alert zone (by id), estimate [95 % interval] of the mean per run: warhead impacts in "
        "the zone, the mean and 5th percentile of the per-rocket warning of its impacts (from "
        "each rocket's own alerts), and the people × seconds under false alert. —: no estimate "
        "(no run had an impact in the zone); [—]: no interval (fewer than two runs define it).";
    table_folded(page, t, kFoldRows, fmt::format("{} alert zones", zones.size()));
  }

  page.section("plots", "Plots");
  page.figure(svg::render(mc_rates_plot(*ms, "Leak and interception rates over the runs")),
              "Estimates with their 95 % intervals (method as in the table).");
  return page.finish("");
}

}  // namespace canopy::io::detail
