// Per-scan cost of the whole tracker (predict, gate, cluster, assign,
// update, initiate, manage) with N ballistic rockets in flight at once.
//
// The rockets fly the physics module's coast (flat Earth, as the peer
// benchmark's data) inside a fixed 20 km x 20 km box, so the density grows
// with N: the scaling figure includes the harder association.
// Plots: Cartesian, sigma 20 m, Pd 0.9, 5 clutter plots per scan, 10 Hz.
#include <benchmark/benchmark.h>

#include <vector>

#include "canopy/core/random.h"
#include "canopy/physics/examples.h"
#include "canopy/tracking/tracker.h"

namespace {

using namespace canopy;

struct Recording {
  std::vector<tracking::ScanInput> scans;
};

Recording record(int n, int n_scans) {
  physics::Environment env;
  env.earth = physics::EarthModel::kFlatUniform;
  const physics::RocketParams rocket = physics::example_medium_rocket();
  core::Stream rng(11, core::tag("bench-tracker"), static_cast<std::uint64_t>(n));
  std::vector<physics::Flight> flights;
  for (int i = 0; i < n; ++i) {
    const double az = rng.uniform(0, 2 * 3.141592653589793);
    const double el = rng.uniform(0.6, 1.0);
    const core::Vec3 dir(std::cos(el) * std::sin(az), std::cos(el) * std::cos(az), std::sin(el));
    flights.push_back(physics::Flight::launch(
        rocket, env, core::Vec3(rng.uniform(0, 20e3), rng.uniform(0, 20e3), 0), dir,
        -rng.uniform(6, 10)));
  }
  Recording rec;
  std::uint64_t id = 1;
  for (int k = 0; k < n_scans; ++k) {
    const double t = 0.1 * k;
    tracking::ScanInput s;
    s.t_s = s.arrival_s = t;
    auto add = [&](const core::Vec3& p) {
      tracking::Measurement m;
      m.id = id++;
      m.t_s = t;
      m.kind = tracking::Measurement::Kind::kCartesian;
      m.z.resize(3);
      m.z << p.x() + 20 * rng.normal(), p.y() + 20 * rng.normal(), p.z() + 20 * rng.normal();
      s.measurements.push_back(m);
    };
    for (auto& f : flights) {
      f.advance_to(t);
      if (f.landed()) continue;
      if (rng.uniform() < 0.9) add(f.state_at(t).p_W);
    }
    for (int c = 0; c < 5; ++c)
      add({rng.uniform(-10e3, 30e3), rng.uniform(-10e3, 30e3), rng.uniform(0, 15e3)});
    rec.scans.push_back(std::move(s));
  }
  return rec;
}

void BM_TrackerScan(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int warmup = 20, measured = 100;
  const Recording rec = record(n, warmup + measured);
  scenario::TrackerConfig cfg;
  cfg.model = scenario::TrackerConfig::Model::kBallistic;
  cfg.reorder_window_s = 0;
  tracking::EstimatorConfig est;
  est.model = cfg.model;
  est.environment.earth = physics::EarthModel::kFlatUniform;
  est.threats = tracking::ThreatLibrary::generic();
  std::int64_t scans = 0;
  std::size_t tracks = 0;
  for (auto _ : state) {
    state.PauseTiming();
    tracking::Tracker tracker(cfg, {tracking::SensorInfo::cartesian(20)}, est);
    for (int k = 0; k < warmup; ++k) {
      tracker.receive(rec.scans[k]);
      tracker.flush();
    }
    state.ResumeTiming();
    for (int k = warmup; k < warmup + measured; ++k) {
      tracker.receive(rec.scans[k]);
      tracker.flush();
    }
    state.PauseTiming();
    tracks = tracker.picture(rec.scans.back().t_s).size();
    scans += measured;
    state.ResumeTiming();
  }
  state.counters["confirmed_tracks"] = static_cast<double>(tracks);
  // Seconds of CPU per scan.
  state.counters["per_scan"] = benchmark::Counter(
      static_cast<double>(scans), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TrackerScan)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
