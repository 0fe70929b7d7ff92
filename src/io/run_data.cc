#include "canopy/io/run_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "canopy/core/input_file.h"
#include "canopy/eval/alert_intervals.h"
#include "canopy/io/event_json.h"
#include "canopy/scenario/load.h"

namespace canopy::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Thrown inside this file only: read_run turns it into a core::Error.
struct BadInput {
  std::string message;
};

// Typed access to summary.json's fields, with errors naming the file.
class Fields {
 public:
  Fields(const json& j, const std::string& where) : j_(j), where_(where) {}

  const json& at(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end()) fail(fmt::format("missing field \"{}\"", key));
    return *it;
  }
  double num(const char* key) const {
    const json& v = at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      fail(fmt::format("field \"{}\" must be a finite number", key));
    return v.get<double>();
  }
  std::string str(const char* key) const {
    const json& v = at(key);
    if (!v.is_string()) fail(fmt::format("field \"{}\" must be a string", key));
    return v.get<std::string>();
  }
  [[noreturn]] void fail(const std::string& what) const { throw BadInput{where_ + ": " + what}; }

 private:
  const json& j_;
  const std::string& where_;
};

// Splits a CSV line on commas (no quoting: canopy's CSVs never quote).
std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

double parse_number(std::string_view s, const std::string& where, std::string_view column) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    throw BadInput{fmt::format("{}: column {}: \"{}\" is not a number", where, column, s)};
  return v;
}

// Reads t,<id>,e_m,n_m,u_m[,...] rows into trails by id. The header's first
// five names must match `columns`.
Trails read_trails(const fs::path& path, const std::array<const char*, 5>& columns) {
  auto text = core::read_input_file(path);
  if (!text) throw BadInput{fmt::format("{}: {}", path.string(), text.error().message)};
  std::istringstream in(std::move(*text));
  std::string line;
  if (!std::getline(in, line))
    throw BadInput{fmt::format("{}:1: empty file, expected a header", path.string())};
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto header = split(line);
  bool ok = header.size() >= 5;
  for (size_t i = 0; ok && i < 5; ++i) ok = header[i] == columns[i];
  if (!ok)
    throw BadInput{fmt::format("{}:1: header must start with {},{},{},{},{}", path.string(),
                               columns[0], columns[1], columns[2], columns[3], columns[4])};
  Trails trails;
  for (int n = 2; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = split(line);
    const std::string where = fmt::format("{}:{}", path.string(), n);
    if (f.size() != header.size())
      throw BadInput{fmt::format("{}: expected {} fields, got {}", where, header.size(), f.size())};
    const double id = parse_number(f[1], where, columns[1]);
    if (id != std::floor(id))
      throw BadInput{fmt::format("{}: column {}: not an integer", where, columns[1])};
    trails[static_cast<int>(id)].push_back(
        {parse_number(f[0], where, columns[0]), parse_number(f[2], where, columns[2]),
         parse_number(f[3], where, columns[3]), parse_number(f[4], where, columns[4])});
  }
  for (auto& [id, trail] : trails)
    std::stable_sort(trail.begin(), trail.end(),
                     [](const TrailPoint& a, const TrailPoint& b) { return a[0] < b[0]; });
  return trails;
}

}  // namespace

bool is_run_directory(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "summary.json", ec) &&
         fs::is_regular_file(dir / "events.jsonl", ec);
}

core::Result<std::string> read_text_file(const fs::path& path) {
  auto text = core::read_input_file(path);
  if (!text) return core::fail(fmt::format("{}: {}", path.string(), text.error().message));
  return text;
}

core::Result<json> read_json_file(const fs::path& path) {
  auto text = read_text_file(path);
  if (!text) return std::unexpected(text.error());
  try {
    return json::parse(*text);
  } catch (const json::parse_error& e) {
    return core::fail(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

std::map<std::string, std::vector<std::pair<double, double>>> alert_intervals(
    const std::vector<sim::AlertEvent>& alerts, double end_s) {
  std::map<std::string, std::vector<eval::AlertEdge>> by_zone;
  for (const sim::AlertEvent& a : alerts)
    by_zone[a.zone_id].push_back({a.t_s, a.on, a.track, a.rocket.value_or(-1)});
  std::map<std::string, std::vector<std::pair<double, double>>> out;
  for (const auto& [zone, edges] : by_zone) out[zone] = eval::alert_intervals(edges, end_s);
  return out;
}

std::vector<BatteryInventory> battery_inventory(const scenario::Scenario& scenario,
                                                const std::vector<sim::FireEvent>& fires,
                                                double end_s) {
  std::vector<BatteryInventory> out;
  for (const scenario::Battery& b : scenario.batteries) {
    BatteryInventory inv{b.name, 0, {}, {}};
    for (const scenario::Launcher& l : b.launchers) inv.capacity += l.interceptors;
    // Changes in time order: -1 per shot, +magazine at each reload.
    std::vector<std::pair<double, int>> changes;
    std::vector<int> rounds;
    for (const scenario::Launcher& l : b.launchers) rounds.push_back(l.interceptors);
    for (const sim::FireEvent& f : fires) {
      if (f.battery != b.name || f.launcher < 0 ||
          static_cast<size_t>(f.launcher) >= b.launchers.size())
        continue;
      const auto li = static_cast<size_t>(f.launcher);
      changes.emplace_back(f.t_s, -1);
      if (--rounds[li] == 0) {
        changes.emplace_back(f.t_s + b.launchers[li].reload_s, b.launchers[li].interceptors);
        rounds[li] = b.launchers[li].interceptors;
      }
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    int now = inv.capacity;
    inv.steps.emplace_back(0.0, now);
    double dry_from = -1;
    for (const auto& [t, d] : changes) {
      if (t > end_s) break;
      now += d;
      if (inv.steps.back().first == t)
        inv.steps.back().second = now;
      else
        inv.steps.emplace_back(t, now);
      if (now == 0 && dry_from < 0) dry_from = t;
      if (now > 0 && dry_from >= 0) inv.dry.emplace_back(dry_from, t), dry_from = -1;
    }
    if (dry_from >= 0) inv.dry.emplace_back(dry_from, std::max(dry_from, end_s));
    out.push_back(std::move(inv));
  }
  return out;
}

core::Result<RunData> read_run(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return core::fail(fmt::format("{}: no such directory", dir.string()));
  RunData run;
  run.dir = dir;
  try {
    // summary.json: the run's identity.
    const fs::path summary_path = dir / "summary.json";
    auto summary = read_json_file(summary_path);
    if (!summary) return std::unexpected(summary.error());
    run.summary = std::move(*summary);
    {
      const std::string where = summary_path.string();
      if (!run.summary.is_object()) throw BadInput{where + ": must be a JSON object"};
      const Fields f(run.summary, where);
      run.scenario_name = f.str("scenario");
      const json& seed = f.at("seed");
      if (!seed.is_number_unsigned()) f.fail("field \"seed\" must be a non-negative integer");
      run.seed = seed.get<std::uint64_t>();
      run.sim_time_s = f.num("sim_time_s");
    }

    // events.jsonl: one object per line.
    const fs::path events_path = dir / "events.jsonl";
    auto events_text = read_text_file(events_path);
    if (!events_text) return std::unexpected(events_text.error());
    std::istringstream in(std::move(*events_text));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty() || line == "\r") continue;
      const std::string where = fmt::format("{}:{}", events_path.string(), n);
      json j;
      try {
        j = json::parse(line);
      } catch (const json::parse_error& e) {
        throw BadInput{fmt::format("{}: not valid JSON: {}", where, e.what())};
      }
      auto event = event_from_json(j, where);
      if (!event) throw BadInput{event.error().message};
      if (*event)
        run.events.add(std::move(**event));
      else
        ++run.unknown_events;
    }

    // Trails: truth always; tracks and interceptors when the run wrote them.
    const fs::path traj = dir / "trajectories.csv";
    if (!fs::is_regular_file(traj, ec))
      return core::fail(fmt::format("{}: no such file", traj.string()));
    run.rockets = read_trails(traj, {"t", "rocket", "e_m", "n_m", "u_m"});
    if (fs::is_regular_file(dir / "tracks.csv", ec))
      run.tracks = read_trails(dir / "tracks.csv", {"t", "track", "e_m", "n_m", "u_m"});
    if (fs::is_regular_file(dir / "interceptors.csv", ec))
      run.interceptors =
          read_trails(dir / "interceptors.csv", {"t", "interceptor", "e_m", "n_m", "u_m"});
  } catch (const BadInput& e) {
    return core::fail(e.message);
  }

  // scenario.yaml: the geometry (areas, zones, sites, batteries, sensors).
  const fs::path yaml_path = dir / "scenario.yaml";
  if (fs::is_regular_file(yaml_path, ec)) {
    auto text = read_text_file(yaml_path);
    if (!text) return std::unexpected(text.error());
    auto sc = scenario::load_string(*text, yaml_path.string(), dir.string());
    if (!sc) {
      std::string msg = sc.error().empty() ? yaml_path.string() + ": does not load"
                                           : sc.error().front().to_string();
      if (sc.error().size() > 1)
        msg += fmt::format(" (and {} more problems)", sc.error().size() - 1);
      return core::fail(msg);
    }
    run.scenario = std::move(*sc);
    for (sim::AlertEvent& a : run.events.of<sim::AlertEvent>())
      for (size_t z = 0; z < run.scenario->alert_zones.size(); ++z)
        if (run.scenario->alert_zones[z].id == a.zone_id) a.zone = static_cast<int>(z);
  }
  return run;
}

}  // namespace canopy::io
