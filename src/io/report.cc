#include "canopy/io/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "canopy/core/atomic_file.h"
#include "canopy/core/check.h"
#include "canopy/eval/metrics.h"
#include "canopy/io/geo_export.h"
#include "canopy/io/report_internal.h"
#include "canopy/io/viewer_bundle.h"

namespace canopy::io {
namespace detail {

// ---------------------------------------------------------------- JSON access

// The value at a path of keys, or nullptr.
const json* find(const json& j, std::initializer_list<std::string_view> path) {
  const json* cur = &j;
  for (std::string_view k : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(k));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

double number(const json& j, std::initializer_list<std::string_view> path) {
  const json* v = find(j, path);
  return v && v->is_number() ? v->get<double>() : kNaN;
}

std::string cell_at(const json& j, std::initializer_list<std::string_view> path) {
  const json* v = find(j, path);
  return v ? cell(*v) : "—";
}

// ---------------------------------------------------------------- Monte Carlo, sweep, compare

// ---- Metric names: the registry (src/eval/metrics.h).

// The registry's definition of a metric this file names itself (a plotted or
// tabulated metric). A name the registry does not resolve is a bug in this
// file, not bad input: it stops the program rather than drop a plot unseen.
eval::MetricDef registry_metric(std::string_view name) {
  std::optional<eval::MetricDef> d = eval::find_metric(name);
  CANOPY_CHECK(d.has_value(), "the report names metric '{}', unknown to the registry", name);
  return std::move(*d);
}

// The members of a family among metric names, each once, in first-seen order.
std::vector<std::string> members(const std::vector<std::string>& names, std::string_view family) {
  std::vector<std::string> out;
  for (const std::string& n : names)
    if (auto m = eval::member_of(n, family); m && std::ranges::find(out, *m) == out.end())
      out.emplace_back(*m);
  return out;
}

// A unit as shown: a proportion's unit "1" reads "proportion".
std::string unit_text(std::string_view unit) { return unit == "1" ? "proportion" : esc(unit); }

// A metric's readable label with its raw name (and unit) small beneath it.
std::string metric_cell(std::string_view name, std::string_view unit) {
  return fmt::format("{}<br><small><code>{}</code>{}</small>", esc(eval::metric_label(name)),
                     esc(name), unit.empty() ? "" : " · " + unit_text(unit));
}

// The label with its unit for a plot axis, unless the label already says it:
// "threatening (rockets)", "mean warning (s)", "value hit".
std::string label_with_unit(std::string_view name) {
  const std::string label = eval::metric_label(name);
  const std::optional<eval::MetricDef> d = eval::find_metric(name);
  if (!d || d->unit == "1" || label.find(fmt::format("({})", d->unit)) != std::string::npos ||
      (d->unit.size() > 2 && label.find(d->unit) != std::string::npos))
    return label;
  return fmt::format("{} ({})", label, d->unit);
}

// "estimate [lo, hi]"; "estimate [—]" with no interval (a single run);
// "—" when there is no estimate.
std::string estimate_ci(double estimate, double lo, double hi) {
  if (!std::isfinite(estimate)) return "—";
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return fmt::format("{} <span class=\"ci\">[—]</span>", num(estimate));
  return html::with_ci(estimate, lo, hi);
}

// "[lo, hi]", or "—".
std::string interval_text(double lo, double hi) {
  return std::isfinite(lo) && std::isfinite(hi) ? fmt::format("[{}, {}]", num(lo), num(hi)) : "—";
}

// A JSON pair of numbers at `key`, or NaNs (absent or null).
std::pair<double, double> interval_at(const json& j, std::string_view key) {
  const json* c = find(j, {key});
  if (!c || !c->is_array() || c->size() != 2 || !(*c)[0].is_number() || !(*c)[1].is_number())
    return {kNaN, kNaN};
  return {(*c)[0].get<double>(), (*c)[1].get<double>()};
}

// A table in a <details> fold when it has more than `fold_above` rows (its
// caption stays outside, visible).
void table_folded(html::Page& page, html::Table t, size_t fold_above, std::string_view summary) {
  if (t.rows.size() <= fold_above) {
    page.table(t);
    return;
  }
  const std::string caption = std::move(t.caption);
  t.caption.clear();
  page.raw(fmt::format("<details><summary>{}</summary>\n", summary));
  page.table(t);
  page.raw("</details>\n");
  if (!caption.empty()) page.raw(fmt::format("<p class=\"caption\">{}</p>\n", caption));
}

}  // namespace detail

namespace {
namespace fs = std::filesystem;
}  // namespace

using detail::compare_html;
using detail::montecarlo_html;
using detail::sweep_html;

core::Result<ReportFiles::Kind> detect_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return core::fail(fmt::format("{}: no such directory", dir.string()));
  if (is_run_directory(dir)) return ReportFiles::Kind::kRun;
  if (fs::is_regular_file(dir / "compare.json", ec)) return ReportFiles::Kind::kCompare;
  if (fs::is_regular_file(dir / "sweep.json", ec)) return ReportFiles::Kind::kSweep;
  if (fs::is_regular_file(dir / "aggregate.json", ec)) return ReportFiles::Kind::kMonteCarlo;
  if (fs::is_regular_file(dir / "summary.json", ec))
    return core::fail(fmt::format(
        "{}: has summary.json but no events.jsonl: not a complete run directory", dir.string()));
  return core::fail(
      fmt::format("{}: not a canopy output directory (no summary.json + events.jsonl, "
                  "aggregate.json, sweep.json or "
                  "compare.json)",
                  dir.string()));
}

core::Result<ReportFiles> write_report(const fs::path& dir, const ReportOptions& options) {
  auto kind = detect_directory(dir);
  if (!kind) return std::unexpected(kind.error());
  ReportFiles files;
  files.kind = *kind;
  files.html = dir / "report.html";

  // Build every output in memory first; write only when all succeeded.
  std::vector<std::pair<fs::path, std::string>> outputs;
  if (*kind == ReportFiles::Kind::kRun) {
    auto run = read_run(dir);
    if (!run) return std::unexpected(run.error());
    outputs.emplace_back(files.html, run_report_html(*run, options));
    if (!viewer_bundle_built() && options.viewer)
      files.notes.push_back("the replay viewer was not built in");
    if (options.exports) {
      if (run->scenario) {
        auto czml = build_czml(*run);
        if (!czml) return std::unexpected(czml.error());
        auto geo = build_geojson(*run);
        if (!geo) return std::unexpected(geo.error());
        outputs.emplace_back(dir / "replay.czml", czml->dump() + "\n");
        outputs.emplace_back(dir / "impacts.geojson", geo->dump() + "\n");
      } else {
        files.notes.push_back("no scenario.yaml: replay.czml and impacts.geojson not written");
      }
    }
  } else {
    auto page = *kind == ReportFiles::Kind::kMonteCarlo ? montecarlo_html(dir)
                : *kind == ReportFiles::Kind::kSweep    ? sweep_html(dir)
                                                        : compare_html(dir);
    if (!page) return std::unexpected(page.error());
    outputs.emplace_back(files.html, std::move(*page));
  }

  // Open every temporary and write; rename all into place only when every
  // one was written whole.
  std::vector<core::AtomicFile> open;
  for (const auto& [path, text] : outputs) {
    auto f = core::AtomicFile::open(path);
    if (!f) return std::unexpected(f.error());
    f->stream() << text;
    open.push_back(std::move(*f));
  }
  if (auto ok = core::commit_all(open); !ok) return std::unexpected(ok.error());
  for (core::AtomicFile& f : open) {
    if (f.target() != files.html) files.exports.push_back(f.target());
  }
  return files;
}

}  // namespace canopy::io
