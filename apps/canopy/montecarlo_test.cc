// End-to-end tests of canopy montecarlo, sweep and compare: identical bytes
// for any thread count and rank count, resume after a kill, sweeps, common
// random numbers, bad input.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "canopy/eval/metrics.h"
#include "canopy/io/csv.h"
#include "cli_test_support.h"

extern char** environ;

namespace {

using namespace cli_testing;
using cli_testing::canopy;  // not the namespace
using nlohmann::json;

// Six rockets, one radar, one battery: a few seconds a run.
const std::string kScenario = std::string(CANOPY_SOURCE_DIR) + "/viewer/test/replay_scenario.yaml";

size_t count_of(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

json metric(const json& metrics, const std::string& name) {
  for (const auto& m : metrics)
    if (m["name"] == name) return m;
  ADD_FAILURE() << "no metric " << name;
  return {};
}

// The cells of a CSV file's records (RFC 4180: metric names with an area's
// name may be quoted).
std::vector<std::vector<std::string>> csv_records(const fs::path& file) {
  std::istringstream in(slurp(file));
  canopy::io::CsvReader reader(in, 1 << 20, file.string());
  std::vector<std::vector<std::string>> out;
  while (auto rec = reader.next()) {
    EXPECT_TRUE(rec->has_value()) << file;
    if (!rec->has_value()) break;
    out.emplace_back();
    for (const auto& c : (*rec)->cells) out.back().push_back(c.text);
  }
  return out;
}

// Every name resolves in the metric registry.
void expect_registered(const std::vector<std::string>& names, const std::string& where) {
  EXPECT_FALSE(names.empty()) << where;
  for (const auto& n : names)
    EXPECT_TRUE(canopy::eval::find_metric(n).has_value()) << where << ": " << n;
}

// The reference: 4 runs on 2 threads.
const fs::path& reference() {
  static const fs::path dir = [] {
    const fs::path d = temp_dir("mc_reference") / "out";
    const Output o =
        canopy("montecarlo " + kScenario + " --runs 4 --threads 2 --quiet --out " + d.string());
    EXPECT_EQ(o.code, 0) << o.err;
    return d;
  }();
  return dir;
}

TEST(MonteCarlo, OutputIsIdenticalForAnyThreadCount) {
  const fs::path dir = temp_dir("mc_threads");
  const Output o =
      canopy("montecarlo " + kScenario + " --runs 4 --threads 1 --out " + (dir / "t1").string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("leak_rate"), std::string::npos) << o.out;
  // Off a terminal, progress is plain lines.
  EXPECT_NE(o.err.find("montecarlo: 4/4 runs"), std::string::npos) << o.err;
  const std::string runs = slurp(dir / "t1" / "runs.csv");
  EXPECT_EQ(count_lines(runs), 5);
  EXPECT_EQ(runs, slurp(reference() / "runs.csv"));
  EXPECT_EQ(slurp(dir / "t1" / "aggregate.json"), slurp(reference() / "aggregate.json"));
  EXPECT_FALSE(fs::exists(dir / "t1" / ".checkpoint"));
  EXPECT_EQ(count_lines(slurp(dir / "t1" / "timings.csv")), 5);

  const json agg = json::parse(slurp(reference() / "aggregate.json"));
  EXPECT_EQ(agg["runs"], 4);
  const json leak = metric(agg["metrics"], "leak_rate");
  EXPECT_EQ(leak["method"], "wilson");
  EXPECT_LE(leak["ci95"][0].get<double>(), leak["estimate"].get<double>());
  EXPECT_GE(leak["ci95"][1].get<double>(), leak["estimate"].get<double>());
  EXPECT_DOUBLE_EQ(leak["estimate"].get<double>(),
                   leak["successes"].get<double>() / leak["trials"].get<double>());
  const json fired = metric(agg["metrics"], "interceptors_fired");
  EXPECT_EQ(fired["method"], "student-t");
  EXPECT_EQ(fired["n"], 4);
  fs::remove_all(dir);
}

TEST(MonteCarlo, EveryMetricNameResolvesInTheRegistry) {
  const auto records = csv_records(reference() / "runs.csv");
  ASSERT_GE(records.size(), 2u);
  const std::vector<std::string> header(records[0].begin() + 2, records[0].end());
  expect_registered(header, "runs.csv");
  std::vector<std::string> names;
  const json agg = json::parse(slurp(reference() / "aggregate.json"));
  for (const auto& m : agg["metrics"]) names.push_back(m["name"]);
  EXPECT_EQ(names, header);
}

TEST(MonteCarlo, PerAreaColumnsAddUpToTheTotals) {
  const auto records = csv_records(reference() / "runs.csv");
  ASSERT_EQ(records.size(), 5u);
  const auto& header = records[0];
  auto sum = [&](const std::vector<std::string>& row, const std::string& family) {
    double s = 0;
    int columns = 0;
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i].starts_with(family + "[")) s += std::stod(row[i]), ++columns;
    EXPECT_EQ(columns, 1) << family;  // the scenario defends Northport
    return s;
  };
  auto at = [&](const std::vector<std::string>& row, const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return it == header.end() ? -1 : std::stod(row[static_cast<size_t>(it - header.begin())]);
  };
  double threatening = 0;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& row = records[r];
    EXPECT_EQ(sum(row, "leakers"), at(row, "leakers"));
    EXPECT_EQ(sum(row, "threatening"), at(row, "threatening"));
    EXPECT_EQ(sum(row, "intercepted") + at(row, "leakers"), at(row, "threatening"));
    EXPECT_EQ(sum(row, "engaged") + at(row, "engaged_open_ground"), at(row, "rockets_engaged"));
    EXPECT_DOUBLE_EQ(sum(row, "value_hit"), at(row, "value_hit"));
    threatening += at(row, "threatening");
  }
  EXPECT_GT(threatening, 0);  // the check above is not vacuous
  // aggregate.json: each area's leak rate pools its own counts.
  const json agg = json::parse(slurp(reference() / "aggregate.json"));
  const json north = metric(agg["metrics"], "leak_rate[Northport]");
  EXPECT_EQ(north["kind"], "proportion");
  EXPECT_DOUBLE_EQ(north["trials"].get<double>(),
                   4 * metric(agg["metrics"], "threatening[Northport]")["estimate"].get<double>());
}

TEST(MonteCarlo, WithoutOutEachCommandWritesToTheDefaultItsHelpShows) {
  const fs::path dir = temp_dir("mc_default_out");
  const std::string in_dir = "cd '" + dir.string() + "' && " + CANOPY_BINARY + " ";
  for (const auto& [command, out] :
       {std::pair{"montecarlo " + kScenario + " --runs 1 --quiet", "out/montecarlo"},
        {"sweep " + kScenario + " --set 'raids[0].count=[2]' --runs 1 --quiet", "out/sweep"}}) {
    const Output o = shell(in_dir + command);
    ASSERT_EQ(o.code, 0) << command << "\n" << o.err;
    EXPECT_TRUE(fs::exists(dir / out)) << command;
    EXPECT_NE(canopy(command.substr(0, command.find(' ')) + " --help").out.find(out),
              std::string::npos);
  }
  EXPECT_FALSE(fs::exists(dir / "out/compare"));
  fs::remove_all(dir);
}

TEST(MonteCarlo, OneRunGivesNoIntervalAndCountsStayInRange) {
  const fs::path dir = temp_dir("mc_single"), out = dir / "out";
  const Output o = canopy("montecarlo " + kScenario + " --runs 1 --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  const json agg = json::parse(slurp(out / "aggregate.json"));
  const json fired = metric(agg["metrics"], "interceptors_fired");
  EXPECT_TRUE(fired["estimate"].is_number());
  EXPECT_TRUE(fired["ci95"].is_null()) << fired;
  EXPECT_TRUE(metric(agg["metrics"], "leak_rate")["ci95_runs"].is_null());
  // The terminal says so rather than print a zero-width interval.
  EXPECT_NE(o.out.find("[—]"), std::string::npos) << o.out;
  // Every interval of the reference lies in its metric's range.
  const json reference_agg = json::parse(slurp(reference() / "aggregate.json"));
  for (const auto& m : reference_agg["metrics"]) {
    if (!m["ci95"].is_array()) continue;
    const auto def = canopy::eval::find_metric(m["name"].get<std::string>());
    ASSERT_TRUE(def);
    EXPECT_GE(m["ci95"][0].get<double>(), def->min) << m;
    EXPECT_LE(m["ci95"][1].get<double>(), def->max) << m;
  }
  fs::remove_all(dir);
}

TEST(MonteCarlo, AnotherResultIsNotOverwrittenWithoutForce) {
  const fs::path dir = temp_dir("mc_force"), out = dir / "out";
  const std::string mc = "montecarlo " + kScenario + " --quiet --out " + out.string();
  ASSERT_EQ(canopy(mc + " --runs 1").code, 0);
  const std::string runs = slurp(out / "runs.csv"), agg = slurp(out / "aggregate.json");
  // Other settings, another scenario, another command: exit 2, nothing changed.
  for (const std::string& other :
       {mc + " --runs 2", "montecarlo --runs 1 --quiet --out " + out.string(),
        "sweep " + kScenario + " --set 'raids[0].count=[2]' --runs 1 --quiet --out " +
            out.string()}) {
    const Output o = canopy(other);
    EXPECT_EQ(o.code, 2) << other;
    EXPECT_NE(o.err.find("--force"), std::string::npos) << o.err;
    EXPECT_EQ(slurp(out / "runs.csv"), runs);
    EXPECT_EQ(slurp(out / "aggregate.json"), agg);
    EXPECT_FALSE(fs::exists(out / "sweep.json"));
  }
  // A run's directory is refused even with --force.
  const fs::path run_dir = dir / "run";
  ASSERT_EQ(canopy("run " + kScenario + " --quiet --out " + run_dir.string()).code, 0);
  const Output into_run =
      canopy("montecarlo " + kScenario + " --runs 1 --quiet --force --out " + run_dir.string());
  EXPECT_EQ(into_run.code, 2) << into_run.err;
  EXPECT_FALSE(fs::exists(run_dir / "runs.csv"));
  // The same again is allowed (the same bytes); --force overwrites, and
  // leaves files that are not canopy's alone.
  EXPECT_EQ(canopy(mc + " --runs 1").code, 0);
  write(out, "notes.txt", "mine");
  const Output forced = canopy(mc + " --runs 2 --force");
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(count_lines(slurp(out / "runs.csv")), 3);
  EXPECT_EQ(slurp(out / "notes.txt"), "mine");
  fs::remove_all(dir);
}

TEST(MonteCarlo, ARunRepeatsAloneWithCanopyRun) {
  const fs::path dir = temp_dir("mc_one");
  const Output o = canopy("run " + kScenario + " --run 3 --quiet --out " + dir.string());
  ASSERT_EQ(o.code, 0) << o.err;
  const json summary = json::parse(slurp(dir / "summary.json"));
  std::istringstream runs(slurp(reference() / "runs.csv"));
  std::string header, row;
  std::getline(runs, header);
  for (int i = 0; i <= 3; ++i) std::getline(runs, row);
  ASSERT_EQ(row.rfind("3,", 0), 0u) << row;
  // interceptors_fired is column 15 (run, seed, 12 metrics before it).
  std::vector<std::string> cells;
  std::istringstream cs(row);
  for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
  EXPECT_EQ(std::stod(cells[14]), summary["engagement"]["interceptors_fired"].get<double>());
  fs::remove_all(dir);
}

// Every key of a summary.json resolves in the registry's summary keys
// (a list's entries as `[]`); returns the keys seen.
void walk_summary(const json& j, const std::string& path, std::set<std::string>& seen) {
  if (!path.empty()) {
    if (const auto* key = canopy::eval::find_summary_key(path)) {
      seen.insert(std::string(key->path));
      return;
    }
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) walk_summary(v, path.empty() ? k : path + "." + k, seen);
  } else if (j.is_array() && !j.empty()) {
    for (const auto& v : j) walk_summary(v, path + "[]", seen);
  } else {
    ADD_FAILURE() << "summary.json key not in the registry: " << path;
  }
}

TEST(Run, EveryKeyOfTheSummaryResolvesInTheRegistry) {
  const fs::path dir = temp_dir("summary_keys");
  const Output o = canopy("run " + kScenario + " --quiet --out " + dir.string());
  ASSERT_EQ(o.code, 0) << o.err;
  std::set<std::string> seen;
  walk_summary(json::parse(slurp(dir / "summary.json")), "", seen);
  // Radars, batteries and alert zones: every section is there.
  for (const char* k : {"tracking.gospa_mean_m", "assessment.alerts.<policy>.zones[].impacts",
                        "engagement.areas[].leak_rate", "safety.warnable_impacts"})
    EXPECT_TRUE(seen.contains(k)) << k;
  EXPECT_GT(seen.size(), 120u);
  fs::remove_all(dir);
}

// Starts canopy in the background; returns its pid.
pid_t spawn_canopy(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_s = {CANOPY_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, CANOPY_BINARY, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Waits until the checkpoint holds at least n runs, then sends sig.
int interrupt_after(pid_t pid, const fs::path& checkpoint, int n, int sig) {
  for (int i = 0; i < 6000; ++i) {  // 10 min at most
    if (count_lines(slurp(checkpoint)) >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(MonteCarlo, ResumeAfterSigkillCompletesWithoutLosingOrRepeatingARun) {
  const fs::path dir = temp_dir("mc_kill"), out = dir / "out";
  const pid_t pid = spawn_canopy(
      {"montecarlo", kScenario, "--runs", "4", "--threads", "1", "--out", out.string()},
      dir / "log.txt");
  const fs::path checkpoint = out / ".checkpoint" / "rank-0.csv";
  const int status = interrupt_after(pid, checkpoint, 2, SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status));
  const int kept = count_lines(slurp(checkpoint));
  ASSERT_GE(kept, 2);
  ASSERT_LT(kept, 4) << "the set finished before the kill";
  EXPECT_FALSE(fs::exists(out / "runs.csv"));
  EXPECT_FALSE(fs::exists(out / "aggregate.json"));

  // Without --resume the unfinished set is not overwritten.
  const Output refused = canopy("montecarlo " + kScenario + " --runs 4 --out " + out.string());
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("--resume"), std::string::npos) << refused.err;
  // A resume with another seed (another scenario) is refused too.
  const Output other = canopy("montecarlo " + std::string(CANOPY_SOURCE_DIR) +
                              "/scenarios/default.yaml --runs 4 --resume --out " + out.string());
  EXPECT_EQ(other.code, 2);

  const Output resumed =
      canopy("montecarlo " + kScenario + " --runs 4 --threads 2 --resume --out " + out.string());
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  // The progress counts on from the runs kept.
  EXPECT_EQ(resumed.err.find(std::to_string(kept) + "/4 runs"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("4/4 runs"), std::string::npos) << resumed.err;
  EXPECT_EQ(slurp(out / "runs.csv"), slurp(reference() / "runs.csv"));
  EXPECT_EQ(slurp(out / "aggregate.json"), slurp(reference() / "aggregate.json"));
  EXPECT_FALSE(fs::exists(out / ".checkpoint"));
  fs::remove_all(dir);
}

TEST(MonteCarlo, SigtermStopsAtARunBoundaryAndResumeExtendsTheSet) {
  const fs::path dir = temp_dir("mc_term"), out = dir / "out";
  const pid_t pid = spawn_canopy(
      {"montecarlo", kScenario, "--runs", "2", "--threads", "1", "--out", out.string()},
      dir / "log.txt");
  const int status = interrupt_after(pid, out / ".checkpoint" / "rank-0.csv", 1, SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_NE(slurp(dir / "log.txt").find("--resume"), std::string::npos);
  ASSERT_EQ(
      canopy("montecarlo " + kScenario + " --runs 2 --resume --quiet --out " + out.string()).code,
      0);
  // A finished set grows with a larger --runs.
  ASSERT_EQ(
      canopy("montecarlo " + kScenario + " --runs 4 --resume --quiet --out " + out.string()).code,
      0);
  EXPECT_EQ(slurp(out / "runs.csv"), slurp(reference() / "runs.csv"));
  fs::remove_all(dir);
}

TEST(MonteCarlo, BadInputIsReportedWithExitCode2) {
  const fs::path dir = temp_dir("mc_bad");
  const fs::path bad = write(dir, "bad.yaml", "canopy: 1\nname: x\nraids: 3\n");
  const Output o = canopy("montecarlo " + bad.string() + " --runs 2 --out " + (dir / "o").string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("bad.yaml"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "o" / "runs.csv"));
  EXPECT_EQ(canopy("montecarlo " + kScenario + " --runs 0").code, 2);
  EXPECT_EQ(canopy("montecarlo " + kScenario + " --threads -1").code, 2);
  fs::remove_all(dir);
}

TEST(Sweep, WritesOneRowPerCombination) {
  const fs::path dir = temp_dir("sweep"), out = dir / "out";
  const Output o = canopy("sweep " + kScenario +
                          " --set 'raids[0].count=[2, 4]' --set "
                          "'sensors[0].outages=[[], [[0, 1000]]]' --runs 2 --out " +
                          out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  const json sweep = json::parse(slurp(out / "sweep.json"));
  ASSERT_EQ(sweep["combos"].size(), 4u);
  EXPECT_EQ(sweep["combos"][3]["values"]["sensors[0].outages"], "[[0, 1000]]");
  std::istringstream csv(slurp(out / "sweep.csv"));
  std::string header, row;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("combo,raids[0].count,sensors[0].outages,rockets_launched,", 0), 0u)
      << header;
  {
    const auto records = csv_records(out / "sweep.csv");
    std::vector<std::string> names;
    for (size_t i = 3; i < records[0].size(); i += 3) {
      names.push_back(records[0][i]);
      EXPECT_EQ(records[0][i + 1], records[0][i] + "_lo");
      EXPECT_EQ(records[0][i + 2], records[0][i] + "_hi");
    }
    expect_registered(names, "sweep.csv");
    // The per-town answer is printed: each area's leak rate.
    EXPECT_NE(o.out.find("leak_rate[Northport]"), std::string::npos) << o.out;
  }
  int rows = 0;
  while (std::getline(csv, row)) ++rows;
  EXPECT_EQ(rows, 4);
  for (int c = 0; c < 4; ++c) {
    const json agg =
        json::parse(slurp(out / sweep["combos"][c]["dir"].get<std::string>() / "aggregate.json"));
    EXPECT_DOUBLE_EQ(metric(agg["metrics"], "rockets_launched")["estimate"].get<double>(),
                     c < 2 ? 2 : 4);
    // With the radar out for the whole run nothing is tracked or engaged.
    EXPECT_EQ(metric(agg["metrics"], "interceptors_fired")["estimate"].get<double>() == 0,
              c % 2 == 1);
  }
  // Two keys: the report has a heat map per headline metric, a cell per
  // combination.
  ASSERT_EQ(canopy("report " + out.string()).code, 0);
  const std::string html = slurp(out / "report.html");
  EXPECT_NE(html.find("Heat maps over raids[0].count and sensors[0].outages"), std::string::npos);
  const size_t maps = count_of(html, "class=\"plot heatmap\"");
  EXPECT_GE(maps, 3u);
  EXPECT_EQ(count_of(html, "<g class=\"cell\""), 4 * maps);
  fs::remove_all(dir);
}

TEST(Sweep, OneAtATimeVariesEachKeyAloneAroundTheBase) {
  const fs::path dir = temp_dir("sweep_oat"), out = dir / "out";
  const Output o =
      canopy("sweep " + kScenario +
             " --one-at-a-time --set 'raids[0].count=[2, 4]' --set "
             "'sensors[0].outages=[[[0, 1000]]]' --runs 2 --threads 2 --report --out " +
             out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  const json sweep = json::parse(slurp(out / "sweep.json"));
  EXPECT_EQ(sweep["mode"], "one-at-a-time");
  ASSERT_EQ(sweep["combos"].size(), 4u);  // the base, two counts, one outage
  EXPECT_TRUE(sweep["combos"][0]["values"].empty());
  EXPECT_EQ(sweep["combos"][1]["values"], json({{"raids[0].count", "2"}}));
  EXPECT_EQ(sweep["combos"][3]["values"], json({{"sensors[0].outages", "[[0, 1000]]"}}));
  // The base is the scenario itself, on the same random numbers as a plain
  // Monte Carlo: its runs are the reference's first two.
  std::istringstream base(slurp(out / "combo-000" / "runs.csv")),
      ref(slurp(reference() / "runs.csv"));
  for (int line = 0; line < 3; ++line) {
    std::string a, b;
    std::getline(base, a), std::getline(ref, b);
    EXPECT_EQ(a, b) << line;
  }
  const auto records = csv_records(out / "sweep.csv");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[1][1], "");  // the base: no key set
  EXPECT_EQ(records[2][1], "2");
  EXPECT_EQ(records[2][2], "");
  EXPECT_NE(o.out.find("sensitivity"), std::string::npos) << o.out;
  // The printed table names each variation in one column.
  EXPECT_NE(o.out.find("\n  variation "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\n  base "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\n  raids[0].count = 4 "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\n  sensors[0].outages = [[0, 1000]] "), std::string::npos) << o.out;
  // The report: a tornado per headline metric, a row per key.
  const std::string html = slurp(out / "report.html");
  const size_t tornadoes = count_of(html, "class=\"plot tornado\"");
  EXPECT_GE(tornadoes, 3u);
  EXPECT_EQ(count_of(html, "data-input=\"raids[0].count\""), tornadoes);
  EXPECT_EQ(html.find("Key metrics against"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Sweep, BadSetsAreReportedBeforeAnyRun) {
  for (const char* set : {"raids[0].count", "raids[0].count=7", "raids[0].count=[1, 2",
                          "raids[9].count=[1]", "raids[0].count=[-1]"}) {
    const Output o = canopy("sweep " + kScenario + " --set '" + set + "' --runs 1 --out " +
                            temp_dir("sweep_bad").string());
    EXPECT_EQ(o.code, 2) << set;
    EXPECT_FALSE(o.err.empty()) << set;
  }
}

TEST(Compare, DesignsShareTheirRandomNumbers) {
  const fs::path dir = temp_dir("compare"), out = dir / "out";
  // B: the same design in another file.
  const fs::path bpath = write(dir, "b.yaml", slurp(kScenario) + "\n");
  ASSERT_EQ(canopy("validate " + bpath.string()).code, 0);
  const Output o =
      canopy("compare " + kScenario + " " + bpath.string() + " --runs 4 --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("[95 % paired interval]"), std::string::npos) << o.out;
  const json cmp = json::parse(slurp(out / "compare.json"));
  ASSERT_EQ(cmp["designs"].size(), 2u);
  // Identical designs on common random numbers: every paired difference is
  // exactly zero, with an interval of zero width.
  for (const auto& m : cmp["metrics"]) {
    const json& d = m["differences"][0];
    if (d["mean"].is_null()) continue;
    EXPECT_EQ(d["mean"].get<double>(), 0.0) << m["name"];
    EXPECT_EQ(d["ci95"][0].get<double>(), 0.0) << m["name"];
  }
  EXPECT_EQ(slurp(out / "design-0" / "runs.csv"), slurp(out / "design-1" / "runs.csv"));
  std::vector<std::string> names;
  for (const auto& m : cmp["metrics"]) names.push_back(m["name"]);
  expect_registered(names, "compare.json");
  names.clear();
  const auto records = csv_records(out / "compare.csv");
  for (size_t r = 1; r < records.size(); ++r) names.push_back(records[r][0]);
  expect_registered(names, "compare.csv");
  fs::remove_all(dir);
}

TEST(Compare, PairedIntervalsAreNarrowerThanUnpaired) {
  const fs::path dir = temp_dir("compare2"), out = dir / "out";
  // B: two shots per threat (A fires one).
  std::string b = slurp(kScenario);
  const size_t at = b.find("shots_per_threat: 1");
  ASSERT_NE(at, std::string::npos);
  b.replace(at, 19, "shots_per_threat: 2");
  const fs::path bpath = write(dir, "b.yaml", b);
  const Output o = canopy("compare " + kScenario + " " + bpath.string() +
                          " --runs 4 --quiet --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  const json cmp = json::parse(slurp(out / "compare.json"));
  auto diff = [&](const std::string& name) {
    for (const auto& m : cmp["metrics"])
      if (m["name"] == name) return m["differences"][0];
    return json();
  };
  // The raid is the same in both designs: its counts do not differ at all.
  EXPECT_EQ(diff("rockets_launched")["mean"].get<double>(), 0.0);
  EXPECT_EQ(diff("threatening")["mean"].get<double>(), 0.0);
  // Where the designs differ, pairing removes the raid's variance: the
  // unpaired interval is wider than the paired one (width_ratio > 1), and the
  // terminal prints the same ratio.
  const json fired = diff("interceptors_fired");
  ASSERT_TRUE(fired["width_ratio"].is_number()) << fired;
  EXPECT_GT(fired["width_ratio"].get<double>(), 1.0) << fired;
  const Output loud = canopy("compare " + kScenario + " " + bpath.string() +
                             " --runs 4 --resume --out " + out.string());
  ASSERT_EQ(loud.code, 0) << loud.err;
  const size_t line = loud.out.find("interceptors_fired");
  ASSERT_NE(line, std::string::npos) << loud.out;
  const std::string text = loud.out.substr(line, loud.out.find('\n', line) - line);
  EXPECT_NE(text.find(fmt::format("{:.1f}", fired["width_ratio"].get<double>())), std::string::npos)
      << text;
  fs::remove_all(dir);
}

TEST(Mpi, TwoRanksGiveTheSameBytes) {
#ifndef CANOPY_MPIRUN
  GTEST_SKIP() << "canopy was built without MPI";
#else
  const fs::path dir = temp_dir("mpi"), out = dir / "out";
  // Open MPI as root needs --allow-run-as-root; LeakSanitizer would report
  // Open MPI's own allocations.
  const Output o =
      shell(std::string("ASAN_OPTIONS=detect_leaks=0 ") + CANOPY_MPIRUN +
            " --allow-run-as-root --oversubscribe -n 2 " + CANOPY_BINARY + " montecarlo " +
            kScenario + " --runs 4 --threads 1 --quiet --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(slurp(out / "runs.csv"), slurp(reference() / "runs.csv"));
  EXPECT_EQ(slurp(out / "aggregate.json"), slurp(reference() / "aggregate.json"));
  fs::remove_all(dir);
#endif
}

}  // namespace
