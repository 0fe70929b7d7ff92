// The scenario generator's insides, shared by its source files
// (generate*.cc); not part of the module's API: include it from those files only.
//
// generate.cc has the entry point, the options and the text;
// generate_scene.cc the origin, the wind, the towns and the alert zones;
// generate_threats.cc the rocket types, launch sites and raids;
// generate_defense.cc the radars, the batteries and the doctrine.
//
// Namespace detail::gen, not detail: loader.h has its own num() and km()
// in detail, with other formats.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/core/polygon.h"
#include "canopy/core/random.h"
#include "canopy/physics/ballistics.h"
#include "canopy/physics/flight.h"
#include "canopy/scenario/generate.h"

namespace canopy::scenario::detail::gen {

using core::Polygon;
using core::Stream;
using core::Vec2;

inline constexpr double kPi = std::numbers::pi;
inline constexpr int kMaxSalvo = 40;            // rockets in one raid
inline constexpr double kLandingMargin_s = 30;  // after the last nominal impact
inline constexpr double kMinSiteToTown_m = 5000;
inline constexpr double kMaxSiteToTown_m = 40000;

// ---------------------------------------------------------------------------
// Draws and rounding

// Rounded to `decimals` places (negative: to tens, hundreds...). n / 10^d
// is the double nearest the decimal the text shows, so a value rounded here
// reads back from the YAML as exactly itself.
inline double round_to(double v, int decimals) {
  double scale = 1;
  for (int i = 0; i < std::abs(decimals); ++i) scale *= 10;
  const double r = decimals >= 0 ? std::round(v * scale) / scale : std::round(v / scale) * scale;
  return r == 0 ? 0.0 : r;  // no "-0"
}

// Positions are whole metres: printed as km with three decimals.
inline Vec2 round_m(const Vec2& p) { return {round_to(p.x(), 0), round_to(p.y(), 0)}; }

inline int uniform_int(Stream& rng, int lo, int hi) {  // inclusive
  const int v = lo + static_cast<int>(std::floor(rng.uniform() * (hi - lo + 1)));
  return std::min(v, hi);
}

// An index into a container of n > 0 elements.
inline int pick(Stream& rng, size_t n) { return uniform_int(rng, 0, static_cast<int>(n) - 1); }

inline bool chance(Stream& rng, double p) { return rng.uniform() < p; }

inline double log_uniform(Stream& rng, double lo, double hi) {
  return lo * std::exp(rng.uniform() * std::log(hi / lo));
}

inline Vec2 unit(double angle_rad) { return {std::cos(angle_rad), std::sin(angle_rad)}; }

template <class T>
void shuffle(Stream& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[static_cast<size_t>(uniform_int(rng, 0, static_cast<int>(i) - 1))]);
  }
}

// The stream of one part of the scenario.
inline Stream part_stream(std::uint64_t seed, std::string_view part) {
  return Stream(seed, core::tag("generate"), core::tag(part));
}

// ---------------------------------------------------------------------------
// Text

// A number as the YAML shows it (already rounded by the caller).
inline std::string num(double v) { return fmt::format("{}", v == 0 ? 0.0 : v); }
inline std::string km(double m) { return num(m / 1000.0); }
inline std::string point_km(const Vec2& p) { return fmt::format("[{}, {}]", km(p.x()), km(p.y())); }
inline std::string ring_km(const std::vector<Vec2>& ring) {
  std::string out = "[";
  for (size_t i = 0; i < ring.size(); ++i) out += (i ? ", " : "") + point_km(ring[i]);
  return out + "]";
}

// ---------------------------------------------------------------------------
// The parts

struct RocketTypeSpec {
  std::string name;
  double launch_mass_kg = 0, propellant_mass_kg = 0, burn_time_s = 0, thrust_n = 0;
  double diameter_m = 0, rcs_m2 = 0, cd_dispersion = 0;
  std::vector<std::array<double, 2>> cd_mach;
  physics::ReachBand band;  // calm air, as the loader computes it
  double inner_min_m = 0;   // the part of the band raids may use
  double inner_max_m = 0;
  double longest_flight_s = 0;  // at the elevation of maximum range

  physics::RocketParams params() const {
    physics::RocketParams p;
    p.launch_mass_kg = launch_mass_kg;
    p.propellant_mass_kg = propellant_mass_kg;
    p.burn_time_s = burn_time_s;
    p.thrust_N = thrust_n;
    p.diameter_m = diameter_m;
    for (const auto& [mach, cd] : cd_mach) {
      p.cd.mach.push_back(mach);
      p.cd.cd.push_back(cd);
    }
    return p;
  }
};

struct Town {
  std::string name;
  double value = 0;
  Vec2 centre = Vec2::Zero();
  double radius_m = 0;  // every vertex lies within this of the centre
  std::vector<Vec2> ring;
  Polygon polygon;
};

struct Zone {
  std::string id;
  double population = 0;
  std::vector<Vec2> ring;
};

// Where a raid aims: a town (by index) or a point.
struct AimSpec {
  int town = -1;
  Vec2 point = Vec2::Zero();
};

struct Site {
  std::string name;
  Vec2 centre = Vec2::Zero();
  double radius_m = 0;
  // A raid that always passes the reach check from this site.
  int fallback_type = 0;
  AimSpec fallback_aim;
};

struct RaidSpec {
  double at_s = 0;
  int site = 0;
  int type = 0;
  int count = 1;
  double interval_s = 0;
  AimSpec aim;
  double aim_sigma_m = 0;
};

struct Region {
  Vec2 lo = Vec2::Zero(), hi = Vec2::Zero();  // the alert-zone grid's bounds
  bool contains(const Vec2& p, double inset_m) const {
    return p.x() >= lo.x() + inset_m && p.x() <= hi.x() - inset_m && p.y() >= lo.y() + inset_m &&
           p.y() <= hi.y() - inset_m;
  }
  Vec2 centre() const { return 0.5 * (lo + hi); }
};

class Generator {
 public:
  Generator(std::uint64_t seed, const GenerateOptions& options) : seed_(seed), opt_(options) {}

  std::string run();

 private:
  // Origin and wind, towns, alert zones (generate_scene.cc).
  void draw_origin_and_wind();
  void draw_towns();
  void draw_zones();

  // Rocket types, launch sites and raids (generate_threats.cc).
  void draw_rocket_types();
  double launch_window_s(int type) const;
  bool type_usable(int type) const;
  std::optional<Vec2> open_ground_point(Stream& rng) const;
  bool reaches(int type, const Vec2& site_centre, double site_radius_m, const AimSpec& aim,
               double sigma_m) const;
  double distance_to_towns(const Vec2& p) const;
  std::optional<Site> candidate_site(Stream& rng, const std::vector<int>& usable,
                                     bool outward) const;
  void draw_sites();
  Site last_resort_site(Stream& rng, const std::vector<int>& usable) const;
  std::vector<int> raid_counts(Stream& rng) const;
  void draw_raids();

  // Radars, batteries, doctrine (generate_defense.cc).
  void draw_sensors();
  void draw_batteries();
  void draw_doctrine();

  // The text (generate.cc).
  std::string text() const;

  std::uint64_t seed_;
  GenerateOptions opt_;
  double lat_deg_ = 0, lon_deg_ = 0, alt_m_ = 0;
  std::vector<std::array<double, 3>> wind_rows_;  // [alt_m, east_mps, north_mps]
  std::vector<RocketTypeSpec> types_;
  std::vector<Town> towns_;
  Region region_;
  std::vector<Zone> zones_;
  std::vector<Site> sites_;
  std::vector<RaidSpec> raids_;
  double duration_s_ = 0;
  std::string sensors_text_, interceptors_text_, batteries_text_;
  int shots_per_threat_ = 2;
  bool salvo_ = false;
};

}  // namespace canopy::scenario::detail::gen
