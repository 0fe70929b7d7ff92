#include "canopy/scenario/estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "canopy/physics/ballistics.h"

namespace canopy::scenario {
namespace {

// CPU seconds per unit of work, measured on the release build (2-core
// development machine, docs/cli.md): the world's step alone (the default
// scenario without raids: 0.11 s), a rocket flying for a second with no
// sensor (without sensors and batteries: 0.07 s), and with the radars, the
// tracker, the assessment and the battle manager following it (the default
// scenario: 10.1 s for about 17,500 rocket-seconds).
constexpr double kCpuPerStep_s = 1.5e-6;
constexpr double kCpuPerRocketSecond_s = 4e-6;
constexpr double kCpuPerTrackedRocketSecond_s = 5.6e-4;

std::string thousands(double x) {
  const auto n = static_cast<long long>(std::llround(x));
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

bool WorkEstimate::large() const { return cpu_s > kLargeCpu_s || peak_in_flight > kLargePeak; }

std::string WorkEstimate::text() const {
  const std::string cpu = cpu_s < 1      ? std::string("under 1 s")
                          : cpu_s < 120  ? fmt::format("about {:.0f} s", cpu_s)
                          : cpu_s < 7200 ? fmt::format("about {:.0f} min", cpu_s / 60)
                                         : fmt::format("about {:.1f} h", cpu_s / 3600);
  return fmt::format(
      "{} steps, {} radar scans, {} rockets (at most {} in flight at once); {} of CPU for a "
      "run (release build)",
      thousands(steps), thousands(scans), thousands(rockets), thousands(peak_in_flight), cpu);
}

WorkEstimate estimate_work(const Scenario& sc) {
  WorkEstimate w;
  const double duration_s = sc.run.duration_s;
  w.steps = duration_s / sc.run.step_s;
  for (const Sensor& s : sc.sensors) w.scans += duration_s / s.revisit_s;
  w.rockets = sc.total_rockets();
  // Each type's longest flight: at its maximum-range elevation, in calm air.
  physics::Environment calm = sc.environment;
  calm.wind = {};
  std::vector<double> flight_s;
  for (const RocketType& t : sc.rocket_types) {
    const physics::ReachBand band = physics::reach_band(t.params, calm);
    flight_s.push_back(
        physics::fly_range_point(t.params, calm, band.max_range_elevation_rad).flight_time_s);
  }
  // Launches and landings, swept in time order for the peak.
  std::vector<std::pair<double, int>> changes;
  for (const Raid& r : sc.raids) {
    const double flight = flight_s.at(static_cast<size_t>(r.type_index));
    for (int k = 0; k < r.count; ++k) {
      const double launch = r.at_s + k * r.interval_s;
      if (launch >= duration_s) break;
      const double land = std::min(launch + flight, duration_s);
      w.rocket_seconds += land - launch;
      changes.emplace_back(launch, +1);
      changes.emplace_back(land, -1);
    }
  }
  std::sort(changes.begin(), changes.end());  // a landing before a launch at the same time
  int airborne = 0;
  for (const auto& [t, d] : changes) w.peak_in_flight = std::max(w.peak_in_flight, airborne += d);
  const double per_rocket_s =
      sc.sensors.empty() ? kCpuPerRocketSecond_s : kCpuPerTrackedRocketSecond_s;
  w.cpu_s = kCpuPerStep_s * w.steps + per_rocket_s * w.rocket_seconds;
  return w;
}

}  // namespace canopy::scenario
