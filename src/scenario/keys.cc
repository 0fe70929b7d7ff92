// The key tables: every mapping the scenario loader reads and the keys it
// accepts there (keys.h), and those of the files holding part of a scenario.
#include "canopy/scenario/keys.h"

#include <vector>

#include "canopy/scenario/loader.h"

namespace canopy::scenario {

const std::vector<KeyTable>& key_tables() {
  static const std::vector<KeyTable> kTables = {
      {"",
       {"canopy", "name", "origin", "run", "environment", "defended_areas", "alert_zones",
        "rocket_types", "launch_sites", "raids", "sensors", "interceptor_types", "batteries",
        "tracker", "doctrine"}},
      {"origin", {"lat_deg", "lon_deg", "alt_m"}},
      {"run", {"duration_s", "step_s", "seed"}},
      {"environment", {"wind"}},
      {"environment.wind", {"east_mps", "north_mps", "profile"}},
      {"defended_areas[]", {"name", "value", "polygon_km", "polygon_deg", "geojson"}},
      {"alert_zones[]", {"id", "name", "population", "polygon_km", "polygon_deg", "geojson"}},
      {"rocket_types[]",
       {"name", "launch_mass_kg", "propellant_mass_kg", "burn_time_s", "thrust_n", "diameter_m",
        "cd_mach", "cd_dispersion", "rcs_m2", "length_m"}},
      {"launch_sites[]", {"name", "center_km", "center_deg", "radius_km"}},
      {"raids[]", {"at_s", "site", "type", "count", "interval_s", "aim", "aim_sigma_m"}},
      {"raids[].aim", {"area", "point_km", "point_deg"}},
      {"sensors[]",
       {"name", "position_km", "position_deg", "alt_m", "azimuth_deg", "sector_deg",
        "elevation_deg", "range_km", "revisit_s", "measures", "sigma", "detection",
        "false_alarms_per_scan", "latency_s", "outages"}},
      {"sensors[].sigma", {"range_m", "azimuth_mrad", "elevation_mrad", "range_rate_mps"}},
      {"sensors[].detection",
       {"pd", "rcs_m2", "reference_range_km", "reference_snr_db", "threshold_db"}},
      {"interceptor_types[]",
       {"name", "launch_mass_kg", "propellant_mass_kg", "burn_time_s", "thrust_n", "diameter_m",
        "cd_mach", "max_accel_g", "max_flight_s", "autopilot_time_constant_s", "seeker",
        "lethal_radius_m", "pk_at_lethal_radius", "cost", "rcs_m2", "min_intercept_speed_mps",
        "fuze_sigma_ms"}},
      {"interceptor_types[].seeker",
       {"range_km", "sigma_mrad", "glint_fraction", "glint_correlation_s"}},
      {"batteries[]",
       {"name", "position_km", "position_deg", "launchers", "min_launch_interval_s",
        "intercept_altitude_m", "interceptor"}},
      {"batteries[].launchers[]", {"position_km", "position_deg", "interceptors", "reload_s"}},
      {"tracker",
       {"model", "filter", "association", "gate_probability", "confirm_m", "confirm_n",
        "delete_misses", "tentative_misses", "max_position_sigma_m", "max_speed_mps",
        "reorder_window_s", "wind_forecast_error_mps", "process_noise_mps2", "clutter_density"}},
      {"doctrine",
       {"p_engage", "p_release", "p_alert", "p_alert_release", "alert_hold_s", "min_warning_s",
        "prediction_interval_s", "shots_per_threat", "mode", "debris_weight", "cost_weight",
        "replan_s", "wta_solver"}},
  };
  return kTables;
}

namespace detail {

const std::vector<KeyTable>& file_part_tables() {
  static const std::vector<KeyTable> kTables = {
      {"<sensors file>", {"origin", "sensors"}},
      {"<threats file>", {"rocket_types"}},
  };
  return kTables;
}

}  // namespace detail

}  // namespace canopy::scenario
