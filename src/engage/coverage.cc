#include "canopy/engage/coverage.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <utility>

#include "canopy/core/units.h"
#include "canopy/engage/flyout.h"
#include "canopy/engage/intercept.h"

namespace canopy::engage {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

// Azimuth clockwise from +N of a horizontal offset, in [0, 2 pi).
double bearing_rad(const Vec2& d) {
  const double a = std::atan2(d.x(), d.y());
  return a < 0 ? a + kTwoPi : a;
}

double deg360(double rad) {
  const double d = std::fmod(core::rad_to_deg(rad), 360.0);
  return d < 0 ? d + 360 : d;
}

bool valid_raid(const scenario::Scenario& sc, const scenario::Raid& r) {
  return r.site_index >= 0 && r.site_index < static_cast<int>(sc.launch_sites.size()) &&
         r.type_index >= 0 && r.type_index < static_cast<int>(sc.rocket_types.size()) &&
         (r.aim.kind != scenario::Aim::Kind::kArea ||
          (r.aim.area_index >= 0 && r.aim.area_index < static_cast<int>(sc.defended_areas.size())));
}

// The (site, type) pairs the raids fire, sorted.
std::vector<std::pair<int, int>> fired_pairs(const scenario::Scenario& sc) {
  std::vector<std::pair<int, int>> out;
  for (const auto& r : sc.raids)
    if (valid_raid(sc, r)) out.emplace_back(r.site_index, r.type_index);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool has_interceptors(const scenario::Scenario& sc, const scenario::Battery& b) {
  if (b.interceptor_type < 0 || b.interceptor_type >= static_cast<int>(sc.interceptor_types.size()))
    return false;
  for (const auto& l : b.launchers)
    if (l.interceptors > 0) return true;
  return false;
}

// Distance from p to the segment a-b (planar).
double segment_distance_m(const Vec2& p, const Vec2& a, const Vec2& b) {
  const Vec2 d = b - a;
  const double len2 = d.squaredNorm();
  const double s = len2 > 0 ? std::clamp((p - a).dot(d) / len2, 0.0, 1.0) : 0.0;
  return (a + s * d - p).norm();
}

std::string raid_label(const scenario::Scenario& sc, int index) {
  const auto& r = sc.raids[static_cast<size_t>(index)];
  return fmt::format("raids[{}] ({} {} from {})", index, r.count,
                     sc.rocket_types[static_cast<size_t>(r.type_index)].name,
                     sc.launch_sites[static_cast<size_t>(r.site_index)].name);
}

// Why a radar sees none of the climb from a site: the site's own geometry
// when it is beyond the range or outside the sector, otherwise the limit
// most of the climb is beyond.
std::string radar_site_reason(const sensors::Radar& radar, const scenario::LaunchSite& site,
                              const std::vector<const physics::State*>& climb) {
  const scenario::Sensor& s = radar.spec();
  const double dist = core::ground_distance_m(s.position_en_m, site.center_en_m);
  if (dist - site.radius_m > s.max_range_m)
    return fmt::format("{} is {:.0f} km from {}, beyond its {:.0f} km range", site.name, dist / 1e3,
                       s.name, s.max_range_m / 1e3);
  const double bearing = bearing_rad(site.center_en_m - s.position_en_m);
  if (dist > site.radius_m && !radar.in_sector(bearing))
    return fmt::format(
        "{} lies at bearing {:03.0f}° from {}, outside its azimuth sector {:03.0f}°±{:.0f}°",
        site.name, deg360(bearing), s.name, deg360(s.azimuth_rad),
        core::rad_to_deg(0.5 * s.sector_rad));
  // Tally the limits the climb is beyond.
  std::array<int, 7> count{};  // kRange far/near, elevation low/high, sector, horizon, other
  for (const physics::State* st : climb) {
    const sensors::Polar p = sensors::polar_from_W(s.p_W, st->p_W);
    switch (radar.coverage_miss(st->p_W)) {
      case sensors::CoverageMiss::kRange:
        ++count[p.range_m > s.max_range_m ? 0 : 1];
        break;
      case sensors::CoverageMiss::kElevation:
        ++count[p.elevation_rad < s.min_elevation_rad ? 2 : 3];
        break;
      case sensors::CoverageMiss::kSector:
        ++count[4];
        break;
      case sensors::CoverageMiss::kHorizon:
        ++count[5];
        break;
      case sensors::CoverageMiss::kNone:
        ++count[6];
        break;
    }
  }
  const auto most = std::max_element(count.begin(), count.end()) - count.begin();
  switch (most) {
    case 0:
      return fmt::format("the climb stays beyond its {:.0f} km range", s.max_range_m / 1e3);
    case 1:
      return fmt::format("the climb stays within its {:.1f} km minimum range", s.min_range_m / 1e3);
    case 2:
      return fmt::format("the climb stays below its {:.1f}° minimum elevation",
                         core::rad_to_deg(s.min_elevation_rad));
    case 3:
      return fmt::format("the climb stays above its {:.0f}° maximum elevation",
                         core::rad_to_deg(s.max_elevation_rad));
    case 4:
      return fmt::format("the climb stays outside its azimuth sector {:03.0f}°±{:.0f}°",
                         deg360(s.azimuth_rad), core::rad_to_deg(0.5 * s.sector_rad));
    default:
      return "the climb stays below its radio horizon";
  }
}

}  // namespace

// ---- Nominal rockets ----------------------------------------------------

std::vector<physics::ReachBand> reach_bands(const scenario::Scenario& sc) {
  std::vector<physics::ReachBand> out;
  for (const auto& t : sc.rocket_types)
    out.push_back(physics::reach_band(t.params, sc.environment));
  return out;
}

namespace {

// The path of a launch from a site's centre at (elevation, azimuth).
NominalPath launch_path(const scenario::Scenario& sc, int site, int type, double elevation_rad,
                        double azimuth_rad, const Vec2& aim_en_m, double step_s) {
  NominalPath path;
  path.site = site;
  path.type = type;
  path.aim_en_m = aim_en_m;
  path.states = physics::fly_trajectory(
      sc.rocket_types[static_cast<size_t>(type)].params, sc.environment, elevation_rad, azimuth_rad,
      sc.launch_sites[static_cast<size_t>(site)].center_en_m, step_s);
  for (size_t i = 1; i < path.states.size(); ++i)
    if (core::altitude_m(path.states[i].p_W) >
        core::altitude_m(path.states[static_cast<size_t>(path.apogee)].p_W))
      path.apogee = static_cast<int>(i);
  return path;
}

// The world's aim (the band first, then physics::solve_aim).
std::optional<physics::AimSolution> solve(const scenario::Scenario& sc, int site, int type,
                                          const Vec2& aim_en_m, const physics::ReachBand& band,
                                          double tolerance_m) {
  if (site < 0 || site >= static_cast<int>(sc.launch_sites.size()) || type < 0 ||
      type >= static_cast<int>(sc.rocket_types.size()))
    return std::nullopt;
  const Vec2& launch = sc.launch_sites[static_cast<size_t>(site)].center_en_m;
  if (!band.contains(core::ground_distance_m(launch, aim_en_m))) return std::nullopt;
  auto aim = physics::solve_aim(sc.rocket_types[static_cast<size_t>(type)].params, sc.environment,
                                launch, aim_en_m, band, tolerance_m);
  if (!aim) return std::nullopt;
  return *aim;
}

}  // namespace

std::optional<NominalPath> fly_nominal(const scenario::Scenario& sc, int site, int type,
                                       const Vec2& aim_en_m, const physics::ReachBand& band,
                                       double step_s, double tolerance_m) {
  if (!(step_s > 0)) return std::nullopt;
  const auto aim = solve(sc, site, type, aim_en_m, band, tolerance_m);
  if (!aim) return std::nullopt;
  return launch_path(sc, site, type, aim->elevation_rad, aim->azimuth_rad, aim_en_m, step_s);
}

Vec2 area_centroid(const scenario::DefendedArea& area) {
  const auto& v = area.polygon.vertices();
  if (v.empty()) return Vec2::Zero();
  // Shoelace, about the first vertex for precision.
  double a2 = 0;
  Vec2 c = Vec2::Zero(), mean = Vec2::Zero();
  for (size_t i = 0; i < v.size(); ++i) {
    const Vec2 p = v[i] - v[0], q = v[(i + 1) % v.size()] - v[0];
    const double cross = p.x() * q.y() - q.x() * p.y();
    a2 += cross;
    c += cross * (p + q);
    mean += v[i];
  }
  if (std::abs(a2) < 1e-9) return mean / static_cast<double>(v.size());
  return v[0] + c / (3 * a2);
}

std::vector<Vec2> raid_aim_points(const scenario::Scenario& sc, const scenario::Raid& raid) {
  if (!valid_raid(sc, raid)) return {};
  Vec2 centre = raid.aim.point_en_m;
  double r = 0;
  if (raid.aim.kind == scenario::Aim::Kind::kArea) {
    const auto& area = sc.defended_areas[static_cast<size_t>(raid.aim.area_index)];
    centre = area_centroid(area);
    r = std::sqrt(std::max(0.0, area.polygon.area_m2()) / std::numbers::pi);
  }
  std::vector<Vec2> out{centre};
  const double d = std::hypot(r, 2 * raid.aim_sigma_m);
  if (!(d > 0)) return out;
  Vec2 along = centre - sc.launch_sites[static_cast<size_t>(raid.site_index)].center_en_m;
  along = along.norm() > 0 ? Vec2(along.normalized()) : Vec2(0, 1);
  const Vec2 left(-along.y(), along.x());
  for (const Vec2& u : {Vec2(along), Vec2(-along), left, Vec2(-left)})
    out.push_back(centre + d * u);
  return out;
}

// ---- Radar coverage -----------------------------------------------------

double seen_fraction(std::span<const sensors::Radar> radars,
                     std::span<const physics::State> states) {
  if (states.empty() || radars.empty()) return 0;
  int seen = 0;
  for (const auto& s : states)
    seen += std::any_of(radars.begin(), radars.end(),
                        [&](const sensors::Radar& r) { return r.covers(s.p_W); });
  return static_cast<double>(seen) / static_cast<double>(states.size());
}

std::vector<Vec2> sector_ring(const scenario::Sensor& radar, double arc_step_rad) {
  const double step = arc_step_rad > 1e-4 ? arc_step_rad : core::deg_to_rad(2.0);
  const double r_max = radar.max_range_m, r_min = std::max(0.0, radar.min_range_m);
  if (!(r_max > 0) || !(radar.sector_rad > 0) || !(r_min < r_max)) return {};
  const Vec2 c = radar.position_en_m;
  auto at = [&](double az, double r) {
    return Vec2(c.x() + r * std::sin(az), c.y() + r * std::cos(az));
  };
  std::vector<Vec2> ring;
  if (radar.sector_rad >= kTwoPi - 1e-12) {
    // Decreasing azimuth runs counter-clockwise.
    const int n = std::max(8, static_cast<int>(std::ceil(kTwoPi / step - 1e-9)));
    for (int k = 0; k < n; ++k) ring.push_back(at(-k * kTwoPi / n, r_max));
  } else {
    const double a0 = radar.azimuth_rad - 0.5 * radar.sector_rad;
    const double a1 = radar.azimuth_rad + 0.5 * radar.sector_rad;
    const int n = std::max(1, static_cast<int>(std::ceil(radar.sector_rad / step - 1e-9)));
    // The outer arc from a1 back to a0, then the inner arc (or the apex).
    for (int k = 0; k <= n; ++k) ring.push_back(at(a1 - k * (a1 - a0) / n, r_max));
    if (r_min > 0) {
      for (int k = 0; k <= n; ++k) ring.push_back(at(a0 + k * (a1 - a0) / n, r_min));
    } else {
      ring.push_back(c);
    }
  }
  ring.push_back(ring.front());
  return ring;
}

// ---- Battery reach ------------------------------------------------------

bool can_intercept(const scenario::Scenario& sc, const scenario::Battery& battery,
                   const NominalPath& path, double reaction_s) {
  if (!has_interceptors(sc, battery) || path.states.empty()) return false;
  const auto& type = sc.interceptor_types[static_cast<size_t>(battery.interceptor_type)];
  InterceptContext ctx;
  ctx.battery = &battery;
  ctx.type = &type;
  ctx.table = &flyout_table(type);
  ctx.forecast = sc.environment;
  ctx.debris_weight = 0;  // reach only: debris changes the choice, not the window
  const ThreatPath threat{path.states};
  for (const auto& l : battery.launchers) {
    if (l.interceptors <= 0) continue;
    const Vec3 launcher_W = core::ground_point(l.position_en_m);
    if (intercept_window(threat, launcher_W, path.states.front().t_s + reaction_s, ctx).feasible)
      return true;
  }
  return false;
}

namespace {

// The grid of the footprints: nodes origin + step * (i, j), 0 <= i < nx,
// 0 <= j < ny.
struct FootprintGrid {
  Vec2 origin;
  double step = 0;
  int nx = 0, ny = 0;
  Vec2 node(int i, int j) const { return origin + step * Vec2(i, j); }
};

// The region: areas, aim points and batteries, padded; at most
// max_grid_nodes nodes.
FootprintGrid footprint_grid(const scenario::Scenario& sc, const CoverageOptions& o) {
  Vec2 lo = Vec2::Constant(1e300), hi = Vec2::Constant(-1e300);
  auto grow = [&](const Vec2& p) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  };
  for (const auto& a : sc.defended_areas)
    if (!a.polygon.vertices().empty()) {
      grow(a.polygon.min_corner());
      grow(a.polygon.max_corner());
    }
  for (const auto& r : sc.raids)
    for (const Vec2& p : raid_aim_points(sc, r)) grow(p);
  for (const auto& bat : sc.batteries) {
    grow(bat.position_en_m);
    for (const auto& l : bat.launchers) grow(l.position_en_m);
  }
  lo -= Vec2::Constant(o.grid_pad_m);
  hi += Vec2::Constant(o.grid_pad_m);
  const Vec2 size = hi - lo;
  const int max_nodes = std::max(4, o.max_grid_nodes);
  double step = std::max({o.min_grid_step_m, 1.0, std::sqrt(size.x() * size.y() / max_nodes)});
  int nx = 0, ny = 0;
  for (;; step *= 1.05) {
    nx = static_cast<int>(std::ceil(size.x() / step)) + 1;
    ny = static_cast<int>(std::ceil(size.y() / step)) + 1;
    if (static_cast<long>(nx) * ny <= max_nodes) break;
  }
  const Vec2 origin = 0.5 * (lo + hi) - 0.5 * step * Vec2(nx - 1, ny - 1);
  return {origin, step, nx, ny};
}

// The nearest site firing this type that reaches each node (-1: none).
std::vector<int> nearest_sites(const scenario::Scenario& sc, const FootprintGrid& grid,
                               const std::vector<int>& sites, const physics::ReachBand& band) {
  const int nx = grid.nx, ny = grid.ny;
  std::vector<int> site_of(static_cast<size_t>(nx) * ny, -1);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      double best = 0;
      for (int s : sites) {
        const double d = core::ground_distance_m(
            sc.launch_sites[static_cast<size_t>(s)].center_en_m, grid.node(i, j));
        if (band.contains(d) && (site_of[static_cast<size_t>(j) * nx + i] < 0 || d < best)) {
          site_of[static_cast<size_t>(j) * nx + i] = s;
          best = d;
        }
      }
    }
  return site_of;
}

// Rockets of `type` from `sites` aimed at each node of the grid: per battery
// and node, whether the battery can intercept them (only the `armed` ones
// are tried; `reach`: see battery_footprints).
std::vector<std::vector<unsigned char>> intercept_nodes(
    const scenario::Scenario& sc, const CoverageOptions& o, const FootprintGrid& grid, int type,
    const std::vector<int>& sites, const physics::ReachBand& band, const std::vector<int>& armed,
    const std::vector<double>& reach) {
  const double step = grid.step;
  const int nx = grid.nx, ny = grid.ny;
  // Aims are solved exactly (physics::solve_aim) at every kStride-th node
  // in each direction; between them the launch elevation and azimuth are
  // interpolated bilinearly from the four solved corners of the same site,
  // and the interpolated launch is kept when it lands within a quarter step
  // of its node (otherwise its aim is solved too). One flight per node
  // instead of the solver's four or five.
  constexpr int kStride = 4;
  const double tolerance_m = std::max(1.0, step / 20);
  const size_t n_nodes = static_cast<size_t>(nx) * ny;
  const std::vector<int> site_of = nearest_sites(sc, grid, sites, band);
  // Solved aims at the stride's nodes, on demand.
  std::vector<std::optional<std::optional<physics::AimSolution>>> solved(n_nodes);
  auto solved_at = [&](int i, int j) -> const std::optional<physics::AimSolution>& {
    const size_t n = static_cast<size_t>(j) * nx + i;
    if (!solved[n]) solved[n] = solve(sc, site_of[n], type, grid.node(i, j), band, tolerance_m);
    return *solved[n];
  };
  std::vector<std::vector<unsigned char>> inside(sc.batteries.size(),
                                                 std::vector<unsigned char>(n_nodes, 0));
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const size_t n = static_cast<size_t>(j) * nx + i;
      const int site = site_of[n];
      if (site < 0) continue;
      const Vec2 p = grid.node(i, j);
      const Vec2& c = sc.launch_sites[static_cast<size_t>(site)].center_en_m;
      std::vector<int> near;
      for (int b : armed)
        for (const auto& l : sc.batteries[static_cast<size_t>(b)].launchers)
          if (segment_distance_m(l.position_en_m, c, p) <= reach[static_cast<size_t>(b)]) {
            near.push_back(b);
            break;
          }
      if (near.empty()) continue;
      // Interpolate the launch from the stride's corners around the node.
      std::optional<NominalPath> path;
      const int i0 = i / kStride * kStride, j0 = j / kStride * kStride;
      const int i1 = i0 == i ? i0 : i0 + kStride, j1 = j0 == j ? j0 : j0 + kStride;
      if (i1 < nx && j1 < ny) {
        const std::array<std::pair<int, int>, 4> corner{{{i0, j0}, {i1, j0}, {i0, j1}, {i1, j1}}};
        const double u = i1 == i0 ? 0.0 : static_cast<double>(i - i0) / kStride;
        const double v = j1 == j0 ? 0.0 : static_cast<double>(j - j0) / kStride;
        const std::array<double, 4> w{(1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v};
        double el = 0, az = 0, az0 = 0;
        bool ok = true;
        for (int k = 0; k < 4 && ok; ++k) {
          const auto [ci, cj] = corner[static_cast<size_t>(k)];
          if (w[static_cast<size_t>(k)] == 0 && k > 0) continue;
          ok = site_of[static_cast<size_t>(cj) * nx + ci] == site;
          const auto& a = ok ? solved_at(ci, cj) : std::optional<physics::AimSolution>{};
          ok = ok && a.has_value();
          if (!ok) break;
          if (k == 0) az0 = a->azimuth_rad;
          el += w[static_cast<size_t>(k)] * a->elevation_rad;
          az += w[static_cast<size_t>(k)] * (az0 + std::remainder(a->azimuth_rad - az0, kTwoPi));
        }
        if (ok) {
          path = launch_path(sc, site, type, el, az, p, o.path_step_s);
          if ((path->states.back().p_W.head<2>() - p).norm() > 0.25 * step) path.reset();
        }
      }
      if (!path) path = fly_nominal(sc, site, type, p, band, o.path_step_s, tolerance_m);
      if (!path) continue;
      for (int b : near)
        inside[static_cast<size_t>(b)][n] =
            can_intercept(sc, sc.batteries[static_cast<size_t>(b)], *path, o.reaction_s);
    }
  }
  return inside;
}

}  // namespace

std::vector<Footprint> battery_footprints(const scenario::Scenario& sc, const CoverageOptions& o) {
  std::vector<Footprint> out;
  // The rocket types the raids fire, and the sites firing each.
  std::map<int, std::vector<int>> sites_of_type;
  for (const auto& [site, type] : fired_pairs(sc)) sites_of_type[type].push_back(site);
  if (sites_of_type.empty() || sc.batteries.empty()) return out;
  for (size_t b = 0; b < sc.batteries.size(); ++b)
    for (const auto& [type, sites] : sites_of_type) out.push_back({static_cast<int>(b), type, {}});

  std::vector<int> armed;  // batteries with interceptors
  for (size_t b = 0; b < sc.batteries.size(); ++b)
    if (has_interceptors(sc, sc.batteries[b])) armed.push_back(static_cast<int>(b));
  if (armed.empty()) return out;
  const FootprintGrid grid = footprint_grid(sc, o);

  // A battery is out of reach of a path when every launcher lies farther
  // from the straight site-to-impact line than its table's reach plus a
  // margin for the bend of the aimed trajectory in the wind.
  constexpr double kBendMargin_m = 3000;
  std::vector<double> reach(sc.batteries.size(), 0.0);
  for (int b : armed)
    reach[static_cast<size_t>(b)] =
        flyout_table(sc.interceptor_types[static_cast<size_t>(
                         sc.batteries[static_cast<size_t>(b)].interceptor_type)])
            .max_reach_m() +
        kBendMargin_m;

  const std::vector<physics::ReachBand> bands = reach_bands(sc);
  const size_t n_types = sites_of_type.size();
  size_t type_slot = 0;
  for (const auto& [type, sites] : sites_of_type) {
    const std::vector<std::vector<unsigned char>> inside =
        intercept_nodes(sc, o, grid, type, sites, bands[static_cast<size_t>(type)], armed, reach);
    for (int b : armed)
      out[static_cast<size_t>(b) * n_types + type_slot].rings =
          boundary_rings(inside[static_cast<size_t>(b)], grid.nx, grid.ny, grid.origin, grid.step);
    ++type_slot;
  }
  return out;
}

// ---- Marching squares ---------------------------------------------------

std::vector<std::vector<Vec2>> boundary_rings(std::span<const unsigned char> inside, int nx, int ny,
                                              const Vec2& origin_en_m, double step_m) {
  std::vector<std::vector<Vec2>> rings;
  if (nx <= 0 || ny <= 0 || inside.size() < static_cast<size_t>(nx) * ny) return rings;
  // The grid with a border of outside nodes: node (i, j) of the padded grid
  // is node (i - 1, j - 1) of the input.
  const int px = nx + 2, py = ny + 2;
  auto in = [&](int i, int j) {
    return i >= 1 && i <= nx && j >= 1 && j <= ny &&
           inside[static_cast<size_t>(j - 1) * nx + (i - 1)] != 0;
  };
  // Edge ids: 2 (j px + i) for the edge from node (i, j) to (i + 1, j),
  // one more for the edge from (i, j) to (i, j + 1).
  auto h_edge = [&](int i, int j) { return 2 * (j * px + i); };
  auto v_edge = [&](int i, int j) { return 2 * (j * px + i) + 1; };
  auto midpoint = [&](int id) {
    const int node = id / 2, i = node % px, j = node / px;
    const Vec2 a = origin_en_m + step_m * Vec2(i - 1, j - 1);
    return id % 2 == 0 ? Vec2(a + Vec2(0.5 * step_m, 0)) : Vec2(a + Vec2(0, 0.5 * step_m));
  };
  // Each cell's corners a b c d counter-clockwise from the lower left; its
  // edge k runs from corner k to corner k + 1. A segment runs from an edge
  // leaving the inside (in -> out) to the nearest edge before it entering
  // the inside (out -> in), so the inside lies on its left; in a saddle the
  // two inside corners stay apart.
  std::vector<int> next(static_cast<size_t>(2 * px * py), -1);
  for (int j = 0; j + 1 < py; ++j) {
    for (int i = 0; i + 1 < px; ++i) {
      const std::array<bool, 4> v{in(i, j), in(i + 1, j), in(i + 1, j + 1), in(i, j + 1)};
      if (v[0] == v[1] && v[1] == v[2] && v[2] == v[3]) continue;
      const std::array<int, 4> edge{h_edge(i, j), v_edge(i + 1, j), h_edge(i, j + 1), v_edge(i, j)};
      for (int k = 0; k < 4; ++k) {
        if (!(v[k] && !v[(k + 1) % 4])) continue;
        for (int m = 1; m < 4; ++m) {
          const int e = (k - m + 4) % 4;
          if (!v[e] && v[(e + 1) % 4]) {
            next[static_cast<size_t>(edge[k])] = edge[e];
            break;
          }
        }
      }
    }
  }
  // Follow the cycles, each from its lowest edge id.
  std::vector<unsigned char> used(next.size(), 0);
  for (size_t start = 0; start < next.size(); ++start) {
    if (next[start] < 0 || used[start]) continue;
    std::vector<Vec2> ring;
    for (int e = static_cast<int>(start); !used[static_cast<size_t>(e)];
         e = next[static_cast<size_t>(e)]) {
      used[static_cast<size_t>(e)] = 1;
      ring.push_back(midpoint(e));
      if (next[static_cast<size_t>(e)] < 0) break;  // cannot happen: every edge pairs
    }
    // Drop the middle points of straight runs.
    std::vector<Vec2> kept;
    const size_t n = ring.size();
    for (size_t k = 0; k < n; ++k) {
      const Vec2& a = ring[(k + n - 1) % n];
      const Vec2& b = ring[k];
      const Vec2& c = ring[(k + 1) % n];
      const Vec2 u = b - a, w = c - b;
      if (std::abs(u.x() * w.y() - u.y() * w.x()) > 1e-9 * step_m * step_m) kept.push_back(b);
    }
    if (kept.size() < 3) continue;
    kept.push_back(kept.front());
    rings.push_back(std::move(kept));
  }
  return rings;
}

double ring_area_m2(std::span<const Vec2> ring) {
  double a2 = 0;
  for (size_t i = 0; i < ring.size(); ++i) {
    const Vec2& p = ring[i];
    const Vec2& q = ring[(i + 1) % ring.size()];
    a2 += p.x() * q.y() - q.x() * p.y();
  }
  return 0.5 * a2;
}

// ---- Warnings -----------------------------------------------------------

std::string CoverageWarning::text() const {
  switch (rule) {
    case Rule::kRadarSite:
      return fmt::format("radar {} does not see rockets climbing from launch site {}: {}", subject,
                         object, reason);
    case Rule::kRaidPath:
      return fmt::format("{}: {}", object, reason);
    case Rule::kAreaRadar:
    case Rule::kAreaBattery:
      return fmt::format("defended area {}: {}", object, reason);
    case Rule::kBatteryAreas:
      return fmt::format("battery {} can intercept no rocket aimed at a defended area: {}", subject,
                         reason);
  }
  return reason;
}

namespace {

using Rule = CoverageWarning::Rule;

std::string pct(double f) { return fmt::format("{:.0f} %", 100 * f); }

// The nominal rocket of `type` from `site` aimed at `aim`, if it reaches it.
std::optional<NominalPath> fly(const scenario::Scenario& sc,
                               const std::vector<physics::ReachBand>& bands,
                               const CoverageOptions& o, int site, int type, const Vec2& aim) {
  return fly_nominal(sc, site, type, aim, bands[static_cast<size_t>(type)], o.path_step_s);
}

// Each raid's nominal rockets; the first flies to its centre.
std::vector<std::vector<NominalPath>> raid_rockets(const scenario::Scenario& sc,
                                                   const std::vector<physics::ReachBand>& bands,
                                                   const CoverageOptions& o) {
  std::vector<std::vector<NominalPath>> raid_paths(sc.raids.size());
  for (size_t r = 0; r < sc.raids.size(); ++r) {
    const auto& raid = sc.raids[r];
    if (!valid_raid(sc, raid)) continue;
    const std::vector<Vec2> aims = raid_aim_points(sc, raid);
    for (size_t k = 0; k < aims.size(); ++k) {
      auto p = fly(sc, bands, o, raid.site_index, raid.type_index, aims[k]);
      if (p)
        raid_paths[r].push_back(std::move(*p));
      else if (k == 0)
        break;  // no centre path: leave the raid out
    }
  }
  return raid_paths;
}

// Rockets aimed at each area: every (site, type) pair the raids fire that
// reaches it, at its centroid and at its extreme vertices (west, east,
// south, north); the first path of each pair flies to the centroid.
std::vector<std::vector<std::vector<NominalPath>>> area_rockets(
    const scenario::Scenario& sc, const std::vector<physics::ReachBand>& bands,
    const CoverageOptions& o) {
  const auto pairs = fired_pairs(sc);
  std::vector<std::vector<std::vector<NominalPath>>> area_paths(sc.defended_areas.size());
  for (size_t a = 0; a < sc.defended_areas.size(); ++a) {
    const auto& area = sc.defended_areas[a];
    const auto& v = area.polygon.vertices();
    if (v.size() < 3) continue;
    std::vector<Vec2> aims{area_centroid(area)};
    std::array<size_t, 4> ext{0, 0, 0, 0};
    for (size_t k = 1; k < v.size(); ++k) {
      if (v[k].x() < v[ext[0]].x()) ext[0] = k;
      if (v[k].x() > v[ext[1]].x()) ext[1] = k;
      if (v[k].y() < v[ext[2]].y()) ext[2] = k;
      if (v[k].y() > v[ext[3]].y()) ext[3] = k;
    }
    for (size_t k : ext) aims.push_back(v[k]);
    for (const auto& [site, type] : pairs) {
      std::vector<NominalPath> paths;
      auto centre = fly(sc, bands, o, site, type, aims[0]);
      if (!centre) continue;
      paths.push_back(std::move(*centre));
      for (size_t k = 1; k < aims.size(); ++k)
        if (auto p = fly(sc, bands, o, site, type, aims[k])) paths.push_back(std::move(*p));
      area_paths[a].push_back(std::move(paths));
    }
  }
  return area_paths;
}

// (a) Each radar against each launch site: some point of the climb
// (launch to apogee) of a raid's central rocket from the site in coverage.
void radar_site_warnings(const scenario::Scenario& sc, const std::vector<sensors::Radar>& radars,
                         const std::vector<std::vector<NominalPath>>& raid_paths,
                         std::vector<CoverageWarning>& out) {
  for (const auto& radar : radars) {
    for (size_t s = 0; s < sc.launch_sites.size(); ++s) {
      std::vector<const physics::State*> climb;
      for (size_t r = 0; r < sc.raids.size(); ++r) {
        if (sc.raids[r].site_index != static_cast<int>(s) || raid_paths[r].empty()) continue;
        const NominalPath& p = raid_paths[r].front();
        for (int k = 0; k <= p.apogee; ++k) climb.push_back(&p.states[static_cast<size_t>(k)]);
      }
      if (climb.empty()) continue;
      if (std::any_of(climb.begin(), climb.end(),
                      [&](const physics::State* st) { return radar.covers(st->p_W); }))
        continue;
      out.push_back({Rule::kRadarSite, radar.spec().name, sc.launch_sites[s].name,
                     radar_site_reason(radar, sc.launch_sites[s], climb)});
    }
  }
}

// (b) Each raid: the radars together see at least min_seen_fraction of
// the time along its nominal rockets.
void raid_path_warnings(const scenario::Scenario& sc, const std::vector<sensors::Radar>& radars,
                        const std::vector<std::vector<NominalPath>>& raid_paths,
                        const CoverageOptions& o, std::vector<CoverageWarning>& out) {
  if (!radars.empty()) {
    for (size_t r = 0; r < sc.raids.size(); ++r) {
      double seen = 0, total = 0;
      for (const auto& p : raid_paths[r]) {
        seen += seen_fraction(radars, p.states) * static_cast<double>(p.states.size());
        total += static_cast<double>(p.states.size());
      }
      if (total == 0 || seen / total >= o.min_seen_fraction) continue;
      out.push_back({Rule::kRaidPath, "", raid_label(sc, static_cast<int>(r)),
                     seen == 0 ? std::string("no radar sees its path")
                               : fmt::format("the radars see {} of its flight (under {})",
                                             pct(seen / total), pct(o.min_seen_fraction))});
    }
  }
}

// (c) Each area: the radars see at least min_seen_fraction of the
// descent (apogee to impact) of each central rocket aimed at it, and some
// battery can intercept each.
void area_warnings(const scenario::Scenario& sc, const std::vector<sensors::Radar>& radars,
                   const std::vector<std::vector<std::vector<NominalPath>>>& area_paths,
                   const CoverageOptions& o, std::vector<CoverageWarning>& out) {
  auto pair_label = [&](const NominalPath& p) {
    return fmt::format("{} from {}", sc.rocket_types[static_cast<size_t>(p.type)].name,
                       sc.launch_sites[static_cast<size_t>(p.site)].name);
  };
  for (size_t a = 0; a < sc.defended_areas.size(); ++a) {
    if (radars.empty()) break;
    std::string list;
    for (const auto& paths : area_paths[a]) {
      const NominalPath& p = paths.front();
      const auto descent = std::span(p.states).subspan(static_cast<size_t>(p.apogee));
      const double f = seen_fraction(radars, descent);
      if (f >= o.min_seen_fraction) continue;
      list += fmt::format("{}{} {}", list.empty() ? "" : ", ", pair_label(p), pct(f));
    }
    if (!list.empty())
      out.push_back({Rule::kAreaRadar, "", sc.defended_areas[a].name,
                     fmt::format("the radars see under {} of the descent of rockets aimed at its "
                                 "centre: {}",
                                 pct(o.min_seen_fraction), list)});
  }
  for (size_t a = 0; a < sc.defended_areas.size(); ++a) {
    if (sc.batteries.empty()) break;
    std::string list;
    for (const auto& paths : area_paths[a]) {
      const NominalPath& p = paths.front();
      if (std::any_of(sc.batteries.begin(), sc.batteries.end(), [&](const scenario::Battery& b) {
            return can_intercept(sc, b, p, o.reaction_s);
          }))
        continue;
      list += fmt::format("{}{}", list.empty() ? "" : ", ", pair_label(p));
    }
    if (!list.empty())
      out.push_back(
          {Rule::kAreaBattery, "", sc.defended_areas[a].name,
           fmt::format("no battery can intercept rockets aimed at its centre: {}", list)});
  }
}

// (d) Each battery: it can intercept some rocket aimed at some area.
void battery_warnings(const scenario::Scenario& sc,
                      const std::vector<std::vector<std::vector<NominalPath>>>& area_paths,
                      const CoverageOptions& o, std::vector<CoverageWarning>& out) {
  size_t n_paths = 0;
  for (const auto& per_area : area_paths)
    for (const auto& paths : per_area) n_paths += paths.size();
  if (n_paths > 0) {
    for (const auto& bat : sc.batteries) {
      if (!has_interceptors(sc, bat)) {
        out.push_back({Rule::kBatteryAreas, bat.name, "", "it has no interceptors"});
        continue;
      }
      bool any = false;
      for (size_t a = 0; a < area_paths.size() && !any; ++a)
        for (const auto& paths : area_paths[a]) {
          any = std::any_of(paths.begin(), paths.end(), [&](const NominalPath& p) {
            return can_intercept(sc, bat, p, o.reaction_s);
          });
          if (any) break;
        }
      if (any) continue;
      // Name the nearest area that rockets can reach.
      double nearest = -1;
      std::string name;
      for (size_t a = 0; a < area_paths.size(); ++a) {
        if (area_paths[a].empty()) continue;
        const double d = sc.defended_areas[a].polygon.distance_m(bat.position_en_m);
        if (nearest < 0 || d < nearest) {
          nearest = d;
          name = sc.defended_areas[a].name;
        }
      }
      out.push_back({Rule::kBatteryAreas, bat.name, "",
                     fmt::format("none of {} nominal rockets is within its reach; the nearest "
                                 "area they can hit, {}, is {:.1f} km away",
                                 n_paths, name, nearest / 1e3)});
    }
  }
}

}  // namespace

std::vector<CoverageWarning> coverage_warnings(const scenario::Scenario& sc,
                                               const CoverageOptions& o) {
  std::vector<CoverageWarning> out;
  if (sc.sensors.empty() && sc.batteries.empty()) return out;  // no rule applies
  std::vector<sensors::Radar> radars;
  for (size_t i = 0; i < sc.sensors.size(); ++i)
    radars.emplace_back(sc.sensors[i], static_cast<int>(i));
  const std::vector<physics::ReachBand> bands = reach_bands(sc);
  const auto raid_paths = raid_rockets(sc, bands, o);
  radar_site_warnings(sc, radars, raid_paths, out);
  raid_path_warnings(sc, radars, raid_paths, o, out);
  const auto area_paths = area_rockets(sc, bands, o);
  area_warnings(sc, radars, area_paths, o, out);
  battery_warnings(sc, area_paths, o, out);
  return out;
}

}  // namespace canopy::engage
