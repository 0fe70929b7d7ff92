// The scenario: plain data describing a run (docs/scenario.md). Loaded and
// validated by load.h; read-only afterwards.
//
//   auto sc = scenario::load_file("scenarios/default.yaml");
//   if (!sc) { print(sc.error()); return 2; }
//   for (const auto& raid : sc->raids) ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/polygon.h"
#include "canopy/physics/flight.h"

namespace canopy::scenario {

using core::Vec2;

struct Origin {
  double lat_deg = 0;
  double lon_deg = 0;
  double alt_m = 0;
};

struct RunConfig {
  double duration_s = 600;
  double step_s = 0.01;
  std::uint64_t seed = 1;
};

struct DefendedArea {
  std::string name;
  double value = 0;
  core::Polygon polygon;  // local east/north, metres
};

struct AlertZone {
  std::string id;
  std::string name;
  double population = 0;
  core::Polygon polygon;
};

struct RocketType {
  std::string name;
  // Nominal parameters (cd_factor 1); the world draws each rocket's factor.
  physics::RocketParams params;
  double cd_dispersion = 0.03;  // standard deviation of the per-rocket Cd factor
};

struct LaunchSite {
  std::string name;
  Vec2 center_en_m = Vec2::Zero();
  double radius_m = 0;
};

struct Aim {
  enum class Kind { kArea, kPoint };
  Kind kind = Kind::kPoint;
  int area_index = -1;             // into Scenario::defended_areas, for kArea
  Vec2 point_en_m = Vec2::Zero();  // for kPoint
};

struct Raid {
  double at_s = 0;
  int site_index = 0;  // into Scenario::launch_sites
  int type_index = 0;  // into Scenario::rocket_types
  int count = 1;
  double interval_s = 0;
  Aim aim;
  double aim_sigma_m = 0;
};

struct Scenario {
  int format = 1;
  std::string name;
  std::string source;  // file name, or "<default>"
  Origin origin;
  RunConfig run;
  physics::Environment environment;  // wind profile; sphere Earth, air on
  std::vector<DefendedArea> defended_areas;
  std::vector<AlertZone> alert_zones;
  std::vector<RocketType> rocket_types;
  std::vector<LaunchSite> launch_sites;
  std::vector<Raid> raids;

  int total_rockets() const;
};

}  // namespace canopy::scenario
