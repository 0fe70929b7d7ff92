// `canopy track`: the tracker alone on recorded detections (docs/cli.md).
#include "track_cmd.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <map>
#include <memory>

#include "canopy/core/atomic_file.h"
#include "canopy/io/detections_csv.h"
#include "canopy/scenario/load.h"
#include "canopy/tracking/tracker.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"

namespace canopy {
namespace {

void print_diagnostics(const std::vector<scenario::Diagnostic>& ds) {
  for (const auto& d : ds) print_error(d.to_string());
}

}  // namespace

int cmd_track(const TrackOptions& o) {
  // What the tracker knows: the sensors, the threat library, the Earth.
  std::vector<scenario::Sensor> sensor_specs;
  std::vector<scenario::RocketType> threats;
  if (const int code = read_tracker_files(o.sensors_path, o.threats_path, &sensor_specs, &threats);
      code != kExitOk)
    return code;
  auto det =
      io::read_detections_file(o.detections_path, detections_options(sensor_specs, o.config));
  if (!det) {
    print_error(det.error().message);
    return kExitBadInput;
  }

  auto out = core::AtomicFile::open(o.out_path);
  if (!out) {
    print_error(fmt::format("canopy track: {}", out.error().message));
    return kExitRunFailed;
  }
  const auto start = std::chrono::steady_clock::now();
  TrackStats stats;
  const int code =
      track_detections(*det, o.detections_path, sensor_specs, threats, o, out->stream(), &stats);
  if (code != kExitOk) return code;
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  if (auto ok = out->commit(); !ok) {
    print_error(fmt::format("canopy track: {}", ok.error().message));
    return kExitRunFailed;
  }
  if (!o.quiet) {
    fmt::print(stderr,
               "canopy track: {} measurements in {} scans; {} tracks started, {} confirmed; "
               "wrote {} rows to {}\n",
               det->measurements.size(), stats.scans, stats.tracks_started, stats.tracks_confirmed,
               stats.rows, o.out_path);
    fmt::print(stderr, "  tracking time {:.3f} s ({:.1f} us per scan, incl. output formatting)\n",
               wall.count(),
               stats.scans > 0 ? 1e6 * wall.count() / static_cast<double>(stats.scans) : 0.0);
  }
  return kExitOk;
}

int read_tracker_files(const std::string& sensors_path, const std::string& threats_path,
                       std::vector<scenario::Sensor>* sensors,
                       std::vector<scenario::RocketType>* threats) {
  if (!sensors_path.empty()) {
    auto s = scenario::load_sensors_file(sensors_path);
    if (!s) {
      print_diagnostics(s.error());
      return kExitBadInput;
    }
    *sensors = std::move(*s);
  }
  if (!threats_path.empty()) {
    auto t = scenario::load_threats_file(threats_path);
    if (!t) {
      print_diagnostics(t.error());
      return kExitBadInput;
    }
    *threats = std::move(*t);
  }
  return kExitOk;
}

void set_tracker_choices(scenario::TrackerConfig& config, std::string_view model,
                         std::string_view filter, std::string_view association) {
  using C = scenario::TrackerConfig;
  config.model = model == "cv"          ? C::Model::kCv
                 : model == "ca"        ? C::Model::kCa
                 : model == "ballistic" ? C::Model::kBallistic
                                        : C::Model::kImm;
  config.filter = filter == "ukf" ? C::Filter::kUkf : C::Filter::kEkf;
  config.association = association == "jpda" ? C::Association::kJpda : C::Association::kGnn;
}

io::DetectionsOptions detections_options(const std::vector<scenario::Sensor>& sensors,
                                         const scenario::TrackerConfig& config) {
  io::DetectionsOptions read_opts;
  for (const auto& s : sensors) {
    read_opts.sensor_names.push_back(s.name);
    read_opts.sensor_axes.push_back(
        {s.measures_range, s.measures_elevation, s.sigma_range_rate_mps > 0});
  }
  read_opts.reorder_window_s = config.reorder_window_s;
  return read_opts;
}

int track_detections(const io::Detections& det, const std::string& detections_name,
                     const std::vector<scenario::Sensor>& sensor_specs,
                     const std::vector<scenario::RocketType>& threats, const TrackOptions& o,
                     std::ostream& os, TrackStats* stats) {
  std::vector<tracking::SensorInfo> sensors;
  if (det.polar) {
    if (sensor_specs.empty()) {
      print_error(
          fmt::format("{}: radar polar detections need the sensors' positions: pass --sensors FILE",
                      detections_name));
      return kExitBadInput;
    }
    for (size_t i = 0; i < sensor_specs.size(); ++i)
      sensors.push_back(tracking::SensorInfo::polar(sensor_specs[i], static_cast<int>(i)));
  } else {
    if (!(o.sigma_m > 0)) {
      print_error(fmt::format("{}: Cartesian detections need their noise: pass --sigma-m S (> 0)",
                              detections_name));
      return kExitBadInput;
    }
    sensors.push_back(tracking::SensorInfo::cartesian(o.sigma_m));
  }

  tracking::EstimatorConfig est;
  est.model = o.config.model;
  est.filter = o.config.filter;
  est.process_noise_mps2 = o.config.process_noise_mps2;
  est.environment.earth =
      o.flat_earth ? physics::EarthModel::kFlatUniform : physics::EarthModel::kSphere;
  est.threats = threats.empty() ? tracking::ThreatLibrary::generic()
                                : tracking::ThreatLibrary::from_rocket_types(threats);
  tracking::Tracker tracker(o.config, std::move(sensors), std::move(est));

  os << "time_s,track_id,x,y,z,vx,vy,vz\n";
  // Scan by scan: the measurements of one time, per sensor; then every
  // confirmed track at that time (coasted ones predicted to it).
  const auto& ms = det.measurements;
  TrackStats st;
  std::map<int, int> confirmed_ids;
  for (size_t i = 0; i < ms.size();) {
    const double t = ms[i].t_s;
    std::map<int, tracking::ScanInput> by_sensor;
    for (; i < ms.size() && ms[i].t_s == t; ++i) {
      tracking::ScanInput& s = by_sensor[ms[i].sensor];
      s.sensor = ms[i].sensor;
      s.t_s = s.arrival_s = t;
      s.measurements.push_back(ms[i]);
    }
    for (auto& [sensor, scan] : by_sensor) tracker.receive(std::move(scan));
    tracker.flush();
    ++st.scans;
    for (const tracking::TrackSnapshot& s : tracker.picture(t)) {
      os << fmt::format("{:.3f},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}\n", t, s.id, s.p_W.x(),
                        s.p_W.y(), s.p_W.z(), s.v_W.x(), s.v_W.y(), s.v_W.z());
      ++st.rows;
      confirmed_ids[s.id] = 1;
    }
  }
  st.tracks_started = tracker.stats().tracks_started;
  st.tracks_confirmed = static_cast<std::int64_t>(confirmed_ids.size());
  if (stats != nullptr) *stats = st;
  return kExitOk;
}

namespace {

// `canopy track`'s flags, bound by add_track_command.
struct TrackArgs {
  TrackOptions tr;
  std::string model = "ballistic", filter = "ekf", assoc = "gnn", earth = "sphere";
};

int run_track(TrackArgs& a) {
  TrackOptions& tr = a.tr;
  if (tr.config.confirm_m > tr.config.confirm_n) {
    print_error("canopy track: --confirm-m must not exceed --confirm-n");
    return kExitBadInput;
  }
  set_tracker_choices(tr.config, a.model, a.filter, a.assoc);
  tr.flat_earth = a.earth == "flat";
  return cmd_track(tr);
}

}  // namespace

Command add_track_command(CLI::App& parent) {
  auto a = std::make_shared<TrackArgs>();
  TrackOptions& tr = a->tr;
  auto* track = parent.add_subcommand("track", "Run the tracker alone on recorded detections");
  track->add_option("detections", tr.detections_path, "Detections CSV")
      ->required()
      ->check(CLI::ExistingFile);
  track->add_option("--out", tr.out_path, "Tracks CSV to write")->required();
  track->add_option("--sigma-m", tr.sigma_m, "Cartesian input: per-axis noise, metres");
  track->add_option("--sensors", tr.sensors_path, "Polar input: YAML with the sensors")
      ->check(CLI::ExistingFile);
  track->add_option("--threats", tr.threats_path, "YAML with rocket_types: the threat library")
      ->check(CLI::ExistingFile);
  track->add_option("--model", a->model, "Motion model")
      ->check(CLI::IsMember({"cv", "ca", "ballistic", "imm"}))
      ->capture_default_str();
  track->add_option("--filter", a->filter, "Filter")
      ->check(CLI::IsMember({"ekf", "ukf"}))
      ->capture_default_str();
  track->add_option("--association", a->assoc, "Data association")
      ->check(CLI::IsMember({"gnn", "jpda"}))
      ->capture_default_str();
  track->add_option("--earth", a->earth, "sphere, or flat (uniform g, flat ground)")
      ->check(CLI::IsMember({"sphere", "flat"}))
      ->capture_default_str();
  track->add_option("--confirm-m", tr.config.confirm_m, "Confirm after M hits ...")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  track->add_option("--confirm-n", tr.config.confirm_n, "... in N scans")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  track
      ->add_option("--reorder-window", tr.config.reorder_window_s,
                   "Seconds by which input times may go backwards")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  track->add_flag("--quiet", tr.quiet, "Print nothing but errors");
  return {track, [a] { return run_track(*a); }};
}

}  // namespace canopy
