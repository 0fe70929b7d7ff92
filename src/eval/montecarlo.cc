#include "canopy/eval/montecarlo.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "canopy/core/check.h"
#include "canopy/core/random.h"
#include "canopy/eval/engagement_metrics.h"
#include "canopy/eval/scoring_sink.h"
#include "canopy/eval/statistics.h"
#include "canopy/sim/world.h"

namespace canopy::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using K = MetricKind;

double rate(double k, double n) { return n > 0 ? k / n : kNaN; }

std::vector<double> row_of(const MetricSet& metrics, const RunSummary& s,
                           const TrackingMetrics* tracking, const AssessMetrics* assess,
                           const SafetyMetrics* safety) {
  const EngagementMetrics e = engagement_metrics(s);
  std::vector<double> v(metrics.size(), kNaN);
  auto set = [&](std::string_view name, double x) {
    const int i = metrics.index(name);
    CANOPY_CHECK(i >= 0, "metric '{}' is not in the registry", name);
    v[static_cast<size_t>(i)] = x;
  };
  set("rockets_launched", s.rockets_launched);
  set("threatening", e.threatening);
  set("leakers", e.leakers);
  set("value_hit", s.value_hit);
  set("value_saved", s.value_saved);
  set("rockets_engaged", s.rockets_engaged);
  set("rockets_intercepted", s.rockets_killed);
  set("open_ground_rockets", e.open_ground_rockets);
  set("engaged_open_ground", s.engaged_open_ground);
  set("interceptors_fired", s.interceptors_fired);
  set("interceptors_per_kill", rate(s.interceptors_fired, s.rockets_killed));
  set("interceptor_cost", s.interceptor_cost);
  if (!s.miss_m.empty()) set("miss_median_m", e.miss_median_m);
  if (!s.intercept_alt_m.empty()) set("intercept_alt_median_m", e.intercept_alt_median_m);
  set("debris_in_areas", s.debris_in_areas);
  set("kill_assessments", s.kill_assessments);
  set("kill_assessments_right", s.kill_assessments_right);
  set("impacts_in_areas", s.impacts_in_areas);
  set("impacts_open_ground", s.impacts_open_ground);
  if (tracking != nullptr) {
    set("rockets_tracked", tracking->rockets_tracked);
    set("tracks_confirmed", tracking->confirmed_tracks);
    set("false_tracks", tracking->false_tracks);
    set("debris_tracks", tracking->debris_tracks);
    if (tracking->scans > 0) set("gospa_mean_m", tracking->gospa_mean_m);
  }
  if (assess != nullptr) {
    const AlertPolicyMetrics& a = assess->alerts[assess::kCanopyPolicy];
    set("true_threats", assess->true_threats);
    set("threats_declared", assess->threat_declared);
    set("impacts_in_zones", a.impacts_in_zones);
    set("warned", a.warned);
    if (a.impacts_in_zones > 0) {
      set("mean_warning_s", a.mean_warning_s);
      set("p5_warning_s", a.p5_warning_s);
      set("own_warning_mean_s", a.mean_own_warning_s);
      set("own_warning_p5_s", a.p5_own_warning_s);
    }
    set("false_zone_alerts", a.false_zone_alerts);
    set("false_population_s", a.false_population_s);
  }
  if (safety != nullptr) {
    set("warnable_impacts", safety->warnable_impacts);
    set("alerts_missed", safety->unwarned + safety->late);
    set("false_kill_claims", safety->false_kill_claims);
    set("alerts_cancelled_while_alive", safety->alerts_cancelled_while_alive);
    set("alerts_on", safety->alerts_on);
    set("debris_alerts", safety->alerts_on_no_rocket);
    set("wrong_target_kills", safety->wrong_target_kills);
  }
  set("sim_time_s", s.sim_time_s);
  for (const AreaFigures& a : s.areas) {
    set(member_name("threatening", a.name), a.threatening);
    set(member_name("engaged", a.name), a.engaged);
    set(member_name("intercepted", a.name), a.intercepted);
    set(member_name("leakers", a.name), a.leakers);
    set(member_name("value_hit", a.name), a.value_hit);
  }
  if (assess != nullptr) {
    for (const ZoneAlertMetrics& z : assess->alerts[assess::kCanopyPolicy].zones) {
      set(member_name("impacts", z.zone), z.impacts);
      set(member_name("own_warning_mean_s", z.zone), z.mean_own_warning_s);
      set(member_name("own_warning_p5_s", z.zone), z.p5_own_warning_s);
      set(member_name("false_population_s", z.zone), z.false_population_s);
    }
  }
  for (size_t i = 0; i < metrics.size(); ++i) {
    const MetricDef& m = metrics[i];
    if (m.kind != K::kProportion) continue;
    v[i] = rate(v[static_cast<size_t>(metrics.index(m.successes))],
                v[static_cast<size_t>(metrics.index(m.trials))]);
  }
  return v;
}

std::string format_value(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

}  // namespace

core::Result<RunRecord> run_once(const scenario::Scenario& scenario, int run_index,
                                 const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  sim::WorldOptions options;
  options.run_index = run_index;
  options.trajectory_interval_s = 0;
  auto world = sim::World::create(scenario, options);
  if (!world) return core::fail(fmt::format("run {}: {}", run_index, world.error().message));
  ScoringSink scoring(nullptr, scenario);
  world->set_sink(&scoring);
  for (long n = 0; !world->done(); ++n) {
    if (cancel != nullptr && n % 64 == 0 && cancel->load())
      return core::fail(fmt::format("run {}: cancelled", run_index));
    world->step();
  }
  const bool tracked = !scenario.sensors.empty();
  const TrackingMetrics tracking = scoring.result();
  const AssessMetrics assess = scoring.assessment();
  const SafetyMetrics safety = scoring.safety();
  RunRecord r;
  r.run = run_index;
  r.values =
      row_of(metric_set(scenario), scoring.summary(world->stats()), tracked ? &tracking : nullptr,
             tracked ? &assess : nullptr, tracked ? &safety : nullptr);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

core::Result<void> run_many(const scenario::Scenario& scenario, std::span<const int> runs,
                            int threads, const std::function<void(RunRecord)>& on_done,
                            const std::atomic<bool>* cancel) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::optional<core::Error> failure;
  auto fail = [&](core::Error e) {
    std::lock_guard lock(mutex);
    if (!failure) failure = std::move(e);
    stop = true;
  };
  auto worker = [&] {
    while (!stop && !(cancel != nullptr && cancel->load())) {
      const size_t k = next++;
      if (k >= runs.size()) return;
      try {
        auto r = run_once(scenario, runs[k], cancel);
        if (cancel != nullptr && cancel->load()) return;  // abandoned, not failed
        if (!r) return fail(r.error());
        std::lock_guard lock(mutex);
        if (!stop) on_done(std::move(*r));
      } catch (const std::exception& e) {
        return fail({fmt::format("run {}: {}", runs[k], e.what())});
      }
    }
  };
  const int n = std::max(1, std::min<int>(threads, static_cast<int>(runs.size())));
  std::vector<std::jthread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  pool.clear();  // joins
  if (failure) return std::unexpected(*failure);
  return {};
}

std::string runs_csv_row(const RunRecord& record, std::uint64_t seed) {
  std::string row = fmt::format("{},{}", record.run, seed);
  for (double x : record.values) {
    // Two appends, not `"," + format_value(x)`: GCC 12 reports a false
    // -Wrestrict on operator+(const char*, std::string&&) (GCC PR 105329).
    row += ',';
    row += format_value(x);
  }
  return row;
}

core::Result<RunRecord> parse_runs_csv_row(std::string_view line, const MetricSet& metrics) {
  const size_t count = metrics.size();
  RunRecord r;
  std::vector<std::string_view> cells;
  for (size_t start = 0;;) {
    const size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (cells.size() < 2 + count)
    return core::fail(fmt::format("{} columns, expected at least {}", cells.size(), 2 + count));
  auto [p, ec] = std::from_chars(cells[0].data(), cells[0].data() + cells[0].size(), r.run);
  if (ec != std::errc() || p != cells[0].data() + cells[0].size() || r.run < 0)
    return core::fail(fmt::format("bad run index '{}'", cells[0]));
  r.values.resize(count, kNaN);
  for (size_t i = 0; i < count; ++i) {
    const std::string_view c = cells[2 + i];
    if (c.empty()) continue;
    auto [q, e2] = std::from_chars(c.data(), c.data() + c.size(), r.values[i]);
    if (e2 != std::errc() || q != c.data() + c.size())
      return core::fail(fmt::format("bad value '{}' in column {}", c, metrics[i].name));
  }
  return r;
}

std::vector<double> column(std::span<const RunRecord> rows, int metric) {
  std::vector<double> v;
  v.reserve(rows.size());
  for (const RunRecord& r : rows) v.push_back(r.values[static_cast<size_t>(metric)]);
  return v;
}

nlohmann::ordered_json aggregate_metrics(std::span<const RunRecord> rows, const MetricSet& metrics,
                                         std::uint64_t seed) {
  using nlohmann::ordered_json;
  auto num = [](double x) { return std::isfinite(x) ? ordered_json(x) : ordered_json(nullptr); };
  ordered_json out = ordered_json::array();
  for (size_t i = 0; i < metrics.size(); ++i) {
    const MetricDef& m = metrics[i];
    // An interval, clipped to the metric's range; null when there is none.
    auto interval = [&](double lo, double hi) {
      if (!std::isfinite(lo) || !std::isfinite(hi)) return ordered_json(nullptr);
      return ordered_json{std::clamp(lo, m.min, m.max), std::clamp(hi, m.min, m.max)};
    };
    ordered_json j;
    j["name"] = m.name;
    if (m.kind == K::kProportion) {
      auto k = column(rows, metrics.index(m.successes));
      auto n = column(rows, metrics.index(m.trials));
      double sk = 0, sn = 0;
      for (size_t r = 0; r < rows.size(); ++r) {
        if (!std::isfinite(k[r]) || !std::isfinite(n[r])) k[r] = n[r] = 0;
        sk += k[r];
        sn += n[r];
      }
      const auto [lo, hi] = wilson_interval(std::lround(sk), std::lround(sn));
      // The bootstrap's stream: by name, so it does not depend on the column.
      const Estimate runs = bootstrap_ratio(k, n, core::mix64(seed ^ core::tag(m.name)));
      j["kind"] = "proportion";
      j["estimate"] = num(sn > 0 ? sk / sn : kNaN);
      j["ci95"] = sn > 0 ? interval(lo, hi) : ordered_json(nullptr);
      j["method"] = "wilson";
      j["successes"] = sk;
      j["trials"] = sn;
      j["ci95_runs"] = interval(runs.lo, runs.hi);
      j["method_runs"] = "bootstrap-percentile";
    } else {
      const Estimate e = mean_interval(column(rows, static_cast<int>(i)));
      j["kind"] = "mean";
      j["estimate"] = num(e.estimate);
      j["sd"] = e.n > 1 ? num(e.sd) : ordered_json(nullptr);
      j["n"] = e.n;
      j["ci95"] = interval(e.lo, e.hi);
      j["method"] = "student-t";
    }
    j["unit"] = m.unit;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace canopy::eval
