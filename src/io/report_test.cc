// report.html: self-contained, true to the run, strict about bad input.
#include "canopy/io/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "canopy/eval/metrics.h"
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
                         "inventory", "safety", "plots", "replay"})
    EXPECT_NE(html.find(fmt::format("<li><a href=\"#{}\">", id)), std::string::npos) << id;
}

// Two launchers of two rounds, reloaded 100 s after their last shot.
TEST(Inventory, ShotsEmptyLaunchersThatReloadAfterReloadS) {
  scenario::Scenario sc;
  scenario::Battery b;
  b.name = "North";
  b.launchers = {{Vec2::Zero(), 2, 100}, {Vec2::Zero(), 2, 100}};
  sc.batteries = {b};
  const std::vector<sim::FireEvent> fires = {{10, "North", 0, 1, 1, {}},
                                             {20, "North", 0, 2, 1, {}},
                                             {30, "North", 1, 3, 2, {}},
                                             {40, "North", 1, 4, 2, {}},
                                             {50, "South", 0, 5, 3, {}}};
  const auto inv = battery_inventory(sc, fires, 200);
  ASSERT_EQ(inv.size(), 1u);
  EXPECT_EQ(inv[0].capacity, 4);
  const std::vector<std::pair<double, int>> steps = {{0, 4},  {10, 3},  {20, 2}, {30, 1},
                                                     {40, 0}, {120, 2}, {140, 4}};
  EXPECT_EQ(inv[0].steps, steps);
  ASSERT_EQ(inv[0].dry.size(), 1u);
  EXPECT_EQ(inv[0].dry[0], std::make_pair(40.0, 120.0));
  // Dry at the end: the interval ends with the run.
  const auto short_run = battery_inventory(sc, fires, 100);
  ASSERT_EQ(short_run[0].dry.size(), 1u);
  EXPECT_EQ(short_run[0].dry[0], std::make_pair(40.0, 100.0));
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
  for (const sim::ImpactPredictionEvent& p : run->events.of<sim::ImpactPredictionEvent>())
    all[p.track].push_back(p.t_s);
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
  // leak_rate, interception_rate and value_hit are in the fixture: three
  // plots against the first key and, with two keys, three heat maps.
  EXPECT_EQ(count(html, "<svg "), 6u);
  EXPECT_EQ(count(html, "class=\"plot heatmap\""), 3u);
  EXPECT_NE(html.find("<title>leak rate against raids[0].count</title>"), std::string::npos);
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
                 {"width_ratio", 3.0},
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
  EXPECT_NE(html.find("<td>3</td>"), std::string::npos);
  EXPECT_NE(html.find("paired student-t"), std::string::npos);
  // The differences with their intervals, and the widths.
  EXPECT_EQ(count(html, "<svg "), 2u);
}

// ---- Per-area and per-zone metrics, names from the registry.

// An aggregate.json metric as canopy montecarlo writes it: proportions
// 0.25 [0.2, 0.3] of 25 / 100, the others 10 [9, 11] over 20 runs.
json metric_entry(const eval::MetricDef& d) {
  json m = {{"name", d.name}, {"unit", std::string(d.unit)}};
  if (d.kind == eval::MetricKind::kProportion) {
    m.update({{"kind", "proportion"},
              {"estimate", 0.25},
              {"ci95", {0.2, 0.3}},
              {"method", "wilson"},
              {"successes", 25.0},
              {"trials", 100.0}});
  } else {
    m.update({{"kind", "mean"},
              {"estimate", 10.0},
              {"sd", 2.0},
              {"n", 20},
              {"ci95", {9.0, 11.0}},
              {"method", "student-t"}});
  }
  return m;
}

// aggregate.json with every metric of a scenario of these areas and zones.
json full_aggregate(const std::vector<std::string>& areas, const std::vector<std::string>& zones) {
  json ms = json::array();
  const eval::MetricSet set(areas, zones);
  for (const eval::MetricDef& d : set.defs()) ms.push_back(metric_entry(d));
  return {{"command", "montecarlo"},
          {"scenario", "fixture"},
          {"seed", 1},
          {"runs", 20},
          {"metrics", ms}};
}

// Sets a metric's estimate and interval (either may be null).
void set_metric(json& agg, std::string_view name, json estimate, json ci) {
  for (json& m : agg["metrics"])
    if (m["name"] == name) {
      m["estimate"] = std::move(estimate);
      m["ci95"] = std::move(ci);
      return;
    }
  ADD_FAILURE() << "no metric " << name;
}

// The <svg> element titled `title`, or "".
std::string svg_titled(const std::string& html, const std::string& title) {
  const size_t t = html.find("<title>" + title + "</title>");
  if (t == std::string::npos) return "";
  const size_t a = html.rfind("<svg ", t);
  return html.substr(a, html.find("</svg>", t) + 6 - a);
}

// The table row whose first cell is `label`, or "".
std::string row_labelled(const std::string& html, const std::string& label) {
  const size_t a = html.find("<tr><td class=\"label\">" + label + "</td>");
  if (a == std::string::npos) return "";
  return html.substr(a, html.find("</tr>", a) - a);
}

// Whether `parts` occur in `text` in this order.
bool in_order(const std::string& text, const std::vector<std::string>& parts) {
  size_t at = 0;
  for (const std::string& p : parts) {
    at = text.find(p, at);
    if (at == std::string::npos) return false;
    at += p.size();
  }
  return true;
}

// The text of every <code> element inside each <figcaption>.
std::vector<std::string> caption_codes(const std::string& html) {
  std::vector<std::string> codes;
  for (size_t a = html.find("<figcaption>"); a != std::string::npos;
       a = html.find("<figcaption>", a + 1)) {
    const size_t end = html.find("</figcaption>", a);
    for (size_t c = html.find("<code>", a); c < end; c = html.find("<code>", c + 1))
      codes.push_back(html.substr(c + 6, html.find("</code>", c) - c - 6));
  }
  return codes;
}

std::string write_and_read(const fs::path& dir) {
  auto files = write_report(dir);
  EXPECT_TRUE(files.has_value()) << (files ? "" : files.error().message);
  return files ? slurp(dir / "report.html") : "";
}

TEST(ReportMonteCarlo, MonteCarloReportShowsEachAreasLeakRate) {
  const fs::path dir = fixture_dir("mc-areas");
  json agg = full_aggregate({"Northport", "Eastmere", "Kelton"}, {"A1", "B2"});
  set_metric(agg, "threatening[Northport]", 21.0, {19.0, 23.0});
  set_metric(agg, "engaged[Northport]", 19.0, {17.0, 21.0});
  set_metric(agg, "intercepted[Northport]", 17.0, {15.0, 19.0});
  set_metric(agg, "leakers[Northport]", 3.0, {1.0, 5.0});
  set_metric(agg, "leak_rate[Northport]", 0.1429, {0.05, 0.3});
  set_metric(agg, "value_hit[Northport]", 450.0, {100.0, 800.0});
  // One run: no interval; and an area no rocket threatened: no leak rate.
  set_metric(agg, "leak_rate[Eastmere]", 0.5, nullptr);
  set_metric(agg, "leak_rate[Kelton]", nullptr, nullptr);
  write_json(dir / "aggregate.json", agg);
  const std::string html = write_and_read(dir);
  ASSERT_NE(html.find("<section id=\"areas\">"), std::string::npos);
  // One row per area: threatening, engaged, intercepted, leakers, leak rate, value hit.
  EXPECT_TRUE(in_order(row_labelled(html, "Northport"),
                       {"21<br>", "[19, 23]", "19<br>", "[17, 21]", "17<br>", "[15, 19]", "3<br>",
                        "[1, 5]", "0.1429<br>", "[0.05, 0.3]", "450<br>", "[100, 800]"}))
      << row_labelled(html, "Northport");
  EXPECT_TRUE(in_order(row_labelled(html, "Eastmere"), {"0.5<br>", "[—]", "10<br>"}));
  EXPECT_TRUE(in_order(row_labelled(html, "Kelton"), {"[9, 11]", "<td>—</td>", "10<br>"}));
  // The plot: a point with its interval for each area that has a leak rate.
  const std::string plot = svg_titled(html, "Leak rate per defended area");
  ASSERT_FALSE(plot.empty());
  EXPECT_NE(plot.find(">Northport (25/100)</text>"), std::string::npos);
  EXPECT_NE(plot.find(">Kelton (25/100)</text>"), std::string::npos);
  EXPECT_EQ(count(plot, "<circle"), 2u);
  EXPECT_EQ(count(plot, "<path d="), 1u) << "an interval for Northport only";
  EXPECT_NE(plot.find(">1</text>"), std::string::npos) << "y up to 1";
}

TEST(ReportMonteCarlo, MonteCarloReportTablesEachZoneAndFoldsMany) {
  const fs::path few = fixture_dir("mc-few-zones");
  json agg = full_aggregate({"Northport"}, {"A1", "B2"});
  set_metric(agg, "own_warning_mean_s[B2]", 41.5, {40.0, 43.0});
  set_metric(agg, "own_warning_p5_s[B2]", nullptr, nullptr);
  write_json(few / "aggregate.json", agg);
  std::string html = write_and_read(few);
  ASSERT_NE(html.find("<section id=\"zones\">"), std::string::npos);
  // impacts, own warning mean, own warning p5, false population-seconds.
  EXPECT_TRUE(in_order(row_labelled(html, "B2"),
                       {"10<br>", "[9, 11]", "41.5<br>", "[40, 43]", "<td>—</td>", "10<br>"}))
      << row_labelled(html, "B2");
  EXPECT_EQ(html.find("alert zones</summary>"), std::string::npos);

  std::vector<std::string> zones;
  for (int i = 0; i < 25; ++i) zones.push_back(fmt::format("Z{:02}", i));
  const fs::path many = fixture_dir("mc-many-zones");
  write_json(many / "aggregate.json", full_aggregate({"Northport"}, zones));
  html = write_and_read(many);
  const size_t fold = html.find("<details><summary>25 alert zones</summary>");
  ASSERT_NE(fold, std::string::npos);
  const size_t row = html.find("<tr><td class=\"label\">Z24</td>");
  EXPECT_GT(row, fold);
  EXPECT_LT(row, html.find("</details>", fold));
}

TEST(ReportMonteCarlo, MetricsTableShowsLabelRawNameAndUnit) {
  const fs::path dir = fixture_dir("mc-labels");
  write_json(dir / "aggregate.json", full_aggregate({"Northport"}, {}));
  const std::string html = write_and_read(dir);
  EXPECT_NE(html.find("leak rate<br><small><code>leak_rate</code> · proportion</small>"),
            std::string::npos);
  EXPECT_NE(html.find("mean warning (s)<br><small><code>mean_warning_s</code> · s</small>"),
            std::string::npos);
  EXPECT_NE(html.find("interceptors fired<br><small><code>interceptors_fired</code> · "
                      "interceptors</small>"),
            std::string::npos);
  // The per-area metrics are listed too, folded.
  EXPECT_NE(html.find("<details><summary>Every per-area and per-zone metric (6)"),
            std::string::npos);
  EXPECT_NE(html.find("<code>leak_rate[Northport]</code> · proportion"), std::string::npos);
  EXPECT_EQ(html.find("<section id=\"zones\">"), std::string::npos) << "no zones, no zone table";
}

TEST(ReportMonteCarlo, UnknownMetricNameIsAnError) {
  const fs::path dir = fixture_dir("mc-unknown");
  json agg = aggregate(0.12, 24, 200);
  agg["metrics"].push_back({{"name", "warning_fraction"},
                            {"kind", "mean"},
                            {"estimate", 0.9},
                            {"ci95", {0.8, 1.0}},
                            {"method", "student-t"}});
  write_json(dir / "aggregate.json", agg);
  expect_error(dir, "aggregate.json: metrics[3]: unknown metric \"warning_fraction\"");

  // An area family's name resolves whatever the area; a family it does not have does not.
  json areas = full_aggregate({"Northport"}, {});
  areas["metrics"][0]["name"] = "leak_rate[Nowhere]";
  write_json(dir / "aggregate.json", areas);
  EXPECT_TRUE(write_report(dir).has_value());
  fs::remove(dir / "report.html");
  areas["metrics"][0]["name"] = "miss_median_m[Northport]";
  write_json(dir / "aggregate.json", areas);
  expect_error(dir, "unknown metric \"miss_median_m[Northport]\"");
}

// A sweep directory: one combination per entry of `values` of `key`, each
// with the metrics of a scenario of `areas[i]`.
fs::path sweep_fixture(const std::string& name, const std::vector<std::string>& keys,
                       const std::vector<std::vector<std::string>>& values,
                       const std::vector<std::vector<std::string>>& areas) {
  const fs::path dir = fixture_dir(name);
  json combos = json::array();
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string sub = fmt::format("combo-{:03}", i);
    json agg = full_aggregate(areas[i], {"A1"});
    for (const std::string& area : areas[i])
      set_metric(agg, eval::member_name("leak_rate", area), 0.1 * static_cast<double>(i + 1),
                 {0.05, 0.2 * static_cast<double>(i + 1)});
    write_json(dir / sub / "aggregate.json", agg);
    json v = json::object();
    for (size_t k = 0; k < keys.size(); ++k) v[keys[k]] = values[i][k];
    combos.push_back({{"index", i}, {"values", v}, {"dir", sub}});
  }
  write_json(dir / "sweep.json",
             {{"command", "sweep"}, {"keys", keys}, {"runs", 20}, {"combos", combos}});
  return dir;
}

TEST(ReportSweep, SweepReportPlotsOnlyRegistryMetrics) {
  const std::vector<std::string> areas = {"Northport"};
  const fs::path dir =
      sweep_fixture("sweep-registry", {"raids[0].count"}, {{"10"}, {"20"}}, {areas, areas});
  const std::string html = write_and_read(dir);
  // Every metric a plot names is the registry's, and every plot is titled by its label.
  const std::vector<std::string> codes = caption_codes(html);
  ASSERT_FALSE(codes.empty());
  for (const std::string& name : codes) {
    EXPECT_TRUE(eval::find_metric(name).has_value()) << name;
    if (!name.starts_with("leak_rate[")) {
      EXPECT_NE(html.find(fmt::format("<title>{} against raids[0].count</title>",
                                      eval::metric_label(name))),
                std::string::npos)
          << name;
    }
  }
  // With every metric present, each key metric has its plot (warning_rate
  // replaced the warning_fraction that no longer exists), and the areas' plot.
  for (const char* name : {"leak_rate", "interception_rate", "value_hit", "interceptors_fired",
                           "warning_rate", "mean_warning_s", "own_warning_mean_s"})
    EXPECT_NE(std::ranges::find(codes, name), codes.end()) << name;
  EXPECT_EQ(html.find("warning_fraction"), std::string::npos);
  EXPECT_EQ(count(html, "<svg "), 8u);
  EXPECT_NE(html.find("<title>warning rate against raids[0].count</title>"), std::string::npos);
}

TEST(ReportSweep, SweepReportPlotsEachAreasLeakRateAgainstTheKey) {
  // The second combination defends one more area.
  const fs::path dir =
      sweep_fixture("sweep-areas", {"raids[0].count"}, {{"10"}, {"20"}},
                    {{"Northport", "Eastmere"}, {"Northport", "Eastmere", "Westfield"}});
  const std::string html = write_and_read(dir);
  const std::string plot = svg_titled(html, "leak rate per defended area against raids[0].count");
  ASSERT_FALSE(plot.empty());
  // One line per area (in the legend), with its intervals.
  for (const char* area : {"Northport", "Eastmere", "Westfield"})
    EXPECT_NE(plot.find(fmt::format(">{}</text>", area)), std::string::npos) << area;
  EXPECT_EQ(count(plot, "<polyline"), 3u);
  EXPECT_EQ(count(plot, "<path d="), 5u) << "2 + 2 + 1 intervals";
  // The table has a column for every metric of any combination; the first
  // combination lacks Westfield's.
  EXPECT_NE(html.find("<code>leak_rate[Westfield]</code> · proportion"), std::string::npos);
  const std::string first = row_labelled(html, "<code>combo-000</code>");
  const std::string second = row_labelled(html, "<code>combo-001</code>");
  EXPECT_EQ(count(first, "<td>—</td>"), 6u) << "six Westfield metrics";
  EXPECT_EQ(count(second, "<td>—</td>"), 0u);
  EXPECT_EQ(count(first, "<td>"), count(second, "<td>"));
}

TEST(ReportSweep, SweepWithTwoKeysPlotsEachAreaApart) {
  const std::vector<std::string> areas = {"Northport", "Eastmere"};
  const fs::path dir = sweep_fixture(
      "sweep-two-keys", {"raids[0].count", "doctrine.mode"},
      {{"10", "salvo"}, {"10", "shoot-look-shoot"}, {"20", "salvo"}, {"20", "shoot-look-shoot"}},
      {areas, areas, areas, areas});
  const std::string html = write_and_read(dir);
  for (const char* area : {"Northport", "Eastmere"}) {
    const std::string plot =
        svg_titled(html, fmt::format("leak rate, {} against raids[0].count", area));
    ASSERT_FALSE(plot.empty()) << area;
    EXPECT_NE(plot.find(">doctrine.mode = salvo</text>"), std::string::npos);
    EXPECT_EQ(count(plot, "<polyline"), 2u);
  }
  EXPECT_EQ(html.find("per defended area against"), std::string::npos);
}

TEST(ReportSweep, UnknownMetricInACombinationNamesItsFile) {
  const std::vector<std::string> areas = {"Northport"};
  const fs::path dir =
      sweep_fixture("sweep-unknown", {"raids[0].count"}, {{"10"}, {"20"}}, {areas, areas});
  json agg = *read_json_file(dir / "combo-001" / "aggregate.json");
  agg["metrics"][2]["name"] = "warning_fraction";
  write_json(dir / "combo-001" / "aggregate.json", agg);
  expect_error(dir, "combo-001/aggregate.json: metrics[2]: unknown metric \"warning_fraction\"");
}

// A compare.json metric: per design an estimate and interval (null: the
// design lacks the metric), and the differences from the first.
json compared(const std::string& name, const std::vector<json>& estimates,
              const std::vector<json>& diffs) {
  json per = json::array();
  for (const json& e : estimates)
    per.push_back({{"estimate", e},
                   {"ci95", e.is_null() ? json(nullptr)
                                        : json{e.get<double>() - 0.02, e.get<double>() + 0.02}}});
  const auto def = eval::find_metric(name);
  return {{"name", name},
          {"kind", def && def->kind == eval::MetricKind::kProportion ? "proportion" : "mean"},
          {"unit", def ? std::string(def->unit) : ""},
          {"per_design", per},
          {"differences", diffs}};
}

json difference(int design, double mean, double half_width, double ratio) {
  return {{"design", design},
          {"mean", mean},
          {"ci95", {mean - half_width, mean + half_width}},
          {"pairs", 30},
          {"unpaired_ci95", {mean - ratio * half_width, mean + ratio * half_width}},
          {"width_ratio", ratio},
          {"method", "paired student-t over runs; unpaired: Welch"}};
}

json absent_difference(int design) {
  return {{"design", design}, {"mean", nullptr}, {"ci95", nullptr}};
}

TEST(ReportCompare, CompareReportPlotsPairedDifferencesOfProportions) {
  const fs::path dir = fixture_dir("compare-plots");
  json metrics = json::array();
  metrics.push_back(compared("leak_rate", {0.12, 0.08, 0.1},
                             {difference(1, -0.04, 0.02, 3.0), difference(2, -0.02, 0.01, 2.0)}));
  metrics.push_back(compared("interception_rate", {0.9, 0.92, 0.91},
                             {difference(1, 0.02, 0.01, 1.5), difference(2, 0.01, 0.01, 1.5)}));
  metrics.push_back(compared("value_hit", {500.0, 400.0, 450.0},
                             {difference(1, -100, 30, 2.5), difference(2, -50, 30, 2.5)}));
  metrics.push_back(compared("leak_rate[Northport]", {0.2, 0.1, 0.15},
                             {difference(1, -0.1, 0.05, 2.0), difference(2, -0.05, 0.05, 2.0)}));
  // Only the third design defends Westfield.
  metrics.push_back(compared("leak_rate[Westfield]", {nullptr, nullptr, 0.3},
                             {absent_difference(1), absent_difference(2)}));
  write_json(dir / "compare.json", {{"command", "compare"},
                                    {"runs", 30},
                                    {"designs",
                                     {{{"name", "A"}, {"dir", "design-0"}},
                                      {{"name", "B"}, {"dir", "design-1"}},
                                      {{"name", "C"}, {"dir", "design-2"}}}},
                                    {"metrics", metrics}});
  const std::string html = write_and_read(dir);
  // One plot per design after the first.
  for (const char* title : {"Paired differences: B − A", "Paired differences: C − A"}) {
    const std::string plot = svg_titled(html, title);
    ASSERT_FALSE(plot.empty()) << title;
    // The proportions, each with its paired interval, around a zero line;
    // Westfield named but without a point; value hit (another scale) left out.
    for (const char* label : {">leak rate</text>", ">interception rate</text>",
                              ">leak rate, Northport</text>", ">leak rate, Westfield (—)</text>"})
      EXPECT_NE(plot.find(label), std::string::npos) << title << label;
    EXPECT_EQ(plot.find("value hit"), std::string::npos);
    EXPECT_EQ(count(plot, "<circle"), 3u);
    EXPECT_EQ(count(plot, "<path d="), 3u);
    EXPECT_EQ(count(plot, "<polyline"), 1u) << "the zero line";
  }
  // The width ratio reads unpaired / paired; absent metrics show —.
  EXPECT_NE(html.find("width ratio<br>(unpaired / paired)"), std::string::npos);
  EXPECT_NE(html.find("how many times narrower common random numbers made the interval"),
            std::string::npos);
  EXPECT_EQ(html.find("paired / unpaired"), std::string::npos);
  const std::string westfield =
      row_labelled(html,
                   "leak rate, Westfield<br><small><code>leak_rate[Westfield]</code> · "
                   "proportion</small>");
  EXPECT_TRUE(in_order(westfield, {"<td>—</td>", "<td>—</td>", "0.3 "})) << westfield;
  // interception rate, C − A: mean, paired and unpaired intervals, width ratio.
  EXPECT_NE(html.find("<td>C − A</td><td>0.01</td><td>[0, 0.02]</td><td>[-0.005, 0.025]</td>"
                      "<td>1.5</td>"),
            std::string::npos);
}

TEST(ReportCompare, UnknownMetricNameIsAnError) {
  const fs::path dir = fixture_dir("compare-unknown");
  write_json(
      dir / "compare.json",
      {{"command", "compare"},
       {"runs", 30},
       {"designs", {{{"name", "A"}}, {{"name", "B"}}}},
       {"metrics", {compared("warning_fraction", {0.5, 0.6}, {difference(1, 0.1, 0.1, 1)})}}});
  expect_error(dir, "compare.json: metrics[0]: unknown metric \"warning_fraction\"");
}

}  // namespace
}  // namespace canopy::io
