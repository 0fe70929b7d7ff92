// The registry of the metrics canopy reports over runs (docs/metrics.md,
// "The registry"): every metric once, with its name, unit, definition, how it
// is aggregated over runs and the range its estimate and interval lie in.
// runs.csv, aggregate.json, sweep.csv, compare.csv, the printed summaries and
// the reports take their names from here; an unknown name is an error.
//
// Besides the fixed metrics, each defended area and each alert zone has its
// own family of metrics named `<family>[<name>]` (threatening[Northport],
// own_warning_mean_s[Northport centre], ...).
//
//   eval::MetricSet set = eval::metric_set(scenario);   // the runs.csv columns
//   int i = set.index("leak_rate[Northport]");
//   std::optional<eval::MetricDef> d = eval::find_metric("leak_rate[Ashford]");
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canopy/scenario/scenario.h"

namespace canopy::eval {

enum class MetricKind {
  kCount,       // a count in the run; aggregated as a mean over runs
  kValue,       // a measured value; aggregated as a mean over runs
  kProportion,  // successes / trials of two count metrics; pooled over runs
};

struct MetricDef {
  std::string name;
  MetricKind kind = MetricKind::kValue;
  std::string successes, trials;  // count metrics, for a proportion
  std::string_view unit;          // "rockets", "s", "m", "1" (a proportion), ...
  std::string_view meaning;
  // The range the estimate and its interval are clipped to.
  double min = 0, max = std::numeric_limits<double>::infinity();
  // Families only: per defended area or per alert zone.
  enum class Scope { kRun, kArea, kZone } scope = Scope::kRun;
};

// The fixed metrics, in runs.csv column order, and the per-area and
// per-zone families (named by the family, e.g. "leak_rate"; their
// successes/trials name families too).
std::span<const MetricDef> fixed_metrics();
std::span<const MetricDef> families();

// The metric of a name, fixed or of a family (`leak_rate[Northport]`, any
// area or zone name), with the family member's full name; nullopt when the
// registry has no such metric.
std::optional<MetricDef> find_metric(std::string_view name);

// The family member's name `<family>[<area or zone>]`, and back: the
// member of `name` when it belongs to `family` ("Northport" for
// ("leak_rate[Northport]", "leak_rate")), nullopt otherwise.
std::string member_name(std::string_view family, std::string_view member);
std::optional<std::string_view> member_of(std::string_view name, std::string_view family);

// A readable label for a metric name: "leak rate", "leak rate, Northport".
std::string metric_label(std::string_view name);

// The keys of a run's summary.json (docs/outputs.md lists them): a path of
// object keys from the root, `[]` for the entries of a list and `<policy>` /
// `<reason>` for keys named by an alert policy or a reason. A key that holds
// the same quantity as a Monte Carlo metric names it (`metric`, and the key
// is spelled as the metric); for the alert baselines it is the same
// quantity under that policy. The others carry their own unit and meaning.
struct SummaryKey {
  std::string_view path;
  std::string_view unit;  // "" for a label (a name, an id) or a list of records
  std::string_view meaning;
  std::string_view metric;  // the registry metric or family it reports, or ""
};
std::span<const SummaryKey> summary_keys();
// The key of a path such as "assessment.alerts.region.zones[].impacts", or
// nullptr.
const SummaryKey* find_summary_key(std::string_view path);
// A readable label for a summary key's last name, with its unit:
// "GOSPA mean (m)" for "tracking.gospa_mean_m".
std::string summary_label(const SummaryKey& key);

// The metrics of one scenario's runs, in column order: the fixed metrics,
// then the area families for each defended area, then the zone families for
// each alert zone (both in scenario order).
class MetricSet {
 public:
  MetricSet() = default;
  MetricSet(std::vector<std::string> areas, const std::vector<std::string>& zones);
  std::span<const MetricDef> defs() const { return defs_; }
  size_t size() const { return defs_.size(); }
  const MetricDef& operator[](size_t i) const { return defs_[i]; }
  // Index by name, or -1.
  int index(std::string_view name) const;
  const std::vector<std::string>& areas() const { return areas_; }

 private:
  std::vector<MetricDef> defs_;
  std::vector<std::string> areas_;
};

MetricSet metric_set(const scenario::Scenario& scenario);

// The metrics an analyst reads first: the commands print them and the
// compare report plots their differences.
inline constexpr std::string_view kHeadlineMetrics[] = {
    "leak_rate",           "interception_rate", "value_hit",         "interceptors_fired",
    "warning_rate",        "mean_warning_s",    "false_zone_alerts", "open_ground_engaged_rate",
    "threat_declared_rate"};

}  // namespace canopy::eval
