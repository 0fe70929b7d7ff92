// Coverage warnings: what the radars cannot see of the raids and of the
// defended areas, and which batteries can reach no rocket (docs/engage.md).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "canopy/core/units.h"
#include "canopy/engage/coverage.h"
#include "coverage_internal.h"

namespace canopy::engage {

using detail::fired_pairs;
using detail::has_interceptors;
using detail::kTwoPi;
using detail::valid_raid;

namespace {

// Azimuth clockwise from +N of a horizontal offset, in [0, 2 pi).
double bearing_rad(const Vec2& d) {
  const double a = std::atan2(d.x(), d.y());
  return a < 0 ? a + kTwoPi : a;
}

double deg360(double rad) {
  const double d = std::fmod(core::rad_to_deg(rad), 360.0);
  return d < 0 ? d + 360 : d;
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
