// The report page of a compare directory (compare.json): each design's
// estimates, the paired differences from the first design and how much the
// pairing narrowed their intervals.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <set>
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
namespace {

// ---- Compare

// One design's paired difference from the first (compare.json).
struct Difference {
  size_t design = 0;
  double mean = kNaN, lo = kNaN, hi = kNaN, unpaired_lo = kNaN, unpaired_hi = kNaN;
  double width_ratio = kNaN;  // unpaired width / paired width
  std::string method;
};

struct ComparedMetric {
  std::string name, unit;
  eval::MetricKind kind = eval::MetricKind::kValue;
  eval::MetricDef::Scope scope = eval::MetricDef::Scope::kRun;
  std::vector<std::string> per_design;  // table cells
  std::vector<Difference> differences;
  const Difference* of(size_t design) const {
    for (const Difference& d : differences)
      if (d.design == design) return &d;
    return nullptr;
  }
};

// The paired differences of one design from the first, with their paired
// 95 % intervals, around a zero line; categories the metrics.
svg::Plot differences_plot(const std::vector<const ComparedMetric*>& shown, size_t design,
                           const std::vector<std::string>& designs) {
  svg::Plot p;
  p.title = fmt::format("Paired differences: {} − {}", designs[design], designs[0]);
  p.y.label = fmt::format("{} − {} (95 % paired interval)", designs[design], designs[0]);
  p.height = 360;
  svg::Series zero = svg::series("", svg::Kind::kLine, "#888");
  zero.x = {-0.5, static_cast<double>(shown.size()) - 0.5}, zero.y = {0, 0};
  svg::Series s = svg::series("", svg::Kind::kPoints, "#1f77b4");
  s.marker_r = 5;
  for (size_t i = 0; i < shown.size(); ++i) {
    const Difference* d = shown[i]->of(design);
    const bool has = d && std::isfinite(d->mean);
    p.x.categories.push_back(eval::metric_label(shown[i]->name) + (has ? "" : " (—)"));
    if (!has) continue;
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(d->mean), s.lo.push_back(d->lo), s.hi.push_back(d->hi);
  }
  p.series = {zero, s};
  return p;
}

// Every metric of compare.json's "metrics", checked against the registry;
// `names` are the designs'.
core::Result<std::vector<ComparedMetric>> read_compared(const json& metrics, const fs::path& file,
                                                        const std::vector<std::string>& names) {
  std::vector<ComparedMetric> compared;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const json& m = metrics[i];
    const json* name = find(m, {"name"});
    if (!name || !name->is_string())
      return core::fail(fmt::format("{}: metrics[{}] needs a \"name\"", file.string(), i));
    ComparedMetric c;
    c.name = name->get<std::string>();
    const std::optional<eval::MetricDef> def = eval::find_metric(c.name);
    if (!def)
      return core::fail(
          fmt::format("{}: metrics[{}]: unknown metric \"{}\" (not in canopy's metric registry, "
                      "docs/metrics.md)",
                      file.string(), i, core::printable(c.name)));
    c.kind = def->kind, c.scope = def->scope;
    c.unit = find(m, {"unit"}) && m["unit"].is_string() ? m["unit"].get<std::string>()
                                                        : std::string(def->unit);
    if (const json* pd = find(m, {"per_design"}); pd && pd->is_array())
      for (const json& d : *pd) {
        const auto [lo, hi] = interval_at(d, "ci95");
        c.per_design.push_back(estimate_ci(number(d, {"estimate"}), lo, hi));
      }
    c.per_design.resize(names.size(), "—");
    if (const json* ds = find(m, {"differences"}); ds && ds->is_array())
      for (const json& d : *ds) {
        Difference x;
        const double di = number(d, {"design"});
        if (!std::isfinite(di) || di < 1 || di >= static_cast<double>(names.size()))
          return core::fail(fmt::format("{}: metrics[{}]: a difference needs \"design\" (1 to {})",
                                        file.string(), i, names.size() - 1));
        x.design = static_cast<size_t>(di);
        x.mean = number(d, {"mean"});
        std::tie(x.lo, x.hi) = interval_at(d, "ci95");
        std::tie(x.unpaired_lo, x.unpaired_hi) = interval_at(d, "unpaired_ci95");
        x.width_ratio = number(d, {"width_ratio"});
        if (const json* me = find(d, {"method"}); me && me->is_string())
          x.method = me->get<std::string>();
        c.differences.push_back(std::move(x));
      }
    compared.push_back(std::move(c));
  }
  return compared;
}

// The compare page's tables, per design and of the differences from the
// first (each with the per-area and per-zone rows apart), and the plot of
// the paired interval widths.
struct CompareTables {
  html::Table per, per_members, diff, diff_members;
  svg::Plot widths;
};

CompareTables compare_tables(const std::vector<ComparedMetric>& compared,
                             const std::vector<std::string>& names) {
  // The run's metrics in tables; the per-area and per-zone ones in folded
  // tables of the same columns.
  html::Table per, per_members;
  per.head = {"metric · unit"};
  for (const auto& n : names) per.head.push_back(esc(n));
  per_members.head = per.head;
  // A design column with more than two designs; a method column when the
  // methods differ (otherwise the caption names it).
  std::set<std::string> methods;
  for (const ComparedMetric& c : compared)
    for (const Difference& d : c.differences)
      if (std::isfinite(d.mean)) methods.insert(d.method);
  const bool design_column = names.size() > 2, method_column = methods.size() > 1;
  html::Table diff, diff_members;
  diff.head = {"metric"};
  if (design_column) diff.head.push_back("design");
  diff.head.push_back(names.size() == 2 ? "mean difference<br>" +
                                              esc(fmt::format("({} − {})", names[1], names[0]))
                                        : "mean difference<br>(B − A)");
  diff.head.insert(diff.head.end(), {"paired<br>95 % interval", "unpaired<br>95 % interval",
                                     "width ratio<br>(unpaired / paired)"});
  if (method_column) diff.head.push_back("method");
  diff_members.head = diff.head;
  svg::Plot widths;
  widths.title = "Interval width: paired against unpaired";
  widths.y.label = "95 % interval width / unpaired width";
  svg::Series paired = svg::series("paired", svg::Kind::kBars, "#1f77b4");
  svg::Series unpaired = svg::series("unpaired", svg::Kind::kBars, "#bbbbbb");
  for (const ComparedMetric& c : compared) {
    const bool of_run = c.scope == eval::MetricDef::Scope::kRun;
    std::vector<std::string> row = {metric_cell(c.name, c.unit)};
    row.insert(row.end(), c.per_design.begin(), c.per_design.end());
    (of_run ? per : per_members).rows.push_back(std::move(row));
    for (const Difference& d : c.differences) {
      const std::string dname = names[d.design] + " − " + names[0];
      std::vector<std::string> drow = {metric_cell(c.name)};
      if (design_column) drow.push_back(esc(dname));
      drow.insert(drow.end(), {num(d.mean), interval_text(d.lo, d.hi),
                               interval_text(d.unpaired_lo, d.unpaired_hi), num(d.width_ratio)});
      if (method_column) drow.push_back(std::isfinite(d.mean) ? esc(d.method) : "—");
      (of_run ? diff : diff_members).rows.push_back(std::move(drow));
      // Widths relative to the unpaired one, so metrics of any scale share
      // the plot; the headline metrics only.
      if (std::ranges::find(eval::kHeadlineMetrics, c.name) == std::end(eval::kHeadlineMetrics))
        continue;
      const double x = static_cast<double>(widths.x.categories.size());
      const std::string label = eval::metric_label(c.name);
      widths.x.categories.push_back(names.size() > 2 ? label + " (" + names[d.design] + ")"
                                                     : label);
      const double uw = d.unpaired_hi - d.unpaired_lo;
      unpaired.x.push_back(x - 0.38), unpaired.x2.push_back(x),
          unpaired.y.push_back(uw > 0 ? 1.0 : kNaN);
      paired.x.push_back(x), paired.x2.push_back(x + 0.38),
          paired.y.push_back(uw > 0 ? (d.hi - d.lo) / uw : kNaN);
    }
  }
  widths.series = {unpaired, paired};
  per.caption =
      "Estimate [95 % interval] of each metric per design, from each design's runs; — where a "
      "design lacks the metric (e.g. an area only the other design defends) or no run defines "
      "it.";
  diff.caption =
      "Differences of each design from the first (B − A) over runs paired by seed (common random "
      "numbers): the paired interval (Student-t), the interval the same runs would give unpaired "
      "(Welch), and the width ratio = unpaired width / paired width, how many times narrower "
      "common random numbers made the interval (above 1: pairing sharpened the comparison). "
      "Both intervals are clipped to the range a difference can take. — where one of the two "
      "designs lacks the metric, and as width ratio where the paired interval has no width.";
  if (methods.size() == 1 && !methods.begin()->empty())
    diff.caption += fmt::format(" Method: {}.", esc(*methods.begin()));
  return {std::move(per), std::move(per_members), std::move(diff), std::move(diff_members),
          std::move(widths)};
}

// The differences plotted: the headline proportions, then each area's
// leak rate (proportions share one scale; the other metrics are in the table).
std::vector<const ComparedMetric*> plotted_differences(
    const std::vector<ComparedMetric>& compared) {
  std::vector<const ComparedMetric*> shown;
  auto compared_of = [&](std::string_view name) -> const ComparedMetric* {
    for (const ComparedMetric& c : compared)
      if (c.name == name) return &c;
    return nullptr;
  };
  for (std::string_view name : eval::kHeadlineMetrics)
    if (const ComparedMetric* c = compared_of(registry_metric(name).name);
        c && c->kind == eval::MetricKind::kProportion)
      shown.push_back(c);
  std::vector<std::string> all;
  for (const ComparedMetric& c : compared) all.push_back(c.name);
  for (const std::string& area : members(all, "leak_rate"))
    if (const ComparedMetric* c = compared_of(eval::member_name("leak_rate", area)))
      shown.push_back(c);
  return shown;
}

}  // namespace

core::Result<std::string> compare_html(const fs::path& dir) {
  const fs::path file = dir / "compare.json";
  auto cj = read_json_file(file);
  if (!cj) return std::unexpected(cj.error());
  const json* designs = find(*cj, {"designs"});
  const json* metrics = find(*cj, {"metrics"});
  if (!designs || !designs->is_array() || designs->empty() || !metrics || !metrics->is_array())
    return core::fail(file.string() +
                      ": needs \"designs\" (non-empty array) and \"metrics\" (array)");
  std::vector<std::string> names;
  for (size_t i = 0; i < designs->size(); ++i) {
    const json* n = find((*designs)[i], {"name"});
    if (!n || !n->is_string())
      return core::fail(fmt::format("{}: designs[{}] needs a \"name\"", file.string(), i));
    names.push_back(n->get<std::string>());
  }
  std::string list;
  for (const auto& n : names)
    list += (list.empty() ? "" : " vs ") + fmt::format("<b>{}</b>", esc(n));

  // Every metric, checked against the registry.
  auto compared = read_compared(*metrics, file, names);
  if (!compared) return std::unexpected(compared.error());
  const auto [per, per_members, diff, diff_members, widths] = compare_tables(*compared, names);
  const std::vector<const ComparedMetric*> shown = plotted_differences(*compared);

  html::Page out("canopy compare");
  out.header(fmt::format("designs {} &middot; <b>{}</b> runs each, common random numbers", list,
                         cell_at(*cj, {"runs"})));
  out.section("designs", "Per design");
  out.table(per);
  if (!per_members.rows.empty())
    table_folded(out, per_members, 0,
                 fmt::format("Per-area and per-zone metrics ({})", per_members.rows.size()));
  out.section("differences", "Paired differences");
  if (!shown.empty())
    for (size_t k = 1; k < names.size(); ++k)
      out.figure(svg::render(differences_plot(shown, k, names)),
                 fmt::format("Mean difference {} − {} over the runs paired by seed, with its "
                             "paired 95 % interval (Student-t), for the headline proportions and "
                             "each defended area's leak rate; an interval clear of the grey zero "
                             "line is a difference the runs resolve. (—): one design lacks the "
                             "metric. The other metrics, of other scales, are in the table below.",
                             esc(names[k]), esc(names[0])));
  out.table(diff);
  if (!diff_members.rows.empty())
    table_folded(out, diff_members, 0,
                 fmt::format("Differences of the per-area and per-zone metrics ({})",
                             diff_members.rows.size()));
  out.figure(svg::render(widths),
             "Width of each headline difference's 95 % interval, paired (blue) relative to "
             "unpaired (grey = 1): the shorter the blue bar, the more common random numbers "
             "narrowed the interval (the table's width ratio is grey / blue).");
  return out.finish("");
}

}  // namespace canopy::io::detail
