// GCC 12 warns, wrongly, that std::regex's std::function members may be
// used uninitialized (a libstdc++ false positive under -O2 with the
// sanitizers); the warning is off for this test file only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "canopy/eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

#include "canopy/eval/montecarlo.h"

namespace canopy::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(MetricRegistry, EveryMetricIsDefinedOnceWithUnitMeaningAndCounts) {
  std::set<std::string> names;
  for (const MetricDef& d : fixed_metrics()) {
    EXPECT_TRUE(names.insert(d.name).second) << "twice: " << d.name;
    EXPECT_FALSE(d.unit.empty()) << d.name;
    EXPECT_FALSE(d.meaning.empty()) << d.name;
    EXPECT_LT(d.min, d.max) << d.name;
    if (d.kind != MetricKind::kProportion) continue;
    EXPECT_EQ(d.min, 0) << d.name;
    EXPECT_EQ(d.max, 1) << d.name;
    // Its counts are metrics of their own.
    for (const std::string& c : {d.successes, d.trials}) {
      const auto count = find_metric(c);
      ASSERT_TRUE(count) << d.name << ": " << c;
      EXPECT_EQ(count->kind, MetricKind::kCount) << c;
    }
  }
  for (const MetricDef& f : families()) {
    EXPECT_NE(f.scope, MetricDef::Scope::kRun) << f.name;
    EXPECT_FALSE(f.unit.empty()) << f.name;
  }
}

TEST(MetricRegistry, FamilyMembersResolveForAnyAreaName) {
  const auto d = find_metric("leak_rate[Kiryat, \"A\" [north]]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, "leak_rate[Kiryat, \"A\" [north]]");
  EXPECT_EQ(d->kind, MetricKind::kProportion);
  EXPECT_EQ(d->successes, "leakers[Kiryat, \"A\" [north]]");
  EXPECT_EQ(d->trials, "threatening[Kiryat, \"A\" [north]]");
  EXPECT_EQ(find_metric("own_warning_p5_s[B4]")->unit, "s");
  EXPECT_EQ(member_name("engaged", "Northport"), "engaged[Northport]");
  EXPECT_EQ(member_of("leak_rate[Town [A]]", "leak_rate"), "Town [A]");
  EXPECT_FALSE(member_of("leak_rate[Town]", "leakers"));
  EXPECT_FALSE(member_of("leak_rate", "leak_rate"));
}

TEST(MetricRegistry, UnknownNamesDoNotResolve) {
  for (const char* name : {"warning_fraction", "intercepted_of_engaged", "leak_rate[]",
                           "leak_rate[Northport", "nothing[Northport]", "[Northport]", ""})
    EXPECT_FALSE(find_metric(name)) << name;
}

TEST(MetricRegistry, TheSetOfAScenarioHasEachAreaAndZoneFamily) {
  const MetricSet set({"Northport", "Southbay"}, {"A3"});
  EXPECT_EQ(set.size(), fixed_metrics().size() + 2 * 6 + 4);
  EXPECT_EQ(set.index("rockets_launched"), 0);
  const int north = set.index("leak_rate[Northport]");
  ASSERT_GE(north, 0);
  EXPECT_EQ(set[static_cast<size_t>(north)].trials, "threatening[Northport]");
  EXPECT_GE(set.index("false_population_s[A3]"), 0);
  EXPECT_EQ(set.index("leak_rate[A3]"), -1);  // a zone has no leak rate
  EXPECT_EQ(set.index("warning_fraction"), -1);
}

TEST(MetricRegistry, LabelsAreReadable) {
  EXPECT_EQ(metric_label("leak_rate"), "leak rate");
  EXPECT_EQ(metric_label("leak_rate[Northport]"), "leak rate, Northport");
  EXPECT_EQ(metric_label("mean_warning_s"), "mean warning (s)");
  EXPECT_EQ(metric_label("own_warning_p5_s[B4]"), "own warning, 5th percentile (s), B4");
  EXPECT_EQ(metric_label("false_population_s"), "false population (person·s)");
  EXPECT_EQ(metric_label("gospa_mean_m"), "GOSPA mean (m)");
  EXPECT_EQ(summary_label(*find_summary_key("tracking.settled_rms_velocity_mps")),
            "settled RMS velocity (m/s)");
  EXPECT_EQ(summary_label(*find_summary_key("engagement.intercept_alt_p90_m")),
            "intercept alt, 90th percentile (m)");
}

// docs/montecarlo.md lists every fixed metric and family, and nothing else.
TEST(MetricRegistry, TheDocsListEveryMetric) {
  std::ifstream in(std::string(CANOPY_SOURCE_DIR) + "/docs/montecarlo.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t start = doc.find("### The metrics of a run");
  ASSERT_NE(start, std::string::npos);
  const std::string table = doc.substr(start, doc.find("\n### ", start + 1) - start);
  std::set<std::string> listed;
  const std::regex row(R"(\n\| ([^|]*) \|)");
  const std::regex code("`([^`]+)`");
  for (auto r = std::sregex_iterator(table.begin(), table.end(), row); r != std::sregex_iterator();
       ++r) {
    const std::string first = (*r)[1];
    for (auto c = std::sregex_iterator(first.begin(), first.end(), code);
         c != std::sregex_iterator(); ++c)
      listed.insert((*c)[1]);
  }
  for (const MetricDef& d : fixed_metrics()) EXPECT_TRUE(listed.contains(d.name)) << d.name;
  for (const MetricDef& f : families())
    EXPECT_TRUE(listed.contains(f.name + "[<area>]") || listed.contains(f.name + "[<zone>]"))
        << f.name;
  for (const std::string& name : listed) {
    const bool member = name.ends_with("[<area>]") || name.ends_with("[<zone>]");
    EXPECT_TRUE(find_metric(member ? name.substr(0, name.find('[')) + "[X]" : name)) << name;
  }
}

RunRecord record(int run, std::vector<double> values) { return {run, std::move(values), 0}; }

TEST(Aggregate, NoIntervalFromOneRun) {
  const MetricSet set({}, {});
  std::vector<double> v(set.size(), 3);
  const auto agg = aggregate_metrics(std::vector{record(0, v)}, set, 7);
  const auto& fired = agg[static_cast<size_t>(set.index("interceptors_fired"))];
  EXPECT_EQ(fired["estimate"], 3.0);
  EXPECT_TRUE(fired["ci95"].is_null());
  EXPECT_TRUE(fired["sd"].is_null());
  const auto& leak = agg[static_cast<size_t>(set.index("leak_rate"))];
  EXPECT_TRUE(leak["ci95_runs"].is_null());  // the bootstrap of one run
  EXPECT_TRUE(leak["ci95"].is_array());      // Wilson: over the run's 3 trials
}

TEST(Aggregate, IntervalsAreClippedToTheMetricsRange) {
  const MetricSet set({}, {});
  const int leakers = set.index("leakers");
  std::vector<RunRecord> rows;
  for (int r = 0; r < 3; ++r) {
    std::vector<double> v(set.size(), kNaN);
    v[static_cast<size_t>(leakers)] = r == 0 ? 10 : 0;  // mean 3.33, t interval below 0
    rows.push_back(record(r, v));
  }
  const auto agg = aggregate_metrics(rows, set, 7);
  const auto& m = agg[static_cast<size_t>(leakers)];
  EXPECT_NEAR(m["estimate"].get<double>(), 10.0 / 3, 1e-12);
  EXPECT_EQ(m["ci95"][0].get<double>(), 0.0);
  EXPECT_GT(m["ci95"][1].get<double>(), 10.0);
  EXPECT_EQ(m["unit"], "rockets");
}

// A summary.json key that reports a Monte Carlo metric is spelled as that
// metric; a key with its own meaning does not borrow a metric's name.
TEST(SummaryKeys, AKeyReportingAMetricIsSpelledAsIt) {
  std::set<std::string_view> paths;
  for (const SummaryKey& k : summary_keys()) {
    EXPECT_TRUE(paths.insert(k.path).second) << "twice: " << k.path;
    std::string_view leaf = k.path.substr(k.path.rfind('.') + 1);
    if (!k.metric.empty()) {
      EXPECT_EQ(leaf, k.metric) << k.path;
      const bool member = k.path.find("[]") != std::string_view::npos;
      EXPECT_TRUE(find_metric(member ? std::string(k.metric) + "[X]" : std::string(k.metric)))
          << k.path;
      EXPECT_TRUE(k.unit.empty() && k.meaning.empty()) << k.path << ": the metric says them";
    } else {
      EXPECT_FALSE(find_metric(leaf)) << k.path << " borrows the name of a metric";
      EXPECT_FALSE(k.meaning.empty()) << k.path;
    }
  }
}

TEST(SummaryKeys, PathsResolveWithPoliciesAndListEntries) {
  EXPECT_NE(find_summary_key("assessment.alerts.region.zones[].own_warning_p5_s"), nullptr);
  EXPECT_NE(find_summary_key("safety.not_engaged_by_reason.no_window"), nullptr);
  EXPECT_EQ(find_summary_key("assessment.alerts.zones[].own_warning_p5_s"), nullptr);
  EXPECT_EQ(find_summary_key("engagement.areas.leak_rate"), nullptr);
  EXPECT_EQ(find_summary_key("engagement"), nullptr);
  EXPECT_EQ(find_summary_key("engagement.leak_rate.x"), nullptr);
  EXPECT_EQ(find_summary_key(""), nullptr);
}

// docs/outputs.md lists every summary.json key, and nothing else.
TEST(SummaryKeys, TheDocsListEveryKey) {
  std::ifstream in(std::string(CANOPY_SOURCE_DIR) + "/docs/outputs.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t start = doc.find("### summary.json keys");
  ASSERT_NE(start, std::string::npos);
  const std::string table = doc.substr(start, doc.find("\n## ", start + 1) - start);
  std::set<std::string> listed;
  const std::regex row(R"(\n\| `([^`|]+)` \|)");
  for (auto r = std::sregex_iterator(table.begin(), table.end(), row); r != std::sregex_iterator();
       ++r)
    listed.insert((*r)[1]);
  for (const SummaryKey& k : summary_keys())
    EXPECT_TRUE(listed.contains(std::string(k.path))) << k.path;
  for (const std::string& path : listed) EXPECT_TRUE(find_summary_key(path)) << path;
}

}  // namespace
}  // namespace canopy::eval
