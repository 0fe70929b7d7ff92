#include "canopy/eval/montecarlo.h"

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "canopy/core/random.h"
#include "canopy/eval/engagement_metrics.h"
#include "canopy/eval/scoring_sink.h"
#include "canopy/eval/statistics.h"
#include "canopy/sim/world.h"

namespace canopy::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using K = RunMetric::Kind;

// The columns of runs.csv (docs/montecarlo.md lists them with their
// meanings; keep the two in step).
constexpr RunMetric kMetrics[] = {
    {"rockets_launched", K::kCount, {}, {}, "rockets launched"},
    {"threatening", K::kCount, {}, {}, "rockets that would have fallen in a defended area"},
    {"leakers", K::kCount, {}, {}, "warheads that fell in a defended area"},
    {"leak_rate", K::kProportion, "leakers", "threatening", "leakers / threatening"},
    {"value_hit", K::kValue, {}, {}, "sum of the values of the areas hit"},
    {"value_saved", K::kValue, {}, {}, "values of the areas the killed rockets would have hit"},
    {"rockets_engaged", K::kCount, {}, {}, "rockets with an interceptor fired at their track"},
    {"rockets_intercepted", K::kCount, {}, {}, "rockets killed"},
    {"interception_rate", K::kProportion, "rockets_intercepted", "rockets_engaged",
     "intercepted / engaged"},
    {"open_ground_rockets", K::kCount, {}, {}, "rockets that would have fallen on open ground"},
    {"engaged_open_ground", K::kCount, {}, {}, "... of them engaged"},
    {"open_ground_engaged_rate", K::kProportion, "engaged_open_ground", "open_ground_rockets",
     "engaged open-ground rockets / open-ground rockets"},
    {"interceptors_fired", K::kCount, {}, {}, "interceptors fired"},
    {"interceptors_per_kill", K::kValue, {}, {}, "interceptors fired / rockets killed"},
    {"interceptor_cost", K::kValue, {}, {}, "cost of the interceptors fired"},
    {"miss_median_m", K::kValue, {}, {}, "median closest approach of the interceptors, m"},
    {"intercept_alt_median_m", K::kValue, {}, {}, "median intercept altitude, m"},
    {"debris_in_areas", K::kCount, {}, {}, "debris fragments that fell in defended areas"},
    {"kill_assessments", K::kCount, {}, {}, "kill assessments made"},
    {"kill_assessments_right", K::kCount, {}, {}, "... that matched truth"},
    {"kill_assessment_accuracy", K::kProportion, "kill_assessments_right", "kill_assessments",
     "right kill assessments / kill assessments"},
    {"impacts_in_areas", K::kCount, {}, {}, "warhead impacts in defended areas"},
    {"impacts_open_ground", K::kCount, {}, {}, "warhead impacts on open ground"},
    {"rockets_tracked", K::kCount, {}, {}, "rockets held by a confirmed track"},
    {"tracks_confirmed", K::kCount, {}, {}, "confirmed tracks"},
    {"false_tracks",
     K::kCount,
     {},
     {},
     "confirmed tracks with no rocket behind them, debris fragments aside"},
    {"debris_tracks", K::kCount, {}, {}, "confirmed tracks on debris fragments"},
    {"gospa_mean_m", K::kValue, {}, {}, "mean GOSPA of the confirmed tracks, m"},
    {"true_threats", K::kCount, {}, {}, "landed rockets that fell in a defended area"},
    {"threats_declared", K::kCount, {}, {}, "... declared threats"},
    {"threat_declared_rate", K::kProportion, "threats_declared", "true_threats",
     "declared / true threats"},
    {"impacts_in_zones", K::kCount, {}, {}, "impacts in alert zones"},
    {"warned", K::kCount, {}, {}, "... under canopy's alert for at least min_warning_s"},
    {"warning_rate", K::kProportion, "warned", "impacts_in_zones", "warned / impacts in zones"},
    {"mean_warning_s", K::kValue, {}, {}, "mean warning of the impacts in zones, s"},
    {"false_zone_alerts", K::kCount, {}, {}, "zone alerts with no impact in the zone"},
    {"false_population_s", K::kValue, {}, {}, "people x seconds under false alert"},
    {"warnable_impacts",
     K::kCount,
     {},
     {},
     "impacts in alert zones of rockets confirmed >= min_warning_s + 2 s before"},
    {"alerts_missed", K::kCount, {}, {}, "... with no alert, or one younger than min_warning_s"},
    {"false_kill_claims", K::kCount, {}, {}, "kill assessments that claimed a live rocket killed"},
    {"false_kill_claim_rate", K::kProportion, "false_kill_claims", "kill_assessments",
     "false kill claims / kill assessments"},
    {"alerts_cancelled_while_alive",
     K::kCount,
     {},
     {},
     "alerts cancelled (kill or debris) while the rocket they followed flew"},
    {"alerts_on", K::kCount, {}, {}, "(zone, track) alerts raised"},
    {"debris_alerts", K::kCount, {}, {}, "... by tracks with no rocket behind them"},
    {"debris_alert_rate", K::kProportion, "debris_alerts", "alerts_on",
     "debris alerts / alerts raised"},
    {"wrong_target_kills", K::kCount, {}, {}, "kills of another rocket than the one fired at"},
    {"wrong_target_rate", K::kProportion, "wrong_target_kills", "interceptors_fired",
     "wrong-target kills / interceptors fired"},
    {"sim_time_s", K::kValue, {}, {}, "simulated time, s"},
};
constexpr size_t kMetricCount = std::size(kMetrics);

double rate(double k, double n) { return n > 0 ? k / n : kNaN; }

std::vector<double> row_of(const sim::RunSummary& s, const TrackingMetrics* tracking,
                           const AssessMetrics* assess, const SafetyMetrics* safety) {
  const EngagementMetrics e = engagement_metrics(s);
  std::vector<double> v(kMetricCount, kNaN);
  auto set = [&](std::string_view name, double x) {
    v[static_cast<size_t>(metric_index(name))] = x;
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
    const AlertPolicyMetrics& a = assess->alerts[0];  // canopy's policy
    set("true_threats", assess->true_threats);
    set("threats_declared", assess->threat_declared);
    set("impacts_in_zones", a.impacts_in_zones);
    set("warned", a.warned);
    if (a.impacts_in_zones > 0) set("mean_warning_s", a.mean_warning_s);
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
  for (size_t i = 0; i < kMetricCount; ++i) {
    const RunMetric& m = kMetrics[i];
    if (m.kind != K::kProportion) continue;
    v[i] = rate(v[static_cast<size_t>(metric_index(m.successes))],
                v[static_cast<size_t>(metric_index(m.trials))]);
  }
  return v;
}

std::string format_value(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

}  // namespace

std::span<const RunMetric> run_metrics() { return kMetrics; }

int metric_index(std::string_view name) {
  for (size_t i = 0; i < kMetricCount; ++i)
    if (kMetrics[i].name == name) return static_cast<int>(i);
  return -1;
}

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
  r.values = row_of(world->summary(), tracked ? &tracking : nullptr, tracked ? &assess : nullptr,
                    tracked ? &safety : nullptr);
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

std::string runs_csv_header() {
  std::string h = "run,seed";
  for (const RunMetric& m : kMetrics) h += fmt::format(",{}", m.name);
  return h;
}

std::string runs_csv_row(const RunRecord& record, std::uint64_t seed) {
  std::string row = fmt::format("{},{}", record.run, seed);
  for (double x : record.values) row += "," + format_value(x);
  return row;
}

core::Result<RunRecord> parse_runs_csv_row(std::string_view line) {
  RunRecord r;
  std::vector<std::string_view> cells;
  for (size_t start = 0;;) {
    const size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (cells.size() < 2 + kMetricCount)
    return core::fail(
        fmt::format("{} columns, expected at least {}", cells.size(), 2 + kMetricCount));
  auto [p, ec] = std::from_chars(cells[0].data(), cells[0].data() + cells[0].size(), r.run);
  if (ec != std::errc() || p != cells[0].data() + cells[0].size() || r.run < 0)
    return core::fail(fmt::format("bad run index '{}'", cells[0]));
  r.values.resize(kMetricCount, kNaN);
  for (size_t i = 0; i < kMetricCount; ++i) {
    const std::string_view c = cells[2 + i];
    if (c.empty()) continue;
    auto [q, e2] = std::from_chars(c.data(), c.data() + c.size(), r.values[i]);
    if (e2 != std::errc() || q != c.data() + c.size())
      return core::fail(fmt::format("bad value '{}' in column {}", c, kMetrics[i].name));
  }
  return r;
}

std::vector<double> column(std::span<const RunRecord> rows, int metric) {
  std::vector<double> v;
  v.reserve(rows.size());
  for (const RunRecord& r : rows) v.push_back(r.values[static_cast<size_t>(metric)]);
  return v;
}

nlohmann::ordered_json aggregate_metrics(std::span<const RunRecord> rows, std::uint64_t seed) {
  using nlohmann::ordered_json;
  auto num = [](double x) { return std::isfinite(x) ? ordered_json(x) : ordered_json(nullptr); };
  ordered_json out = ordered_json::array();
  for (size_t i = 0; i < kMetricCount; ++i) {
    const RunMetric& m = kMetrics[i];
    ordered_json j;
    j["name"] = m.name;
    if (m.kind == K::kProportion) {
      auto k = column(rows, metric_index(m.successes));
      auto n = column(rows, metric_index(m.trials));
      double sk = 0, sn = 0;
      for (size_t r = 0; r < rows.size(); ++r) {
        if (!std::isfinite(k[r]) || !std::isfinite(n[r])) k[r] = n[r] = 0;
        sk += k[r];
        sn += n[r];
      }
      const auto [lo, hi] = wilson_interval(std::lround(sk), std::lround(sn));
      const Estimate runs = bootstrap_ratio(k, n, core::mix64(seed ^ i));
      j["kind"] = "proportion";
      j["estimate"] = num(sn > 0 ? sk / sn : kNaN);
      j["ci95"] = sn > 0 ? ordered_json{lo, hi} : ordered_json(nullptr);
      j["method"] = "wilson";
      j["successes"] = sk;
      j["trials"] = sn;
      j["ci95_runs"] =
          std::isfinite(runs.lo) ? ordered_json{runs.lo, runs.hi} : ordered_json(nullptr);
      j["method_runs"] = "bootstrap-percentile";
    } else {
      const Estimate e = mean_interval(column(rows, static_cast<int>(i)));
      j["kind"] = "mean";
      j["estimate"] = num(e.estimate);
      j["sd"] = num(e.sd);
      j["n"] = e.n;
      j["ci95"] = std::isfinite(e.lo) ? ordered_json{e.lo, e.hi} : ordered_json(nullptr);
      j["method"] = "student-t";
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace canopy::eval
