// The generator's defense: radars, batteries (with their interceptor
// type) and the doctrine.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "canopy/scenario/generate_internal.h"

namespace canopy::scenario::detail::gen {

// ---------------------------------------------------------------------------
// Radars

void Generator::draw_sensors() {
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
                   num(round_to(rng.uniform(0.3, 1.0), 1)), num(round_to(rng.uniform(60, 85), 0)));
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

// ---------------------------------------------------------------------------
// Batteries

void Generator::draw_batteries() {
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
      const Vec2 lp = round_m(pos + rng.uniform(200, 600) * unit(first + 2 * kPi * l / launchers));
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

// ---------------------------------------------------------------------------
// Doctrine

void Generator::draw_doctrine() {
  Stream rng = part_stream(seed_, "doctrine");
  shots_per_threat_ = uniform_int(rng, 1, 3);
  salvo_ = chance(rng, 0.3);
}

}  // namespace canopy::scenario::detail::gen
