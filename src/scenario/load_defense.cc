// The defense's sections: sensors, interceptor types, batteries, the tracker
// and the doctrine.
#include <fmt/format.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/text.h"
#include "canopy/core/units.h"
#include "canopy/scenario/loader.h"
#include "canopy/scenario/suggest.h"

namespace canopy::scenario::detail {

using geojson::shorten;

void Loader::read_sensors(Map& top) {
  if (!top.has("sensors")) return;
  const auto items = list(top.at("sensors"), "sensors");
  if (!items) return;
  std::map<std::string, NameEntry> names;
  for (const Field& f : *items) {
    Map m(*this, f, "sensors[]", false);
    if (!m.ok()) continue;
    Sensor s;
    const auto name = req_text(m, "name");
    const std::optional<Vec2> en = position_choice(m, "a sensor");
    const auto alt = opt_number(m, "alt_m", 10.0, between(0, 10000));
    const auto az = opt_number(m, "azimuth_deg", 0.0, between(-360, 360));
    const auto sector = opt_number(m, "sector_deg", 360.0, above_upto(0, 360));
    std::optional<std::vector<double>> el = std::vector<double>{0.5, 80};
    if (m.has("elevation_deg")) {
      el = tuple(m.at("elevation_deg"), {between(-10, 90), between(-10, 90)}, "[min_deg, max_deg]");
      if (el && (*el)[0] >= (*el)[1]) {
        error(m.at("elevation_deg"), "the minimum must be below the maximum");
        el.reset();
      }
    }
    std::optional<std::vector<double>> range;
    if (m.require("range_km")) {
      range = tuple(m.at("range_km"), {between(0, 2000), above_upto(0, 2000)}, "[min_km, max_km]");
      if (range && (*range)[0] >= (*range)[1]) {
        error(m.at("range_km"), "the minimum must be below the maximum");
        range.reset();
      }
    }
    const auto revisit = req_number(m, "revisit_s", above_upto(0, 60));
    bool ok = name && en && alt && az && sector && el && range && revisit;
    if (!read_sensor_axes(m, s)) ok = false;

    // Noise, and detection: a fixed Pd or the SNR model.
    if (!read_sensor_sigma(m, s)) ok = false;
    if (!read_sensor_detection(m, s)) ok = false;
    const auto fa = opt_number(m, "false_alarms_per_scan", 0.0, between(0, 1000));
    const auto latency = opt_number(m, "latency_s", 0.0, between(0, 60));
    ok = ok && fa && latency;
    if (m.has("outages")) {
      const auto windows = list(m.at("outages"), "[start_s, end_s] windows");
      ok = ok && windows;
      for (const Field& w : windows.value_or(std::vector<Field>{})) {
        const auto v = tuple(w, {at_least(0), at_least(0)}, "a window [start_s, end_s]");
        if (v && (*v)[0] >= (*v)[1]) {
          error(w, "the window must end after it starts");
          ok = false;
          continue;
        }
        if (!v) {
          ok = false;
          continue;
        }
        s.outages.emplace_back((*v)[0], (*v)[1]);
      }
    }

    s.name = name.value_or("");
    s.position_en_m = en.value_or(Vec2::Zero());
    s.alt_m = alt.value_or(10);
    const core::Vec3 ground = core::ground_point(s.position_en_m);
    s.p_W = ground + s.alt_m * core::up_at(ground);
    s.azimuth_rad = core::deg_to_rad(az.value_or(0));
    s.sector_rad = core::deg_to_rad(sector.value_or(360));
    s.min_elevation_rad = core::deg_to_rad(el.value_or(std::vector<double>{0.5, 80})[0]);
    s.max_elevation_rad = core::deg_to_rad(el.value_or(std::vector<double>{0.5, 80})[1]);
    s.min_range_m = core::km_to_m(range.value_or(std::vector<double>{1, 100})[0]);
    s.max_range_m = core::km_to_m(range.value_or(std::vector<double>{1, 100})[1]);
    s.revisit_s = revisit.value_or(1);
    s.false_alarms_per_scan = fa.value_or(0);
    s.latency_s = latency.value_or(0);
    const int index = static_cast<int>(sc_.sensors.size());
    sc_.sensors.push_back(s);
    if (name) add_name(names, "sensor name", *name, index, ok, m.at("name"));
  }
}

bool Loader::read_sensor_axes(Map& m, Sensor& s) {
  if (!m.has("measures")) return true;
  const auto axes = list(m.at("measures"), "a list of 'range', 'azimuth', 'elevation'");
  if (!axes) return false;
  const std::vector<std::string> names = {"range", "azimuth", "elevation"};
  std::array<bool, 3> seen{};
  bool ok = true;
  for (const Field& f : *axes) {
    const int axis = choice(f, names);
    if (axis >= 0 && seen[static_cast<size_t>(axis)]) {
      error(f, fmt::format("'{}' is listed twice", names[static_cast<size_t>(axis)]));
      ok = false;
    }
    if (axis < 0) ok = false;
    if (axis >= 0) seen[static_cast<size_t>(axis)] = true;
  }
  if (!ok) return false;
  if (!seen[1] || !(seen[0] || seen[2])) {
    error(m.at("measures"), "a sensor measures azimuth and at least one of range and elevation");
    return false;
  }
  s.measures_range = seen[0];
  s.measures_elevation = seen[2];
  return true;
}

bool Loader::read_sensor_sigma(Map& m, Sensor& s) {
  if (!m.require("sigma")) return false;
  Map sg(*this, m.at("sigma"), "sensors[].sigma", false);
  if (!sg.ok()) return false;
  // The noise of each axis the sensor measures (required), and of no other.
  auto axis_sigma = [&](std::string_view key, std::string_view axis, bool measured, double max,
                        double scale, double& out) -> bool {
    if (!measured) {
      if (sg.has(key)) error(sg.at(key), fmt::format("this sensor does not measure {}", axis));
      return !sg.has(key);
    }
    const auto v = req_number(sg, key, above_upto(0, max));
    if (v) out = *v * scale;
    return v.has_value();
  };
  bool ok = axis_sigma("range_m", "range", s.measures_range, 10000, 1, s.sigma_range_m);
  ok = axis_sigma("azimuth_mrad", "azimuth", true, 1000, 1e-3, s.sigma_azimuth_rad) && ok;
  ok = axis_sigma("elevation_mrad", "elevation", s.measures_elevation, 1000, 1e-3,
                  s.sigma_elevation_rad) &&
       ok;
  if (!s.measures_range)
    return axis_sigma("range_rate_mps", "range rate", false, 0, 1, s.sigma_range_rate_mps) && ok;
  const auto srr = opt_number(sg, "range_rate_mps", 0.0, between(0, 1000));
  s.sigma_range_rate_mps = srr.value_or(0);
  return ok && srr;
}

bool Loader::read_sensor_detection(Map& m, Sensor& s) {
  if (!m.require("detection")) return false;
  Map d(*this, m.at("detection"), "sensors[].detection", false);
  if (!d.ok()) return false;
  const std::vector<std::string> snr_keys = {"rcs_m2", "reference_range_km", "reference_snr_db",
                                             "threshold_db"};
  bool any_snr = false;
  for (const auto& k : snr_keys) any_snr = any_snr || d.has(k);
  if (d.has("pd") && any_snr) {
    error(m.at("detection"),
          "give either {pd} or the SNR model {rcs_m2, "
          "reference_range_km, reference_snr_db, threshold_db}, not both");
    return false;
  }
  if (!any_snr) {
    const auto pd = req_number(d, "pd", above_upto(0, 1));
    s.detection.pd = pd.value_or(0.9);
    return pd.has_value();
  }
  const auto rcs = req_number(d, "rcs_m2", above_upto(0, 1000));
  const auto rr = req_number(d, "reference_range_km", above_upto(0, 2000));
  const auto snr = req_number(d, "reference_snr_db", between(-50, 100));
  const auto th = req_number(d, "threshold_db", between(0, 50));
  s.detection.kind = DetectionModel::Kind::kSnr;
  s.detection.rcs_m2 = rcs.value_or(1);
  s.detection.reference_range_m = core::km_to_m(rr.value_or(50));
  s.detection.reference_snr_db = snr.value_or(20);
  s.detection.threshold_db = th.value_or(13);
  return rcs && rr && snr && th;
}

void Loader::read_interceptor_types(Map& top) {
  if (!top.has("interceptor_types")) return;
  const auto items = list(top.at("interceptor_types"), "interceptor types");
  if (!items) return;
  for (const Field& f : *items) {
    Map m(*this, f, "interceptor_types[]", false);
    if (!m.ok()) continue;
    InterceptorType t;
    const auto name = req_text(m, "name");
    bool ok = read_airframe(m, f, t.params) && name;
    const auto accel = req_number(m, "max_accel_g", above_upto(0, 200));
    const auto flight = req_number(m, "max_flight_s", above_upto(0, 600));
    const auto lag = opt_number(m, "autopilot_time_constant_s", t.autopilot_lag_s, between(0, 10));
    const auto lethal = req_number(m, "lethal_radius_m", above_upto(0, 1000));
    const auto pk = req_number(m, "pk_at_lethal_radius", above_upto(0, 1));
    const auto cost = opt_number(m, "cost", 0.0, at_least(0));
    const auto rcs = opt_number(m, "rcs_m2", t.rcs_m2, above_upto(0, 1000));
    const auto vmin =
        opt_number(m, "min_intercept_speed_mps", t.min_intercept_speed_mps, between(0, 5000));
    const auto fuze = opt_number(m, "fuze_sigma_ms", t.fuze_sigma_s * 1e3, between(0, 100));
    ok = ok && accel && flight && lag && lethal && pk && cost && rcs && vmin && fuze;
    t.fuze_sigma_s = fuze.value_or(1) * 1e-3;
    if (m.require("seeker")) {
      Map sk(*this, m.at("seeker"), "interceptor_types[].seeker", false);
      const auto range = sk.ok() ? req_number(sk, "range_km", above_upto(0, 100)) : std::nullopt;
      const auto sigma = sk.ok() ? req_number(sk, "sigma_mrad", between(0, 100)) : std::nullopt;
      const auto glint =
          sk.ok() ? opt_number(sk, "glint_fraction", t.seeker.glint_fraction, between(0, 10))
                  : std::nullopt;
      const auto corr = sk.ok() ? opt_number(sk, "glint_correlation_s",
                                             t.seeker.glint_correlation_s, above_upto(0, 100))
                                : std::nullopt;
      ok = ok && range && sigma && glint && corr;
      t.seeker.range_m = core::km_to_m(range.value_or(4));
      t.seeker.sigma_rad = sigma.value_or(1) * 1e-3;
      t.seeker.glint_fraction = glint.value_or(0.2);
      t.seeker.glint_correlation_s = corr.value_or(0.1);
    } else {
      ok = false;
    }
    t.name = name.value_or("");
    t.max_accel_mps2 = accel.value_or(30) * core::kStandardGravity_mps2;
    t.max_flight_s = flight.value_or(40);
    t.autopilot_lag_s = lag.value_or(0.15);
    t.lethal_radius_m = lethal.value_or(8);
    t.pk_at_lethal_radius = pk.value_or(0.9);
    t.cost = cost.value_or(0);
    t.rcs_m2 = rcs.value_or(0.02);
    t.min_intercept_speed_mps = vmin.value_or(300);
    const int index = static_cast<int>(sc_.interceptor_types.size());
    sc_.interceptor_types.push_back(t);
    if (name) add_name(interceptor_names_, "interceptor type name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_batteries(Map& top) {
  if (!top.has("batteries")) return;
  const auto items = list(top.at("batteries"), "batteries");
  if (!items) return;
  std::map<std::string, NameEntry> names;
  for (const Field& f : *items) {
    Map m(*this, f, "batteries[]", false);
    if (!m.ok()) continue;
    Battery b;
    const auto name = req_text(m, "name");
    const auto en = position_choice(m, "a battery");
    const auto interval =
        opt_number(m, "min_launch_interval_s", b.min_launch_interval_s, between(0, 3600));
    bool ok = name && en && interval;
    if (m.has("intercept_altitude_m")) {
      const auto alt = tuple(m.at("intercept_altitude_m"),
                             {between(0, 100000), above_upto(0, 100000)}, "[min_m, max_m]");
      if (alt && (*alt)[0] >= (*alt)[1]) {
        error(m.at("intercept_altitude_m"), "the minimum must be below the maximum");
        ok = false;
      } else if (alt) {
        b.min_intercept_alt_m = (*alt)[0];
        b.max_intercept_alt_m = (*alt)[1];
      } else {
        ok = false;
      }
    }
    if (const auto type = req_text(m, "interceptor")) {
      const NameEntry* e =
          resolve(interceptor_names_, "interceptor type", m.at("interceptor"), *type);
      ok = ok && e && e->valid;
      if (e) b.interceptor_type = e->index;
    } else {
      ok = false;
    }
    if (m.require("launchers")) {
      const auto launchers = list(m.at("launchers"), "launchers");
      if (launchers && launchers->empty()) {
        error(m.at("launchers"), "a battery needs at least one launcher");
        ok = false;
      }
      ok = ok && launchers;
      for (const Field& lf : launchers.value_or(std::vector<Field>{})) {
        Map lm(*this, lf, "batteries[].launchers[]", false);
        if (!lm.ok()) {
          ok = false;
          continue;
        }
        Launcher l;
        const auto lp = position_choice(lm, "a launcher");
        const auto count = lm.has("interceptors") ? integer(lm.at("interceptors"), 0, 100000)
                                                  : std::optional(20LL);
        const auto reload = opt_number(lm, "reload_s", l.reload_s, between(0, 1e6));
        ok = ok && lp && count && reload;
        l.position_en_m = lp.value_or(Vec2::Zero());
        l.interceptors = static_cast<int>(count.value_or(0));
        l.reload_s = reload.value_or(600);
        b.launchers.push_back(l);
      }
    } else {
      ok = false;
    }
    b.name = name.value_or("");
    b.position_en_m = en.value_or(Vec2::Zero());
    b.min_launch_interval_s = interval.value_or(1);
    const int index = static_cast<int>(sc_.batteries.size());
    sc_.batteries.push_back(b);
    if (name) add_name(names, "battery name", *name, index, ok, m.at("name"));
  }
}

void Loader::read_tracker(Map& top) {
  if (!top.has("tracker")) return;
  Map m(*this, top.at("tracker"), "tracker");
  if (!m.ok()) return;
  TrackerConfig& c = sc_.tracker;
  if (const int k = choice(m, "model", {"cv", "ca", "ballistic", "imm"}); k >= 0)
    c.model = static_cast<TrackerConfig::Model>(k);
  if (const int k = choice(m, "filter", {"ekf", "ukf"}); k >= 0)
    c.filter = static_cast<TrackerConfig::Filter>(k);
  if (const int k = choice(m, "association", {"gnn", "jpda"}); k >= 0)
    c.association = static_cast<TrackerConfig::Association>(k);
  auto whole = [&](std::string_view key, int& out, long long lo, long long hi) {
    if (!m.has(key)) return;
    if (const auto v = integer(m.at(key), lo, hi)) out = static_cast<int>(*v);
  };
  set_number(m, "gate_probability", c.gate_probability, {0, 1, true, true});
  whole("confirm_m", c.confirm_m, 1, 20);
  whole("confirm_n", c.confirm_n, 1, 20);
  whole("delete_misses", c.delete_misses, 1, 1000);
  whole("tentative_misses", c.tentative_misses, 1, 1000);
  set_number(m, "max_position_sigma_m", c.max_position_sigma_m, above_upto(0, 1e6));
  set_number(m, "max_speed_mps", c.max_speed_mps, above_upto(0, 20000));
  set_number(m, "reorder_window_s", c.reorder_window_s, between(0, 60));
  set_number(m, "wind_forecast_error_mps", c.wind_forecast_error_mps, between(0, 100));
  set_number(m, "process_noise_mps2", c.process_noise_mps2, between(0, 1000));
  set_number(m, "clutter_density", c.clutter_density, above_upto(0, 1));
  if (c.confirm_m > c.confirm_n && m.has("confirm_m")) {
    error(m.at("confirm_m"),
          fmt::format("M ({}) cannot exceed N (confirm_n = {})", c.confirm_m, c.confirm_n));
  }
}

void Loader::read_doctrine(Map& top) {
  if (!top.has("doctrine")) return;
  Map m(*this, top.at("doctrine"), "doctrine");
  if (!m.ok()) return;
  Doctrine& d = sc_.doctrine;
  set_number(m, "p_engage", d.p_engage, above_upto(0, 1));
  set_number(m, "p_release", d.p_release, between(0, 1));
  set_number(m, "p_alert", d.p_alert, above_upto(0, 1));
  set_number(m, "p_alert_release", d.p_alert_release, between(0, 1));
  set_number(m, "alert_hold_s", d.alert_hold_s, between(0, 3600));
  set_number(m, "min_warning_s", d.min_warning_s, between(0, 3600));
  set_number(m, "prediction_interval_s", d.prediction_interval_s, above_upto(0, 60));
  if (m.has("shots_per_threat")) {
    if (const auto n = integer(m.at("shots_per_threat"), 1, 10))
      d.shots_per_threat = static_cast<int>(*n);
  }
  if (m.has("mode")) {
    if (const auto mode = text(m.at("mode"))) {
      if (*mode == "shoot-look-shoot") {
        d.mode = Doctrine::Mode::kShootLookShoot;
      } else if (*mode == "salvo") {
        d.mode = Doctrine::Mode::kSalvo;
      } else {
        error(m.at("mode"),
              fmt::format("unknown mode '{}': expected shoot-look-shoot or salvo", shorten(*mode)));
      }
    }
  }
  set_number(m, "debris_weight", d.debris_weight, between(0, 1e6));
  set_number(m, "cost_weight", d.cost_weight, between(0, 1e6));
  set_number(m, "replan_s", d.replan_s, above_upto(0, 60));
  std::vector<std::string> solvers;
  for (const WtaSolverInfo& s : kWtaSolvers) solvers.emplace_back(s.key);
  if (const int k = choice(m, "wta_solver", solvers); k >= 0)
    d.wta_solver = kWtaSolvers[static_cast<size_t>(k)].solver;
  auto order = [&](std::string_view low, double lo, std::string_view high, double hi) {
    if (lo > hi && m.has(low))
      error(m.at(low), fmt::format("must not exceed {} ({})", high, hi));
    else if (lo > hi && m.has(high))
      error(m.at(high), fmt::format("must be at least {} ({})", low, lo));
  };
  order("p_release", d.p_release, "p_engage", d.p_engage);
  order("p_alert_release", d.p_alert_release, "p_alert", d.p_alert);
}

}  // namespace canopy::scenario::detail
