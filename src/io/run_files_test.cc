#include "canopy/io/run_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace canopy::io {
namespace {

namespace fs = std::filesystem;

TEST(RunFiles, LaunchEventKeepsThePublicFieldsInOrder) {
  sim::LaunchEvent e;
  e.t_s = 10.5;
  e.rocket = 3;
  e.rocket_type = "medium";
  e.site = "west";
  e.elevation_deg = 40;
  e.azimuth_deg = 90;
  e.dir_W = {0.766, 0, 0.643};
  e.p_W = {-20000, 0, -31.4};
  e.aim_en_m = {100, 200};
  e.cd_factor = 1.02;
  e.impact_p_W = {150, 180, -0.5};
  const auto j = to_json(sim::Event(e));
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  const std::vector<std::string> want = {"t",         "type",      "rocket",        "rocket_type",
                                         "site",      "raid",      "elevation_deg", "azimuth_deg",
                                         "dir_enu",   "p_enu_m",   "lat_deg",       "lon_deg",
                                         "aim_enu_m", "cd_factor", "impact_enu_m",  "impact_area"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(j["type"], "launch");
  EXPECT_EQ(j["p_enu_m"].size(), 3u);
  EXPECT_EQ(j["aim_enu_m"].size(), 2u);
  EXPECT_EQ(j["impact_enu_m"], nlohmann::ordered_json({150.0, 180.0, -0.5}));
  EXPECT_TRUE(j["impact_area"].is_null());  // open ground
  e.impact_area = "Northport";
  EXPECT_EQ(to_json(sim::Event(e))["impact_area"], "Northport");
  EXPECT_DOUBLE_EQ(j["t"].get<double>(), 10.5);
}

TEST(RunFiles, ImpactOnOpenGroundHasANullArea) {
  sim::ImpactEvent e;
  e.t_s = 80;
  e.rocket = 3;
  const auto j = to_json(sim::Event(e));
  EXPECT_EQ(j["type"], "impact");
  EXPECT_TRUE(j["area"].is_null());
  e.area = "Northport";
  EXPECT_EQ(to_json(sim::Event(e))["area"], "Northport");
  for (const char* k : {"t", "rocket", "p_enu_m", "lat_deg", "lon_deg", "speed_mps"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
}

TEST(RunFiles, TrajectoryRowMatchesTheHeader) {
  EXPECT_STREQ(kTrajectoryHeader, "t,rocket,e_m,n_m,u_m,ve_mps,vn_mps,vu_mps");
  const std::string row = trajectory_row({1.5, 7, {1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(row, "1.5000,7,1.000,2.000,3.000,4.000,5.000,6.000\n");
}

TEST(RunFiles, NothingAppearsUntilCommit) {
  const fs::path dir =
      fs::temp_directory_path() / ("canopy_runfiles_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    auto files = RunFiles::open(dir);
    ASSERT_TRUE(files);
    files->on_event(sim::ImpactEvent{});
    // Dropped without commit: a failed run.
  }
  EXPECT_TRUE(fs::is_empty(dir));
  auto files = RunFiles::open(dir);
  ASSERT_TRUE(files);
  files->on_event(sim::ImpactEvent{});
  files->on_trajectory({0, 1, {0, 0, 0}, {0, 0, 0}});
  eval::RunSummary s;
  s.areas.push_back({.name = "Town", .value = 10, .leakers = 1, .value_hit = 10});
  ASSERT_TRUE(files->commit(s));
  for (const char* f : {"events.jsonl", "trajectories.csv", "summary.json"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  std::ifstream in(dir / "summary.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["areas"][0]["name"], "Town");
  EXPECT_EQ(j["areas"][0]["value_hit"], 10);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace canopy::io
