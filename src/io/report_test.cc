// report.html: self-contained, true to the run, strict about bad input.
#include "canopy/io/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>

#include "canopy/io/replay.h"
#include "canopy/io/test_run_dir.h"
#include "canopy/io/viewer_bundle.h"

namespace canopy::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string slurp(const fs::path& p) {
  auto t = read_text_file(p);
  EXPECT_TRUE(t.has_value()) << p;
  return t ? *t : "";
}

size_t count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The report of the shared run, written once.
const std::string& run_report() {
  static const std::string html = [] {
    auto files = write_report(testing::small_run_dir());
    EXPECT_TRUE(files.has_value()) << (files ? "" : files.error().message);
    return slurp(testing::small_run_dir() / "report.html");
  }();
  return html;
}

// The text of the <script id="canopy-replay"> element.
std::string replay_text(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"canopy-replay\">";
  const size_t a = html.find(open);
  if (a == std::string::npos) return "";
  const size_t b = html.find("</script>", a);
  return html.substr(a + open.size(), b - a - open.size());
}

// The page without the viewer bundle's <script> (which is third-party-ish
// JS that may name namespaces such as the SVG one in strings).
std::string without_bundle(const std::string& html) {
  const std::string replay_end = "</script>\n<script>";
  const size_t a = html.find(replay_end);
  if (a == std::string::npos) return html;
  const size_t b = html.find("</script>", a + replay_end.size());
  return html.substr(0, a) + html.substr(b);
}

TEST(Report, ReportIsSelfContained) {
  const std::string& html = run_report();
  ASSERT_FALSE(html.empty());
  const std::string page = without_bundle(html);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  // No external script in the bundle either, and the bundle cannot end its element early.
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(count(html, "</script>"), viewer_bundle_built() ? 2u : 1u);
  EXPECT_NE(html.find("<div id=\"canopy-viewer\"></div>"), std::string::npos);
  if (viewer_bundle_built()) {
    EXPECT_NE(html.find("</script>\n<script>"), std::string::npos)
        << "the bundle follows the replay data";
  } else {
    EXPECT_NE(html.find("viewer was not built"), std::string::npos);
  }
}

TEST(Report, EveryPlotIsAnInlineSvg) {
  const std::string& html = run_report();
  for (const char* title :
       {"Rates with 95 % Wilson intervals",
        "Warning time of impacts in alert zones (canopy policy)",
        "Interceptor miss distance (closest approach)", "Interceptors fired over time",
        "Predicted impact point error against track age"}) {
    const size_t at = html.find(fmt::format("<svg class=\"plot\" viewBox=\"0 0 720"));
    ASSERT_NE(at, std::string::npos);
    EXPECT_NE(html.find(fmt::format("<title>{}</title>", title)), std::string::npos) << title;
  }
  EXPECT_GE(count(html, "<svg "), 5u);
  EXPECT_EQ(count(html, "<svg "), count(html, "</svg>"));
}

TEST(Report, SummaryTablesShowTheRun) {
  const std::string& html = run_report();
  auto summary = read_json_file(testing::small_run_dir() / "summary.json");
  ASSERT_TRUE(summary.has_value());
  // The three alert policies, one column each, and the leak rate's interval.
  EXPECT_NE(
      html.find("<th>canopy (predicted impact)</th><th>radius 5 km</th><th>whole region</th>"),
      std::string::npos);
  EXPECT_NE(html.find("false population-seconds"), std::string::npos);
  EXPECT_NE(html.find("leak rate [Wilson 95 % interval]"), std::string::npos);
  EXPECT_NE(html.find("alerts cancelled while the rocket flew"), std::string::npos);
  EXPECT_NE(html.find(fmt::format("seed <b>{}</b>", (*summary)["seed"].get<int>())),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"label\">Northport</td>"), std::string::npos);
  // Every section is listed in the contents.
  for (const char* id : {"overview", "damage", "tracking", "assessment", "alerts", "engagement",
                         "safety", "plots", "replay"})
    EXPECT_NE(html.find(fmt::format("<li><a href=\"#{}\">", id)), std::string::npos) << id;
}

TEST(Report, ReplayParsesAndMatchesTheRun) {
  const std::string text = replay_text(run_report());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find("</"), std::string::npos);
  const json replay = json::parse(text);
  const json summary = *read_json_file(testing::small_run_dir() / "summary.json");
  EXPECT_EQ(replay["version"], 1);
  EXPECT_EQ(replay["scenario"], "report-test");
  EXPECT_EQ(replay["rockets"].size(), summary["rockets_launched"].get<size_t>());
  EXPECT_EQ(replay["impacts"].size(), summary["impacts"].get<size_t>());
  EXPECT_EQ(replay["interceptors"].size(),
            summary["engagement"]["interceptors_fired"].get<size_t>());
  EXPECT_EQ(replay["areas"].size(), 1u);
  EXPECT_EQ(replay["zones"].size(), 2u);
  EXPECT_DOUBLE_EQ(replay["origin"]["lat_deg"].get<double>(), 33.2);
  int impacts = 0, intercepted = 0;
  for (const json& r : replay["rockets"]) {
    ASSERT_FALSE(r["trail"].empty());
    double last = -1;
    for (const json& s : r["trail"]) {
      ASSERT_EQ(s.size(), 4u);
      EXPECT_GE(s[0].get<double>(), last);
      last = s[0].get<double>();
    }
    const std::string outcome = r["outcome"];
    impacts += outcome == "impact";
    intercepted += outcome == "intercepted";
    if (outcome == "impact") {
      EXPECT_EQ(r["timeline"]["impact"], r["t_end"]);
    }
    EXPECT_LE(r["timeline"]["launch"].get<double>(), r["t_end"].get<double>());
  }
  EXPECT_EQ(impacts, summary["impacts"].get<int>());
  EXPECT_EQ(intercepted, summary["engagement"]["rockets_intercepted"].get<int>());
  // Alerts: holds with on <= off, in zones of the scenario.
  ASSERT_FALSE(replay["alerts"].empty());
  for (const json& a : replay["alerts"]) {
    EXPECT_TRUE(a["zone"] == "A3" || a["zone"] == "E6");
    EXPECT_LE(a["on"].get<double>(), a["off"].get<double>());
  }
  EXPECT_FALSE(replay["tracks"].empty());
  EXPECT_FALSE(replay["predictions"].empty());
}

TEST(Report, ReplayKeepsEachTracksFirstAndLastPredictionAndOnePerStep) {
  auto run = read_run(testing::small_run_dir());
  ASSERT_TRUE(run.has_value()) << run.error().message;
  const json replay = build_replay(*run);
  const double step = replay["prediction_step_s"].get<double>();
  std::map<int, std::vector<double>> all, kept;
  for (const PredictionRecord& p : run->predictions) all[p.track].push_back(p.t);
  for (const json& p : replay["predictions"])
    kept[p["track"].get<int>()].push_back(p["t"].get<double>());
  ASSERT_EQ(kept.size(), all.size());
  size_t n_all = 0, n_kept = 0;
  for (const auto& [track, ts] : all) {
    const std::vector<double>& k = kept[track];
    ASSERT_FALSE(k.empty()) << track;
    EXPECT_NEAR(k.front(), ts.front(), 1e-3) << track;
    EXPECT_NEAR(k.back(), ts.back(), 1e-3) << track;
    // Between the ends: at least a step apart, and no step left empty.
    for (size_t i = 1; i + 1 < k.size(); ++i) EXPECT_GE(k[i] - k[i - 1], step - 1e-3) << track;
    for (size_t i = 1; i < k.size(); ++i)
      for (double t : ts)
        if (t > k[i - 1] + step + 1e-3 && t < k[i] - 1e-3) ADD_FAILURE() << track << " at " << t;
    n_all += ts.size();
    n_kept += k.size();
  }
  EXPECT_LT(n_kept, n_all);
}

TEST(Report, WarningTimesAgreeWithTheAssessment) {
  auto run = read_run(testing::small_run_dir());
  ASSERT_TRUE(run.has_value()) << run.error().message;
  const WarningTimes w = warning_times(*run);
  const json& canopy = run->summary["assessment"]["alerts"]["canopy"];
  const size_t n = w.warned_s.size() + static_cast<size_t>(w.unwarned);
  ASSERT_EQ(n, canopy["impacts_in_zones"].get<size_t>());
  ASSERT_GT(n, 0u);
  double sum = 0;
  for (double v : w.warned_s) sum += v;
  EXPECT_NEAR(sum / static_cast<double>(n), canopy["mean_warning_s"].get<double>(), 1e-6);
}

TEST(Report, ScriptEndInNamesIsEscaped) {
  const fs::path dir = testing::copy_of_run_dir("escape");
  json summary = *read_json_file(dir / "summary.json");
  summary["scenario"] = "evil</script><b>x<!--";
  std::ofstream(dir / "summary.json") << summary.dump();
  ASSERT_TRUE(write_report(dir).has_value());
  const std::string html = slurp(dir / "report.html");
  EXPECT_EQ(html.find("evil</script>"), std::string::npos);
  const std::string text = replay_text(html);
  EXPECT_NE(text.find("evil<\\/script>"), std::string::npos);
  EXPECT_EQ(json::parse(text)["scenario"], "evil</script><b>x<!--");
}

// ---- Bad input: an error naming the file, and nothing written.

void expect_error(const fs::path& dir, const std::string& must_contain) {
  auto files = write_report(dir);
  ASSERT_FALSE(files.has_value()) << "no error for " << dir;
  EXPECT_NE(files.error().message.find(must_contain), std::string::npos) << files.error().message;
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  EXPECT_FALSE(fs::exists(dir / "replay.czml"));
  EXPECT_FALSE(fs::exists(dir / "impacts.geojson"));
}

TEST(ReportBadInput, MissingOrUnrecognisedDirectoryIsAnError) {
  const fs::path base = testing::small_run_dir().parent_path();
  auto missing = write_report(base / "no-such-dir");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("no-such-dir"), std::string::npos);
  fs::create_directories(base / "empty");
  expect_error(base / "empty", "not a canopy output directory");
}

TEST(ReportBadInput, MalformedEventLineNamesFileAndLine) {
  const fs::path dir = testing::copy_of_run_dir("bad-event");
  std::ofstream(dir / "events.jsonl", std::ios::app) << "{\"t\": 1, \"type\": \"impact\"\n";
  int lines = 0;
  std::ifstream in(dir / "events.jsonl");
  for (std::string l; std::getline(in, l);) ++lines;
  expect_error(dir, fmt::format("events.jsonl:{}: not valid JSON", lines));
}

TEST(ReportBadInput, EventWithAWrongFieldNamesTheField) {
  const fs::path dir = testing::copy_of_run_dir("bad-field");
  std::ofstream(dir / "events.jsonl", std::ios::app)
      << R"({"t":1,"type":"impact","rocket":"one","p_enu_m":[0,0,0],"area":null})"
      << "\n";
  expect_error(dir, "\"rocket\" must be an integer");
}

TEST(ReportBadInput, MalformedCsvRowNamesFileAndLine) {
  const fs::path dir = testing::copy_of_run_dir("bad-csv");
  std::ofstream(dir / "trajectories.csv", std::ios::app) << "12.0,1,abc,0,0,0,0,0\n";
  expect_error(dir, "trajectories.csv:");
  const fs::path dir2 = testing::copy_of_run_dir("bad-tracks");
  std::ofstream(dir2 / "tracks.csv") << "time,id,e,n,u\n";
  expect_error(dir2, "tracks.csv:1: header");
}

TEST(ReportBadInput, ScenarioThatDoesNotLoadIsAnError) {
  const fs::path dir = testing::copy_of_run_dir("bad-scenario");
  std::ofstream(dir / "scenario.yaml") << "canopy: 1\nname: x\nraids: [{site: Nowhere}]\n";
  expect_error(dir, "scenario.yaml");
}

TEST(ReportBadInput, BrokenSummaryIsAnError) {
  const fs::path dir = testing::copy_of_run_dir("bad-summary");
  std::ofstream(dir / "summary.json") << "{\"scenario\": 3}";
  expect_error(dir, "summary.json");
}

TEST(ReportBadInput, HalfARunDirectoryIsAnError) {
  const fs::path dir = testing::copy_of_run_dir("no-events");
  fs::remove(dir / "events.jsonl");
  expect_error(dir, "no events.jsonl");
}

// ---- Monte Carlo, sweep and compare directories (fixtures in their formats).

json aggregate(double leak, long leakers, long threats) {
  return {{"command", "montecarlo"},
          {"scenario", "fixture"},
          {"seed", 1},
          {"runs", 20},
          {"metrics",
           {{{"name", "leak_rate"},
             {"kind", "proportion"},
             {"estimate", leak},
             {"ci95", {leak * 0.8, leak * 1.2}},
             {"method", "wilson"},
             {"successes", leakers},
             {"trials", threats}},
            {{"name", "interception_rate"},
             {"kind", "proportion"},
             {"estimate", 0.9},
             {"ci95", {0.85, 0.94}},
             {"method", "wilson"},
             {"successes", 90},
             {"trials", 100}},
            {{"name", "value_hit"},
             {"kind", "mean"},
             {"estimate", 120000.0},
             {"sd", 20000.0},
             {"n", 20},
             {"ci95", {110000.0, 130000.0}},
             {"method", "student-t"}}}}};
}

void write_json(const fs::path& p, const json& j) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << j.dump(1);
}

fs::path fixture_dir(const std::string& name) {
  const fs::path d = testing::small_run_dir().parent_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(ReportMonteCarlo, MetricsTableAndRatePlot) {
  const fs::path dir = fixture_dir("mc");
  write_json(dir / "aggregate.json", aggregate(0.12, 24, 200));
  auto files = write_report(dir);
  ASSERT_TRUE(files.has_value()) << files.error().message;
  EXPECT_EQ(files->kind, ReportFiles::Kind::kMonteCarlo);
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("<code>leak_rate</code>"), std::string::npos);
  EXPECT_NE(html.find("24 / 200"), std::string::npos);
  EXPECT_NE(html.find("student-t"), std::string::npos);
  EXPECT_EQ(count(html, "<svg "), 1u);
  EXPECT_EQ(html.find("http://"), std::string::npos);
}

TEST(ReportMonteCarlo, MalformedAggregateNamesTheFile) {
  const fs::path dir = fixture_dir("mc-bad");
  write_json(dir / "aggregate.json", {{"metrics", {{{"name", "leak_rate"}}}}});
  expect_error(dir, "aggregate.json: metrics[0]");
}

TEST(ReportSweep, OnePlotPerKeyMetricAndTheTable) {
  const fs::path dir = fixture_dir("sweep");
  json combos = json::array();
  int i = 0;
  for (int count : {10, 20, 40})
    for (const char* mode : {"salvo", "shoot-look-shoot"}) {
      const std::string sub = fmt::format("combo-{:03}", i);
      write_json(dir / sub / "aggregate.json", aggregate(0.05 * count / 10.0, count, 200));
      combos.push_back(
          {{"index", i++},
           {"values", {{"raids[0].count", std::to_string(count)}, {"doctrine.mode", mode}}},
           {"dir", sub}});
    }
  write_json(dir / "sweep.json", {{"command", "sweep"},
                                  {"keys", {"raids[0].count", "doctrine.mode"}},
                                  {"runs", 20},
                                  {"combos", combos}});
  auto files = write_report(dir);
  ASSERT_TRUE(files.has_value()) << files.error().message;
  EXPECT_EQ(files->kind, ReportFiles::Kind::kSweep);
  const std::string html = slurp(dir / "report.html");
  // leak_rate, interception_rate and value_hit are in the fixture: three plots.
  EXPECT_EQ(count(html, "<svg "), 3u);
  EXPECT_NE(html.find("<title>leak_rate against raids[0].count</title>"), std::string::npos);
  EXPECT_NE(html.find("doctrine.mode = salvo"), std::string::npos);
  EXPECT_EQ(count(html, "<td class=\"label\"><code>combo-"), 6u);
}

TEST(ReportSweep, MissingComboDirectoryNamesIt) {
  const fs::path dir = fixture_dir("sweep-bad");
  write_json(
      dir / "sweep.json",
      {{"command", "sweep"},
       {"keys", {"raids[0].count"}},
       {"runs", 5},
       {"combos", {{{"index", 0}, {"values", {{"raids[0].count", "3"}}}, {"dir", "combo-000"}}}}});
  expect_error(dir, "combo-000/aggregate.json: no such file");
}

TEST(ReportCompare, PairedAgainstUnpairedWidths) {
  const fs::path dir = fixture_dir("compare");
  json diffs = {{{"design", 1},
                 {"mean", -0.04},
                 {"ci95", {-0.06, -0.02}},
                 {"unpaired_ci95", {-0.1, 0.02}},
                 {"width_ratio", 0.333},
                 {"method", "paired student-t"}}};
  write_json(dir / "compare.json", {{"command", "compare"},
                                    {"runs", 30},
                                    {"designs",
                                     {{{"name", "A"}, {"source", "a.yaml"}, {"dir", "design-0"}},
                                      {{"name", "B"}, {"source", "b.yaml"}, {"dir", "design-1"}}}},
                                    {"metrics",
                                     {{{"name", "leak_rate"},
                                       {"per_design",
                                        {{{"estimate", 0.12}, {"ci95", {0.1, 0.14}}},
                                         {{"estimate", 0.08}, {"ci95", {0.06, 0.1}}}}},
                                       {"differences", diffs}}}}});
  auto files = write_report(dir);
  ASSERT_TRUE(files.has_value()) << files.error().message;
  EXPECT_EQ(files->kind, ReportFiles::Kind::kCompare);
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("B − A"), std::string::npos);
  EXPECT_NE(html.find("[-0.06, -0.02]"), std::string::npos);
  EXPECT_NE(html.find("[-0.1, 0.02]"), std::string::npos);
  EXPECT_NE(html.find("0.333"), std::string::npos);
  EXPECT_NE(html.find("paired student-t"), std::string::npos);
  EXPECT_EQ(count(html, "<svg "), 1u);
}

}  // namespace
}  // namespace canopy::io
