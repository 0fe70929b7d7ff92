#include "canopy/engage/coverage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "canopy/core/units.h"
#include "canopy/scenario/load.h"

namespace canopy::engage {
namespace {

using Rule = CoverageWarning::Rule;

scenario::Scenario load_default() {
  auto sc = scenario::load_default();
  EXPECT_TRUE(sc.has_value());
  return sc ? *sc : scenario::Scenario{};
}

int index_of(const auto& items, const std::string& name) {
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return static_cast<int>(i);
  ADD_FAILURE() << "no " << name;
  return 0;
}

// Moves a radar as the loader places it: on the ground, alt_m up.
void place(scenario::Sensor& s, const Vec2& en_m) {
  s.position_en_m = en_m;
  const core::Vec3 ground = core::ground_point(en_m);
  s.p_W = ground + s.alt_m * core::up_at(ground);
}

std::vector<CoverageWarning> of_rule(const std::vector<CoverageWarning>& all, Rule rule) {
  std::vector<CoverageWarning> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const CoverageWarning& w) { return w.rule == rule; });
  return out;
}

// Even-odd point in rings.
bool in_rings(const std::vector<std::vector<Vec2>>& rings, const Vec2& p) {
  bool in = false;
  for (const auto& ring : rings)
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
      if ((ring[i].y() > p.y()) != (ring[j].y() > p.y()) &&
          p.x() <
              (ring[j].x() - ring[i].x()) * (p.y() - ring[i].y()) / (ring[j].y() - ring[i].y()) +
                  ring[i].x())
        in = !in;
  return in;
}

double total_area(const std::vector<std::vector<Vec2>>& rings) {
  double a = 0;
  for (const auto& r : rings) a += ring_area_m2(r);
  return a;
}

const Footprint& footprint(const std::vector<Footprint>& all, int battery, int type) {
  for (const auto& f : all)
    if (f.battery == battery && f.rocket_type == type) return f;
  ADD_FAILURE() << "no footprint " << battery << " " << type;
  return all.front();
}

// ---- Radar sector rings --------------------------------------------------

TEST(SectorRing, AllRoundRadarIsACircleOfMaxRange) {
  scenario::Sensor s;
  s.position_en_m = Vec2(3000, -2000);
  s.max_range_m = 80000;
  const auto ring = sector_ring(s, core::deg_to_rad(2));
  ASSERT_EQ(ring.size(), 181u);  // 180 points, closed
  EXPECT_EQ(ring.front(), ring.back());
  for (const Vec2& p : ring) EXPECT_NEAR((p - s.position_en_m).norm(), 80000, 1e-6);
  // Counter-clockwise; the inscribed 180-gon's area.
  EXPECT_NEAR(ring_area_m2(ring),
              0.5 * 180 * 80000.0 * 80000 * std::sin(2 * std::numbers::pi / 180), 1);
}

TEST(SectorRing, SectorIsTheAnnularSectorAroundBoresight) {
  scenario::Sensor s;
  s.position_en_m = Vec2(0, 0);
  s.azimuth_rad = core::deg_to_rad(90);  // east
  s.sector_rad = core::deg_to_rad(120);
  s.min_range_m = 1000;
  s.max_range_m = 60000;
  const auto ring = sector_ring(s, core::deg_to_rad(1));
  EXPECT_EQ(ring.front(), ring.back());
  for (const Vec2& p : ring) {
    const double r = p.norm();
    const double az = core::rad_to_deg(std::atan2(p.x(), p.y()));
    EXPECT_TRUE(std::abs(r - 1000) < 1e-6 || std::abs(r - 60000) < 1e-6) << r;
    EXPECT_GE(az, 30 - 1e-9);
    EXPECT_LE(az, 150 + 1e-9);
  }
  // Area of the annular sector (chords over 1-degree steps: within 0.01 %).
  const double exact = 0.5 * core::deg_to_rad(120) * (60000.0 * 60000 - 1000.0 * 1000);
  EXPECT_NEAR(ring_area_m2(ring), exact, 1e-4 * exact);
}

TEST(SectorRing, DegenerateRadarsGiveNoRing) {
  scenario::Sensor s;
  s.sector_rad = 0;
  EXPECT_TRUE(sector_ring(s, core::deg_to_rad(2)).empty());
  s.sector_rad = 1;
  s.max_range_m = 0;
  EXPECT_TRUE(sector_ring(s, core::deg_to_rad(2)).empty());
  // A zero or NaN step falls back to 2 degrees.
  s.max_range_m = 1000;
  s.min_range_m = 0;
  EXPECT_FALSE(sector_ring(s, 0).empty());
  EXPECT_FALSE(sector_ring(s, std::nan("")).empty());
}

// ---- Marching squares ----------------------------------------------------

TEST(BoundaryRings, OneInsideNodeIsACounterClockwiseDiamond) {
  std::vector<unsigned char> g(9, 0);
  g[4] = 1;  // the middle of 3 x 3
  const auto rings = boundary_rings(g, 3, 3, Vec2(0, 0), 10);
  ASSERT_EQ(rings.size(), 1u);
  ASSERT_EQ(rings[0].size(), 5u);
  EXPECT_EQ(rings[0].front(), rings[0].back());
  EXPECT_NEAR(ring_area_m2(rings[0]), 50, 1e-9);  // half a cell, counter-clockwise
  EXPECT_TRUE(in_rings(rings, Vec2(10, 10)));
  EXPECT_FALSE(in_rings(rings, Vec2(0, 0)));
}

TEST(BoundaryRings, AHoleRunsClockwiseAndTheRingsCloseAtTheGridEdge) {
  // 5 x 5, all inside but the middle node: the outer ring lies half a step
  // outside the grid, the hole is a clockwise diamond.
  std::vector<unsigned char> g(25, 1);
  g[12] = 0;
  const auto rings = boundary_rings(g, 5, 5, Vec2(0, 0), 1);
  ASSERT_EQ(rings.size(), 2u);
  std::vector<double> areas{ring_area_m2(rings[0]), ring_area_m2(rings[1])};
  std::sort(areas.begin(), areas.end());
  EXPECT_NEAR(areas[0], -0.5, 1e-12);
  // Outer: the 5 x 5 square of side 5 with its four corners cut by half-cell
  // diagonals (0.125 each).
  EXPECT_NEAR(areas[1], 25 - 4 * 0.125, 1e-12);
  EXPECT_FALSE(in_rings(rings, Vec2(2, 2)));
  EXPECT_TRUE(in_rings(rings, Vec2(1, 1)));
}

TEST(BoundaryRings, ASaddleKeepsItsInsideCornersApart) {
  std::vector<unsigned char> g{1, 0, 0, 1};  // 2 x 2, diagonal
  const auto rings = boundary_rings(g, 2, 2, Vec2(0, 0), 1);
  EXPECT_EQ(rings.size(), 2u);
  for (const auto& r : rings) EXPECT_NEAR(ring_area_m2(r), 0.5, 1e-12);
}

TEST(BoundaryRings, EmptyAndBadInputGiveNoRings) {
  std::vector<unsigned char> g(4, 0);
  EXPECT_TRUE(boundary_rings(g, 2, 2, Vec2(0, 0), 1).empty());
  EXPECT_TRUE(boundary_rings(g, 3, 3, Vec2(0, 0), 1).empty());  // too short
  EXPECT_TRUE(boundary_rings(g, 0, 2, Vec2(0, 0), 1).empty());
}

// ---- Nominal rockets -----------------------------------------------------

TEST(NominalPath, LandsOnItsAimPointAndClimbsToItsApogee) {
  const auto sc = load_default();
  const auto bands = reach_bands(sc);
  const int medium = index_of(sc.rocket_types, "medium");
  const int border = index_of(sc.launch_sites, "Border");
  const Vec2 aim(6000, -1000);
  const auto path = fly_nominal(sc, border, medium, aim, bands[static_cast<size_t>(medium)]);
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->states.front().t_s, 0);
  EXPECT_LT((path->states.back().p_W.head<2>() - aim).norm(), 2.0);
  EXPECT_GT(path->apogee, 0);
  EXPECT_LT(path->apogee, static_cast<int>(path->states.size()) - 1);
  // Out of the band: no path.
  EXPECT_FALSE(fly_nominal(sc, border, medium, Vec2(60000, 0), bands[static_cast<size_t>(medium)]));
  EXPECT_FALSE(fly_nominal(sc, 99, medium, aim, bands[static_cast<size_t>(medium)]));
}

TEST(NominalPath, RaidAimPointsSpanTheAreaAndTheScatter) {
  const auto sc = load_default();
  const auto& raid = sc.raids[0];  // medium from Border at Northport, sigma 250 m
  const auto aims = raid_aim_points(sc, raid);
  ASSERT_EQ(aims.size(), 5u);
  const auto& area = sc.defended_areas[static_cast<size_t>(raid.aim.area_index)];
  EXPECT_TRUE(area.polygon.contains(aims[0]));
  const double d = std::hypot(std::sqrt(area.polygon.area_m2() / std::numbers::pi), 500.0);
  for (size_t k = 1; k < 5; ++k) EXPECT_NEAR((aims[k] - aims[0]).norm(), d, 1e-6);
  // Beyond is farther from the site than short.
  const Vec2 site = sc.launch_sites[static_cast<size_t>(raid.site_index)].center_en_m;
  EXPECT_GT((aims[1] - site).norm(), (aims[2] - site).norm());
}

// ---- Warnings ------------------------------------------------------------

TEST(CoverageWarnings, DefaultScenarioHasNoCoverageWarnings) {
  const auto warnings = coverage_warnings(load_default());
  for (const auto& w : warnings) ADD_FAILURE() << w.text();
}

TEST(CoverageWarnings, RadarTurnedAwayMissesLaunchSite) {
  auto sc = load_default();
  auto& crest = sc.sensors[static_cast<size_t>(index_of(sc.sensors, "Crest"))];
  crest.azimuth_rad = core::deg_to_rad(90);  // from 270: its back to the sites
  const auto w = of_rule(coverage_warnings(sc), Rule::kRadarSite);
  // Hills, south-west, is out of the sector. Border is not named: the long
  // raid from Border at Ashford climbs eastward past Crest, into the sector.
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].subject, "Crest");
  EXPECT_EQ(w[0].object, "Hills");
  // Hills lies at bearing 257 deg from Crest: (-25, -6) km away.
  EXPECT_EQ(w[0].reason,
            "Hills lies at bearing 257° from Crest, outside its azimuth sector 090°±60°");
  EXPECT_EQ(
      w[0].text().rfind("radar Crest does not see rockets climbing from launch site Hills: ", 0),
      0u);
  // Turned back, it sees both.
  crest.azimuth_rad = core::deg_to_rad(270);
  EXPECT_TRUE(of_rule(coverage_warnings(sc), Rule::kRadarSite).empty());
}

TEST(CoverageWarnings, RadarOutOfRangeNamesTheDistance) {
  auto sc = load_default();
  for (auto& s : sc.sensors) place(s, s.position_en_m + Vec2(150300, 0));
  const auto all = coverage_warnings(sc);
  const auto w = of_rule(all, Rule::kRadarSite);
  ASSERT_EQ(w.size(), 6u);  // every radar, both sites
  EXPECT_EQ(w[0].subject, "Crest");
  EXPECT_EQ(w[0].object, "Border");
  // Crest now stands at (153.3, -2) km: Border is 163.8 km away.
  EXPECT_EQ(w[0].reason, "Border is 164 km from Crest, beyond its 60 km range");
  // No radar sees any raid or any descent: one line per raid, per area.
  EXPECT_EQ(of_rule(all, Rule::kRaidPath).size(), sc.raids.size());
  EXPECT_EQ(of_rule(all, Rule::kRaidPath)[0].reason, "no radar sees its path");
  EXPECT_EQ(of_rule(all, Rule::kAreaRadar).size(), sc.defended_areas.size());
  // The batteries are where they were: no battery warning.
  EXPECT_TRUE(of_rule(all, Rule::kBatteryAreas).empty());
  EXPECT_TRUE(of_rule(all, Rule::kAreaBattery).empty());
}

TEST(CoverageWarnings, BatteryMovedFarAwayIsWarned) {
  auto sc = load_default();
  auto& east = sc.batteries[static_cast<size_t>(index_of(sc.batteries, "East"))];
  const Vec2 shift(0, 90000);  // 90 km north, out over the sea
  east.position_en_m += shift;
  for (auto& l : east.launchers) l.position_en_m += shift;
  const auto all = coverage_warnings(sc);
  const auto w = of_rule(all, Rule::kBatteryAreas);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].subject, "East");
  EXPECT_NE(w[0].reason.find("is within its reach"), std::string::npos) << w[0].reason;
  EXPECT_NE(w[0].text().find("battery East can intercept no rocket aimed at a defended area"),
            std::string::npos);
  // North and South still reach the centres of East's towns.
  EXPECT_TRUE(of_rule(all, Rule::kAreaBattery).empty());
}

TEST(CoverageWarnings, AreaNoBatteryReachesIsWarned) {
  auto sc = load_default();
  const Vec2 shift(0, 90000);
  for (auto& b : sc.batteries) {
    b.position_en_m += shift;
    for (auto& l : b.launchers) l.position_en_m += shift;
  }
  const auto all = coverage_warnings(sc);
  EXPECT_EQ(of_rule(all, Rule::kBatteryAreas).size(), sc.batteries.size());
  const auto areas = of_rule(all, Rule::kAreaBattery);
  ASSERT_EQ(areas.size(), sc.defended_areas.size());
  // Kelton's centre, 8.4 km from Border and 21.5 km from Hills, is in the
  // band of short rockets from Border and long ones from Hills only.
  const auto& kelton = areas[static_cast<size_t>(index_of(sc.defended_areas, "Kelton"))];
  EXPECT_EQ(kelton.object, "Kelton");
  EXPECT_EQ(kelton.text(),
            "defended area Kelton: no battery can intercept rockets aimed at its centre: short "
            "from Border, long from Hills");
}

TEST(CoverageWarnings, BatteryWithoutInterceptorsIsWarned) {
  auto sc = load_default();
  for (auto& l : sc.batteries[0].launchers) l.interceptors = 0;
  const auto w = of_rule(coverage_warnings(sc), Rule::kBatteryAreas);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].subject, sc.batteries[0].name);
  EXPECT_EQ(w[0].reason, "it has no interceptors");
}

TEST(CoverageWarnings, RaidsNoRadarSeesAreWarnedOncePerRaid) {
  auto sc = load_default();
  // Only Crest, 500 km out to sea: it sees nothing of any raid.
  sc.sensors.resize(1);
  place(sc.sensors[0], Vec2(0, 500000));
  const auto all = coverage_warnings(sc);
  const auto raids = of_rule(all, Rule::kRaidPath);
  ASSERT_EQ(raids.size(), sc.raids.size());
  EXPECT_EQ(raids[1].object, "raids[1] (15 short from Border)");
  EXPECT_EQ(raids[1].text(), "raids[1] (15 short from Border): no radar sees its path");
}

TEST(CoverageWarnings, ScenariosWithoutRaidsRadarsOrBatteriesGiveNoWarnings) {
  auto sc = load_default();
  sc.raids.clear();
  EXPECT_TRUE(coverage_warnings(sc).empty());
  EXPECT_TRUE(battery_footprints(sc).empty());
  sc = load_default();
  sc.sensors.clear();
  sc.batteries.clear();
  EXPECT_TRUE(coverage_warnings(sc).empty());
  EXPECT_TRUE(coverage_warnings(scenario::Scenario{}).empty());
  EXPECT_TRUE(battery_footprints(scenario::Scenario{}).empty());
}

// ---- Footprints ----------------------------------------------------------

// A coarse grid keeps the tests quick under the sanitizers.
CoverageOptions coarse() {
  CoverageOptions o;
  o.max_grid_nodes = 400;
  return o;
}

TEST(Footprints, FootprintContainsBatterySurroundings) {
  const auto sc = load_default();
  const auto all = battery_footprints(sc, coarse());
  // One per battery and type the raids fire (all three types).
  ASSERT_EQ(all.size(), sc.batteries.size() * sc.rocket_types.size());
  const int long_type = index_of(sc.rocket_types, "long");
  for (size_t b = 0; b < sc.batteries.size(); ++b) {
    const auto& f = footprint(all, static_cast<int>(b), long_type);
    ASSERT_FALSE(f.rings.empty()) << sc.batteries[b].name;
    for (const auto& ring : f.rings) EXPECT_EQ(ring.front(), ring.back());
    // Long rockets (from the nearer site that reaches: Hills for North and
    // South, Border for East) landing on the battery, or 2 km around it, fly
    // over it: inside the footprint.
    const Vec2 at = sc.batteries[b].position_en_m;
    EXPECT_TRUE(in_rings(f.rings, at)) << sc.batteries[b].name;
    for (const Vec2& d : {Vec2(2000, 0), Vec2(-2000, 0), Vec2(0, 2000), Vec2(0, -2000)})
      EXPECT_TRUE(in_rings(f.rings, at + d)) << sc.batteries[b].name;
    // ... but not 3 km from Border, short of the band from either site.
    EXPECT_FALSE(in_rings(f.rings, sc.launch_sites[0].center_en_m + Vec2(3000, 0)));
    EXPECT_GT(total_area(f.rings), 0);
  }
}

TEST(Footprints, FootprintGrowsWithInterceptorRange) {
  auto sc = load_default();
  const int medium = index_of(sc.rocket_types, "medium");
  const double full = total_area(footprint(battery_footprints(sc, coarse()), 0, medium).rings);
  // A quarter of the flight time: the interceptor reaches less far.
  sc.interceptor_types[0].max_flight_s = 10;
  const double short_flight =
      total_area(footprint(battery_footprints(sc, coarse()), 0, medium).rings);
  EXPECT_GT(full, 1.5 * short_flight);
  EXPECT_GT(short_flight, 0);
}

TEST(Footprints, BatteryWithoutInterceptorsHasAnEmptyFootprint) {
  auto sc = load_default();
  for (auto& l : sc.batteries[1].launchers) l.interceptors = 0;
  const auto all = battery_footprints(sc, coarse());
  for (const auto& f : all) EXPECT_EQ(f.rings.empty(), f.battery == 1);
}

TEST(Footprints, AreDeterministic) {
  const auto sc = load_default();
  const auto a = battery_footprints(sc, coarse());
  const auto b = battery_footprints(sc, coarse());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].rings, b[i].rings);
}

}  // namespace
}  // namespace canopy::engage
