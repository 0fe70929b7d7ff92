// End-to-end tests of the `canopy` binary: exit codes, outputs, determinism,
// and bad input of every kind.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_test_support.h"

namespace {

using namespace cli_testing;

const char* kSmall = R"(canopy: 1
name: small
origin: {lat_deg: 30.0, lon_deg: -40.0, alt_m: 0}
run: {duration_s: 200, step_s: 0.01, seed: 3}
defended_areas:
  - {name: Town, value: 500, polygon_km: [[-1, -1], [1, -1], [1, 1], [-1, 1]]}
rocket_types:
  - {name: medium, launch_mass_kg: 66, propellant_mass_kg: 20, burn_time_s: 1.9, thrust_n: 21000,
     diameter_m: 0.122, cd_mach: [[0.0, 0.30], [0.8, 0.32], [1.0, 0.45], [1.2, 0.42], [2.0, 0.35], [3.0, 0.30]]}
launch_sites:
  - {name: west, center_km: [-16, 0], radius_km: 1}
raids:
  - {at_s: 5, site: west, type: medium, count: 6, interval_s: 0.5, aim: {area: Town}, aim_sigma_m: 200}
)";

TEST(Cli, RunWritesEventsSummaryAndTrajectories) {
  const fs::path dir = temp_dir("run");
  const fs::path sc = write(dir, "s.yaml", kSmall);
  const Output o = canopy("run " + sc.string() + " --out " + (dir / "out").string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("rockets launched"), std::string::npos);
  EXPECT_NE(o.out.find("Town"), std::string::npos);
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["rockets_launched"], 6);
  EXPECT_EQ(summary["impacts"], 6);
  // Every event line is JSON, and the log is sorted by time.
  std::istringstream events(slurp(dir / "out" / "events.jsonl"));
  std::string line;
  double last = -1;
  int n = 0;
  while (std::getline(events, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_GE(j["t"].get<double>(), last);
    last = j["t"].get<double>();
    ++n;
  }
  EXPECT_EQ(n, 12);
  const std::string traj = slurp(dir / "out" / "trajectories.csv");
  EXPECT_EQ(traj.rfind("t,rocket,e_m,n_m,u_m,ve_mps,vn_mps,vu_mps\n", 0), 0u);
  fs::remove_all(dir);
}

TEST(Cli, SameScenarioAndSeedGiveByteIdenticalOutputs) {
  const fs::path dir = temp_dir("determinism");
  const fs::path sc = write(dir, "s.yaml", kSmall);
  ASSERT_EQ(canopy("run " + sc.string() + " --quiet --out " + (dir / "a").string()).code, 0);
  ASSERT_EQ(canopy("run " + sc.string() + " --quiet --out " + (dir / "b").string()).code, 0);
  ASSERT_EQ(canopy("run " + sc.string() + " --quiet --seed 4 --out " + (dir / "c").string()).code,
            0);
  for (const char* f : {"events.jsonl", "trajectories.csv", "summary.json"}) {
    EXPECT_EQ(slurp(dir / "a" / f), slurp(dir / "b" / f)) << f;
  }
  EXPECT_NE(slurp(dir / "a" / "events.jsonl"), slurp(dir / "c" / "events.jsonl"));
  fs::remove_all(dir);
}

TEST(Cli, DefaultScenarioRunsWithoutAFile) {
  const fs::path dir = temp_dir("default");
  const Output o = canopy("run --out " + dir.string());
  ASSERT_EQ(o.code, 0) << o.err;
  const auto summary = nlohmann::json::parse(slurp(dir / "summary.json"));
  EXPECT_EQ(summary["scenario"], "default");
  EXPECT_GE(summary["rockets_launched"].get<int>(), 150);
  // Every rocket lands or is intercepted; the defense fires.
  const auto& engagement = summary["engagement"];
  EXPECT_EQ(summary["rockets_launched"].get<int>(),
            summary["impacts"].get<int>() + engagement["rockets_intercepted"].get<int>());
  EXPECT_GT(engagement["interceptors_fired"].get<int>(), 0);
  EXPECT_GE(engagement["interception_rate"].get<double>(), 0.8);
  fs::remove_all(dir);
}

TEST(Cli, BadScenarioExitsTwoWithLocationAndWritesNothing) {
  const fs::path dir = temp_dir("bad");
  std::string text = kSmall;
  text.replace(text.find("area: Town"), 10, "area: Twon");
  const fs::path sc = write(dir, "bad.yaml", text);
  const Output o = canopy("run " + sc.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("bad.yaml:13:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("raids[0].aim.area"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "out" / "events.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "out" / "summary.json"));
  EXPECT_EQ(canopy("validate " + sc.string()).code, 2);
  fs::remove_all(dir);
}

TEST(Cli, ValidateAcceptsAGoodScenario) {
  const fs::path dir = temp_dir("validate");
  const Output o = canopy("validate " + write(dir, "s.yaml", kSmall).string());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("ok"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Cli, BadFlagsAndMissingFilesExitTwo) {
  EXPECT_EQ(canopy("run --seed notanumber").code, 2);
  EXPECT_EQ(canopy("run --no-such-flag").code, 2);
  EXPECT_EQ(canopy("frobnicate").code, 2);
  EXPECT_EQ(canopy("").code, 2);
  EXPECT_EQ(canopy("validate /no/such/file.yaml").code, 2);
  EXPECT_EQ(canopy("range-table nosuchtype").code, 2);
  EXPECT_EQ(canopy("range-table medium --step-deg 0").code, 2);
}

TEST(Cli, UnwritableOutputDirectoryExitsOne) {
  const fs::path dir = temp_dir("unwritable");
  write(dir, "file", "x");
  const Output o = canopy("run --quiet --out " + (dir / "file").string());
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("not a directory"), std::string::npos) << o.err;
  fs::remove_all(dir);
}

TEST(Cli, ReportExitsTwoOnBadInputAndOneWhenItCannotWrite) {
  const fs::path dir = temp_dir("report_codes");
  const Output none = canopy("report " + (dir / "nothing").string());
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("no such directory"), std::string::npos) << none.err;
  const fs::path sc = write(dir, "s.yaml", kSmall);
  const fs::path run = dir / "run";
  ASSERT_EQ(canopy("run " + sc.string() + " --quiet --out " + run.string()).code, 0);
  fs::create_directory(run / "report.html");  // in the way of the page
  const Output blocked = canopy("report " + run.string() + " --no-exports");
  EXPECT_EQ(blocked.code, 1);
  EXPECT_NE(blocked.err.find("report.html"), std::string::npos) << blocked.err;
  fs::remove(run / "report.html");
  const Output ok = canopy("report " + run.string() + " --no-exports");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_TRUE(fs::is_regular_file(run / "report.html"));
  fs::remove_all(dir);
}

TEST(Cli, HelpAndVersionExitZero) {
  for (const char* args : {"--help", "run --help", "validate --help", "range-table --help"}) {
    const Output o = canopy(args);
    EXPECT_EQ(o.code, 0) << args;
    EXPECT_NE(o.out.find("Usage"), std::string::npos) << args;
  }
  const Output v = canopy("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out.rfind("canopy ", 0), 0u);
}

// main.cc's kCommands, seen from outside: the help lists each subcommand
// once, in this order, and each answers its own --help with the line the
// list shows for it. (A second command of the same name would make CLI11
// throw at start-up, so every invocation, --help too, would exit 3.)
TEST(Cli, EverySubcommandIsListedOnceAndHasItsOwnHelp) {
  const Output top = canopy("--help");
  ASSERT_EQ(top.code, 0) << top.err;
  const size_t section = top.out.find("\nSubcommands:\n");
  ASSERT_NE(section, std::string::npos) << top.out;
  std::istringstream lines(top.out.substr(section + 14));
  std::vector<std::pair<std::string, std::string>> listed;  // name, description
  std::string line;
  while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
    std::istringstream fields(line);
    std::string name, description;
    fields >> name >> std::ws;
    std::getline(fields, description);
    listed.emplace_back(name, description);
  }
  std::vector<std::string> names;
  for (const auto& [name, description] : listed) names.push_back(name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"run", "track", "validate", "range-table", "wta",
                                      "montecarlo", "sweep", "compare", "report", "generate"}));
  for (const auto& [name, description] : listed) {
    const Output o = canopy(name + " --help");
    EXPECT_EQ(o.code, 0) << name << ": " << o.err;
    EXPECT_EQ(o.out.rfind(description + "\nUsage: canopy " + name + " ", 0), 0u) << name << ":\n"
                                                                                 << o.out;
  }
}

TEST(Cli, RangeTableShowsTheMediumTypesBestRange) {
  const fs::path dir = temp_dir("rt");
  const Output o = canopy("range-table medium " + write(dir, "s.yaml", kSmall).string() + " --csv");
  ASSERT_EQ(o.code, 0) << o.err;
  std::istringstream in(o.out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "elevation_deg,range_m,apogee_m,flight_time_s,impact_speed_mps");
  double best = 0;
  while (std::getline(in, line)) best = std::max(best, std::stod(line.substr(line.find(',') + 1)));
  EXPECT_GT(best, 21000);
  EXPECT_LT(best, 24000);
  fs::remove_all(dir);
}

}  // namespace

namespace {

const char* kRadar = R"(
sensors:
  - name: east
    position_km: [2, 0]
    azimuth_deg: 270
    sector_deg: 120
    range_km: [1, 40]
    revisit_s: 0.25
    sigma: {range_m: 10, azimuth_mrad: 1.5, elevation_mrad: 1.5}
    detection: {pd: 0.95}
    false_alarms_per_scan: 1
    latency_s: 0.05
)";

}  // namespace

TEST(Cli, RunWithRadarTracksEveryRocketAndWritesPlots) {
  const fs::path dir = temp_dir("radar");
  const fs::path sc = write(dir, "s.yaml", std::string(kSmall) + kRadar);
  const Output o = canopy("run " + sc.string() + " --plots --out " + (dir / "out").string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("tracking"), std::string::npos);
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["tracking"]["rockets_tracked"], 6);
  EXPECT_EQ(summary["sensors"]["rockets_detected"], 6);
  // Track events carry the truth rocket behind them.
  std::istringstream events(slurp(dir / "out" / "events.jsonl"));
  std::string line;
  int confirms = 0;
  while (std::getline(events, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] == "track_confirm") {
      ++confirms;
      EXPECT_TRUE(j["rocket"].is_number());
    }
  }
  EXPECT_GE(confirms, 6);
  const std::string plots = slurp(dir / "out" / "plots.csv");
  EXPECT_EQ(
      plots.rfind("time_s,sensor,range_m,azimuth_rad,elevation_rad,snr_db,plot_id,truth_id\n", 0),
      0u);

  // The tracker alone on the recorded plots, with the radar as a sensors file.
  const fs::path sensors = write(dir, "radar.yaml", kRadar);
  const Output t = canopy("track " + (dir / "out" / "plots.csv").string() + " --sensors " +
                          sensors.string() + " --out " + (dir / "tracks.csv").string());
  ASSERT_EQ(t.code, 0) << t.err;
  const std::string tracks = slurp(dir / "tracks.csv");
  EXPECT_EQ(tracks.rfind("time_s,track_id,x,y,z,vx,vy,vz\n", 0), 0u);
  EXPECT_GT(std::count(tracks.begin(), tracks.end(), '\n'), 100);
  fs::remove_all(dir);
}

TEST(Cli, TrackFollowsCartesianDetections) {
  const fs::path dir = temp_dir("track");
  std::string csv = "time_s,x_m,y_m,z_m,truth_id\n";
  for (int k = 0; k < 100; ++k) {
    const double t = 0.1 * k;
    csv += std::to_string(t) + "," + std::to_string(100 * t) + ",0," +
           std::to_string(3000 + 200 * t - 4.9 * t * t) + ",1\n";
  }
  write(dir, "d.csv", csv);
  const Output o = canopy("track " + (dir / "d.csv").string() + " --sigma-m 5 --earth flat " +
                          "--model ballistic --out " + (dir / "t.csv").string());
  ASSERT_EQ(o.code, 0) << o.err;
  std::istringstream rows(slurp(dir / "t.csv"));
  std::string line;
  std::getline(rows, line);
  int n = 0;
  while (std::getline(rows, line)) {
    ++n;
    EXPECT_EQ(line.substr(line.find(',') + 1, 2), "1,") << line;  // one track, id 1
  }
  EXPECT_GE(n, 95);
  fs::remove_all(dir);
}

TEST(Cli, TrackRejectsBadDetectionsWithLineAndExitTwo) {
  const fs::path dir = temp_dir("trackbad");
  write(dir, "d.csv", "time_s,x_m,y_m,z_m\n0,1,2,3\n0.1,1,inf,3\n");
  const Output o = canopy("track " + (dir / "d.csv").string() + " --sigma-m 5 --out " +
                          (dir / "t.csv").string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("d.csv:3: column y_m"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "t.csv"));
  // Polar input without sensors, and Cartesian input without noise.
  write(dir, "p.csv", "time_s,sensor,range_m,azimuth_rad,elevation_rad\n0,a,1000,0,0.1\n");
  EXPECT_EQ(canopy("track " + (dir / "p.csv").string() + " --out " + (dir / "t.csv").string()).code,
            2);
  EXPECT_EQ(canopy("track " + (dir / "d.csv").string() + " --out " + (dir / "t.csv").string()).code,
            2);
  EXPECT_EQ(canopy("track " + (dir / "d.csv").string() + " --model nope --out x.csv").code, 2);
  fs::remove_all(dir);
}

namespace {

const char* kWta =
    R"({"name": "tiny", "values": [10, 4, 1], "p": [[0.8, 0.5, 0.0], [0.0, 0.7, 0.6]],
  "counts": [2, 1], "family": "test"})";

// The objective of an assignment, written out: sum_j V_j prod (1 - p)^x.
double wta_value(const nlohmann::json& inst, const nlohmann::json& assignment) {
  std::vector<double> s(inst["values"].size(), 1.0);
  for (size_t i = 0; i < assignment.size(); ++i)
    for (int j : assignment[i]) s[j] *= 1.0 - inst["p"][i][j].get<double>();
  double f = 0;
  for (size_t j = 0; j < s.size(); ++j) f += inst["values"][j].get<double>() * s[j];
  return f;
}

}  // namespace

TEST(Cli, WtaSolvesAnInstanceAndItsObjectiveMatchesTheAssignment) {
  const fs::path dir = temp_dir("wta");
  const fs::path inst = write(dir, "i.json", kWta);
  for (const std::string flags : {"--time-limit-s 0.05", "--exact"}) {
    const Output o = canopy("wta " + inst.string() + " " + flags);
    ASSERT_EQ(o.code, 0) << o.err;
    const auto out = nlohmann::json::parse(o.out);
    const auto in = nlohmann::json::parse(kWta);
    ASSERT_EQ(out["assignment"].size(), 2u);
    EXPECT_NEAR(out["objective"].get<double>(), wta_value(in, out["assignment"]), 1e-12);
    // Optimum: both rounds of type 0 on target 0, type 1 on target 1.
    EXPECT_NEAR(out["objective"].get<double>(), 10 * 0.04 + 4 * 0.3 + 1, 1e-12) << flags;
    ASSERT_FALSE(out["lower_bound"].is_null());
    EXPECT_LE(out["lower_bound"].get<double>(), out["objective"].get<double>() + 1e-12);
    EXPECT_GE(out["solve_s"].get<double>(), 0.0);
  }
  // --out writes the same layout to a file, nothing on stdout.
  const Output o = canopy("wta " + inst.string() + " --out " + (dir / "s.json").string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(o.out.empty());
  EXPECT_TRUE(nlohmann::json::parse(slurp(dir / "s.json")).contains("assignment"));
  fs::remove_all(dir);
}

TEST(Cli, WtaRejectsBadInstancesNamingFileAndPlace) {
  const fs::path dir = temp_dir("wtabad");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"values\": [1, 2], \"p\": [[0.5, 0.5]]", "not valid JSON"},
      {"[1, 2]", "expected a JSON object"},
      {R"({"values": [1, 2], "p": [[0.5, 0.5]]})", "missing key 'counts'"},
      {R"({"values": [1, 2], "p": [[0.5, 0.5], [0.1, 0.1]], "counts": [1]})", "p has 2 rows"},
      {R"({"values": [1, 2], "p": [[0.5]], "counts": [1]})", "p[0] must be an array of 2"},
      {R"({"values": [1, 2], "p": [[0.5, 1.5]], "counts": [1]})", "p[0][1] = 1.5"},
      {R"({"values": [1, -2], "p": [[0.5, 0.5]], "counts": [1]})", "values[1] = -2"},
      {R"({"values": [1, 2], "p": [[0.5, 0.5]], "counts": [-1]})", "counts[0] = -1"},
      {R"({"values": [1, "x"], "p": [[0.5, 0.5]], "counts": [1]})", "values[1] is not a number"},
      {R"({"values": [1, 2], "p": [[0.5, null]], "counts": [1]})", "p[0][1] is not a number"},
  };
  for (size_t k = 0; k < cases.size(); ++k) {
    const fs::path f = write(dir, "bad" + std::to_string(k) + ".json", cases[k].first);
    const Output o = canopy("wta " + f.string());
    EXPECT_EQ(o.code, 2) << cases[k].first;
    EXPECT_NE(o.err.find(f.filename().string()), std::string::npos) << o.err;
    EXPECT_NE(o.err.find(cases[k].second), std::string::npos) << o.err;
    EXPECT_TRUE(o.out.empty());
  }
  EXPECT_EQ(canopy("wta " + (dir / "missing.json").string()).code, 2);
  // Too large for --exact: refused with a reason, exit 2.
  std::string big = "{\"values\": [" + std::string(""), p = "[", counts = "[";
  for (int j = 0; j < 60; ++j) big += (j ? "," : "") + std::string("50");
  for (int j = 0; j < 60; ++j) p += (j ? "," : "") + std::string("0.5");
  p += "]";
  for (int i = 0; i < 30; ++i) counts += (i ? "," : "") + std::string("3");
  std::string rows;
  for (int i = 0; i < 30; ++i) rows += (i ? "," : "") + p;
  big += "], \"p\": [" + rows + "], \"counts\": " + counts + "]}";
  const fs::path f = write(dir, "big.json", big);
  const Output o = canopy("wta " + f.string() + " --exact");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("too large for the exact solver"), std::string::npos) << o.err;
  EXPECT_EQ(canopy("wta " + f.string() + " --time-limit-s 0.01").code, 0);
  fs::remove_all(dir);
}

// ---- Coverage warnings (validate, run) -------------------------------------

namespace {

std::string default_yaml() { return slurp(fs::path(CANOPY_SOURCE_DIR) / "scenarios/default.yaml"); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace

TEST(CliCoverage, DefaultScenarioValidatesWithoutWarningAndNamesRadarsAndBatteries) {
  const fs::path dir = temp_dir("coverage_default");
  const fs::path sc = write(dir, "default.yaml", default_yaml());
  const Output o = canopy("validate " + sc.string());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err.find("warning"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find(": ok (5 defended areas, 30 alert zones, 3 rocket types, 12 raids, 197 "
                       "rockets, radars Crest, Mill, Watch, batteries North, South, East)\n"),
            std::string::npos)
      << o.out;
  // Without radars or batteries the line says so.
  const Output small = canopy("validate " + write(dir, "s.yaml", kSmall).string());
  EXPECT_EQ(small.code, 0) << small.err;
  EXPECT_NE(small.out.find(", 6 rockets, no radars, no batteries)\n"), std::string::npos)
      << small.out;
  EXPECT_EQ(small.err.find("warning"), std::string::npos) << small.err;
  fs::remove_all(dir);
}

TEST(CliCoverage, RadarTurnedAwayValidatesWithAWarningNamingRadarAndSite) {
  const fs::path dir = temp_dir("coverage_radar");
  // Crest faces east instead of west, its back to Hills.
  const std::string text = replaced(default_yaml(), "azimuth_deg: 270", "azimuth_deg: 90");
  const fs::path sc = write(dir, "turned.yaml", text);
  const Output o = canopy("validate " + sc.string());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find(": ok ("), std::string::npos) << o.out;
  EXPECT_NE(o.err.find(sc.string() +
                       ": warning: radar Crest does not see rockets climbing from launch site "
                       "Hills: Hills lies at bearing 257° from Crest, outside its azimuth sector "
                       "090°±60°\n"),
            std::string::npos)
      << o.err;
  fs::remove_all(dir);
}

TEST(CliCoverage, BatteryMovedFarAwayValidatesWithAWarning) {
  const fs::path dir = temp_dir("coverage_battery");
  // East and its launchers 90 km north, out over the sea.
  std::string text =
      replaced(default_yaml(), "position_km: [12.0, -1.5]", "position_km: [12.0, 88.5]");
  text = replaced(
      text,
      "[{position_km: [11.7, -1.8]}, {position_km: [12.3, -1.7]}, {position_km: [12.0, -1.1]}]",
      "[{position_km: [11.7, 88.2]}, {position_km: [12.3, 88.3]}, {position_km: [12.0, 88.9]}]");
  const fs::path sc = write(dir, "moved.yaml", text);
  const Output o = canopy("validate " + sc.string());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find(sc.string() +
                       ": warning: battery East can intercept no rocket aimed at a defended area"),
            std::string::npos)
      << o.err;
  fs::remove_all(dir);
}

TEST(CliCoverage, RunPrintsTheWarningsAndRunsOn) {
  const fs::path dir = temp_dir("coverage_run");
  // The small scenario with one radar looking east, away from its site.
  const std::string text = std::string(kSmall) + R"(sensors:
  - {name: Back, position_km: [2, 0], azimuth_deg: 90, sector_deg: 90, range_km: [1, 60],
     revisit_s: 1, sigma: {range_m: 10, azimuth_mrad: 1.5, elevation_mrad: 1.5},
     detection: {pd: 0.9}}
)";
  const fs::path sc = write(dir, "s.yaml", text);
  const Output o = canopy("run " + sc.string() + " --quiet --out " + (dir / "out").string());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find(sc.string() +
                       ": warning: radar Back does not see rockets climbing from launch site west"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find(": warning: raids[0] (6 medium from west): "), std::string::npos) << o.err;
  EXPECT_TRUE(fs::exists(dir / "out" / "summary.json"));
  fs::remove_all(dir);
}

TEST(Cli, SetKeysTakeNamesAndSuggestKnownKeys) {
  const fs::path dir = temp_dir("setkeys");
  // A misspelt key: the loader's did-you-mean, before any run (exit 2).
  // (`canopy run` takes no --set; sweep is the command that does.)
  const Output bad =
      canopy("sweep --set 'batteries[*].launcher[*].interceptors=[4]' --runs 1 --out " +
             (dir / "bad").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--set batteries[*].launcher[*].interceptors: unknown key 'launcher' in "
                         "batteries[0]; did you mean 'launchers'?"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(dir / "bad" / "sweep.json"));
  // An entry selected by name, quoted or not.
  const fs::path sc = write(dir, "s.yaml", kSmall);
  const Output o = canopy("sweep " + sc.string() +
                          " --set 'launch_sites[west].radius_km=[0.5, 2]'"
                          " --set 'defended_areas[\"Town\"].value=[100]' --runs 1 --quiet --out " +
                          (dir / "out").string());
  ASSERT_EQ(o.code, 0) << o.err;
  const auto sweep = nlohmann::json::parse(slurp(dir / "out" / "sweep.json"));
  ASSERT_EQ(sweep["combos"].size(), 2u);
  EXPECT_EQ(sweep["combos"][1]["values"]["launch_sites[west].radius_km"], "2");
  EXPECT_EQ(sweep["combos"][1]["values"]["defended_areas[\"Town\"].value"], "100");
  EXPECT_NE(slurp(dir / "out" / "combo-001" / "scenario.yaml").find("radius_km: 2"),
            std::string::npos);
  // A name not in the list names those that are.
  const Output unknown =
      canopy("sweep " + sc.string() + " --set 'launch_sites[east].radius_km=[1]' --runs 1 --out " +
             (dir / "unknown").string());
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("launch_sites has no entry named 'east'; names here: 'west'"),
            std::string::npos)
      << unknown.err;
  fs::remove_all(dir);
}
