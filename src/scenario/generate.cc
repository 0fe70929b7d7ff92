// The scenario generator (generate.h; docs/scenario.md, "Generated
// scenarios").
//
// A scenario is built in dependency order: rocket types (and their reach
// bands, as the loader computes them), towns, the alert-zone grid over
// them, launch sites placed so that some type reaches some target from
// each, raids (each aimed where its type reaches), radars, batteries and
// the doctrine; then the run's duration from the raids' last flights.
// Every part draws from its own stream, keyed by the seed and the part's
// name, so a change to one part's draws leaves the others as they were.
//
// Values are rounded to what the text shows (metres for positions, a few
// decimals elsewhere) before they are used in any check, so the loader sees
// the numbers the checks saw; the reach checks also keep a margin inside
// the band, for the wind at run time.
#include "canopy/scenario/generate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
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

namespace canopy::scenario {

std::optional<std::string> GenerateOptions::problem() const {
  if (min_rockets < 1) return fmt::format("min_rockets must be at least 1 (got {})", min_rockets);
  if (max_rockets < min_rockets) {
    return fmt::format("max_rockets ({}) must not be below min_rockets ({})", max_rockets,
                       min_rockets);
  }
  if (max_rockets > 100000) {
    return fmt::format("max_rockets must be at most 100000 (got {})", max_rockets);
  }
  if (!(max_duration_s >= 300 && max_duration_s <= 86400)) {
    return fmt::format("max_duration_s must be between 300 and 86400 (got {:g})", max_duration_s);
  }
  return std::nullopt;
}

namespace {

using core::Polygon;
using core::Stream;
using core::Vec2;

constexpr double kPi = std::numbers::pi;
constexpr int kMaxSalvo = 40;            // rockets in one raid
constexpr double kLandingMargin_s = 30;  // after the last nominal impact
constexpr double kMinSiteToTown_m = 5000;
constexpr double kMaxSiteToTown_m = 40000;

// ---------------------------------------------------------------------------
// Draws and rounding

// Rounded to `decimals` places (negative: to tens, hundreds...). n / 10^d
// is the double nearest the decimal the text shows, so a value rounded here
// reads back from the YAML as exactly itself.
double round_to(double v, int decimals) {
  double scale = 1;
  for (int i = 0; i < std::abs(decimals); ++i) scale *= 10;
  const double r = decimals >= 0 ? std::round(v * scale) / scale : std::round(v / scale) * scale;
  return r == 0 ? 0.0 : r;  // no "-0"
}

// Positions are whole metres: printed as km with three decimals.
Vec2 round_m(const Vec2& p) { return {round_to(p.x(), 0), round_to(p.y(), 0)}; }

int uniform_int(Stream& rng, int lo, int hi) {  // inclusive
  const int v = lo + static_cast<int>(std::floor(rng.uniform() * (hi - lo + 1)));
  return std::min(v, hi);
}

// An index into a container of n > 0 elements.
int pick(Stream& rng, size_t n) { return uniform_int(rng, 0, static_cast<int>(n) - 1); }

bool chance(Stream& rng, double p) { return rng.uniform() < p; }

double log_uniform(Stream& rng, double lo, double hi) {
  return lo * std::exp(rng.uniform() * std::log(hi / lo));
}

Vec2 unit(double angle_rad) { return {std::cos(angle_rad), std::sin(angle_rad)}; }

template <class T>
void shuffle(Stream& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[static_cast<size_t>(uniform_int(rng, 0, static_cast<int>(i) - 1))]);
  }
}

// The stream of one part of the scenario.
Stream part_stream(std::uint64_t seed, std::string_view part) {
  return Stream(seed, core::tag("generate"), core::tag(part));
}

// ---------------------------------------------------------------------------
// Text

// A number as the YAML shows it (already rounded by the caller).
std::string num(double v) { return fmt::format("{}", v == 0 ? 0.0 : v); }
std::string km(double m) { return num(m / 1000.0); }
std::string point_km(const Vec2& p) { return fmt::format("[{}, {}]", km(p.x()), km(p.y())); }
std::string ring_km(const std::vector<Vec2>& ring) {
  std::string out = "[";
  for (size_t i = 0; i < ring.size(); ++i) out += (i ? ", " : "") + point_km(ring[i]);
  return out + "]";
}

// ---------------------------------------------------------------------------
// The parts

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

  std::string run() {
    draw_origin_and_wind();
    draw_rocket_types();
    draw_towns();
    draw_zones();
    draw_sites();
    draw_raids();
    draw_sensors();
    if (opt_.batteries) draw_batteries();
    draw_doctrine();
    return text();
  }

 private:
  // --- origin, wind -------------------------------------------------------

  void draw_origin_and_wind() {
    Stream rng = part_stream(seed_, "origin");
    lat_deg_ = round_to(rng.uniform(-60, 60), 4);
    lon_deg_ = round_to(rng.uniform(-180, 180), 4);
    alt_m_ = chance(rng, 0.5) ? 0.0 : round_to(rng.uniform(0, 800), 0);

    Stream wrng = part_stream(seed_, "wind");
    const double u = wrng.uniform();
    if (!opt_.wind || u < 0.3) return;  // calm
    const double dir = wrng.uniform(0, 2 * kPi);
    if (u < 0.6) {  // constant
      const Vec2 w = wrng.uniform(1, 10) * unit(dir);
      wind_rows_.push_back({0, round_to(w.x(), 1), round_to(w.y(), 1)});
      return;
    }
    // A profile: speed growing with altitude, direction veering a little.
    double speed = wrng.uniform(0, 6), heading = dir;
    for (const double alt : {0.0, 3000.0, 10000.0, 20000.0}) {
      const Vec2 w = speed * unit(heading);
      wind_rows_.push_back({alt, round_to(w.x(), 1), round_to(w.y(), 1)});
      speed = alt < 10000 ? speed + wrng.uniform(0, 6) : speed * wrng.uniform(0.5, 1.0);
      heading += wrng.uniform(-0.3, 0.3);
    }
  }

  // --- rocket types ---------------------------------------------------------

  void draw_rocket_types() {
    Stream rng = part_stream(seed_, "rocket_types");
    std::vector<int> classes = {0, 1, 2};
    shuffle(rng, classes);
    classes.resize(static_cast<size_t>(uniform_int(rng, 1, 3)));
    std::sort(classes.begin(), classes.end());
    for (const int c : classes)
      types_.push_back(rocket_variant(c, uniform_int(rng, 0, kVariants - 1)));
  }

  // The time a raid of this type has for its launches within max_duration_s.
  double launch_window_s(int type) const {
    return opt_.max_duration_s - types_[static_cast<size_t>(type)].longest_flight_s -
           kLandingMargin_s - 2;
  }
  bool type_usable(int type) const { return launch_window_s(type) >= 20; }

  // --- towns ----------------------------------------------------------------

  void draw_towns() {
    static const std::array<const char*, 12> kNames = {
        "Aldmoor",  "Brackwater", "Cinderford", "Dunmere", "Elmstead", "Fallowby",
        "Greywick", "Harrowgate", "Ivybridge",  "Juniper", "Kestrel",  "Lindenhall"};
    Stream rng = part_stream(seed_, "towns");
    const int n = uniform_int(rng, 1, 6);
    std::vector<int> names(kNames.size());
    for (size_t i = 0; i < names.size(); ++i) names[i] = static_cast<int>(i);
    shuffle(rng, names);

    double half_m = 3000 + 2500 * n;  // towns' centres lie in [-half, half]^2
    for (int i = 0; i < n; ++i) {
      Town town;
      town.name = kNames[static_cast<size_t>(names[static_cast<size_t>(i)])];
      town.value = round_to(log_uniform(rng, 500, 60000), -2);
      town.radius_m = 0.5 * log_uniform(rng, 500, 4000);  // diameter 0.5-4 km
      // A centre clear of the other towns (1 km between them at least).
      for (int attempt = 0;; ++attempt) {
        if (attempt > 0 && attempt % 100 == 0) half_m *= 1.2;
        town.centre = round_m(Vec2(rng.uniform(-half_m, half_m), rng.uniform(-half_m, half_m)));
        bool clear = true;
        for (const Town& other : towns_) {
          clear =
              clear && (town.centre - other.centre).norm() >= town.radius_m + other.radius_m + 1000;
        }
        if (clear) break;
      }
      // Convex: points on an ellipse. Concave: a star with a dent. Both are
      // simple, their vertices in angular order around the centre.
      const int k = uniform_int(rng, 5, 10);
      const bool convex = chance(rng, 0.5);
      const double rotation = rng.uniform(0, 2 * kPi);
      const double aspect = rng.uniform(0.5, 1.0);
      const int dent = uniform_int(rng, 0, k - 1);
      for (int j = 0; j < k; ++j) {
        const double angle = 2 * kPi * (j + rng.uniform(-0.3, 0.3)) / k;
        Vec2 local;
        if (convex) {
          local = Vec2(town.radius_m * std::cos(angle), aspect * town.radius_m * std::sin(angle));
        } else {
          const double r = j == dent ? rng.uniform(0.3, 0.5) : rng.uniform(0.75, 1.0);
          local = r * town.radius_m * unit(angle);
        }
        const Vec2 rotated(std::cos(rotation) * local.x() - std::sin(rotation) * local.y(),
                           std::sin(rotation) * local.x() + std::cos(rotation) * local.y());
        town.ring.push_back(round_m(town.centre + rotated));
      }
      town.polygon = Polygon(town.ring);
      towns_.push_back(std::move(town));
    }
  }

  // --- alert zones ----------------------------------------------------------

  void draw_zones() {
    Stream rng = part_stream(seed_, "zones");
    // The region: the towns' bounds with 2-5 km of open land on each side.
    Vec2 lo = towns_[0].ring[0], hi = lo;
    for (const Town& t : towns_) {
      for (const Vec2& v : t.ring) {
        lo = lo.cwiseMin(v);
        hi = hi.cwiseMax(v);
      }
    }
    region_.lo = round_m(lo - Vec2(rng.uniform(2000, 5000), rng.uniform(2000, 5000)));
    region_.hi = round_m(hi + Vec2(rng.uniform(2000, 5000), rng.uniform(2000, 5000)));

    // A jittered nx x ny grid. Inner vertices move by up to 30 % of a cell,
    // so opposite edges of a cell never cross; vertices on the border move
    // along it, so the cells tile the region exactly.
    const int nx = uniform_int(rng, 4, 8), ny = uniform_int(rng, 4, 8);
    const double dx = (region_.hi.x() - region_.lo.x()) / nx;
    const double dy = (region_.hi.y() - region_.lo.y()) / ny;
    const double jitter = rng.uniform(0.1, 0.3);
    std::vector<std::vector<Vec2>> grid(static_cast<size_t>(nx + 1),
                                        std::vector<Vec2>(static_cast<size_t>(ny + 1)));
    for (int i = 0; i <= nx; ++i) {
      for (int j = 0; j <= ny; ++j) {
        double x = region_.lo.x() + i * dx, y = region_.lo.y() + j * dy;
        if (i > 0 && i < nx) x += jitter * dx * rng.uniform(-1, 1);
        if (j > 0 && j < ny) y += jitter * dy * rng.uniform(-1, 1);
        if (i == nx) x = region_.hi.x();
        if (j == ny) y = region_.hi.y();
        grid[static_cast<size_t>(i)][static_cast<size_t>(j)] = round_m(Vec2(x, y));
      }
    }
    // Rows lettered from the north (A), columns numbered from the west (1).
    for (int row = 0; row < ny; ++row) {
      const int j = ny - 1 - row;
      for (int i = 0; i < nx; ++i) {
        const auto I = static_cast<size_t>(i), J = static_cast<size_t>(j);
        Zone z;
        z.id = fmt::format("{}{}", static_cast<char>('A' + row), i + 1);
        z.ring = {grid[I][J + 1], grid[I][J], grid[I + 1][J], grid[I + 1][J + 1]};
        // People on the land, plus each town's share by its vertices inside.
        const Polygon cell(z.ring);
        double population = rng.uniform(200, 4000);
        for (const Town& t : towns_) {
          const auto inside = std::count_if(t.ring.begin(), t.ring.end(),
                                            [&](const Vec2& v) { return cell.contains(v); });
          population += t.value * static_cast<double>(inside) / static_cast<double>(t.ring.size());
        }
        z.population = round_to(population, -1);
        zones_.push_back(std::move(z));
      }
    }
  }

  // --- launch sites and aims -------------------------------------------------

  // A point of open ground near a town, inside the region, or nothing.
  std::optional<Vec2> open_ground_point(Stream& rng) const {
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
  bool reaches(int type, const Vec2& site_centre, double site_radius_m, const AimSpec& aim,
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

  double distance_to_towns(const Vec2& p) const {
    double d = std::numeric_limits<double>::infinity();
    for (const Town& t : towns_) d = std::min(d, t.polygon.distance_m(p));
    return d;
  }

  // A candidate site: one type reaches one target from it with the least
  // aim scatter (100 m). The target is a town, or open ground near one; the
  // site lies 5-40 km from it in a random direction (or, with `outward`,
  // roughly away from the region's centre).
  std::optional<Site> candidate_site(Stream& rng, const std::vector<int>& usable,
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

  void draw_sites() {
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
        const double clearance =
            distance_to_towns(site->centre) - site->radius_m - (apart ? 0 : 1e6);
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
  Site last_resort_site(Stream& rng, const std::vector<int>& usable) const {
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
  std::vector<int> raid_counts(Stream& rng) const {
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

  void draw_raids() {
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

  // --- radars ---------------------------------------------------------------

  void draw_sensors() {
    Stream rng = part_stream(seed_, "sensors");
    const int n = uniform_int(rng, 1, 4);
    std::string& out = sensors_text_;
    for (int i = 0; i < n; ++i) {
      const Vec2 pos = round_m(Vec2(rng.uniform(region_.lo.x() - 2000, region_.hi.x() + 2000),
                                    rng.uniform(region_.lo.y() - 2000, region_.hi.y() + 2000)));
      double farthest_site = 0;
      for (const Site& s : sites_) farthest_site = std::max(farthest_site, (s.centre - pos).norm());
      fmt::format_to(std::back_inserter(out), "  - name: Radar{}\n    position_km: {}\n", i + 1,
                     point_km(pos));
      fmt::format_to(std::back_inserter(out), "    alt_m: {}\n",
                     num(round_to(rng.uniform(5, 30), 0)));
      if (chance(rng, 0.6)) {  // a sector facing one of the launch sites
        const Site& s = sites_[static_cast<size_t>(pick(rng, sites_.size()))];
        const Vec2 d = s.centre - pos;
        double az = std::atan2(d.x(), d.y()) * 180 / kPi + rng.uniform(-30, 30);
        az = std::fmod(az + 720, 360);
        fmt::format_to(std::back_inserter(out), "    azimuth_deg: {}\n    sector_deg: {}\n",
                       num(round_to(az, 1)), num(round_to(rng.uniform(60, 180), -1)));
      } else {
        out += "    sector_deg: 360\n";
      }
      fmt::format_to(std::back_inserter(out), "    elevation_deg: [{}, {}]\n",
                     num(round_to(rng.uniform(0.3, 1.0), 1)),
                     num(round_to(rng.uniform(60, 85), 0)));
      const double max_range_km =
          std::clamp(std::ceil(farthest_site / 1000 + rng.uniform(5, 25)), 40.0, 150.0);
      fmt::format_to(std::back_inserter(out), "    range_km: [{}, {}]\n",
                     num(round_to(rng.uniform(0.5, 2), 1)), num(max_range_km));
      fmt::format_to(std::back_inserter(out), "    revisit_s: {}\n",
                     num(round_to(0.25 + 0.75 * rng.uniform(), 2)));
      std::string sigma = fmt::format(
          "range_m: {}, azimuth_mrad: {}, elevation_mrad: {}", num(round_to(rng.uniform(5, 30), 0)),
          num(round_to(rng.uniform(1, 4), 1)), num(round_to(rng.uniform(1, 4), 1)));
      if (chance(rng, 0.3))
        sigma += fmt::format(", range_rate_mps: {}", num(round_to(rng.uniform(0.5, 2), 1)));
      fmt::format_to(std::back_inserter(out), "    sigma: {{{}}}\n", sigma);
      if (chance(rng, 0.5)) {
        fmt::format_to(std::back_inserter(out), "    detection: {{pd: {}}}\n",
                       num(round_to(rng.uniform(0.75, 0.98), 2)));
      } else {
        fmt::format_to(std::back_inserter(out),
                       "    detection: {{rcs_m2: 0.1, reference_range_km: {}, reference_snr_db: "
                       "{}, threshold_db: {}}}\n",
                       num(round_to(rng.uniform(30, 60), 0)), num(round_to(rng.uniform(15, 25), 1)),
                       num(round_to(rng.uniform(10, 14), 1)));
      }
      const double clutter = chance(rng, 0.2) ? 0.0 : round_to(rng.uniform(0, 3), 1);
      const double latency = round_to(rng.uniform(0, 0.2), 2);
      fmt::format_to(std::back_inserter(out), "    false_alarms_per_scan: {}\n    latency_s: {}\n",
                     num(clutter), num(latency));
      if (chance(rng, 0.3)) {  // one outage of 10-40 s during the run
        const double start = round_to(rng.uniform(0, std::max(0.0, duration_s_ - 10)), 0);
        const double length = round_to(rng.uniform(10, 40), 0);
        fmt::format_to(std::back_inserter(out), "    outages: [[{}, {}]]\n", num(start),
                       num(start + length));
      }
    }
  }

  // --- batteries --------------------------------------------------------------

  void draw_batteries() {
    static const std::array<const char*, 3> kNames = {"Alpha", "Bravo", "Charlie"};
    Stream rng = part_stream(seed_, "batteries");
    std::string& out = batteries_text_;
    // The default scenario's generic interceptor; half the time with a
    // somewhat different seeker, agility and warhead.
    double accel_g = 30, seeker_km = 4, seeker_mrad = 1, lethal_m = 8, pk = 0.9;
    if (chance(rng, 0.5)) {
      accel_g = round_to(rng.uniform(25, 35), 0);
      seeker_km = round_to(rng.uniform(3.5, 5), 1);
      seeker_mrad = round_to(rng.uniform(0.7, 1.5), 1);
      lethal_m = round_to(rng.uniform(6, 10), 1);
      pk = round_to(rng.uniform(0.8, 0.95), 2);
    }
    interceptors_text_ = fmt::format(
        "  - name: generic\n"
        "    launch_mass_kg: 90\n"
        "    propellant_mass_kg: 35\n"
        "    burn_time_s: 3\n"
        "    thrust_n: 30000\n"
        "    diameter_m: 0.16\n"
        "    cd_mach: [[0, 0.3], [1, 0.5], [3, 0.35]]\n"
        "    max_accel_g: {}\n"
        "    max_flight_s: 40\n"
        "    seeker: {{range_km: {}, sigma_mrad: {}}}\n"
        "    lethal_radius_m: {}\n"
        "    pk_at_lethal_radius: {}\n"
        "    cost: 50000\n",
        num(accel_g), num(seeker_km), num(seeker_mrad), num(lethal_m), num(pk));

    // 1-3 batteries beside towns (different towns while there are enough),
    // each with 1-3 launchers of 4-20 interceptors a few hundred metres out.
    const int n = uniform_int(rng, 1, 3);
    std::vector<int> order(towns_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    shuffle(rng, order);
    for (int b = 0; b < n; ++b) {
      const Town& town = towns_[static_cast<size_t>(order[static_cast<size_t>(b) % order.size()])];
      const Vec2 pos = round_m(town.centre + (town.radius_m + rng.uniform(500, 2500)) *
                                                 unit(rng.uniform(0, 2 * kPi)));
      fmt::format_to(std::back_inserter(out), "  - name: {}\n    position_km: {}\n    launchers: [",
                     kNames[static_cast<size_t>(b)], point_km(pos));
      const int launchers = uniform_int(rng, 1, 3);
      const double first = rng.uniform(0, 2 * kPi);
      for (int l = 0; l < launchers; ++l) {
        const Vec2 lp =
            round_m(pos + rng.uniform(200, 600) * unit(first + 2 * kPi * l / launchers));
        fmt::format_to(std::back_inserter(out), "{}{{position_km: {}, interceptors: {}}}",
                       l ? ", " : "", point_km(lp), uniform_int(rng, 4, 20));
      }
      out += "]\n";
      const double interval = chance(rng, 0.7) ? 1.0 : round_to(rng.uniform(0.5, 2), 1);
      fmt::format_to(std::back_inserter(out),
                     "    min_launch_interval_s: {}\n    intercept_altitude_m: [500, 10000]\n"
                     "    interceptor: generic\n",
                     num(interval));
    }
  }

  // --- doctrine ---------------------------------------------------------------

  void draw_doctrine() {
    Stream rng = part_stream(seed_, "doctrine");
    shots_per_threat_ = uniform_int(rng, 1, 3);
    salvo_ = chance(rng, 0.3);
  }

  // --- the text ---------------------------------------------------------------

  std::string text() const {
    std::string out;
    auto put = [&out](std::string_view s) { out += s; };
    auto fmt_put = [&out]<class... Args>(fmt::format_string<Args...> f, Args&&... args) {
      fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
    };
    fmt_put("# canopy generate --seed {} --rockets {}-{} --max-duration-s {}{}{}\n", seed_,
            opt_.min_rockets, opt_.max_rockets, num(opt_.max_duration_s),
            opt_.batteries ? "" : " --no-batteries", opt_.wind ? "" : " --no-wind");
    put("# A random but valid scenario: docs/scenario.md, \"Generated scenarios\".\n");
    put("canopy: 1\n");
    fmt_put("name: generated-{}\n", seed_);
    fmt_put("origin: {{lat_deg: {}, lon_deg: {}, alt_m: {}}}\n", num(lat_deg_), num(lon_deg_),
            num(alt_m_));
    fmt_put("run: {{duration_s: {}, step_s: 0.01, seed: {}}}\n", num(duration_s_), seed_);
    if (!wind_rows_.empty()) {
      put("environment:\n");
      if (wind_rows_.size() == 1) {
        fmt_put("  wind: {{east_mps: {}, north_mps: {}}}\n", num(wind_rows_[0][1]),
                num(wind_rows_[0][2]));
      } else {
        put("  wind:\n    profile: [");
        for (size_t i = 0; i < wind_rows_.size(); ++i) {
          fmt_put("{}[{}, {}, {}]", i ? ", " : "", num(wind_rows_[i][0]), num(wind_rows_[i][1]),
                  num(wind_rows_[i][2]));
        }
        put("]\n");
      }
    }

    put("\ndefended_areas:\n");
    for (const Town& t : towns_) {
      fmt_put("  - {{name: {}, value: {}, polygon_km: {}}}\n", t.name, num(t.value),
              ring_km(t.ring));
    }
    put("\nalert_zones:\n");
    for (const Zone& z : zones_) {
      fmt_put("  - {{id: {0}, name: Zone {0}, population: {1}, polygon_km: {2}}}\n", z.id,
              num(z.population), ring_km(z.ring));
    }

    put("\nrocket_types:\n");
    for (const RocketTypeSpec& t : types_) {
      fmt_put("  - name: {}    # reaches {:.1f}-{:.1f} km, longest flight {:.0f} s\n", t.name,
              t.band.min_range_m / 1000, t.band.max_range_m / 1000, t.longest_flight_s);
      fmt_put("    launch_mass_kg: {}\n    propellant_mass_kg: {}\n    burn_time_s: {}\n",
              num(t.launch_mass_kg), num(t.propellant_mass_kg), num(t.burn_time_s));
      fmt_put("    thrust_n: {}\n    diameter_m: {}\n    rcs_m2: {}\n    cd_dispersion: {}\n",
              num(t.thrust_n), num(t.diameter_m), num(t.rcs_m2), num(t.cd_dispersion));
      put("    cd_mach: [");
      for (size_t i = 0; i < t.cd_mach.size(); ++i) {
        fmt_put("{}[{}, {}]", i ? ", " : "", num(t.cd_mach[i][0]), num(t.cd_mach[i][1]));
      }
      put("]\n");
    }

    put("\nlaunch_sites:\n");
    for (const Site& s : sites_) {
      fmt_put("  - {{name: {}, center_km: {}, radius_km: {}}}\n", s.name, point_km(s.centre),
              km(s.radius_m));
    }

    int total = 0;
    for (const RaidSpec& r : raids_) total += r.count;
    fmt_put("\nraids:                          # {} rockets\n", total);
    for (const RaidSpec& r : raids_) {
      const std::string aim =
          r.aim.town >= 0
              ? fmt::format("{{area: {}}}", towns_[static_cast<size_t>(r.aim.town)].name)
              : fmt::format("{{point_km: {}}}", point_km(r.aim.point));
      fmt_put(
          "  - {{at_s: {}, site: {}, type: {}, count: {}, interval_s: {}, aim: {}, aim_sigma_m: "
          "{}}}\n",
          num(r.at_s), sites_[static_cast<size_t>(r.site)].name,
          types_[static_cast<size_t>(r.type)].name, r.count, num(r.interval_s), aim,
          num(r.aim_sigma_m));
    }

    put("\nsensors:\n");
    put(sensors_text_);
    if (!batteries_text_.empty()) {
      put("\ninterceptor_types:\n");
      put(interceptors_text_);
      put("\nbatteries:\n");
      put(batteries_text_);
    }
    fmt_put("\ndoctrine: {{shots_per_threat: {}, mode: {}}}\n", shots_per_threat_,
            salvo_ ? "salvo" : "shoot-look-shoot");
    return out;
  }

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

// Options brought into their documented ranges.
GenerateOptions clamped(GenerateOptions o) {
  o.min_rockets = std::clamp(o.min_rockets, 1, 100000);
  o.max_rockets = std::clamp(o.max_rockets, o.min_rockets, 100000);
  o.max_duration_s =
      std::isnan(o.max_duration_s) ? 400 : std::clamp(o.max_duration_s, 300.0, 86400.0);
  return o;
}

}  // namespace

std::string generate_yaml(std::uint64_t seed, const GenerateOptions& options) {
  return Generator(seed, clamped(options)).run();
}

}  // namespace canopy::scenario
