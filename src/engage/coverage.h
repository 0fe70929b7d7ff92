// Coverage checks and battery footprints (docs/engage.md, "Coverage and
// footprints"): what the radars can see of the raids and what the batteries
// can reach, from the scenario alone, before any run. Nominal rockets are
// planned and flown as the world plans them (physics::solve_aim from the
// site's centre, physics::fly_trajectory); radar coverage is the radar
// model's own (sensors::Radar::coverage_miss); reach is the battle
// manager's own (flyout tables and intercept_window). Pure functions,
// deterministic, no randomness.
//
//   for (const engage::CoverageWarning& w : engage::coverage_warnings(scenario))
//     fmt::print(stderr, "{}: warning: {}\n", path, w.text());
//   std::vector<engage::Footprint> layers = engage::battery_footprints(scenario);
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "canopy/physics/ballistics.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/radar.h"

namespace canopy::engage {

using core::Vec2;

struct CoverageOptions {
  double path_step_s = 0.5;  // sampling of nominal paths
  // The battle manager fires no earlier than this after a launch (default
  // scenario: threat declared about 2.5 s after launch, a plan every 0.5 s;
  // its earliest fire came 4.25 s after launch).
  double reaction_s = 4.0;
  // Rules (b) and (c): the radars together must see at least this fraction
  // of a raid's flight, or of the descent of rockets aimed at an area.
  double min_seen_fraction = 0.5;
  // Footprint grid: the region of the areas, aim points and batteries,
  // padded; as many nodes as fit in max_grid_nodes, min_grid_step_m apart
  // at least.
  double grid_pad_m = 5000;
  int max_grid_nodes = 1600;
  double min_grid_step_m = 250;
  double arc_step_rad = 2 * 3.14159265358979323846 / 180;  // sector rings
};

// ---- Nominal rockets ----------------------------------------------------

// One nominal rocket: launched at t = 0 from a site's centre at an aim
// point, sampled every path_step_s, the last state on the ground.
struct NominalPath {
  int site = -1;
  int type = -1;
  Vec2 aim_en_m = Vec2::Zero();
  std::vector<physics::State> states;
  int apogee = 0;  // index of the highest state
};

// physics::reach_band of every rocket type, by type index.
std::vector<physics::ReachBand> reach_bands(const scenario::Scenario& sc);

// The aim solved as the world solves it (nothing when the aim point is
// outside the band or no elevation reaches it within tolerance_m), then
// flown and sampled.
std::optional<NominalPath> fly_nominal(const scenario::Scenario& sc, int site, int type,
                                       const Vec2& aim_en_m, const physics::ReachBand& band,
                                       double step_s = 0.5, double tolerance_m = 1.0);

// The aim points a raid's nominal rockets fly to: its centre (the area's
// centroid, or the point), then four points at d = hypot(r, 2 sigma) along
// and across the line of fire (r: radius of a disc of the area's size, 0 for
// a point; sigma: aim_sigma_m), in the order beyond, short, left, right.
std::vector<Vec2> raid_aim_points(const scenario::Scenario& sc, const scenario::Raid& raid);

// The centroid of a defended area's polygon.
Vec2 area_centroid(const scenario::DefendedArea& area);

// ---- Radar coverage -----------------------------------------------------

// The fraction of the states that at least one radar covers (0 for no
// states or no radars).
double seen_fraction(std::span<const sensors::Radar> radars,
                     std::span<const physics::State> states);

// The ground region within the radar's instrumented range and its azimuth
// sector, as a closed ring (first point repeated last) in east/north metres
// on the frame's plane, counter-clockwise: a circle of max range for an
// all-round radar (the minimum-range hole is not drawn), otherwise the
// annular sector between min and max range (its apex at the radar when the
// minimum range is 0). Empty for a sector of zero width or a zero range.
std::vector<Vec2> sector_ring(const scenario::Sensor& radar, double arc_step_rad);

// ---- Battery reach ------------------------------------------------------

// Whether any launcher of the battery that holds interceptors has a
// feasible intercept window (engage::intercept_window with its flyout
// table; debris not weighed) on the path, launching reaction_s or more
// after the rocket's launch.
bool can_intercept(const scenario::Scenario& sc, const scenario::Battery& battery,
                   const NominalPath& path, double reaction_s);

// The impact points of one rocket type (fired from the scenario's launch
// sites, as its raids fire it) at which a battery can intercept the rocket.
struct Footprint {
  int battery = -1;
  int rocket_type = -1;
  // Closed rings, east/north metres: outer boundaries counter-clockwise,
  // holes clockwise (fill with the non-zero or the even-odd rule).
  std::vector<std::vector<Vec2>> rings;
};

// One footprint per battery and per rocket type that some raid fires, in
// battery then type order. Each node of a grid over the region (see
// CoverageOptions) gets the nominal rocket from the nearest site that fires
// the type and reaches the node; the nodes where the battery can intercept
// it are outlined by boundary_rings(). Empty without raids or batteries.
std::vector<Footprint> battery_footprints(const scenario::Scenario& sc,
                                          const CoverageOptions& options = {});

// Marching squares on a boolean grid: node (i, j) at origin + (i, j) x step,
// inside[j * nx + i] != 0. The boundary runs through the midpoints of the
// grid edges whose ends differ; nodes outside the grid count as outside, so
// every ring closes. A saddle cell keeps its two inside corners apart.
// Rings are closed (first point repeated), counter-clockwise around inside
// regions and clockwise around holes, without collinear middle points, in
// the order of their first grid edge.
std::vector<std::vector<Vec2>> boundary_rings(std::span<const unsigned char> inside, int nx, int ny,
                                              const Vec2& origin_en_m, double step_m);

// Signed area of a ring (positive counter-clockwise), closed or not.
double ring_area_m2(std::span<const Vec2> ring);

// ---- Warnings -----------------------------------------------------------

// One coverage warning: one per (radar or battery, object) pair, or per
// object for the rules on the whole defense.
struct CoverageWarning {
  enum class Rule {
    kRadarSite,    // (a) a radar sees none of the climb of the rockets from a site
    kRaidPath,     // (b) the radars together see too little of a raid's flight
    kAreaRadar,    // (c) the radars see too little of the descent onto an area
    kAreaBattery,  // (c) no battery can intercept a rocket aimed at an area
    kBatteryAreas  // (d) a battery can intercept no rocket aimed at any area
  };
  Rule rule = Rule::kRadarSite;
  std::string subject;  // radar or battery name; empty for (b) and (c)
  std::string object;   // launch site, raid ("raids[3]"), area; empty for (d)
  std::string reason;
  // One line: "radar R1 does not see rockets climbing from launch site
  // West: West is 95 km from R1, beyond its 80 km range".
  std::string text() const;
};

// Every warning, rules (a) to (d) in that order; within a rule, by radar or
// battery, then by site, raid or area, in scenario order. Radar rules need
// sensors and battery rules batteries: a scenario without them is a
// deliberate choice, not a gap.
std::vector<CoverageWarning> coverage_warnings(const scenario::Scenario& sc,
                                               const CoverageOptions& options = {});

}  // namespace canopy::engage
