// `canopy track`: the tracker alone on recorded detections (docs/cli.md).
#include "track_cmd.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "canopy/io/atomic_file.h"
#include "canopy/io/detections_csv.h"
#include "canopy/scenario/load.h"
#include "canopy/tracking/tracker.h"
#include "exit_codes.h"

namespace canopy {
namespace {

void print_diagnostics(const std::vector<scenario::Diagnostic>& ds) {
  for (const auto& d : ds) fmt::print(stderr, "{}\n", d.to_string());
}

}  // namespace

int cmd_track(const TrackOptions& o) {
  // What the tracker knows: the sensors, the threat library, the Earth.
  std::vector<scenario::Sensor> sensor_specs;
  if (!o.sensors_path.empty()) {
    auto s = scenario::load_sensors_file(o.sensors_path);
    if (!s) {
      print_diagnostics(s.error());
      return kExitBadInput;
    }
    sensor_specs = std::move(*s);
  }
  std::vector<scenario::RocketType> threats;
  if (!o.threats_path.empty()) {
    auto t = scenario::load_threats_file(o.threats_path);
    if (!t) {
      print_diagnostics(t.error());
      return kExitBadInput;
    }
    threats = std::move(*t);
  }

  io::DetectionsOptions read_opts;
  for (const auto& s : sensor_specs) read_opts.sensor_names.push_back(s.name);
  read_opts.reorder_window_s = o.config.reorder_window_s;
  auto det = io::read_detections_file(o.detections_path, read_opts);
  if (!det) {
    fmt::print(stderr, "{}\n", det.error().message);
    return kExitBadInput;
  }
  std::vector<tracking::SensorInfo> sensors;
  if (det->polar) {
    if (sensor_specs.empty()) {
      fmt::print(stderr,
                 "{}: radar polar detections need the sensors' positions: pass --sensors FILE\n",
                 o.detections_path);
      return kExitBadInput;
    }
    for (size_t i = 0; i < sensor_specs.size(); ++i)
      sensors.push_back(tracking::SensorInfo::polar(sensor_specs[i], static_cast<int>(i)));
  } else {
    if (!(o.sigma_m > 0)) {
      fmt::print(stderr, "{}: Cartesian detections need their noise: pass --sigma-m S (> 0)\n",
                 o.detections_path);
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

  auto out = io::AtomicFile::open(o.out_path);
  if (!out) {
    fmt::print(stderr, "canopy track: {}\n", out.error().message);
    return kExitRunFailed;
  }
  std::ostream& os = out->stream();
  os << "time_s,track_id,x,y,z,vx,vy,vz\n";

  // Scan by scan: the measurements of one time, per sensor; then every
  // confirmed track at that time (coasted ones predicted to it).
  const auto& ms = det->measurements;
  const auto start = std::chrono::steady_clock::now();
  std::int64_t scans = 0, rows = 0;
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
    ++scans;
    for (const tracking::TrackSnapshot& s : tracker.picture(t)) {
      os << fmt::format("{:.3f},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}\n", t, s.id, s.p_W.x(),
                        s.p_W.y(), s.p_W.z(), s.v_W.x(), s.v_W.y(), s.v_W.z());
      ++rows;
      confirmed_ids[s.id] = 1;
    }
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  if (auto ok = out->commit(); !ok) {
    fmt::print(stderr, "canopy track: {}\n", ok.error().message);
    return kExitRunFailed;
  }
  if (!o.quiet) {
    const auto& st = tracker.stats();
    fmt::print(stderr,
               "canopy track: {} measurements in {} scans; {} tracks started, {} confirmed; "
               "wrote {} rows to {}\n",
               ms.size(), scans, st.tracks_started, confirmed_ids.size(), rows, o.out_path);
    fmt::print(stderr, "  tracking time {:.3f} s ({:.1f} us per scan, incl. output formatting)\n",
               wall.count(), scans > 0 ? 1e6 * wall.count() / static_cast<double>(scans) : 0.0);
  }
  return kExitOk;
}

}  // namespace canopy
