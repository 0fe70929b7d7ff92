// Reading a run directory back (docs/outputs.md): summary.json,
// events.jsonl, trajectories.csv, and when present scenario.yaml,
// tracks.csv and interceptors.csv. Every event is checked as it is read;
// any malformed line is an error naming the file and line.
//
//   auto run = io::read_run("out/run1");
//   if (!run) std::cerr << run.error().message;
//   for (const io::ImpactRecord& i : run->impacts) ...
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/error.h"
#include "canopy/scenario/scenario.h"

namespace canopy::io {

using core::Vec2;
using core::Vec3;
using Mat2 = Eigen::Matrix2d;

// One sample of a trail: [t, e, n, u] (s, m).
using TrailPoint = std::array<double, 4>;
using Trails = std::map<int, std::vector<TrailPoint>>;  // by id, sorted by time

struct LaunchRecord {
  double t = 0;
  int rocket = 0;
  std::string rocket_type, site;
  Vec3 p_enu_m = Vec3::Zero();
};

struct ImpactRecord {
  double t = 0;
  int rocket = 0;
  Vec3 p_enu_m = Vec3::Zero();
  std::optional<std::string> area;
};

struct TrackRecord {  // track_start, track_confirm, track_end
  enum class Kind { kStart, kConfirm, kEnd };
  double t = 0;
  Kind kind = Kind::kStart;
  int track = 0;
  std::optional<int> rocket;
};

struct PredictionRecord {
  double t = 0;
  int track = 0;
  std::optional<int> rocket;
  Vec2 p_en_m = Vec2::Zero();
  Mat2 cov_m2 = Mat2::Identity();
  double t_impact = 0;
  double track_age_s = 0;
};

struct DecisionRecord {
  double t = 0;
  int track = 0;
  std::optional<int> rocket;
  bool threat = false;
};

struct AlertRecord {
  double t = 0;
  bool on = false;
  std::string zone;
  int track = 0;
  std::optional<int> rocket;
};

struct FireRecord {
  double t = 0;
  std::string battery;
  int launcher = 0;  // index in the battery
  int interceptor = 0;
  int track = 0;
  std::optional<int> rocket;
};

struct InterceptRecord {
  double t = 0;
  int interceptor = 0;
  std::optional<int> rocket;
  double miss_m = 0;
  bool killed = false;
  Vec3 p_enu_m = Vec3::Zero();
};

// An `engagement_hold` event: why a declared threat was not engaged.
struct HoldRecord {
  double t = 0;
  int track = 0;
  std::string reason;
};

struct InterceptorEndRecord {
  double t = 0;
  int interceptor = 0;
  std::string reason;
};

struct DebrisRecord {
  double t = 0;
  int rocket = 0;
  int fragment = 0;
  Vec3 p_enu_m = Vec3::Zero();
  double mass_kg = 0;
  std::optional<std::string> area;
};

struct RunData {
  std::filesystem::path dir;
  nlohmann::json summary;  // summary.json as written
  std::string scenario_name;
  std::uint64_t seed = 0;
  double sim_time_s = 0;
  // scenario.yaml, loaded; absent in run directories written before it was.
  std::optional<scenario::Scenario> scenario;

  std::vector<LaunchRecord> launches;
  std::vector<ImpactRecord> impacts;
  std::vector<TrackRecord> track_events;
  std::vector<PredictionRecord> predictions;
  std::vector<DecisionRecord> decisions;
  std::vector<AlertRecord> alerts;
  std::vector<FireRecord> fires;
  std::vector<HoldRecord> holds;
  std::vector<InterceptRecord> intercepts;
  std::vector<InterceptorEndRecord> interceptor_ends;
  std::vector<DebrisRecord> debris;

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
    const std::vector<AlertRecord>& alerts, double end_s);

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
                                                const std::vector<FireRecord>& fires, double end_s);

}  // namespace canopy::io
