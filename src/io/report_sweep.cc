// The report page of a sweep directory: plots of the key metrics against
// the first swept key, heat maps over two keys, tornadoes of a
// one-at-a-time sweep, and the table of every combination.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/eval/metrics.h"
#include "canopy/io/report_html.h"
#include "canopy/io/report_internal.h"
#include "canopy/io/svg_plot.h"

namespace canopy::io::detail {
namespace {

// ---- Sweeps

// The per-combination metrics of a sweep, read from each combo's aggregate.json.
struct Combo {
  std::map<std::string, std::string> values;
  std::string dir;
  std::vector<Metric> metrics;
};

std::optional<double> as_number(const std::string& s) {
  try {
    size_t pos = 0;
    const double v = std::stod(s, &pos);
    if (pos == s.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// The first swept key as the x axis: numeric when every value is a number,
// otherwise its values as categories in first-seen order.
struct SweepAxis {
  std::string key;
  bool numeric = true;
  std::vector<std::string> values;

  SweepAxis(std::string k, const std::vector<Combo>& combos) : key(std::move(k)) {
    for (const Combo& c : combos) {
      const std::string v = value(c);
      numeric &= as_number(v).has_value();
      if (std::ranges::find(values, v) == values.end()) values.push_back(v);
    }
  }
  std::string value(const Combo& c) const { return c.values.contains(key) ? c.values.at(key) : ""; }
  double x(const Combo& c) const {
    const std::string v = value(c);
    return numeric ? *as_number(v)
                   : static_cast<double>(std::ranges::find(values, v) - values.begin());
  }
};

// One point of a sweep plot: a metric of a combination, on a named line.
struct SweepPoint {
  std::string line;
  const Combo* combo = nullptr;
  std::string metric;
};

// Estimates with their intervals against the axis, one line per distinct
// SweepPoint::line (in first-seen order), each in order of x. With several
// lines, each is shifted sideways a little (all together by at most 15 % of the
// smallest gap between x values) so their intervals do not hide each other.
// Empty when no point has a metric.
std::optional<svg::Plot> sweep_plot(std::string title, std::string y_label, const SweepAxis& axis,
                                    const std::vector<SweepPoint>& points) {
  svg::Plot p;
  p.title = std::move(title);
  p.x.label = axis.key;
  p.y.label = std::move(y_label);
  if (!axis.numeric) p.x.categories = axis.values;
  std::vector<svg::Series> lines;
  bool any = false;
  for (const SweepPoint& pt : points) {
    const Metric* m = metric(pt.combo->metrics, pt.metric);
    if (!m) continue;
    any = true;
    auto it = std::ranges::find(lines, pt.line, &svg::Series::name);
    if (it == lines.end()) it = lines.insert(lines.end(), svg::series(pt.line, svg::Kind::kLine));
    it->x.push_back(axis.x(*pt.combo)), it->y.push_back(m->estimate);
    it->lo.push_back(m->lo), it->hi.push_back(m->hi);
  }
  if (!any) return std::nullopt;
  // The smallest gap between distinct x values.
  std::vector<double> xs;
  for (const svg::Series& s : lines) xs.insert(xs.end(), s.x.begin(), s.x.end());
  std::ranges::sort(xs);
  double gap = std::numeric_limits<double>::infinity();
  for (size_t i = 1; i < xs.size(); ++i)
    if (xs[i] > xs[i - 1]) gap = std::min(gap, xs[i] - xs[i - 1]);
  if (!std::isfinite(gap)) gap = 1;
  const double step =
      lines.size() > 1 ? gap * std::min(0.03, 0.15 / static_cast<double>(lines.size())) : 0;
  if (axis.numeric && step > 0) {  // the axis spans the data, not the ticks beyond the shifts
    const double spread = 0.5 * step * static_cast<double>(lines.size() - 1);
    p.x.min = xs.front() - spread - 0.02 * gap, p.x.max = xs.back() + spread + 0.02 * gap;
  }
  for (size_t j = 0; j < lines.size(); ++j) {
    svg::Series& s = lines[j];
    std::vector<size_t> order(s.x.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::ranges::sort(order, [&](size_t a, size_t b) { return s.x[a] < s.x[b]; });
    svg::Series sorted = s;
    const double shift =
        (static_cast<double>(j) - 0.5 * static_cast<double>(lines.size() - 1)) * step;
    for (size_t i = 0; i < order.size(); ++i)
      sorted.x[i] = s.x[order[i]] + shift, sorted.y[i] = s.y[order[i]],
      sorted.lo[i] = s.lo[order[i]], sorted.hi[i] = s.hi[order[i]];
    p.series.push_back(std::move(sorted));
  }
  return p;
}

// The metrics plotted against the first swept key (registry names).
constexpr std::string_view kSweepPlotMetrics[] = {
    "leak_rate",    "interception_rate", "value_hit",         "interceptors_fired",
    "warning_rate", "mean_warning_s",    "own_warning_mean_s"};

// Plots against the first key, one line per combination of the others.
void against_first_key_section(html::Page& page, const std::vector<std::string>& keys,
                               const std::vector<Combo>& combos,
                               const std::vector<std::string>& names) {
  page.section("plots", "Key metrics against " + keys[0]);
  const SweepAxis axis(keys[0], combos);
  auto others = [&](const Combo& c) {
    std::string label;
    for (size_t k = 1; k < keys.size(); ++k)
      label += (label.empty() ? "" : ", ") + keys[k] + " = " +
               (c.values.contains(keys[k]) ? c.values.at(keys[k]) : "?");
    return label;
  };
  const std::string per_other = keys.size() > 1
                                    ? "; one line per combination of the other swept keys, the "
                                      "lines shifted sideways a little so the intervals do not "
                                      "hide each other"
                                    : "";
  for (std::string_view name : kSweepPlotMetrics) {
    const eval::MetricDef def = registry_metric(name);
    std::vector<SweepPoint> points;
    for (const Combo& c : combos) points.push_back({others(c), &c, def.name});
    auto p = sweep_plot(fmt::format("{} against {}", eval::metric_label(name), keys[0]),
                        label_with_unit(name) + " [95 % interval]", axis, points);
    if (!p) continue;
    const Metric* any = nullptr;
    for (const Combo& c : combos)
      if (!any) any = metric(c.metrics, name);
    page.figure(
        svg::render(*p),
        fmt::format("Estimate of <code>{}</code> ({}) per combination with its 95 % "
                    "interval ({}){}.",
                    esc(name), esc(def.meaning), any ? esc(any->method) : "see table", per_other));
  }
  // Each defended area's leak rate: one plot, one line per area; with more
  // keys, one plot per area.
  const std::vector<std::string> areas = members(names, "leak_rate");
  if (!areas.empty() && keys.size() == 1) {
    std::vector<SweepPoint> points;
    std::string codes;
    for (const std::string& area : areas) {
      const std::string member = eval::member_name("leak_rate", area);
      codes += (codes.empty() ? "" : ", ") + fmt::format("<code>{}</code>", esc(member));
      for (const Combo& c : combos) points.push_back({area, &c, member});
    }
    if (auto p = sweep_plot(fmt::format("{} per defended area against {}",
                                        eval::metric_label("leak_rate"), keys[0]),
                            label_with_unit("leak_rate") + " [95 % interval]", axis, points))
      page.figure(svg::render(*p),
                  fmt::format("Each defended area's leak rate (leakers / threatening rockets of "
                              "the area, pooled over the runs) with its Wilson 95 % interval, one "
                              "line per area; the lines are shifted sideways a little so the "
                              "intervals do not hide each other. Metrics: {}.",
                              codes));
  } else {
    for (const std::string& area : areas) {
      const std::string member = eval::member_name("leak_rate", area);
      std::vector<SweepPoint> points;
      for (const Combo& c : combos) points.push_back({others(c), &c, member});
      if (auto p = sweep_plot(fmt::format("{} against {}", eval::metric_label(member), keys[0]),
                              label_with_unit(member) + " [95 % interval]", axis, points))
        page.figure(svg::render(*p),
                    fmt::format("Estimate of <code>{}</code> (leakers / threatening rockets of "
                                "{}, pooled over the runs) per combination with its Wilson 95 % "
                                "interval{}.",
                                esc(member), esc(area), per_other));
    }
  }
}

void table_section(html::Page& page, const std::vector<std::string>& keys,
                   const std::vector<Combo>& combos, const std::vector<std::string>& names,
                   const std::map<std::string, std::string>& units) {
  page.section("table", "Sweep table");
  html::Table t;
  t.first_column_label = true;
  t.head.push_back("combination");
  for (const auto& k : keys) t.head.push_back(fmt::format("<code>{}</code>", esc(k)));
  for (const auto& n : names) t.head.push_back(metric_cell(n, units.at(n)));
  for (const Combo& c : combos) {
    std::vector<std::string> row = {fmt::format("<code>{}</code>", esc(c.dir))};
    for (const auto& k : keys) row.push_back(esc(c.values.contains(k) ? c.values.at(k) : ""));
    for (const auto& n : names) row.push_back(estimate_cell(metric(c.metrics, n)));
    t.rows.push_back(std::move(row));
  }
  t.caption =
      "Estimate [95 % interval] of each metric of any combination (— where a combination lacks "
      "it, e.g. an area only some combinations have); the interval method per metric is as in "
      "each combination's aggregate.json (Wilson for proportions, Student-t for means).";
  page.table(t);
}

// One-at-a-time sweeps: a tornado per headline metric, the keys sorted by
// the swing of the metric over their values (largest first).
void sensitivity_section(html::Page& page, const std::vector<std::string>& keys,
                         const std::vector<Combo>& combos) {
  page.section("sensitivity", "Sensitivity, one key at a time");
  const Combo& base = combos.front();  // the base scenario: no key set
  for (std::string_view name : kSweepPlotMetrics) {
    const eval::MetricDef def = registry_metric(name);
    const Metric* b = metric(base.metrics, name);
    if (!b || !std::isfinite(b->estimate)) continue;
    svg::Tornado t;
    t.title = fmt::format("Sensitivity of {}", eval::metric_label(name));
    t.metric_label = label_with_unit(name) + " [95 % interval]";
    t.base = b->estimate, t.base_lo = b->lo, t.base_hi = b->hi;
    t.min = def.min;
    if (std::isfinite(def.max)) t.max = def.max;
    std::vector<std::pair<double, svg::TornadoRow>> rows;
    for (const std::string& key : keys) {
      svg::TornadoRow row{key, {}};
      double lo = kInf, hi = -kInf;
      for (const Combo& c : combos) {
        const auto v = c.values.find(key);
        const Metric* m = metric(c.metrics, name);
        if (v == c.values.end() || !m || !std::isfinite(m->estimate)) continue;
        row.ends.push_back({v->second, m->estimate, m->lo, m->hi});
        lo = std::min(lo, m->estimate), hi = std::max(hi, m->estimate);
      }
      if (!row.ends.empty()) rows.emplace_back(hi - lo, std::move(row));
    }
    std::ranges::stable_sort(rows, std::greater<>{}, &std::pair<double, svg::TornadoRow>::first);
    for (auto& r : rows) t.rows.push_back(std::move(r.second));
    page.figure(svg::render(t),
                fmt::format("<code>{}</code> ({}) when each swept key alone takes each of its "
                            "values, the others as in the base scenario: the bar spans the "
                            "estimates over the key's values, labelled with the values giving "
                            "the lowest and highest; whiskers are their 95 % intervals ({}), the "
                            "bar grey where they overlap (the swing may be noise); the "
                            "dashed line and grey band are the base and its interval. Every "
                            "variation uses the base's random numbers, so the differences are "
                            "not noise between designs. Keys sorted by swing.",
                            esc(name), esc(def.meaning), esc(b->method)));
  }
}

// Two swept keys: a heat map per headline metric, the first key across and
// the second down (numeric values in increasing order).
void heatmap_section(html::Page& page, const std::vector<std::string>& keys,
                     const std::vector<Combo>& combos) {
  auto axis_values = [&](const std::string& key) {
    const SweepAxis axis(key, combos);
    std::vector<std::string> v = axis.values;
    if (axis.numeric)
      std::ranges::stable_sort(v, {}, [](const std::string& x) { return *as_number(x); });
    return v;
  };
  const std::vector<std::string> xs = axis_values(keys[0]), ys = axis_values(keys[1]);
  page.section("heatmaps", fmt::format("Heat maps over {} and {}", keys[0], keys[1]));
  for (std::string_view name : kSweepPlotMetrics) {
    svg::Heatmap h;
    h.title = eval::metric_label(name);
    h.x_label = keys[0], h.y_label = keys[1], h.metric_label = label_with_unit(name);
    h.x_values = xs, h.y_values = ys;
    for (const Combo& c : combos) {
      const Metric* m = metric(c.metrics, name);
      const auto x = c.values.find(keys[0]), y = c.values.find(keys[1]);
      if (!m || x == c.values.end() || y == c.values.end()) continue;
      h.cells.push_back({static_cast<size_t>(std::ranges::find(xs, x->second) - xs.begin()),
                         static_cast<size_t>(std::ranges::find(ys, y->second) - ys.begin()),
                         m->estimate, m->lo, m->hi});
    }
    if (std::ranges::none_of(h.cells,
                             [](const svg::HeatCell& c) { return std::isfinite(c.estimate); }))
      continue;
    page.figure(svg::render(h),
                fmt::format("<code>{}</code> ({}) per combination: the estimate and its 95 % "
                            "interval in each cell, darker for a higher estimate.",
                            esc(name), esc(registry_metric(name).meaning)));
  }
}

}  // namespace

core::Result<std::string> sweep_html(const fs::path& dir) {
  const fs::path file = dir / "sweep.json";
  auto sw = read_json_file(file);
  if (!sw) return std::unexpected(sw.error());
  const json* keys_j = find(*sw, {"keys"});
  const json* combos_j = find(*sw, {"combos"});
  if (!keys_j || !keys_j->is_array() || keys_j->empty() || !combos_j || !combos_j->is_array())
    return core::fail(file.string() + ": needs \"keys\" (non-empty array) and \"combos\" (array)");
  std::vector<std::string> keys;
  for (const json& k : *keys_j) {
    if (!k.is_string()) return core::fail(file.string() + ": \"keys\" must be strings");
    keys.push_back(k.get<std::string>());
  }
  std::vector<Combo> combos;
  for (size_t i = 0; i < combos_j->size(); ++i) {
    const json& c = (*combos_j)[i];
    const json* values = find(c, {"values"});
    const json* d = find(c, {"dir"});
    if (!values || !values->is_object() || !d || !d->is_string())
      return core::fail(fmt::format("{}: combos[{}] needs \"values\" (object) and \"dir\" (string)",
                                    file.string(), i));
    Combo combo;
    for (const auto& [k, v] : values->items())
      combo.values[k] = v.is_string() ? v.get<std::string>() : v.dump();
    combo.dir = d->get<std::string>();
    const fs::path agg_path = dir / combo.dir / "aggregate.json";
    auto agg = read_json_file(agg_path);
    if (!agg) return std::unexpected(agg.error());
    auto ms = read_metrics(*agg, agg_path);
    if (!ms) return std::unexpected(ms.error());
    combo.metrics = std::move(*ms);
    combos.push_back(std::move(combo));
  }
  // Every metric of any combination, in first-seen order (a swept key may
  // change the areas or zones), with its unit.
  std::vector<std::string> names;
  std::map<std::string, std::string> units;
  for (const Combo& c : combos)
    for (const Metric& m : c.metrics)
      if (units.try_emplace(m.name, m.unit).second) names.push_back(m.name);

  html::Page page("canopy sweep");
  std::string key_list;
  for (const auto& k : keys)
    key_list += (key_list.empty() ? "" : ", ") + fmt::format("<code>{}</code>", esc(k));
  page.header(fmt::format("swept {} &middot; <b>{}</b> combinations &middot; <b>{}</b> runs each",
                          key_list, combos.size(), cell_at(*sw, {"runs"})));

  const json* mode = find(*sw, {"mode"});
  if (mode && mode->is_string() && mode->get<std::string>() == "one-at-a-time") {
    sensitivity_section(page, keys, combos);
  } else {
    if (keys.size() == 2) heatmap_section(page, keys, combos);
    against_first_key_section(page, keys, combos, names);
  }
  table_section(page, keys, combos, names, units);
  return page.finish("");
}

}  // namespace canopy::io::detail
