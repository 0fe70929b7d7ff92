// Tests only: a small run directory made the way `canopy run --out` makes
// one (sim::World + eval::ScoringSink + io::RunFiles), with scenario.yaml,
// tracks.csv and interceptors.csv beside it. Made once per test program.
//
//   const std::filesystem::path& dir = io::testing::small_run_dir();
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "canopy/eval/engagement_metrics.h"
#include "canopy/eval/scoring_sink.h"
#include "canopy/io/run_files.h"
#include "canopy/scenario/load.h"
#include "canopy/sim/world.h"

namespace canopy::io::testing {

// One town with a battery; four rockets at the town (engaged) and two at
// open ground inside zone A3 (not engaged: they land, and are alerted).
inline constexpr const char* kSmallScenario = R"yaml(
canopy: 1
name: report-test
origin: {lat_deg: 33.2, lon_deg: -44.6, alt_m: 0}
run: {duration_s: 110, step_s: 0.01, seed: 11}
defended_areas:
  - {name: Northport, value: 45000, polygon_km: [[1.5, 6.2], [3.4, 5.9], [5.0, 6.6], [5.2, 8.4], [3.9, 9.2], [2.0, 8.9], [1.3, 7.6]]}
alert_zones:
  - {id: A3, name: Zone A3, population: 40830, polygon_km: [[1.22, 6.65], [6.72, 6.6], [6.76, 12.0], [1.3, 12.0]]}
  - {id: E6, name: Zone E6, population: 3180, polygon_km: [[15.93, -15.0], [20.0, -15.0], [20.0, -8.83], [15.34, -9.05]]}
rocket_types:
  - name: medium
    launch_mass_kg: 66
    propellant_mass_kg: 20
    burn_time_s: 1.9
    thrust_n: 21000
    diameter_m: 0.122
    rcs_m2: 0.03
    cd_mach: [[0.0, 0.30], [0.8, 0.32], [1.0, 0.45], [1.2, 0.42], [2.0, 0.35], [3.0, 0.30]]
launch_sites:
  - {name: Border, center_km: [-10.5, 0], radius_km: 1.0}
raids:
  - {at_s: 5, site: Border, type: medium, count: 4, interval_s: 8, aim: {area: Northport}, aim_sigma_m: 300}
  - {at_s: 9, site: Border, type: medium, count: 2, interval_s: 8, aim: {point_km: [4.0, 11.0]}, aim_sigma_m: 200}
sensors:
  - name: Mill
    position_km: [6, 8]
    azimuth_deg: 250
    sector_deg: 120
    elevation_deg: [0.5, 80]
    range_km: [1, 60]
    revisit_s: 0.25
    sigma: {range_m: 15, azimuth_mrad: 2, elevation_mrad: 2}
    detection: {pd: 0.9}
    false_alarms_per_scan: 1
interceptor_types:
  - name: generic
    launch_mass_kg: 90
    propellant_mass_kg: 35
    burn_time_s: 3
    thrust_n: 30000
    diameter_m: 0.16
    cd_mach: [[0, 0.3], [1, 0.5], [3, 0.35]]
    max_accel_g: 30
    max_flight_s: 40
    seeker: {range_km: 4, sigma_mrad: 1}
    lethal_radius_m: 8
    pk_at_lethal_radius: 0.9
    cost: 50000
batteries:
  - name: North
    position_km: [1.5, 4.5]
    launchers: [{position_km: [1.2, 4.2]}, {position_km: [1.8, 4.3]}]
    intercept_altitude_m: [500, 10000]
    interceptor: generic
doctrine: {shots_per_threat: 1, mode: shoot-look-shoot, replan_s: 0.5}
)yaml";

// Forwards to the scorer and keeps the replay samples RunFiles may not write.
struct ReplayTee : sim::EventSink {
  explicit ReplayTee(sim::EventSink* next) : next_(next) {}
  void on_event(const sim::Event& e) override { next_->on_event(e); }
  void on_trajectory(const sim::TrajectorySample& s) override { next_->on_trajectory(s); }
  void on_plot(const sim::PlotRecord& p) override { next_->on_plot(p); }
  void on_picture(const sim::PictureSample& s) override {
    pictures.push_back(s);
    next_->on_picture(s);
  }
  void on_interceptor(const sim::InterceptorSample& s) override {
    interceptors.push_back(s);
    next_->on_interceptor(s);
  }
  sim::EventSink* next_;
  std::vector<sim::PictureSample> pictures;
  std::vector<sim::InterceptorSample> interceptors;
};

inline std::filesystem::path make_run_dir(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  auto sc = scenario::load_string(kSmallScenario, "report-test.yaml");
  EXPECT_TRUE(sc.has_value());
  if (!sc) return dir;
  auto world = sim::World::create(*sc);
  EXPECT_TRUE(world.has_value());
  auto files = RunFiles::open(dir);
  EXPECT_TRUE(files.has_value());
  if (!world || !files) return dir;
  eval::ScoringSink scoring(&*files, *sc);
  ReplayTee tee(&scoring);
  world->set_sink(&tee);
  world->run();
  nlohmann::ordered_json sections;
  sections["tracking"] = eval::to_json(scoring.result());
  sections["assessment"] = eval::to_json(scoring.assessment());
  const eval::RunSummary summary = scoring.summary(world->stats());
  sections["engagement"] = eval::to_json(eval::engagement_metrics(summary));
  sections["safety"] = eval::to_json(scoring.safety());
  EXPECT_TRUE(files->commit(summary, sections).has_value());
  std::ofstream(dir / "scenario.yaml") << kSmallScenario;
  // tracks.csv / interceptors.csv, unless RunFiles already writes them.
  if (!fs::exists(dir / "tracks.csv")) {
    std::ofstream out(dir / "tracks.csv");
    out << "t,track,e_m,n_m,u_m\n";
    for (const sim::PictureSample& p : tee.pictures)
      for (const auto& t : p.tracks)
        out << fmt::format("{:.4f},{},{:.3f},{:.3f},{:.3f}\n", p.t_s, t.id, t.p_W.x(), t.p_W.y(),
                           t.p_W.z());
  }
  if (!fs::exists(dir / "interceptors.csv")) {
    std::ofstream out(dir / "interceptors.csv");
    out << "t,interceptor,e_m,n_m,u_m\n";
    for (const sim::InterceptorSample& s : tee.interceptors)
      out << fmt::format("{:.4f},{},{:.3f},{:.3f},{:.3f}\n", s.t_s, s.interceptor, s.p_W.x(),
                         s.p_W.y(), s.p_W.z());
  }
  return dir;
}

// The shared run directory (made on first use, under the temp directory,
// removed with everything beside it when the test program exits).
inline const std::filesystem::path& small_run_dir() {
  struct Scratch {
    std::filesystem::path root =
        std::filesystem::temp_directory_path() / fmt::format("canopy-report-test-{}", ::getpid());
    std::filesystem::path run = make_run_dir(root / "run");
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(root, ec);
    }
  };
  static const Scratch scratch;
  return scratch.run;
}

// A fresh copy of the shared run directory, to break or extend.
inline std::filesystem::path copy_of_run_dir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path to = small_run_dir().parent_path() / name;
  fs::remove_all(to);
  fs::copy(small_run_dir(), to, fs::copy_options::recursive);
  for (const char* f : {"report.html", "replay.czml", "impacts.geojson"}) fs::remove(to / f);
  return to;
}

}  // namespace canopy::io::testing
