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
//
// The parts are drawn in generate_scene.cc, generate_threats.cc and
// generate_defense.cc (generate_internal.h); this file has the options,
// the order of the draws and the text.
#include "canopy/scenario/generate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "canopy/scenario/generate_internal.h"

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

namespace detail::gen {

std::string Generator::run() {
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

// ---------------------------------------------------------------------------
// The text

std::string Generator::text() const {
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
    fmt_put("  - {{name: {}, value: {}, polygon_km: {}}}\n", t.name, num(t.value), ring_km(t.ring));
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
        r.aim.town >= 0 ? fmt::format("{{area: {}}}", towns_[static_cast<size_t>(r.aim.town)].name)
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

}  // namespace detail::gen

namespace {

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
  return detail::gen::Generator(seed, clamped(options)).run();
}

}  // namespace canopy::scenario
