// Coverage and footprints: nominal rockets, radar coverage, battery reach
// and footprints, and their outlines by marching squares (docs/engage.md).
#include "canopy/engage/coverage.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <utility>

#include "canopy/core/units.h"
#include "canopy/engage/flyout.h"
#include "canopy/engage/intercept.h"
#include "coverage_internal.h"

namespace canopy::engage {
namespace detail {

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

}  // namespace detail

using detail::fired_pairs;
using detail::has_interceptors;
using detail::kTwoPi;
using detail::valid_raid;

namespace {

// Distance from p to the segment a-b (planar).
double segment_distance_m(const Vec2& p, const Vec2& a, const Vec2& b) {
  const Vec2 d = b - a;
  const double len2 = d.squaredNorm();
  const double s = len2 > 0 ? std::clamp((p - a).dot(d) / len2, 0.0, 1.0) : 0.0;
  return (a + s * d - p).norm();
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

}  // namespace canopy::engage
