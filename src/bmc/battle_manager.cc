#include "canopy/bmc/battle_manager.h"

#include <utility>

namespace canopy::bmc {
namespace {

tracking::Tracker make_tracker(const Knowledge& k) {
  std::vector<tracking::SensorInfo> sensors;
  for (size_t i = 0; i < k.sensors.size(); ++i)
    sensors.push_back(tracking::SensorInfo::polar(k.sensors[i], static_cast<int>(i)));
  tracking::EstimatorConfig est;
  est.model = k.tracker.model;
  est.filter = k.tracker.filter;
  est.process_noise_mps2 = k.tracker.process_noise_mps2;
  est.environment = k.forecast;
  est.threats = k.threat_library.empty()
                    ? tracking::ThreatLibrary::generic()
                    : tracking::ThreatLibrary::from_rocket_types(k.threat_library);
  return tracking::Tracker(k.tracker, std::move(sensors), std::move(est));
}

}  // namespace

tracking::Measurement measurement_from_plot(const sensors::Plot& plot) {
  tracking::Measurement m;
  m.id = plot.id;
  m.sensor = plot.sensor;
  m.t_s = plot.t_s;
  m.kind = tracking::Measurement::Kind::kPolar;
  m.z.resize(plot.range_rate_mps ? 4 : 3);
  m.z.head<3>() << plot.range_m, plot.azimuth_rad, plot.elevation_rad;
  if (plot.range_rate_mps) m.z(3) = *plot.range_rate_mps;
  return m;
}

BattleManager::BattleManager(Knowledge knowledge)
    : knowledge_(std::move(knowledge)), tracker_(make_tracker(knowledge_)) {}

void BattleManager::receive(const sensors::Scan& scan) {
  tracking::ScanInput in;
  in.sensor = scan.sensor;
  in.t_s = scan.t_s;
  in.arrival_s = scan.arrival_s;
  in.measurements.reserve(scan.plots.size());
  for (const sensors::Plot& p : scan.plots) in.measurements.push_back(measurement_from_plot(p));
  tracker_.receive(std::move(in));
}

void BattleManager::step(double now_s) { tracker_.advance_to(now_s); }

}  // namespace canopy::bmc
