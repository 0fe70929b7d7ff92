#include "canopy/sim/truth.h"

#include <fmt/format.h>

#include <algorithm>

#include "canopy/core/random.h"
#include "canopy/core/units.h"

namespace canopy::sim {
namespace {

// Aim points drawn per rocket before the raid is declared unreachable.
constexpr int kMaxAimDraws = 1000;

}  // namespace

core::Result<std::vector<RocketPlan>> plan_rockets(const scenario::Scenario& sc, std::uint64_t seed,
                                                   int run_index,
                                                   const physics::IntegratorOptions& integrator) {
  // Reach bands per rocket type, in calm air, as the validator uses them.
  std::vector<physics::ReachBand> bands;
  for (const auto& type : sc.rocket_types)
    bands.push_back(physics::reach_band(type.params, sc.environment));

  // Plan every rocket from its own stream: launch point, Cd factor, aim point.
  std::vector<RocketPlan> plans;
  for (size_t r = 0; r < sc.raids.size(); ++r) {
    const scenario::Raid& raid = sc.raids[r];
    const scenario::RocketType& type = sc.rocket_types[raid.type_index];
    const scenario::LaunchSite& site = sc.launch_sites[raid.site_index];
    for (int k = 0; k < raid.count; ++k) {
      core::Stream rng(seed, static_cast<std::uint64_t>(run_index), core::tag("rocket"), r,
                       static_cast<std::uint64_t>(k));
      RocketPlan plan;
      plan.raid = static_cast<int>(r);
      plan.index_in_raid = k;
      plan.type = raid.type_index;
      plan.t_launch_s = raid.at_s + k * raid.interval_s;
      plan.launch_en_m = site.center_en_m + rng.uniform_in_disc(site.radius_m);
      plan.cd_factor = std::max(0.1, 1.0 + type.cd_dispersion * rng.normal());
      bool solved = false;
      for (int draw = 1; draw <= kMaxAimDraws && !solved; ++draw) {
        Vec2 aim = raid.aim.kind == scenario::Aim::Kind::kArea
                       ? sc.defended_areas[raid.aim.area_index].polygon.sample_uniform(rng)
                       : raid.aim.point_en_m;
        aim += raid.aim_sigma_m * Vec2(rng.normal(), rng.normal());
        // Out of the band: draw again from the same stream.
        if (!bands[plan.type].contains(core::ground_distance_m(plan.launch_en_m, aim))) continue;
        auto sol = physics::solve_aim(type.params, sc.environment, plan.launch_en_m, aim,
                                      bands[plan.type], 0.1, integrator);
        if (!sol) continue;
        plan.aim_en_m = aim;
        plan.aim = *sol;
        plan.aim_draws = draw;
        solved = true;
      }
      if (!solved) {
        return core::fail(fmt::format(
            "raids[{}]: rocket {} of {} found no reachable aim point in {} draws (type '{}' "
            "reaches {:.1f}-{:.1f} km)",
            r, k + 1, raid.count, kMaxAimDraws, type.name, bands[plan.type].min_range_m / 1000,
            bands[plan.type].max_range_m / 1000));
      }
      plans.push_back(plan);
    }
  }
  // Rocket ids follow launch order (ties: raid, then index in raid).
  std::stable_sort(plans.begin(), plans.end(), [](const RocketPlan& a, const RocketPlan& b) {
    return a.t_launch_s < b.t_launch_s;
  });
  for (size_t i = 0; i < plans.size(); ++i) plans[i].id = static_cast<int>(i) + 1;
  return plans;
}

std::optional<std::string> area_at(const scenario::Scenario& sc, const Vec2& en) {
  for (const auto& area : sc.defended_areas)
    if (area.polygon.contains(en)) return area.name;
  return std::nullopt;
}

Truth::Truth(const scenario::Scenario& scenario, const core::GeoFrame& geo,
             std::vector<RocketPlan> plans, const physics::IntegratorOptions& integrator)
    : scenario_(&scenario),
      geo_(geo),
      integrator_(integrator),
      plans_(std::move(plans)),
      flights_(plans_.size()),
      killed_(plans_.size(), false) {}

LaunchEvent Truth::launch(const RocketPlan& plan) {
  const scenario::Scenario& sc = *scenario_;
  physics::RocketParams params = sc.rocket_types[plan.type].params;
  params.cd_factor = plan.cd_factor;
  const Vec3 p_W = core::ground_point(plan.launch_en_m);
  flights_[plan.id - 1] = physics::Flight::launch(params, sc.environment, p_W, plan.aim.dir_W,
                                                  plan.t_launch_s, integrator_);
  airborne_.push_back(plan.id - 1);
  stepping_.push({plan.t_launch_s, plan.id - 1});
  // Where it falls, undefended (truth, for scoring and for outside tools).
  physics::Flight undefended = *flights_[plan.id - 1];
  const physics::Impact& hit = undefended.fly_to_ground();

  LaunchEvent e;
  e.t_s = plan.t_launch_s;
  e.rocket = plan.id;
  e.rocket_type = sc.rocket_types[plan.type].name;
  e.site = sc.launch_sites[sc.raids[plan.raid].site_index].name;
  e.elevation_deg = core::rad_to_deg(plan.aim.elevation_rad);
  e.azimuth_deg = core::rad_to_deg(plan.aim.azimuth_rad);
  e.dir_W = plan.aim.dir_W;
  e.p_W = p_W;
  const core::LatLon ll = geo_.latlon_from_enu(p_W);
  e.lat_deg = ll.lat_deg;
  e.lon_deg = ll.lon_deg;
  e.aim_en_m = plan.aim_en_m;
  e.cd_factor = plan.cd_factor;
  e.raid = plan.raid;
  e.impact_p_W = hit.p_W;
  e.impact_area = area_at(sc, hit.p_W.head<2>());
  return e;
}

ImpactEvent Truth::impact(const RocketPlan& plan, const physics::Impact& hit) const {
  ImpactEvent e;
  e.t_s = hit.t_s;
  e.rocket = plan.id;
  e.p_W = hit.p_W;
  const core::LatLon ll = geo_.latlon_from_enu(hit.p_W);
  e.lat_deg = ll.lat_deg;
  e.lon_deg = ll.lon_deg;
  e.speed_mps = hit.v_W.norm();
  e.aim_miss_m = core::ground_distance_m(hit.p_W.head<2>(), plan.aim_en_m);
  e.area = area_at(*scenario_, hit.p_W.head<2>());
  for (const auto& zone : scenario_->alert_zones) {
    if (!zone.polygon.contains(hit.p_W.head<2>())) continue;
    e.zone = zone.id;
    break;
  }
  return e;
}

void Truth::advance_to(double t_s) {
  while (!stepping_.empty() && stepping_.top().first < t_s) {
    const int idx = stepping_.top().second;
    stepping_.pop();
    if (killed_[static_cast<size_t>(idx)]) continue;
    physics::Flight& f = *flights_[idx];
    f.advance_to(t_s);
    if (f.landed()) {
      landing_.push_back(idx);
    } else {
      stepping_.push({f.current().t_s, idx});
    }
  }
}

void Truth::land(double t_end, std::vector<Event>& events,
                 const std::function<void(int, const physics::Impact&)>& on_landed) {
  std::erase_if(landing_, [&](int idx) {
    const physics::Impact& hit = *flights_[idx]->impact();
    if (hit.t_s > t_end + 1e-12) return false;
    events.push_back(impact(plans_[idx], hit));
    on_landed(idx, hit);
    std::erase(airborne_, idx);
    return true;
  });
}

void Truth::kill(int idx) {
  killed_[static_cast<size_t>(idx)] = true;
  std::erase(airborne_, idx);
  std::erase(landing_, idx);
}

bool Truth::is_airborne(int idx) const {
  return std::find(airborne_.begin(), airborne_.end(), idx) != airborne_.end();
}

std::optional<physics::State> Truth::state_in_flight(int idx, double t_s) const {
  const physics::Flight& f = *flights_[static_cast<size_t>(idx)];
  if (t_s <= f.t_launch_s() || (f.landed() && f.impact()->t_s <= t_s)) return std::nullopt;
  return f.state_at(t_s);
}

}  // namespace canopy::sim
