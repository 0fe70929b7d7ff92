// The threat's sections: rocket types (and the airframe keys they share with
// interceptor types), launch sites, raids, and the raids' reach.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "canopy/core/units.h"
#include "canopy/physics/ballistics.h"
#include "canopy/scenario/loader.h"

namespace canopy::scenario::detail {

// ---------------------------------------------------------------------------
// Rocket types

bool Loader::read_airframe(Map& m, const Field& f, physics::RocketParams& params) {
  const auto m0 = req_number(m, "launch_mass_kg", above_upto(0, 10000));
  const auto mp = req_number(m, "propellant_mass_kg", above_upto(0, 10000));
  const auto tb = req_number(m, "burn_time_s", above_upto(0, 300));
  const auto thrust = req_number(m, "thrust_n", above_upto(0, 1e7));
  const auto d = req_number(m, "diameter_m", above_upto(0, 2));
  bool ok = m0 && mp && tb && thrust && d;

  // Cd(Mach): [mach, cd] rows, Mach strictly increasing.
  physics::CdTable cd;
  if (m.require("cd_mach")) {
    const auto rows = list(m.at("cd_mach"), "[mach, cd] pairs");
    if (rows && rows->empty()) {
      error(m.at("cd_mach"), "the table needs at least one [mach, cd] pair");
    }
    ok = ok && rows && !rows->empty();
    for (const Field& row : rows.value_or(std::vector<Field>{})) {
      const auto v = tuple(row, {between(0, 50), above_upto(0, 10)}, "a pair [mach, cd]");
      if (!v) {
        ok = false;
        continue;
      }
      if (!cd.mach.empty() && (*v)[0] <= cd.mach.back()) {
        error(row, fmt::format("Mach numbers must increase strictly down the table ({} follows {})",
                               num((*v)[0]), num(cd.mach.back())));
        ok = false;
      }
      cd.mach.push_back((*v)[0]);
      cd.cd.push_back((*v)[1]);
    }
  } else {
    ok = false;
  }

  // The motor must be physical: propellant lighter than the rocket,
  // thrust above the launch weight, and a short-range speed gain.
  if (m0 && mp && *mp >= *m0) {
    error(m.at("propellant_mass_kg"),
          fmt::format("must be less than launch_mass_kg ({} kg)", num(*m0)));
    ok = false;
  }
  if (m0 && thrust && *thrust <= *m0 * core::kStandardGravity_mps2) {
    error(m.at("thrust_n"), fmt::format("{} N does not lift the launch weight of {} N "
                                        "(launch_mass_kg x 9.80665 m/s^2)",
                                        num(*thrust), num(*m0 * core::kStandardGravity_mps2)));
    ok = false;
  }
  if (ok) {
    const double gain = *thrust * *tb / *mp * std::log(*m0 / (*m0 - *mp));
    if (gain > kMaxSpeedGain_mps) {
      error(f, fmt::format("the motor's ideal speed gain is {} m/s (thrust_n x burn_time_s / "
                           "propellant_mass_kg x ln(launch mass / burnout mass)); canopy "
                           "models short-range rockets, up to {} m/s",
                           num(std::round(gain)), num(kMaxSpeedGain_mps)));
      ok = false;
    }
  }

  params.launch_mass_kg = m0.value_or(0);
  params.propellant_mass_kg = mp.value_or(0);
  params.burn_time_s = tb.value_or(0);
  params.thrust_N = thrust.value_or(0);
  params.diameter_m = d.value_or(0);
  params.cd = cd;
  params.cd_factor = 1.0;
  return ok;
}

void Loader::read_rocket_types(Map& top) {
  if (!top.has("rocket_types")) return;
  const auto items = list(top.at("rocket_types"), "rocket types");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "rocket_types[]", false);
    if (!m.ok()) continue;
    const auto name = req_text(m, "name");
    const auto dispersion = opt_number(m, "cd_dispersion", 0.03, between(0, 0.5));
    const auto rcs = opt_number(m, "rcs_m2", 0.05, above_upto(0, 1000));
    const auto length = opt_number(m, "length_m", 0.0, above_upto(0, 100));
    RocketType type;
    const bool ok = read_airframe(m, f, type.params) && name && dispersion && rcs && length;
    type.name = name.value_or("");
    type.cd_dispersion = dispersion.value_or(0.03);
    type.rcs_m2 = rcs.value_or(0.05);
    type.length_m = m.has("length_m") ? length.value_or(1) : 15 * type.params.diameter_m;
    const int index = static_cast<int>(sc_.rocket_types.size());
    sc_.rocket_types.push_back(type);
    if (name) add_name(type_names_, "rocket type name", *name, index, ok, m.at("name"));
  }
}

// ---------------------------------------------------------------------------
// Launch sites and raids

void Loader::read_launch_sites(Map& top) {
  if (!top.has("launch_sites")) return;
  const auto items = list(top.at("launch_sites"), "launch sites");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "launch_sites[]", false);
    if (!m.ok()) continue;
    const auto name = req_text(m, "name");
    const std::string which = one_of(m, {"center_km", "center_deg"}, "a launch site");
    std::optional<Vec2> center;
    if (which == "center_km") center = point_km(m.at(which));
    if (which == "center_deg") center = point_deg(m.at(which));
    const auto radius_km = opt_number(m, "radius_km", 0.0, between(0, 100));
    const bool ok = name && center && radius_km;
    const int index = static_cast<int>(sc_.launch_sites.size());
    sc_.launch_sites.push_back(
        {name.value_or(""), center.value_or(Vec2::Zero()), core::km_to_m(radius_km.value_or(0))});
    if (name) add_name(site_names_, "launch site name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_raids(Map& top) {
  if (!top.has("raids")) return;
  const auto items = list(top.at("raids"), "raids");
  if (!items) return;
  long long total = 0;
  for (const Field& f : *items) {
    Map m(*this, f, "raids[]", false);
    Raid raid;
    raid_fields_.push_back(f);
    raid_area_names_.emplace_back();
    if (!m.ok()) {
      sc_.raids.push_back(raid);
      raid_ok_.push_back(false);
      continue;
    }
    const auto at = req_number(m, "at_s", at_least(0));
    const auto site = req_text(m, "site");
    const auto type = req_text(m, "type");
    const auto count =
        m.has("count") ? integer(m.at("count"), 1, kMaxRocketsPerRaid) : std::optional(1LL);
    const auto interval = opt_number(m, "interval_s", 0.0, between(0, 3600));
    const auto sigma = opt_number(m, "aim_sigma_m", 0.0, between(0, 100000));
    bool ok = at && site && type && count && interval && sigma;

    // Aim: a defended area, or a point in km or degrees.
    bool aim_ok = false;
    std::optional<std::string> area;
    std::optional<Field> area_field;
    if (m.require("aim")) {
      Map aim(*this, m.at("aim"), "raids[].aim");
      const std::string which =
          aim.ok() ? one_of(aim, {"area", "point_km", "point_deg"}, "an aim") : "";
      if (which == "area") {
        area_field = aim.at("area");
        area = text(*area_field);
        raid.aim.kind = Aim::Kind::kArea;
        aim_ok = area.has_value();
      } else if (!which.empty()) {
        const auto p = which == "point_km" ? point_km(aim.at(which)) : point_deg(aim.at(which));
        raid.aim.kind = Aim::Kind::kPoint;
        raid.aim.point_en_m = p.value_or(Vec2::Zero());
        aim_ok = p.has_value();
      }
    }
    ok = ok && aim_ok;

    // References to launch sites, rocket types and defended areas.
    if (site) {
      const NameEntry* e = resolve(site_names_, "launch site", m.at("site"), *site);
      ok = ok && e && e->valid;
      if (e) raid.site_index = e->index;
    }
    if (type) {
      const NameEntry* e = resolve(type_names_, "rocket type", m.at("type"), *type);
      ok = ok && e && e->valid;
      if (e) raid.type_index = e->index;
    }
    if (area) {
      const NameEntry* e = resolve(area_names_, "defended area", *area_field, *area);
      ok = ok && e && e->valid;
      if (e) raid.aim.area_index = e->index;
      raid_area_names_.back() = *area;
    }

    // Timing: every launch falls within the run.
    if (at && run_ok_ && *at >= sc_.run.duration_s) {
      error(m.at("at_s"), fmt::format("the raid starts at {} s, but the run ends at {} s "
                                      "(run.duration_s)",
                                      num(*at), num(sc_.run.duration_s)));
      ok = false;
    } else if (at && count && interval && run_ok_) {
      const double last = *at + static_cast<double>(*count - 1) * *interval;
      if (last >= sc_.run.duration_s) {
        error(f, fmt::format("the raid's last launch, at {} s (at_s + (count - 1) x interval_s), "
                             "falls after the run ends at {} s (run.duration_s)",
                             num(last), num(sc_.run.duration_s)));
        ok = false;
      }
    }
    if (count) {
      total += *count;
      if (total > kMaxRocketsTotal && total - *count <= kMaxRocketsTotal) {
        error(m.at_or_self("count"),
              fmt::format("the raids add up to more than {} rockets, the most a "
                          "scenario may have",
                          kMaxRocketsTotal));
      }
    }

    raid.at_s = at.value_or(0);
    raid.count = static_cast<int>(count.value_or(1));
    raid.interval_s = interval.value_or(0);
    raid.aim_sigma_m = sigma.value_or(0);
    sc_.raids.push_back(raid);
    raid_ok_.push_back(ok);
  }
}

void Loader::check_reach() {
  // One band per rocket type, in calm air, computed when first needed.
  physics::Environment calm = sc_.environment;
  calm.wind = {};
  std::vector<std::optional<physics::ReachBand>> bands(sc_.rocket_types.size());
  for (size_t i = 0; i < sc_.raids.size(); ++i) {
    if (!raid_ok_[i]) continue;
    const Raid& raid = sc_.raids[i];
    const RocketType& type = sc_.rocket_types[raid.type_index];
    const LaunchSite& site = sc_.launch_sites[raid.site_index];
    auto& band = bands[raid.type_index];
    if (!band) band = physics::reach_band(type.params, calm);

    // Nearest and farthest (launch point, aim point) pairs, widened by the
    // launch site's radius and 3 aim_sigma_m.
    const double widen = site.radius_m + 3.0 * raid.aim_sigma_m;
    double nearest = 0, farthest = 0;
    std::string target;
    if (raid.aim.kind == Aim::Kind::kArea) {
      const Polygon& poly = sc_.defended_areas[raid.aim.area_index].polygon;
      nearest = poly.distance_m(site.center_en_m) - widen;
      farthest = poly.max_distance_m(site.center_en_m) + widen;
      target = fmt::format("area '{}'", raid_area_names_[i]);
    } else {
      const double d = (raid.aim.point_en_m - site.center_en_m).norm();
      nearest = d - widen;
      farthest = d + widen;
      target = "the aim point";
    }
    nearest = std::max(0.0, nearest);
    if (nearest >= band->min_range_m && farthest <= band->max_range_m) continue;
    error(raid_fields_[i],
          fmt::format("{} reaches {}\u2013{} km but this raid needs {}\u2013{} km (launch site "
                      "'{}' of radius {} km to {}, widened by 3 x aim_sigma_m = {} km)",
                      type.name, km(band->min_range_m), km(band->max_range_m), km(nearest),
                      km(farthest), site.name, num(site.radius_m / 1000), target,
                      num(3.0 * raid.aim_sigma_m / 1000)));
  }
}

}  // namespace canopy::scenario::detail
