// The report's insides, shared by its source files (report*.cc); not part
// of the module's API: include it from those files only.
//
// report.cc has the entry points (detect_directory, write_report), the JSON
// access and the metric-name helpers of the Monte Carlo, sweep and compare
// pages; report_run.cc the run page and its sections; report_run_plots.cc
// the run page's plots (and warning_times); report_montecarlo.cc
// aggregate.json and the Monte Carlo page; report_sweep.cc the sweep page;
// report_compare.cc the compare page.
#pragma once

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/eval/metrics.h"
#include "canopy/io/report_html.h"
#include "canopy/io/run_data.h"

namespace canopy::io::detail {

namespace fs = std::filesystem;
using html::cell;
using html::esc;
using html::num;
using nlohmann::json;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- JSON access (report.cc)

// The value at a path of keys, or nullptr.
const json* find(const json& j, std::initializer_list<std::string_view> path);
// The number at a path of keys, or NaN.
double number(const json& j, std::initializer_list<std::string_view> path);
// The value at a path of keys as a table cell, or "—".
std::string cell_at(const json& j, std::initializer_list<std::string_view> path);

// ---- Metric names: the registry (report.cc)

eval::MetricDef registry_metric(std::string_view name);
std::vector<std::string> members(const std::vector<std::string>& names, std::string_view family);
std::string unit_text(std::string_view unit);
std::string metric_cell(std::string_view name, std::string_view unit = {});
std::string label_with_unit(std::string_view name);
std::string estimate_ci(double estimate, double lo, double hi);
std::string interval_text(double lo, double hi);
std::pair<double, double> interval_at(const json& j, std::string_view key);
void table_folded(html::Page& page, html::Table t, size_t fold_above, std::string_view summary);

// ---- aggregate.json (report_montecarlo.cc)

struct Metric {
  std::string name, kind, method, unit;
  eval::MetricDef::Scope scope = eval::MetricDef::Scope::kRun;
  double estimate = kNaN, lo = kNaN, hi = kNaN, sd = kNaN;
  double lo_runs = kNaN, hi_runs = kNaN;  // proportions: bootstrap over runs
  long successes = -1, trials = -1, n = -1;
};

core::Result<std::vector<Metric>> read_metrics(const json& agg, const fs::path& file);
// The metric of that name, or nullptr.
const Metric* metric(const std::vector<Metric>& ms, std::string_view name);
std::string estimate_cell(const Metric* m);

// ---- The pages

// The run page's plots section (report_run_plots.cc).
void plots_section(html::Page& page, const RunData& run);
// The report pages of the other directories: montecarlo_html
// (report_montecarlo.cc), sweep_html (report_sweep.cc), compare_html
// (report_compare.cc).
core::Result<std::string> montecarlo_html(const fs::path& dir);
core::Result<std::string> sweep_html(const fs::path& dir);
core::Result<std::string> compare_html(const fs::path& dir);

}  // namespace canopy::io::detail
