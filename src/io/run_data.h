// Reading a run directory back (docs/outputs.md): summary.json,
// events.jsonl, trajectories.csv, and when present scenario.yaml,
// tracks.csv and interceptors.csv. Events are read with the writer's own
// schema (event_json.h) into sim's event types; any malformed line is an
// error naming the file and line.
//
//   auto run = io::read_run("out/run1");
//   if (!run) std::cerr << run.error().message;
//   for (const sim::ImpactEvent& i : run->events.of<sim::ImpactEvent>()) ...
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/error.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sim/events.h"

namespace canopy::io {

using core::Vec2;
using core::Vec3;
using Mat2 = Eigen::Matrix2d;

// One sample of a trail: [t, e, n, u] (s, m).
using TrailPoint = std::array<double, 4>;
using Trails = std::map<int, std::vector<TrailPoint>>;  // by id, sorted by time

// A run's events grouped by type, each type in file order:
//   for (const sim::FireEvent& f : run.events.of<sim::FireEvent>()) ...
class EventLog {
 public:
  template <class E>
  const std::vector<E>& of() const {
    return std::get<std::vector<E>>(lists_);
  }
  template <class E>
  std::vector<E>& of() {
    return std::get<std::vector<E>>(lists_);
  }
  void add(sim::Event event) {
    std::visit([&](auto& e) { of<std::decay_t<decltype(e)>>().push_back(std::move(e)); }, event);
  }

 private:
  template <class V>
  struct ListsOf;
  template <class... E>
  struct ListsOf<std::variant<E...>> {
    using type = std::tuple<std::vector<E>...>;
  };
  ListsOf<sim::Event>::type lists_;
};

struct RunData {
  std::filesystem::path dir;
  nlohmann::json summary;  // summary.json as written
  std::string scenario_name;
  std::uint64_t seed = 0;
  double sim_time_s = 0;
  // scenario.yaml, loaded; absent in run directories written before it was.
  std::optional<scenario::Scenario> scenario;

  EventLog events;         // events.jsonl (its known types)
  int unknown_events = 0;  // lines of types this build does not know

  Trails rockets;       // trajectories.csv
  Trails tracks;        // tracks.csv (empty if absent)
  Trails interceptors;  // interceptors.csv (empty if absent)
};

// True if `dir` looks like a run directory (it holds summary.json and
// events.jsonl).
bool is_run_directory(const std::filesystem::path& dir);

// Reads and checks a run directory.
core::Result<RunData> read_run(const std::filesystem::path& dir);

// Reads a whole file, or explains why not.
core::Result<std::string> read_text_file(const std::filesystem::path& path);

// Parses a JSON document (whole-file), naming the file on error.
core::Result<nlohmann::json> read_json_file(const std::filesystem::path& path);

// Each zone's alert intervals under canopy's policy (eval::alert_intervals,
// a hold still open at the end ending at `end_s`), by zone id.
std::map<std::string, std::vector<std::pair<double, double>>> alert_intervals(
    const std::vector<sim::AlertEvent>& alerts, double end_s);

// A battery's interceptors ready to fire over the run, from the scenario's
// magazines and the `fire` events, with the battle manager's reload rule
// (docs/engage.md): a launcher emptied by a shot at t is full again at
// t + reload_s. `steps` holds (time, rounds) from (0, full) at each change;
// `dry` the intervals with no round in any launcher (an interval still open
// at the end ends at `end_s`).
struct BatteryInventory {
  std::string battery;
  int capacity = 0;
  std::vector<std::pair<double, int>> steps;
  std::vector<std::pair<double, double>> dry;
};
std::vector<BatteryInventory> battery_inventory(const scenario::Scenario& scenario,
                                                const std::vector<sim::FireEvent>& fires,
                                                double end_s);

}  // namespace canopy::io
