// What the simulated world reports: typed events, trajectory samples, and the
// sink interface they go to. `io` implements sinks for files (JSONL, CSV);
// tests implement them in memory.
//
//   struct Collect : sim::EventSink {
//     void on_event(const sim::Event& e) override { events.push_back(e); }
//     std::vector<sim::Event> events;
//   };
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "canopy/core/earth.h"

namespace canopy::sim {

using core::Vec2;
using core::Vec3;

// A rocket leaves its launcher.
struct LaunchEvent {
  double t_s = 0;
  int rocket = 0;
  std::string rocket_type;
  std::string site;
  double elevation_deg = 0;    // in the launch point's own horizon
  double azimuth_deg = 0;      // clockwise from north, in that horizon
  Vec3 dir_W = Vec3::UnitZ();  // unit launch direction in the frame's axes
  Vec3 p_W = Vec3::Zero();     // launch point, on the ground
  double lat_deg = 0;
  double lon_deg = 0;
  Vec2 aim_en_m = Vec2::Zero();
  double cd_factor = 1;
  int raid = 0;  // index into the scenario's raids
};

// A rocket reaches the ground.
struct ImpactEvent {
  double t_s = 0;
  int rocket = 0;
  Vec3 p_W = Vec3::Zero();
  double lat_deg = 0;
  double lon_deg = 0;
  double speed_mps = 0;
  std::optional<std::string> area;  // defended area hit, if any
  double miss_m = 0;                // distance from the rocket's aim point
};

using Event = std::variant<LaunchEvent, ImpactEvent>;

double event_time(const Event& e);

// Truth state of one rocket at one time, for trajectory output.
struct TrajectorySample {
  double t_s = 0;
  int rocket = 0;
  Vec3 p_W = Vec3::Zero();
  Vec3 v_W = Vec3::Zero();
};

// Receives the world's output, in time order.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
  virtual void on_trajectory(const TrajectorySample& /*sample*/) {}
};

}  // namespace canopy::sim
