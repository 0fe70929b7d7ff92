// The generator's places: origin and wind, the towns, and the alert-zone
// grid over them.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "canopy/scenario/generate_internal.h"

namespace canopy::scenario::detail::gen {

// ---------------------------------------------------------------------------
// Origin, wind

void Generator::draw_origin_and_wind() {
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

// ---------------------------------------------------------------------------
// Towns

void Generator::draw_towns() {
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

// ---------------------------------------------------------------------------
// Alert zones

void Generator::draw_zones() {
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

}  // namespace canopy::scenario::detail::gen
