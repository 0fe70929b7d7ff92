// The generator's threat: rocket types (a library of variants per class,
// with their reach bands), launch sites and raids.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "canopy/physics/ballistics.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/generate_internal.h"

namespace canopy::scenario::detail::gen {
namespace {

// ---------------------------------------------------------------------------
// Rocket classes and their variants

// A rocket class of the default scenario (scenarios/default.yaml): its
// nominal parameters.
struct RocketClass {
  const char* name = "";
  double launch_mass_kg = 0, propellant_mass_kg = 0, burn_time_s = 0, thrust_n = 0;
  double diameter_m = 0, rcs_m2 = 0;
  std::vector<std::array<double, 2>> cd_mach;
  double nominal_max_range_m = 0;  // of these parameters, calm air
};

const std::vector<RocketClass>& rocket_classes() {
  static const std::vector<RocketClass> kClasses = {
      {.name = "short",
       .launch_mass_kg = 18.8,
       .propellant_mass_kg = 5.0,
       .burn_time_s = 1.0,
       .thrust_n = 9500,
       .diameter_m = 0.107,
       .rcs_m2 = 0.02,
       .cd_mach = {{0.0, 0.30}, {0.8, 0.32}, {1.0, 0.45}, {1.2, 0.42}, {2.0, 0.35}, {3.0, 0.30}},
       .nominal_max_range_m = 10.5e3},
      {.name = "medium",
       .launch_mass_kg = 66,
       .propellant_mass_kg = 20,
       .burn_time_s = 1.9,
       .thrust_n = 21000,
       .diameter_m = 0.122,
       .rcs_m2 = 0.03,
       .cd_mach = {{0.0, 0.30}, {0.8, 0.32}, {1.0, 0.45}, {1.2, 0.42}, {2.0, 0.35}, {3.0, 0.30}},
       .nominal_max_range_m = 22.4e3},
      {.name = "long",
       .launch_mass_kg = 150,
       .propellant_mass_kg = 52,
       .burn_time_s = 2.6,
       .thrust_n = 45000,
       .diameter_m = 0.16,
       .rcs_m2 = 0.05,
       .cd_mach = {{0.0, 0.28}, {0.8, 0.30}, {1.0, 0.42}, {1.2, 0.40}, {2.0, 0.33}, {3.0, 0.28}},
       .nominal_max_range_m = 43.6e3},
  };
  return kClasses;
}

// Rocket types come from a library of kVariants variants per class, so
// that each variant's reach band (a few dozen trajectories) is computed once
// per process however many scenarios are generated. Variant 0 is the class's
// nominal rocket; the others are heavier or lighter rockets of the class:
// mass, propellant fraction, exhaust speed and burn time vary, the thrust
// follows from them. A draw whose maximum range leaves the class's (0.75 to
// 1.3 times the nominal) is drawn again (the tenth attempt takes the
// nominal rocket). Each variant draws from its own stream, not the seed's.
constexpr int kVariants = 16;

RocketTypeSpec make_variant(int c, int v) {
  const RocketClass& k = rocket_classes()[static_cast<size_t>(c)];
  Stream rng(core::tag("generate"), core::tag("rocket_variant"), static_cast<std::uint64_t>(c),
             static_cast<std::uint64_t>(v));
  for (int attempt = 0;; ++attempt) {
    const bool nominal = v == 0 || attempt == 9;
    auto vary = [&](double lo, double hi) { return nominal ? 1.0 : rng.uniform(lo, hi); };
    const double scale = vary(0.8, 1.25);
    RocketTypeSpec t;
    t.name = k.name;
    t.launch_mass_kg = round_to(k.launch_mass_kg * scale, 1);
    t.propellant_mass_kg =
        round_to(t.launch_mass_kg * k.propellant_mass_kg / k.launch_mass_kg * vary(0.93, 1.07), 1);
    const double exhaust_mps = k.thrust_n * k.burn_time_s / k.propellant_mass_kg * vary(0.95, 1.05);
    t.burn_time_s = round_to(k.burn_time_s * vary(0.75, 1.3), 2);
    t.thrust_n = round_to(exhaust_mps * t.propellant_mass_kg / t.burn_time_s, -1);
    t.diameter_m = round_to(k.diameter_m * std::cbrt(scale) * vary(0.95, 1.05), 3);
    t.rcs_m2 = round_to(k.rcs_m2 * vary(0.7, 1.3), 3);
    t.cd_dispersion = round_to(0.03 * vary(0.5, 1.5), 3);
    const double cd_scale = vary(0.9, 1.1);
    for (const auto& [mach, cd] : k.cd_mach)
      t.cd_mach.push_back({mach, round_to(cd * cd_scale, 3)});

    // The reach band exactly as the loader computes it (calm air), and the
    // part of it raids use: a margin for the wind at run time.
    const physics::Environment calm;
    const physics::RocketParams p = t.params();
    t.band = physics::reach_band(p, calm);
    const double ratio = t.band.max_range_m / k.nominal_max_range_m;
    if (!nominal && (ratio < 0.75 || ratio > 1.3)) continue;
    t.inner_min_m = t.band.min_range_m * 1.05 + 300;
    t.inner_max_m = t.band.max_range_m * 0.94 - 300;
    t.longest_flight_s =
        physics::fly_range_point(p, calm, t.band.max_range_elevation_rad).flight_time_s;
    return t;
  }
}

// Variant v of class c, computed on first use (thread-safe).
const RocketTypeSpec& rocket_variant(int c, int v) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, RocketTypeSpec> library;
  const std::lock_guard lock(mutex);
  auto it = library.find({c, v});
  if (it == library.end()) it = library.emplace(std::pair(c, v), make_variant(c, v)).first;
  return it->second;
}

}  // namespace

// ---------------------------------------------------------------------------
// Rocket types

void Generator::draw_rocket_types() {
  Stream rng = part_stream(seed_, "rocket_types");
  std::vector<int> classes = {0, 1, 2};
  shuffle(rng, classes);
  classes.resize(static_cast<size_t>(uniform_int(rng, 1, 3)));
  std::sort(classes.begin(), classes.end());
  for (const int c : classes)
    types_.push_back(rocket_variant(c, uniform_int(rng, 0, kVariants - 1)));
}

// The time a raid of this type has for its launches within max_duration_s.
double Generator::launch_window_s(int type) const {
  return opt_.max_duration_s - types_[static_cast<size_t>(type)].longest_flight_s -
         kLandingMargin_s - 2;
}
bool Generator::type_usable(int type) const { return launch_window_s(type) >= 20; }

// ---------------------------------------------------------------------------
// Launch sites and aims

// A point of open ground near a town, inside the region, or nothing.
std::optional<Vec2> Generator::open_ground_point(Stream& rng) const {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const Town& t = towns_[static_cast<size_t>(pick(rng, towns_.size()))];
    const Vec2 p =
        round_m(t.centre + (t.radius_m + rng.uniform(300, 3500)) * unit(rng.uniform(0, 2 * kPi)));
    if (!region_.contains(p, 500)) continue;
    bool open = true;
    for (const Town& other : towns_) open = open && other.polygon.distance_m(p) >= 300;
    if (open) return p;
  }
  return std::nullopt;
}

// The loader's reach check (load_threats.cc, check_reach) against the band's
// inner part.
bool Generator::reaches(int type, const Vec2& site_centre, double site_radius_m, const AimSpec& aim,
                        double sigma_m) const {
  const RocketTypeSpec& t = types_[static_cast<size_t>(type)];
  const double widen = site_radius_m + 3.0 * sigma_m;
  double nearest = 0, farthest = 0;
  if (aim.town >= 0) {
    const Polygon& poly = towns_[static_cast<size_t>(aim.town)].polygon;
    nearest = poly.distance_m(site_centre) - widen;
    farthest = poly.max_distance_m(site_centre) + widen;
  } else {
    const double d = (aim.point - site_centre).norm();
    nearest = d - widen;
    farthest = d + widen;
  }
  return std::max(0.0, nearest) >= t.inner_min_m && farthest <= t.inner_max_m;
}

double Generator::distance_to_towns(const Vec2& p) const {
  double d = std::numeric_limits<double>::infinity();
  for (const Town& t : towns_) d = std::min(d, t.polygon.distance_m(p));
  return d;
}

// A candidate site: one type reaches one target from it with the least
// aim scatter (100 m). The target is a town, or open ground near one; the
// site lies 5-40 km from it in a random direction (or, with `outward`,
// roughly away from the region's centre).
std::optional<Site> Generator::candidate_site(Stream& rng, const std::vector<int>& usable,
                                              bool outward) const {
  Site site;
  site.radius_m = round_to(rng.uniform(300, 1500), -2);
  site.fallback_type = usable[static_cast<size_t>(pick(rng, usable.size()))];
  const RocketTypeSpec& t = types_[static_cast<size_t>(site.fallback_type)];
  Vec2 target;
  double target_radius = 0;
  if (chance(rng, 0.5)) {
    site.fallback_aim.town = pick(rng, towns_.size());
    const Town& town = towns_[static_cast<size_t>(site.fallback_aim.town)];
    target = town.centre;
    target_radius = town.radius_m;
  } else {
    const auto p = open_ground_point(rng);
    if (!p) return std::nullopt;
    site.fallback_aim.point = target = *p;
  }
  const double widen = site.radius_m + 3 * 100.0;
  const double d_lo = std::max(t.inner_min_m + target_radius + widen, kMinSiteToTown_m);
  const double d_hi = std::min(t.inner_max_m - target_radius - widen, kMaxSiteToTown_m);
  if (d_lo > d_hi) return std::nullopt;
  const Vec2 from_centre = target - region_.centre();
  const double bearing =
      outward ? std::atan2(from_centre.y(), from_centre.x()) + rng.uniform(-kPi / 3, kPi / 3)
              : rng.uniform(0, 2 * kPi);
  site.centre = round_m(target + rng.uniform(d_lo, d_hi) * unit(bearing));
  if (!reaches(site.fallback_type, site.centre, site.radius_m, site.fallback_aim, 100)) {
    return std::nullopt;
  }
  return site;
}

void Generator::draw_sites() {
  Stream rng = part_stream(seed_, "launch_sites");
  std::vector<int> usable;
  for (int t = 0; t < static_cast<int>(types_.size()); ++t) {
    if (type_usable(t)) usable.push_back(t);
  }
  const int n = uniform_int(rng, 1, 3);
  for (int s = 0; s < n; ++s) {
    // The first candidate at least 5 km from every town and 3 km from the
    // other sites; failing that, the one farthest from the towns.
    std::optional<Site> best;
    double best_clearance = -std::numeric_limits<double>::infinity();
    for (int attempt = 0; attempt < 2000 && best_clearance < kMinSiteToTown_m; ++attempt) {
      auto site = candidate_site(rng, usable, attempt >= 1000);
      if (!site) continue;
      bool apart = true;
      for (const Site& other : sites_)
        apart = apart && (other.centre - site->centre).norm() >= 3000;
      const double clearance = distance_to_towns(site->centre) - site->radius_m - (apart ? 0 : 1e6);
      if (clearance > best_clearance) {
        best_clearance = clearance;
        best = site;
      }
    }
    if (!best) best = last_resort_site(rng, usable);
    best->name = fmt::format("Site{}", static_cast<char>('A' + s));
    sites_.push_back(*best);
  }
}

// A site that always works: a point site at the middle of the widest
// usable band from the first town's centre, aimed at that centre.
Site Generator::last_resort_site(Stream& rng, const std::vector<int>& usable) const {
  Site site;
  site.fallback_type = usable[0];
  for (const int t : usable) {
    const auto width = [&](int k) {
      return types_[static_cast<size_t>(k)].inner_max_m -
             types_[static_cast<size_t>(k)].inner_min_m;
    };
    if (width(t) > width(site.fallback_type)) site.fallback_type = t;
  }
  const RocketTypeSpec& t = types_[static_cast<size_t>(site.fallback_type)];
  site.fallback_aim.point = towns_[0].centre;
  site.centre = round_m(towns_[0].centre +
                        0.5 * (t.inner_min_m + t.inner_max_m) * unit(rng.uniform(0, 2 * kPi)));
  return site;
}

// Splits the rockets into raids of 1-40: a few big salvos and some small.
std::vector<int> Generator::raid_counts(Stream& rng) const {
  const int total = uniform_int(rng, opt_.min_rockets, opt_.max_rockets);
  int n = uniform_int(rng, 2, 10);
  n = std::max(n, (total + kMaxSalvo - 1) / kMaxSalvo);
  n = std::min(n, total);
  std::vector<double> weight(static_cast<size_t>(n));
  double sum = 0;
  for (double& w : weight) sum += w = std::pow(rng.uniform(), 3) + 0.01;
  std::vector<int> counts(static_cast<size_t>(n));
  int assigned = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    counts[i] = std::min(kMaxSalvo, 1 + static_cast<int>((total - n) * weight[i] / sum));
    assigned += counts[i];
  }
  while (assigned < total) {  // the rounding's remainder, to raids with room
    const auto i = static_cast<size_t>(uniform_int(rng, 0, n - 1));
    if (counts[i] < kMaxSalvo) {
      ++counts[i];
      ++assigned;
    }
  }
  return counts;
}

void Generator::draw_raids() {
  Stream rng = part_stream(seed_, "raids");
  for (const int count : raid_counts(rng)) {
    RaidSpec raid;
    raid.count = count;
    raid.site = pick(rng, sites_.size());
    const Site& site = sites_[static_cast<size_t>(raid.site)];
    raid.aim_sigma_m = round_to(rng.uniform(100, 500), -1);

    // Every (type, target) this site reaches with this scatter: the towns
    // and a few points of open ground near them.
    struct Choice {
      int type;
      AimSpec aim;
    };
    std::vector<Choice> at_towns, at_ground;
    std::vector<AimSpec> ground;
    for (int k = 0; k < 8; ++k) {
      if (const auto p = open_ground_point(rng)) ground.push_back({-1, *p});
    }
    for (int t = 0; t < static_cast<int>(types_.size()); ++t) {
      if (!type_usable(t)) continue;
      for (int a = 0; a < static_cast<int>(towns_.size()); ++a) {
        if (reaches(t, site.centre, site.radius_m, {a, Vec2::Zero()}, raid.aim_sigma_m))
          at_towns.push_back({t, {a, Vec2::Zero()}});
      }
      for (const AimSpec& g : ground) {
        if (reaches(t, site.centre, site.radius_m, g, raid.aim_sigma_m))
          at_ground.push_back({t, g});
      }
    }
    const bool prefer_towns = chance(rng, 0.55);
    const std::vector<Choice>& first = prefer_towns ? at_towns : at_ground;
    const std::vector<Choice>& second = prefer_towns ? at_ground : at_towns;
    if (!first.empty() || !second.empty()) {
      const std::vector<Choice>& from = first.empty() ? second : first;
      const Choice& c = from[static_cast<size_t>(pick(rng, from.size()))];
      raid.type = c.type;
      raid.aim = c.aim;
    } else {  // nothing with this scatter: the site's own raid
      raid.type = site.fallback_type;
      raid.aim = site.fallback_aim;
      raid.aim_sigma_m = 100;
    }

    // Timing: launches 0.1-3 s apart (often fast), all within the
    // window that lets the last rocket land before max_duration_s.
    const double window = launch_window_s(raid.type);
    raid.interval_s = count == 1 ? 0.0 : round_to(0.1 + 2.9 * std::pow(rng.uniform(), 2), 2);
    if (count > 1 && raid.interval_s * (count - 1) > 0.8 * window) {
      raid.interval_s = std::max(0.1, std::floor(0.8 * window / (count - 1) * 100) / 100);
    }
    const double span = raid.interval_s * (count - 1);
    raid.at_s = std::floor(rng.uniform(0, window - span) * 10) / 10;
    raids_.push_back(raid);
  }
  std::stable_sort(raids_.begin(), raids_.end(),
                   [](const RaidSpec& a, const RaidSpec& b) { return a.at_s < b.at_s; });

  // The run lasts until the last rocket has landed, and a little more.
  double end_s = 0;
  for (const RaidSpec& r : raids_) {
    end_s = std::max(end_s, r.at_s + r.interval_s * (r.count - 1) +
                                types_[static_cast<size_t>(r.type)].longest_flight_s);
  }
  duration_s_ = std::min(opt_.max_duration_s, std::ceil(end_s + kLandingMargin_s));
}

}  // namespace canopy::scenario::detail::gen
