#include "range_table_cmd.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "canopy/core/text.h"
#include "canopy/core/units.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"
#include "run_cmd.h"

namespace canopy {

core::Result<RangeTable> range_table_rows(const scenario::Scenario& sc,
                                          const std::string& type_name, double from_deg,
                                          double to_deg, double step_deg) {
  const scenario::RocketType* type = nullptr;
  std::string names;
  for (const auto& t : sc.rocket_types) {
    if (t.name == type_name) type = &t;
    names += (names.empty() ? "" : ", ") + t.name;
  }
  if (type == nullptr)
    return core::fail(fmt::format("no rocket type '{}' in {} (types: {})",
                                  core::printable(type_name), sc.source, core::printable(names)));
  if (!(step_deg > 0) || !(from_deg >= 0.5) || !(to_deg <= 89.5) || !(from_deg <= to_deg) ||
      (to_deg - from_deg) / step_deg > 1e5)
    return core::fail(
        "need 0.5 <= from_deg <= to_deg <= 89.5 and step_deg > 0 (at most 100,000 rows)");
  physics::Environment env = sc.environment;
  env.wind = {};
  RangeTable table;
  table.band = physics::reach_band(type->params, env);
  const physics::RangePoint best =
      physics::fly_range_point(type->params, env, table.band.max_range_elevation_rad);
  bool placed = false;
  for (const auto& r : physics::range_table(type->params, env, core::deg_to_rad(from_deg),
                                            core::deg_to_rad(to_deg), core::deg_to_rad(step_deg))) {
    if (!placed && r.elevation_rad > best.elevation_rad) {
      table.rows.push_back({best, true});
      placed = true;
    }
    table.rows.push_back({r, false});
  }
  if (!placed) table.rows.push_back({best, true});
  return table;
}

int cmd_range_table(const std::string& type_name, const std::string& path, double from_deg,
                    double to_deg, double step_deg, bool csv) {
  auto sc = load_scenario(path);
  if (!sc) return kExitBadInput;
  auto table = range_table_rows(*sc, type_name, from_deg, to_deg, step_deg);
  if (!table) {
    print_error(fmt::format("canopy range-table: {}", table.error().message));
    return kExitBadInput;
  }
  if (csv) {
    fmt::print("elevation_deg,range_m,apogee_m,flight_time_s,impact_speed_mps\n");
  } else {
    const physics::ReachBand& band = table->band;
    fmt::print("range table for '{}' (calm air, standard atmosphere, curved Earth)\n",
               core::printable(type_name));
    fmt::print("reaches {:.1f}-{:.1f} km on the low branch (10 deg to {:.2f} deg)\n\n",
               band.min_range_m / 1000, band.max_range_m / 1000,
               core::rad_to_deg(band.max_range_elevation_rad));
    fmt::print("{:>9} {:>10} {:>10} {:>9} {:>11}\n", "elev_deg", "range_km", "apogee_km", "time_s",
               "impact_mps");
  }
  for (const auto& [r, max_range] : table->rows) {
    if (csv) {
      fmt::print("{:.3f},{:.1f},{:.1f},{:.2f},{:.1f}\n", core::rad_to_deg(r.elevation_rad),
                 r.range_m, r.apogee_m, r.flight_time_s, r.impact_speed_mps);
    } else {
      fmt::print("{:>9.2f} {:>10.2f} {:>10.2f} {:>9.1f} {:>11.0f}  {}\n",
                 core::rad_to_deg(r.elevation_rad), r.range_m / 1000, r.apogee_m / 1000,
                 r.flight_time_s, r.impact_speed_mps, max_range ? "<- maximum range" : "");
    }
  }
  return kExitOk;
}

namespace {

// `canopy range-table`'s flags, bound by add_range_table_command.
struct RangeTableArgs {
  std::string type, path;
  double from_deg = 10, to_deg = 80, step_deg = 5;
  bool csv = false;
};

}  // namespace

Command add_range_table_command(CLI::App& parent) {
  auto a = std::make_shared<RangeTableArgs>();
  auto* rt = parent.add_subcommand("range-table",
                                   "Range, apogee, flight time and impact speed against elevation");
  rt->add_option("type", a->type, "Rocket type name")->required();
  rt->add_option("scenario", a->path, "Scenario YAML file (default: the built-in scenario)")
      ->check(CLI::ExistingFile);
  rt->add_option("--from-deg", a->from_deg, "First elevation")->capture_default_str();
  rt->add_option("--to-deg", a->to_deg, "Last elevation")->capture_default_str();
  rt->add_option("--step-deg", a->step_deg, "Elevation step")->capture_default_str();
  rt->add_flag("--csv", a->csv, "CSV output (SI units)");
  return {rt, [a] {
            return cmd_range_table(a->type, a->path, a->from_deg, a->to_deg, a->step_deg, a->csv);
          }};
}

}  // namespace canopy
