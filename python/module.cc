// canopy._canopy: the C++ side of the Python module (docs/python.md). It is
// thin on purpose: every call goes through the same functions as the
// command line (apps/canopy/*_cmd.h), so a run from Python writes the files
// `canopy run` writes, byte for byte. The pure-Python package (canopy/)
// turns those files into dicts and pandas DataFrames and raises the
// exceptions.
//
// Long calls release the GIL and run on a worker thread; the calling thread
// checks Python's signals every 0.1 s, so Ctrl-C stops a run (at the next
// step) or a Monte Carlo (runs under way are abandoned).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "canopy/core/units.h"
#include "canopy/io/detections_csv.h"
#include "canopy/physics/ballistics.h"
#include "canopy/scenario/load.h"
#include "canopy/scenario/source.h"
#include "exit_codes.h"
#include "messages.h"
#include "montecarlo_cmd.h"
#include "range_table_cmd.h"
#include "run_cmd.h"
#include "track_cmd.h"
#include "wta_cmd.h"

namespace py = pybind11;

namespace canopy {
namespace {

// A loaded scenario and the text it came from (what scenario.yaml keeps).
struct LoadedScenario {
  scenario::Source source;
  scenario::Scenario scenario;
};

// What a command returned: its exit code and the error lines it printed.
using Outcome = std::pair<int, std::string>;

// Runs body(cancel) on a worker thread with the GIL released, the error
// lines captured. Python's signal handlers run every 0.1 s on this thread;
// if one raises (KeyboardInterrupt), cancel turns true, the body is waited
// for, and the exception propagates.
Outcome interruptible(const std::function<int(const std::atomic<bool>&)>& body) {
  std::atomic<bool> cancel{false};
  std::future<Outcome> done;
  {
    py::gil_scoped_release release;
    done = std::async(std::launch::async, [&]() -> Outcome {
      ErrorCapture capture;
      try {
        const int code = body(cancel);
        return {code, capture.text()};
      } catch (const std::exception& e) {
        return {kExitInternal, "internal error: " + std::string(e.what())};
      }
    });
    while (done.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        cancel = true;
        {
          py::gil_scoped_release again;
          done.wait();
        }
        throw py::error_already_set();
      }
    }
  }
  return done.get();
}

// ScenarioError's fields: (file, line, column, key path, message, the
// line the command line prints).
using DiagnosticTuple = std::tuple<std::string, int, int, std::string, std::string, std::string>;

std::vector<DiagnosticTuple> tuples(const scenario::Diagnostics& ds) {
  std::vector<DiagnosticTuple> out;
  for (const auto& d : ds)
    out.emplace_back(d.file, d.line, d.column, d.path, d.message, d.to_string());
  return out;
}

scenario::Source source_of(const std::string& yaml, const std::string& name,
                           const std::string& base_dir) {
  return scenario::Source{yaml, name, base_dir};
}

// (scenario, []) or (None, diagnostics).
py::tuple load_source(const std::string& yaml, const std::string& name,
                      const std::string& base_dir) {
  scenario::Source src = source_of(yaml, name, base_dir);
  std::expected<scenario::Scenario, scenario::Diagnostics> sc;
  {
    py::gil_scoped_release release;
    sc = scenario::load(src);
  }
  if (!sc) return py::make_tuple(py::none(), tuples(sc.error()));
  return py::make_tuple(LoadedScenario{std::move(src), std::move(*sc)},
                        std::vector<DiagnosticTuple>{});
}

// (yaml, name, base_dir) of a file, or of the built-in default for "".
std::tuple<std::string, std::string, std::string> read_source(const std::string& path) {
  auto src = scenario::read_source(path);
  if (!src) throw py::value_error(src.error().message);
  return {src->yaml, src->name, src->base_dir};
}

std::string with_override(const std::string& yaml, const std::string& name,
                          const std::string& base_dir, const std::string& key,
                          const std::string& value_yaml) {
  auto out = scenario::with_override(source_of(yaml, name, base_dir), key, value_yaml);
  if (!out) throw py::value_error(out.error().message);
  return out->yaml;
}

Outcome run(const LoadedScenario& s, const std::string& out_dir, std::optional<std::uint64_t> seed,
            int run_index, double trajectory_interval_s, bool plots, bool report) {
  return interruptible([&](const std::atomic<bool>& cancel) {
    return run_scenario(s.source, s.scenario,
                        {.out_dir = out_dir,
                         .seed = seed,
                         .run_index = run_index,
                         .trajectory_interval_s = trajectory_interval_s,
                         .plots = plots,
                         .report = report,
                         .quiet = true,
                         .max_wall_s = std::nullopt,
                         .keep_going = [&cancel] { return !cancel.load(); }});
  });
}

MonteCarloCmdOptions mc_options(int runs, int threads, const std::string& out_dir, bool resume,
                                bool force, bool report, const std::atomic<bool>& cancel) {
  MonteCarloCmdOptions o;
  o.runs = runs;
  o.threads = threads;
  o.out_dir = out_dir;
  o.resume = resume;
  o.force = force;
  o.quiet = true;
  o.report = report;
  o.catch_signals = false;
  o.cancel = &cancel;
  return o;
}

Outcome montecarlo(const LoadedScenario& s, int runs, int threads, const std::string& out_dir,
                   bool resume, bool force, bool report) {
  return interruptible([&](const std::atomic<bool>& cancel) {
    return montecarlo_source(s.source,
                             mc_options(runs, threads, out_dir, resume, force, report, cancel));
  });
}

Outcome sweep(const LoadedScenario& s, const std::vector<std::string>& sets, int runs, int threads,
              const std::string& out_dir, bool resume, bool force, bool report,
              bool one_at_a_time) {
  return interruptible([&](const std::atomic<bool>& cancel) {
    MonteCarloCmdOptions o = mc_options(runs, threads, out_dir, resume, force, report, cancel);
    o.one_at_a_time = one_at_a_time;
    return sweep_source(s.source, sets, o);
  });
}

// names[k]: the name design k goes by (its file name, whose stem names it
// in compare.csv).
Outcome compare(const std::vector<const LoadedScenario*>& designs,
                const std::vector<std::string>& names, int runs, int threads,
                const std::string& out_dir, bool resume, bool force, bool report) {
  if (names.size() != designs.size()) throw py::value_error("compare: one name per design");
  std::vector<scenario::Source> sources;
  for (size_t k = 0; k < designs.size(); ++k) {
    sources.push_back(designs[k]->source);
    sources.back().name = names[k];
  }
  return interruptible([&](const std::atomic<bool>& cancel) {
    return compare_sources(sources,
                           mc_options(runs, threads, out_dir, resume, force, report, cancel));
  });
}

// The JSON `canopy wta` prints, as text.
std::string wta(const std::vector<double>& values, const std::vector<std::vector<double>>& p,
                const std::vector<double>& counts, double time_limit_s, bool exact,
                std::uint64_t seed) {
  nlohmann::json doc = {{"values", values}, {"p", p}, {"counts", counts}};
  auto pb = wta_instance(doc, "canopy.wta");
  if (!pb) throw py::value_error(pb.error().message);
  core::Result<nlohmann::ordered_json> solved;
  {
    py::gil_scoped_release release;
    solved = solve_wta_json(*pb, exact, time_limit_s, seed);
  }
  if (!solved) throw py::value_error("canopy.wta: " + solved.error().message);
  return solved->dump();
}

// The tracks CSV of `canopy track` on detections given as CSV text.
Outcome track(const std::string& csv, const std::string& name, const LoadedScenario* sensors_from,
              const std::string& sensors_path, const LoadedScenario* threats_from,
              const std::string& threats_path, double sigma_m, const std::string& model,
              const std::string& filter, const std::string& association, bool flat_earth,
              int confirm_m, int confirm_n, double reorder_window_s, std::string* out_csv) {
  TrackOptions o;
  o.sigma_m = sigma_m;
  o.flat_earth = flat_earth;
  set_tracker_choices(o.config, model, filter, association);
  o.config.confirm_m = confirm_m;
  o.config.confirm_n = confirm_n;
  o.config.reorder_window_s = reorder_window_s;
  return interruptible([&](const std::atomic<bool>&) {
    std::vector<scenario::Sensor> sensors;
    if (sensors_from != nullptr) sensors = sensors_from->scenario.sensors;
    std::vector<scenario::RocketType> threats;
    if (threats_from != nullptr) threats = threats_from->scenario.rocket_types;
    if (const int code = read_tracker_files(sensors_path, threats_path, &sensors, &threats);
        code != kExitOk)
      return code;
    std::istringstream in(csv);
    auto det = io::read_detections(in, name, detections_options(sensors, o.config));
    if (!det) {
      print_error(det.error().message);
      return kExitBadInput;
    }
    std::ostringstream out;
    const int code = track_detections(*det, name, sensors, threats, o, out);
    *out_csv = out.str();
    return code;
  });
}

const scenario::RocketType& rocket_type(const LoadedScenario& s, const std::string& name) {
  for (const auto& t : s.scenario.rocket_types)
    if (t.name == name) return t;
  std::string names;
  for (const auto& t : s.scenario.rocket_types) names += (names.empty() ? "" : ", ") + t.name;
  throw py::value_error("no rocket type '" + name + "' in " + s.scenario.source +
                        " (types: " + names + ")");
}

// Rows (elevation_deg, range_m, apogee_m, flight_time_s, impact_speed_mps,
// max_range).
std::vector<std::tuple<double, double, double, double, double, bool>> range_table(
    const LoadedScenario& s, const std::string& type, double from_deg, double to_deg,
    double step_deg) {
  core::Result<RangeTable> table;
  {
    py::gil_scoped_release release;
    table = range_table_rows(s.scenario, type, from_deg, to_deg, step_deg);
  }
  if (!table) throw py::value_error(table.error().message);
  std::vector<std::tuple<double, double, double, double, double, bool>> rows;
  for (const auto& [r, best] : table->rows)
    rows.emplace_back(core::rad_to_deg(r.elevation_rad), r.range_m, r.apogee_m, r.flight_time_s,
                      r.impact_speed_mps, best);
  return rows;
}

// One flight in the scenario's environment (its wind included), sampled
// every interval_s: an (n, 7) array of t_s, e_m, n_m, u_m, ve_mps, vn_mps,
// vu_mps in the world frame (ENU at the scenario's origin).
py::array_t<double> fly(const LoadedScenario& s, const std::string& type, double elevation_deg,
                        double azimuth_deg, double launch_e_m, double launch_n_m,
                        double interval_s) {
  const scenario::RocketType& t = rocket_type(s, type);
  if (!(elevation_deg >= 0.5 && elevation_deg <= 89.5))
    throw py::value_error("elevation_deg must be in [0.5, 89.5]");
  if (!std::isfinite(azimuth_deg)) throw py::value_error("azimuth_deg must be finite");
  if (!(std::abs(launch_e_m) <= 1e6 && std::abs(launch_n_m) <= 1e6))
    throw py::value_error("launch_en_m must be within 1,000 km of the origin");
  if (!(interval_s >= 0.001 && interval_s <= 3600))
    throw py::value_error("interval_s must be in [0.001, 3600]");
  std::vector<physics::State> samples;
  {
    py::gil_scoped_release release;
    samples = physics::fly_trajectory(
        t.params, s.scenario.environment, core::deg_to_rad(elevation_deg),
        core::deg_to_rad(azimuth_deg), physics::Vec2(launch_e_m, launch_n_m), interval_s);
  }
  py::array_t<double> out({static_cast<py::ssize_t>(samples.size()), py::ssize_t{7}});
  auto a = out.mutable_unchecked<2>();
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto& st = samples[i];
    const double row[7] = {st.t_s,     st.p_W.x(), st.p_W.y(), st.p_W.z(),
                           st.v_W.x(), st.v_W.y(), st.v_W.z()};
    for (int k = 0; k < 7; ++k) a(static_cast<py::ssize_t>(i), k) = row[k];
  }
  return out;
}

}  // namespace
}  // namespace canopy

PYBIND11_MODULE(_canopy, m) {
  using namespace canopy;
  m.doc() = "canopy's C++ core; use the `canopy` package, not this module";
  m.attr("version") = CANOPY_VERSION;
  m.attr("EXIT_BAD_INPUT") = kExitBadInput;
  m.attr("EXIT_RUN_FAILED") = kExitRunFailed;
  m.attr("EXIT_INTERRUPTED") = kExitInterrupted;

  py::class_<LoadedScenario>(m, "LoadedScenario")
      .def_property_readonly("name", [](const LoadedScenario& s) { return s.scenario.name; })
      .def_property_readonly("source_name", [](const LoadedScenario& s) { return s.source.name; })
      .def_property_readonly("yaml", [](const LoadedScenario& s) { return s.source.yaml; })
      .def_property_readonly("base_dir", [](const LoadedScenario& s) { return s.source.base_dir; })
      .def_property_readonly("seed", [](const LoadedScenario& s) { return s.scenario.run.seed; })
      .def_property_readonly("duration_s",
                             [](const LoadedScenario& s) { return s.scenario.run.duration_s; })
      .def_property_readonly("total_rockets",
                             [](const LoadedScenario& s) { return s.scenario.total_rockets(); })
      .def_property_readonly("names", [](const LoadedScenario& s) {
        auto names = [](const auto& items) {
          std::vector<std::string> out;
          for (const auto& i : items) out.push_back(i.name);
          return out;
        };
        const auto& sc = s.scenario;
        py::dict d;
        d["defended_areas"] = names(sc.defended_areas);
        d["alert_zones"] = names(sc.alert_zones);
        d["rocket_types"] = names(sc.rocket_types);
        d["launch_sites"] = names(sc.launch_sites);
        d["sensors"] = names(sc.sensors);
        d["interceptor_types"] = names(sc.interceptor_types);
        d["batteries"] = names(sc.batteries);
        return d;
      });

  m.def("load_source", &load_source, py::arg("yaml"), py::arg("name"), py::arg("base_dir"));
  m.def("read_source", &read_source, py::arg("path"));
  m.def("with_override", &with_override, py::arg("yaml"), py::arg("name"), py::arg("base_dir"),
        py::arg("key"), py::arg("value_yaml"));
  m.def("run", &run, py::arg("scenario"), py::arg("out_dir"), py::arg("seed"), py::arg("run"),
        py::arg("trajectory_interval_s"), py::arg("plots"), py::arg("report"));
  m.def("montecarlo", &montecarlo, py::arg("scenario"), py::arg("runs"), py::arg("threads"),
        py::arg("out_dir"), py::arg("resume"), py::arg("force"), py::arg("report"));
  m.def("sweep", &sweep, py::arg("scenario"), py::arg("sets"), py::arg("runs"), py::arg("threads"),
        py::arg("out_dir"), py::arg("resume"), py::arg("force"), py::arg("report"),
        py::arg("one_at_a_time"));
  m.def("compare", &compare, py::arg("designs"), py::arg("names"), py::arg("runs"),
        py::arg("threads"), py::arg("out_dir"), py::arg("resume"), py::arg("force"),
        py::arg("report"));
  m.def("wta", &wta, py::arg("values"), py::arg("p"), py::arg("counts"), py::arg("time_limit_s"),
        py::arg("exact"), py::arg("seed"));
  m.def(
      "track",
      [](const std::string& csv, const std::string& name, const LoadedScenario* sensors_from,
         const std::string& sensors_path, const LoadedScenario* threats_from,
         const std::string& threats_path, double sigma_m, const std::string& model,
         const std::string& filter, const std::string& association, bool flat_earth, int confirm_m,
         int confirm_n, double reorder_window_s) {
        std::string out;
        auto [code, errors] =
            track(csv, name, sensors_from, sensors_path, threats_from, threats_path, sigma_m, model,
                  filter, association, flat_earth, confirm_m, confirm_n, reorder_window_s, &out);
        return std::make_tuple(code, errors, out);
      },
      py::arg("csv"), py::arg("name"), py::arg("sensors_from").none(true), py::arg("sensors_path"),
      py::arg("threats_from").none(true), py::arg("threats_path"), py::arg("sigma_m"),
      py::arg("model"), py::arg("filter"), py::arg("association"), py::arg("flat_earth"),
      py::arg("confirm_m"), py::arg("confirm_n"), py::arg("reorder_window_s"));
  m.def("range_table", &range_table, py::arg("scenario"), py::arg("rocket_type"),
        py::arg("from_deg"), py::arg("to_deg"), py::arg("step_deg"));
  m.def("fly", &fly, py::arg("scenario"), py::arg("rocket_type"), py::arg("elevation_deg"),
        py::arg("azimuth_deg"), py::arg("launch_e_m"), py::arg("launch_n_m"),
        py::arg("interval_s"));
}
