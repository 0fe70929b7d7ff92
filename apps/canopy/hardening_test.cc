// The hardening probes (issue 19) as regression tests on the real binary:
// hostile names reach every output as text, inputs that are not regular
// files or too large are refused, run directories appear whole or not at
// all, out-of-range numbers exit 2, and big runs are announced and bounded.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_support.h"

namespace {

using namespace cli_testing;
using nlohmann::json;

const fs::path kNamesScenario = fs::path(CANOPY_SOURCE_DIR) / "viewer/test/names_scenario.yaml";
const fs::path kReplayScenario = fs::path(CANOPY_SOURCE_DIR) / "viewer/test/replay_scenario.yaml";

// The hostile name the scenario gives, decoded, with its leading word.
std::string hostile(const std::string& word) {
  return word +
         " \"q\" <script>alert(1)</script><img src=x onerror=alert(2)> &amp; "
         "\xE2\x80\xAErtl\xE2\x80\xAC \x1B[31mred\x1B[0m nul" +
         std::string(1, '\0') + "end\nline2, c;s <!-- x";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The records of a CSV text as RFC 4180 reads them (written here apart from
// canopy's reader, as a check on it).
std::vector<std::vector<std::string>> csv_records(const std::string& text) {
  std::vector<std::vector<std::string>> out(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        out.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.back().emplace_back();
    } else if (c == '\n') {
      out.emplace_back(1);
    } else {
      out.back().back() += c;
    }
  }
  if (out.back().size() == 1 && out.back()[0].empty()) out.pop_back();
  return out;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(Hardening, HostileNamesStayTextInEveryOutput) {
  const fs::path dir = temp_dir("names");
  const fs::path out = dir / "run";
  const Output o =
      canopy("run " + kNamesScenario.string() + " --plots --report --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  // The terminal gets escapes, never the raw control characters.
  for (const std::string* s : {&o.out, &o.err}) {
    EXPECT_EQ(s->find('\x1B'), std::string::npos);
    EXPECT_EQ(s->find('\0'), std::string::npos);
  }
  EXPECT_NE(o.out.find("Town \"q\" <script>"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\\e[31mred\\e[0m nul\\x00end\\nline2"), std::string::npos) << o.out;

  // JSON outputs hold the names exactly.
  const json summary = json::parse(slurp(out / "summary.json"));
  EXPECT_EQ(summary["scenario"], hostile("Scenario"));
  EXPECT_EQ(summary["areas"][0]["name"], hostile("Town"));
  bool zone_seen = false;
  for (const std::string& line : lines_of(slurp(out / "events.jsonl"))) {
    const json e = json::parse(line);  // every line is JSON
    if (e.contains("zone") && e["zone"] == hostile("A3")) zone_seen = true;
  }
  EXPECT_TRUE(zone_seen) << "no event names the hostile zone";
  EXPECT_NE(slurp(out / "replay.czml").find(json(hostile("Scenario")).dump()), std::string::npos);
  const json geo = json::parse(slurp(out / "impacts.geojson"));
  EXPECT_EQ(geo["type"], "FeatureCollection");
  // Every CSV record has its header's columns; the radar's name is one
  // quoted cell.
  for (const char* f : {"trajectories.csv", "tracks.csv", "interceptors.csv", "plots.csv"}) {
    const auto records = csv_records(slurp(out / f));
    ASSERT_GT(records.size(), 1u) << f;
    for (const auto& r : records) {
      ASSERT_EQ(r.size(), records[0].size()) << f;
      if (std::string(f) == "plots.csv" && &r != &records[0]) {
        EXPECT_EQ(r[1], hostile("Radar"));
      }
    }
  }
  // plots.csv is input for `canopy track --sensors`, names and all.
  const std::string scenario = slurp(kNamesScenario);
  const size_t from = scenario.find("\nsensors:"), to = scenario.find("\ninterceptor_types:");
  const std::string sensors =
      "origin: {lat_deg: 33.2, lon_deg: -44.6, alt_m: 0}" + scenario.substr(from, to - from) + "\n";
  const fs::path sensors_file = write(dir, "sensors.yaml", sensors);
  const Output tracked = canopy("track " + (out / "plots.csv").string() + " --sensors " +
                                sensors_file.string() + " --out " + (dir / "t.csv").string());
  EXPECT_EQ(tracked.code, 0) << tracked.err << "\n" << sensors;
  // report.html: markup in names is text; no raw control characters; the
  // only closing script tags are the page's own (the replay data and the
  // viewer; the browser test Viewer.NamesAreText checks the rendering).
  const std::string html = slurp(out / "report.html");
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  // Markup only inside the replay's JSON data (an inert script element).
  std::string markup = html;
  const size_t data = markup.find("<script type=\"application/json\"");
  if (data != std::string::npos) markup.erase(data, markup.find("</script>", data) - data);
  EXPECT_EQ(markup.find("<img src=x"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_LE(count(html, "</script>"), 2u);
  EXPECT_EQ(html.find('\0'), std::string::npos);
  EXPECT_EQ(html.find('\x1B'), std::string::npos);
  // The scenario written back loads again with the same names.
  const Output again = canopy("validate " + (out / "scenario.yaml").string());
  EXPECT_EQ(again.code, 0) << again.err;
  fs::remove_all(dir);
}

TEST(Hardening, InputsThatAreNotRegularFilesOrTooLargeExitTwo) {
  const fs::path dir = temp_dir("inputs");
  ASSERT_EQ(::mkfifo((dir / "fifo.yaml").c_str(), 0600), 0);
  for (const std::string& args :
       {"validate " + (dir / "fifo.yaml").string(), std::string("validate /dev/zero"),
        "run /dev/zero --out " + (dir / "out").string(), std::string("wta /dev/zero"),
        "validate " + kReplayScenario.string() + " --max-input-mib 0"}) {
    const Output o = canopy(args);
    EXPECT_EQ(o.code, 2) << args << "\n" << o.err;
    EXPECT_FALSE(o.err.empty()) << args;
  }
  // A scenario over the cap is refused with the figure and the option.
  const std::string big = slurp(kReplayScenario) + "#" + std::string(2 << 20, 'x') + "\n";
  const fs::path f = write(dir, "big.yaml", big);
  const Output capped = canopy("--max-input-mib 1 validate " + f.string());
  EXPECT_EQ(capped.code, 2);
  EXPECT_NE(capped.err.find("--max-input-mib"), std::string::npos) << capped.err;
  EXPECT_EQ(canopy("validate " + f.string() + " --max-input-mib 4").code, 0);
  EXPECT_FALSE(fs::exists(dir / "out"));
  fs::remove_all(dir);
}

TEST(Hardening, GeoJsonNestedTooDeeplyOrNotARegularFileExitsTwoWithThePlace) {
  const fs::path dir = temp_dir("geojson");
  std::string scenario = slurp(kReplayScenario);
  const std::string key = "alert_zones:\n";
  ASSERT_NE(scenario.find(key), std::string::npos);
  auto with_zones = [&](const std::string& file) {
    std::string s = scenario;
    s.insert(s.find(key) + key.size(), "  - {geojson: " + file + "}\n");
    return write(dir, "s.yaml", s);
  };
  // A property nested 100,000 objects deep once crashed the reader.
  std::string deep = R"({"type": "FeatureCollection", "features": [{"type": "Feature", "x": )";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}]}";
  write(dir, "deep.geojson", deep);
  const Output o = canopy("validate " + with_zones("deep.geojson").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("deep.geojson:1:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("nested too deeply"), std::string::npos) << o.err;
  for (const std::string device : {"/dev/zero", "/dev/null"}) {
    const Output d = canopy("validate " + with_zones(device).string());
    EXPECT_EQ(d.code, 2) << device << "\n" << d.err;
    EXPECT_NE(d.err.find(device), std::string::npos) << d.err;
  }
  fs::remove_all(dir);
}

TEST(Hardening, ARunReplacesAnOlderRunWholeAndRefusesOtherFiles) {
  const fs::path dir = temp_dir("whole");
  const fs::path out = dir / "run";
  const std::string run = "run " + kReplayScenario.string() + " --quiet --out " + out.string();
  ASSERT_EQ(canopy(run + " --plots --report").code, 0);
  ASSERT_TRUE(fs::exists(out / "plots.csv"));
  ASSERT_TRUE(fs::exists(out / "report.html"));
  // A stale temporary of a process that died (pid 1 is alive; take a
  // pid that cannot exist) and the older run's extras go with the new run.
  write(out, ".events.jsonl.tmp.2147483646", "partial");
  ASSERT_EQ(canopy(run).code, 0);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"events.jsonl", "interceptors.csv", "scenario.yaml",
                                             "summary.json", "tracks.csv", "trajectories.csv"}));
  // Nothing is left beside it.
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".run."), std::string::npos) << e.path();
  // A directory holding other files is refused before the run, untouched.
  write(out, "notes.txt", "mine");
  const Output refused = canopy(run);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("notes.txt"), std::string::npos) << refused.err;
  EXPECT_EQ(slurp(out / "notes.txt"), "mine");
  fs::remove_all(dir);
}

TEST(Hardening, AFailedWriteNamesTheFileAndLeavesTheOlderRunIntact) {
  // A file-size limit stands in for a full disk: the write of events.jsonl
  // (about 450 kB here) fails with EFBIG (SIGXFSZ ignored).
  const fs::path dir = temp_dir("full");
  const fs::path out = dir / "run";
  const std::string run = "run " + kReplayScenario.string() + " --quiet --out " + out.string();
  ASSERT_EQ(canopy(run).code, 0);
  const std::string before = slurp(out / "summary.json");
  const Output o =
      shell("trap '' XFSZ; ulimit -f 200; " + std::string(CANOPY_BINARY) + " " + run + " --report");
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.err.find("events.jsonl: File too large"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(out / "summary.json"), before);
  EXPECT_FALSE(fs::exists(out / "report.html"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename(), "run") << "left behind: " << e.path();
  fs::remove_all(dir);
}

TEST(Hardening, AnUnwritableMonteCarloDirectoryExitsOne) {
  const fs::path dir = temp_dir("mc_unwritable");
  write(dir, "file", "x");
  const Output o = canopy("montecarlo " + kReplayScenario.string() + " --runs 1 --quiet --out " +
                          (dir / "file" / "mc").string());
  EXPECT_EQ(o.code, 1) << o.err;
  fs::remove_all(dir);
}

TEST(Hardening, MaxWallTimeStopsTheRunKeepsWhatItHasAndExitsOne) {
  const fs::path dir = temp_dir("wall");
  const Output o = canopy("run " + kReplayScenario.string() + " --max-wall-s 0.001 --out " +
                          (dir / "run").string());
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.err.find("stopped by --max-wall-s"), std::string::npos) << o.err;
  const json summary = json::parse(slurp(dir / "run" / "summary.json"));
  ASSERT_TRUE(summary.contains("unfinished"));
  EXPECT_EQ(summary["unfinished"]["reason"], "max_wall_s");
  EXPECT_LT(summary["sim_time_s"].get<double>(), 150.0);
  fs::remove_all(dir);
}

TEST(Hardening, ValidateAndRunAnnounceTheWorkAndWarnAboveTheThreshold) {
  const fs::path dir = temp_dir("estimate");
  const Output ok = canopy("validate " + kReplayScenario.string());
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("15,000 steps"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("6 rockets"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.err.find("warning"), std::string::npos) << ok.err;
  // 10,000 rockets 10 ms apart: valid, but a warning says how large.
  std::string crowd = slurp(kReplayScenario);
  crowd.replace(crowd.find("count: 6, interval_s: 12"), 24, "count: 10000, interval_s: 0.01");
  const Output big = canopy("validate " + write(dir, "crowd.yaml", crowd).string());
  EXPECT_EQ(big.code, 0) << big.err;
  EXPECT_NE(big.out.find("10,000 rockets"), std::string::npos) << big.out;
  EXPECT_NE(big.err.find("warning: a large run"), std::string::npos) << big.err;
  fs::remove_all(dir);
}

TEST(Hardening, WtaOutOfRangeNumbersExitTwo) {
  const fs::path dir = temp_dir("wta_range");
  const fs::path f =
      write(dir, "i.json", R"({"values": [1e999, 2], "p": [[0.5, 0.5]], "counts": [1]})");
  const Output o = canopy("wta " + f.string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("i.json"), std::string::npos) << o.err;
  fs::remove_all(dir);
}

}  // namespace
