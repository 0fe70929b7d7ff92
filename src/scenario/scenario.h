// The scenario: plain data describing a run (docs/scenario.md). Loaded and
// validated by load.h; read-only afterwards.
//
//   auto sc = scenario::load_file("scenarios/default.yaml");
//   if (!sc) { print(sc.error()); return 2; }
//   for (const auto& raid : sc->raids) ...
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/polygon.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/wta_solver.h"

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
  double rcs_m2 = 0.05;         // radar cross-section, for the SNR detection model
  double length_m = 0;          // body length (seeker glint); the loader's default: 15 diameters
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

// How a radar decides whether it detects an object (docs/sensors.md).
struct DetectionModel {
  enum class Kind { kFixed, kSnr };
  Kind kind = Kind::kFixed;
  double pd = 0.9;  // kFixed: the same Pd for every object in coverage
  // kSnr: SNR = reference_snr_db + 10 log10(rcs / rcs_m2) - 40 log10(R / R_ref);
  // Swerling I fluctuation, Pd = Pfa^(1 / (1 + snr)) with Pfa from threshold.
  double rcs_m2 = 1.0;
  double reference_range_m = 50e3;
  double reference_snr_db = 20.0;
  double threshold_db = 13.0;
};

// One radar (scenario key `sensors[]`). Angles are measured in the frame's
// axes translated to the radar: azimuth clockwise from +N, elevation above
// the e-n plane.
struct Sensor {
  std::string name;
  // What its plots carry besides azimuth (key `measures`): a 3-D radar
  // measures range and elevation too, a 2-D surveillance radar range only,
  // a passive (EO/IR, ESM) sensor elevation only.
  bool measures_range = true;
  bool measures_elevation = true;
  Vec2 position_en_m = Vec2::Zero();
  double alt_m = 0;                           // above the ground under the radar
  core::Vec3 p_W = core::Vec3::Zero();        // ground point + alt_m along up
  double azimuth_rad = 0;                     // boresight, clockwise from north
  double sector_rad = 2 * 3.141592653589793;  // full width; 2 pi = all round
  double min_elevation_rad = 0.5 * 3.141592653589793 / 180;
  double max_elevation_rad = 80 * 3.141592653589793 / 180;
  double min_range_m = 1e3;
  double max_range_m = 100e3;
  double revisit_s = 0.25;
  double sigma_range_m = 10;
  double sigma_azimuth_rad = 1.5e-3;
  double sigma_elevation_rad = 1.5e-3;
  double sigma_range_rate_mps = 0;  // 0: no range rate reported
  DetectionModel detection;
  double false_alarms_per_scan = 0;
  double latency_s = 0;
  std::vector<std::pair<double, double>> outages;  // [start_s, end_s]
};

// The tracker's configuration (scenario key `tracker`), with the documented
// defaults (docs/tracking.md).
struct TrackerConfig {
  enum class Model { kCv, kCa, kBallistic, kImm };
  enum class Filter { kEkf, kUkf };
  enum class Association { kGnn, kJpda };
  Model model = Model::kImm;
  Filter filter = Filter::kEkf;
  Association association = Association::kGnn;
  double gate_probability = 0.9999;    // chi-square gate on the innovation
  int confirm_m = 3;                   // M hits ...
  int confirm_n = 5;                   // ... in the last N scans that covered the track
  int delete_misses = 6;               // consecutive misses in coverage (confirmed)
  int tentative_misses = 2;            // consecutive misses that drop a tentative track
  double max_position_sigma_m = 2000;  // delete when sqrt(largest eigenvalue) exceeds
  double max_speed_mps = 2500;         // initiation: speed plausibility gate
  double reorder_window_s = 0.5;       // plots later than this are dropped (and counted)
  double wind_forecast_error_mps = 2;  // forecast = true wind + this error
  double process_noise_mps2 = 0.07;    // white acceleration noise, ballistic model
  double clutter_density = 1e-12;      // false plots per m^3 per scan, for JPDA / scoring
};

// The defense's rules (scenario key `doctrine`), with the documented
// defaults (docs/assess.md).
struct Doctrine {
  double p_engage = 0.5;               // declare a threat at P(hit a defended area) >= this
  double p_release = 0.15;             // ... and release it below this (hysteresis)
  double p_alert = 0.1;                // alert a zone at P(impact in the zone) >= this
  double p_alert_release = 0.01;       // ... and cancel below this (hysteresis)
  double alert_hold_s = 5;             // hold an alert until predicted impact + this
  double min_warning_s = 10;           // less warning than this counts as a missed alert
  double prediction_interval_s = 1.0;  // refresh of each track's impact prediction
  // Engagement (docs/engage.md).
  enum class Mode { kShootLookShoot, kSalvo };
  int shots_per_threat = 2;  // at most this many interceptors per threat
  Mode mode = Mode::kShootLookShoot;
  double debris_weight = 0.5;  // penalty per unit of P(debris on a defended area)
  double cost_weight = 0.01;   // value units per unit of interceptor cost
  double replan_s = 0.5;       // weapon-target assignment period
  // Its solver (wta_solver.h: kWtaSolvers).
  WtaSolver wta_solver = WtaSolver::kFast;
};

// An interceptor's seeker (terminal guidance).
struct Seeker {
  double range_m = 4000;    // acquires the target inside this range
  double sigma_rad = 1e-3;  // angle noise per axis
  // Glint: the apparent scattering centre wanders over the target, a
  // Gauss-Markov offset of this fraction of the target's length (1 sigma per
  // axis) with this correlation time.
  double glint_fraction = 0.2;
  double glint_correlation_s = 0.1;
};

// An interceptor type (scenario key `interceptor_types[]`).
struct InterceptorType {
  std::string name;
  physics::RocketParams params;          // motor, mass, diameter, Cd(Mach)
  double max_accel_mps2 = 30 * 9.80665;  // lateral acceleration limit
  double max_flight_s = 40;
  double autopilot_lag_s = 0.15;  // first-order lag from commanded to achieved acceleration
  Seeker seeker;
  double fuze_sigma_s = 1e-3;  // fuze timing error (1 sigma) about the closest approach
  double lethal_radius_m = 8;
  double pk_at_lethal_radius = 0.9;
  double cost = 50000;
  double rcs_m2 = 0.02;                  // what the radars see
  double min_intercept_speed_mps = 300;  // slower at the intercept point: no plan
};

// One launcher of a battery.
struct Launcher {
  Vec2 position_en_m = Vec2::Zero();
  int interceptors = 20;
  double reload_s = 600;  // an emptied launcher is full again this long after its last shot
};

// A battery (scenario key `batteries[]`): fire control and its launchers.
struct Battery {
  std::string name;
  Vec2 position_en_m = Vec2::Zero();
  std::vector<Launcher> launchers;
  double min_launch_interval_s = 1.0;  // between two launches of the battery
  double min_intercept_alt_m = 500;
  double max_intercept_alt_m = 10000;
  int interceptor_type = 0;  // into Scenario::interceptor_types
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
  std::vector<Sensor> sensors;
  std::vector<InterceptorType> interceptor_types;
  std::vector<Battery> batteries;
  TrackerConfig tracker;
  Doctrine doctrine;

  int total_rockets() const;
};

}  // namespace canopy::scenario
