// The report page of a run (run_report_html): its sections; the plots are
// in report_run_plots.cc.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "canopy/assess/alerts.h"
#include "canopy/eval/metrics.h"
#include "canopy/eval/statistics.h"
#include "canopy/io/replay.h"
#include "canopy/io/report.h"
#include "canopy/io/report_html.h"
#include "canopy/io/report_internal.h"
#include "canopy/io/svg_plot.h"
#include "canopy/io/viewer_bundle.h"

namespace canopy::io {
namespace {

namespace fs = std::filesystem;
using detail::cell_at;
using detail::find;
using detail::number;
using html::cell;
using html::esc;
using html::num;
using nlohmann::json;

// Rows "label | value" for the listed keys of an object (summary.json at
// `path`), then any other scalar keys under the registry's label
// (eval::summary_label), so new metrics still show readably.
struct Field {
  std::string_view key, label;
};
html::Table kv_table(const json& obj, std::string_view path, const std::vector<Field>& fields,
                     std::string caption = {}) {
  html::Table t;
  t.head = {"quantity", "value"};
  t.caption = std::move(caption);
  if (!obj.is_object()) return t;
  std::set<std::string> shown;
  for (const Field& f : fields) {
    auto it = obj.find(std::string(f.key));
    if (it == obj.end()) continue;
    shown.insert(std::string(f.key));
    t.rows.push_back({esc(f.label), cell(*it)});
  }
  for (const auto& [k, v] : obj.items()) {
    if (shown.contains(k)) continue;
    if (!v.is_primitive()) continue;
    const std::string key_path = fmt::format("{}.{}", path, k);
    const eval::SummaryKey* key = eval::find_summary_key(key_path);
    t.rows.push_back(
        {key ? esc(eval::summary_label(*key)) : fmt::format("<code>{}</code>", esc(k)), cell(v)});
  }
  return t;
}

std::string duration(double s) {
  if (!std::isfinite(s)) return "—";
  if (s < 120) return fmt::format("{} s", num(s));
  return fmt::format("{} s ({} min {:.0f} s)", num(s), static_cast<long>(s / 60),
                     std::fmod(s, 60.0));
}

// Escapes a script's text for an inline <script> element: "</" and "<!--"
// must not appear inside it.
std::string script_safe_json(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else if (text.compare(i, 4, "<!--") == 0) {
      out += "\\u003c!--";
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The viewer bundle, made safe for an inline <script>: "</script" (any
// case) becomes "<\/script", "<!--" becomes "<\!--" (equal in JS strings).
std::string script_safe_js(std::string_view js) {
  std::string out;
  out.reserve(js.size() + 64);
  for (size_t i = 0; i < js.size(); ++i) {
    if (js[i] == '<' && i + 1 < js.size() && js[i + 1] == '/' && i + 8 <= js.size()) {
      std::string word(js.substr(i + 2, 6));
      std::transform(word.begin(), word.end(), word.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (word == "script") {
        out += "<\\/";
        ++i;
        continue;
      }
    }
    if (js.compare(i, 4, "<!--") == 0) {
      out += "<\\!--";
      i += 3;
      continue;
    }
    out += js[i];
  }
  return out;
}

// ---------------------------------------------------------------- run report

void overview_section(html::Page& page, const RunData& run) {
  const json& s = run.summary;
  page.section("overview", "Overview");
  std::vector<html::Page::Card> cards;
  cards.push_back({"Rockets launched", cell_at(s, {"rockets_launched"}),
                   fmt::format("of {} planned", cell_at(s, {"rockets_planned"}))});
  cards.push_back({"Impacts in defended areas", cell_at(s, {"impacts_in_areas"}),
                   fmt::format("of {} warhead impacts", cell_at(s, {"impacts"}))});
  cards.push_back({"Value hit", cell_at(s, {"value_hit"}), "sum over areas of value × impacts"});
  if (const json* e = find(s, {"engagement"})) {
    const double lr = number(*e, {"leak_rate"});
    const json* ci = find(*e, {"leak_rate_ci95"});
    std::string detail = "Wilson 95 % interval";
    if (ci && ci->is_array() && ci->size() == 2 && (*ci)[0].is_number() && (*ci)[1].is_number())
      detail = fmt::format("[{}, {}] Wilson 95 %", num((*ci)[0].get<double>()),
                           num((*ci)[1].get<double>()));
    cards.push_back({"Leak rate", html::percent(lr), detail});
    cards.push_back({"Interceptors fired", cell_at(*e, {"interceptors_fired"}),
                     fmt::format("{} rockets intercepted", cell_at(*e, {"rockets_intercepted"}))});
  }
  if (const json* a = find(s, {"assessment", "alerts", "canopy"})) {
    cards.push_back(
        {"Warned impacts (canopy)",
         fmt::format("{} / {}", cell_at(*a, {"warned"}), cell_at(*a, {"impacts_in_zones"})),
         fmt::format("median warning {} s", num(number(*a, {"median_warning_s"})))});
  }
  page.cards(cards);
  page.note(
      "All figures come from one simulated run: a single random draw. Intervals are 95 % Wilson "
      "score "
      "intervals over the run's rockets; they do not cover run-to-run variation (use <code>canopy "
      "montecarlo</code>).");
}

void damage_section(html::Page& page, const RunData& run) {
  const json& s = run.summary;
  page.section("damage", "Damage by area");
  html::Table t;
  t.head = {"defended area", "value", "impacts", "value hit"};
  const json* areas = find(s, {"areas"});
  if (areas && areas->is_array())
    for (const json& a : *areas)
      t.rows.push_back({cell_at(a, {"name"}), cell_at(a, {"value"}), cell_at(a, {"impacts"}),
                        cell_at(a, {"value_hit"})});
  t.rows.push_back({"<b>total</b>", "", fmt::format("<b>{}</b>", cell_at(s, {"impacts_in_areas"})),
                    fmt::format("<b>{}</b>", cell_at(s, {"value_hit"}))});
  t.caption = fmt::format(
      "Warhead impacts inside each defended area and the value lost (the area's value per impact; "
      "an impact in "
      "overlapping areas counts against the first listed). {} impacts fell on open ground; {} "
      "rockets were still "
      "in flight at the end.",
      cell_at(s, {"impacts_open_ground"}), cell_at(s, {"in_flight_at_end"}));
  page.table(t);
}

void tracking_section(html::Page& page, const RunData& run) {
  const json& s = run.summary;
  const json* tr = find(s, {"tracking"});
  if (!tr && !find(s, {"sensors"})) return;
  page.section("tracking", "Sensors and tracking");
  if (const json* se = find(s, {"sensors"})) {
    page.subsection("Sensors");
    page.table(kv_table(*se, "sensors",
                        {{"scans", "radar scans"},
                         {"plots", "plots (detections)"},
                         {"clutter_plots", "clutter plots"},
                         {"rockets_detected", "rockets detected"},
                         {"plots_late_dropped", "plots dropped as late"}}));
  }
  if (tr) {
    page.subsection("Tracking against truth");
    json flat = *tr;
    flat.erase("nees_by_age");
    page.table(kv_table(
        flat, "tracking",
        {{"gospa_mean_m", "GOSPA mean (m)"},
         {"gospa_median_m", "GOSPA median (m)"},
         {"rms_position_m", "RMS position error (m)"},
         {"rms_velocity_mps", "RMS velocity error (m/s)"},
         {"settled_rms_position_m", "settled RMS position error (m)"},
         {"settled_rms_velocity_mps", "settled RMS velocity error (m/s)"},
         {"rockets_detected", "rockets detected"},
         {"rockets_tracked", "rockets tracked"},
         {"track_breaks", "track breaks"},
         {"id_switches", "identity switches"},
         {"tracks_confirmed", "confirmed tracks"},
         {"false_tracks", "false tracks"},
         {"mean_confirm_latency_s", "mean confirmation latency (s)"},
         {"median_confirm_latency_s", "median confirmation latency (s)"},
         {"nees_mean", "mean NEES (6-D; consistent = 6)"}},
        "Sampled every 0.5 s; GOSPA with p = 2, c = 200 m (docs/metrics.md). Settled errors count "
        "pairs at least 2 s after first detection."));
  }
}

void assessment_section(html::Page& page, const RunData& run) {
  const json* a = find(run.summary, {"assessment"});
  if (!a) return;
  page.section("assessment", "Threat assessment");
  if (const json* cal = find(*a, {"calibration"}); cal && cal->is_array()) {
    page.subsection("Calibration of the impact prediction");
    html::Table t;
    t.head = {"time after confirmation (s)", "rockets", "inside 95 % ellipse", "coverage",
              "median miss (m)"};
    for (const json& c : *cal)
      t.rows.push_back({cell_at(c, {"after_confirm_s"}), cell_at(c, {"rockets"}),
                        cell_at(c, {"inside_95"}), html::percent(number(c, {"coverage_95"})),
                        cell_at(c, {"median_miss_m"})});
    t.caption =
        "The prediction in force 2, 5 and 10 s after each rocket's first confirmed track; coverage "
        "is the "
        "fraction whose true impact lies inside the predicted 95 % ellipse (a calibrated predictor "
        "covers "
        "about 95 %).";
    page.table(t);
  }
  if (const json* m = find(*a, {"miss_by_track_age"}); m && m->is_array()) {
    page.subsection("Prediction miss against track age");
    html::Table t;
    t.head = {"age since confirmation (s)",
              "predictions",
              "median miss (m)",
              "95 % coverage",
              "median σ(t<sub>impact</sub>) (s)",
              "median |t<sub>impact</sub> error| (s)"};
    for (const json& b : *m) {
      const json* to = find(b, {"age_to_s"});
      t.rows.push_back({fmt::format("{} – {}", cell_at(b, {"age_from_s"}),
                                    to && to->is_number() ? cell(*to) : "∞"),
                        cell_at(b, {"predictions"}), cell_at(b, {"median_miss_m"}),
                        html::percent(number(b, {"coverage_95"})),
                        cell_at(b, {"median_sigma_t_impact_s"}),
                        cell_at(b, {"median_abs_t_impact_error_s"})});
    }
    page.table(t);
  }
  if (const json* d = find(*a, {"decision"})) {
    page.subsection("Threat decisions");
    html::Table t;
    t.head = {"", "declared a threat", "not declared"};
    t.rows.push_back({"lands in a defended area", cell_at(*d, {"confusion", "threats_declared"}),
                      cell_at(*d, {"confusion", "threats_not_declared"})});
    t.rows.push_back({"lands on open ground", cell_at(*d, {"confusion", "open_ground_declared"}),
                      cell_at(*d, {"confusion", "open_ground_not_declared"})});
    t.caption = fmt::format(
        "Confusion matrix over rockets that landed. Tracks with no rocket behind them declared: "
        "{}. Lead time of "
        "declared threats (impact − first declaration): mean {} s, median {} s, minimum {} s.",
        cell_at(*d, {"false_tracks_declared"}), cell_at(*d, {"lead_mean_s"}),
        cell_at(*d, {"lead_median_s"}), cell_at(*d, {"lead_min_s"}));
    page.table(t);
  }
}

void alerts_section(html::Page& page, const RunData& run) {
  const json* al = find(run.summary, {"assessment", "alerts"});
  if (!al || !al->is_object()) return;
  page.section("alerts", "Civil alerts: policies side by side");
  html::Table t;
  t.head = {"quantity"};
  std::vector<const json*> cols;
  for (const auto& [name, v] : al->items()) {
    const auto* p = std::ranges::find(assess::kAlertPolicies, name, &assess::AlertPolicyInfo::key);
    t.head.push_back(esc(p != assess::kAlertPolicies.end() ? std::string(p->title) : name));
    cols.push_back(&v);
  }
  const std::vector<Field> rows = {{"impacts_in_zones", "impacts in alert zones"},
                                   {"warned", "warned (≥ minimum warning)"},
                                   {"missed", "missed"},
                                   {"mean_warning_s", "mean warning (s)"},
                                   {"median_warning_s", "median warning (s)"},
                                   {"p5_warning_s", "5th percentile warning (s)"},
                                   {"p95_warning_s", "95th percentile warning (s)"},
                                   {"shortest_warning_s", "shortest warning (s)"},
                                   {"own_warning_mean_s", "mean own-rocket warning (s)"},
                                   {"zone_alerts", "zone alerts"},
                                   {"false_zone_alerts", "false zone alerts"},
                                   {"false_population_s", "false population-seconds"},
                                   {"total_population_s", "total population-seconds"}};
  for (const Field& f : rows) {
    std::vector<std::string> row = {esc(f.label)};
    for (const json* c : cols) row.push_back(cell_at(*c, {f.key}));
    t.rows.push_back(row);
  }
  const double min_warning = run.scenario ? run.scenario->doctrine.min_warning_s : 10;
  t.caption = fmt::format(
      "Each column is one alert policy scored on the same run. <i>canopy</i> alerts a zone when "
      "the predicted "
      "impact's probability of falling in it passes the threshold; <i>radius 5 km</i> alerts every "
      "zone within "
      "5 km of the predicted impact point; <i>region</i> alerts every zone while any threat is in "
      "flight. Warning "
      "= impact time − start of the zone's alert hold covering it (0 if none); an impact with less "
      "than {} s "
      "of warning is missed. A false zone alert is a hold with no impact in that zone during it; "
      "population-seconds weight each hold by the zone's population.",
      num(min_warning));
  page.table(t);
}

void engagement_section(html::Page& page, const RunData& run) {
  const json* e = find(run.summary, {"engagement"});
  if (!e) return;
  page.section("engagement", "Engagement");
  html::Table t = kv_table(*e, "engagement",
                           {{"threatening", "threatening rockets"},
                            {"leakers", "leakers"},
                            {"rockets_engaged", "rockets engaged"},
                            {"rockets_intercepted", "rockets intercepted"},
                            {"interception_rate", "interception rate (of engaged)"},
                            {"open_ground_rockets", "open-ground rockets"},
                            {"engaged_open_ground", "open-ground rockets engaged"},
                            {"open_ground_engaged_rate", "open-ground engaged rate"},
                            {"value_hit", "value hit"},
                            {"value_saved", "value saved"},
                            {"interceptors_fired", "interceptors fired"},
                            {"interceptors_per_kill", "interceptors per kill"},
                            {"interceptor_cost", "interceptor cost"},
                            {"cost_per_value_saved", "cost per value saved"},
                            {"closest_approaches", "closest approaches"},
                            {"debris_impacts", "debris impacts"},
                            {"debris_in_areas", "debris impacts in areas"},
                            {"kill_assessments", "kill assessments"},
                            {"kill_assessment_accuracy", "kill assessment accuracy"},
                            {"plans", "engagement plans"},
                            {"max_plan_gap", "largest certified plan gap"}});
  // The leak rate with its Wilson interval, as the first row.
  const json* ci = find(*e, {"leak_rate_ci95"});
  std::erase_if(t.rows, [](const auto& r) { return r[0].find("leak_rate") != std::string::npos; });
  if (ci && ci->is_array() && ci->size() == 2 && (*ci)[0].is_number() && (*ci)[1].is_number())
    t.rows.insert(t.rows.begin(), {"leak rate [Wilson 95 % interval]",
                                   html::with_ci(number(*e, {"leak_rate"}), (*ci)[0].get<double>(),
                                                 (*ci)[1].get<double>())});
  t.caption =
      "Counted from truth by the simulation. Leak rate = leakers (warhead impacts in defended "
      "areas) / "
      "threatening rockets (whose undefended impact lies in an area), with its Wilson score 95 % "
      "interval. Miss distance and intercept altitude are percentiles over every closest approach.";
  page.table(t);
  // Per defended area.
  const json* areas = find(*e, {"areas"});
  if (!areas || !areas->is_array() || areas->empty()) return;
  html::Table a;
  a.head = {"defended area", "threatening", "engaged",  "intercepted",
            "leakers",       "leak rate",   "value hit"};
  for (const json& area : *areas) {
    std::vector<std::string> row = {cell_at(area, {"name"})};
    for (const char* k :
         {"threatening", "engaged", "intercepted", "leakers", "leak_rate", "value_hit"})
      row.push_back(cell_at(area, {k}));
    a.rows.push_back(std::move(row));
  }
  a.caption =
      "Per defended area: rockets whose undefended impact point was in it (threatening, truth from "
      "the launch event), of them engaged and intercepted, the warheads that fell in it and the "
      "value hit there; — where nothing threatened the area.";
  page.table(a);
}

// Each battery's interceptors ready over the run (io::battery_inventory),
// with a warning for each magazine that ran dry.
void inventory_section(html::Page& page, const RunData& run) {
  if (!run.scenario || run.scenario->batteries.empty()) return;
  const std::vector<BatteryInventory> inv =
      battery_inventory(*run.scenario, run.events.of<sim::FireEvent>(), run.sim_time_s);
  page.section("inventory", "Interceptor inventory");
  for (const BatteryInventory& b : inv)
    for (const auto& [from, to] : b.dry)
      page.warning(fmt::format(
          "Battery <b>{}</b> ran dry: no interceptor ready from {} to {}{}.", esc(b.battery),
          duration(from), duration(to),
          to >= run.sim_time_s ? " (the end of the run)" : ", when a launcher reloaded"));
  svg::Plot p;
  p.title = "Interceptors ready per battery";
  p.x.label = "simulated time (s)";
  p.y.label = "interceptors ready";
  p.x.min = 0, p.x.max = run.sim_time_s;
  p.y.min = 0;
  html::Table t;
  t.head = {"battery", "magazines", "fired", "fewest ready", "dry (s)"};
  for (const BatteryInventory& b : inv) {
    svg::Series s = svg::series(b.battery, svg::Kind::kStep);
    int fewest = b.capacity;
    for (const auto& [time, n] : b.steps) {
      s.x.push_back(time), s.y.push_back(n);
      fewest = std::min(fewest, n);
    }
    s.x.push_back(run.sim_time_s), s.y.push_back(b.steps.back().second);
    p.series.push_back(std::move(s));
    double dry_s = 0;
    for (const auto& [from, to] : b.dry) dry_s += to - from;
    const long fired =
        std::ranges::count(run.events.of<sim::FireEvent>(), b.battery, &sim::FireEvent::battery);
    t.rows.push_back({esc(b.battery), std::to_string(b.capacity), std::to_string(fired),
                      std::to_string(fewest), num(dry_s)});
  }
  const long holds =
      std::ranges::count(run.events.of<sim::EngagementHoldEvent>(), std::string("no_inventory"),
                         &sim::EngagementHoldEvent::reason);
  page.figure(svg::render(p),
              fmt::format("Interceptors ready to fire, summed over each battery's launchers: "
                          "the scenario's magazines less the <code>fire</code> events, a launcher "
                          "emptied by a shot full again <code>reload_s</code> later (the battle "
                          "manager's rule). Declared threats held for want of interceptors "
                          "(<code>engagement_hold</code>, <code>no_inventory</code>): {}.",
                          holds));
  t.caption =
      "Per battery: rounds in all its magazines at the start, interceptors fired, the "
      "fewest ready at any time and the time with none ready.";
  page.table(t);
}

void safety_section(html::Page& page, const RunData& run) {
  const json* sf = find(run.summary, {"safety"});
  if (!sf) return;
  page.section("safety", "Closed-loop safety");
  html::Table t =
      kv_table(*sf, "safety",
               {{"warnable_impacts", "warnable impacts (confirmed ≥ min_warning_s + 2 s before)"},
                {"warnable_warned", "warned"},
                {"unwarned", "no alert on at the impact"},
                {"late", "alert younger than min_warning_s"},
                {"kill_assessments", "kill assessments"},
                {"assessed_killed", "… killed"},
                {"assessed_survived", "… survived"},
                {"assessed_unknown", "… unknown"},
                {"false_kill_claims", "false kill claims"},
                {"kills_revoked", "kill claims revoked"},
                {"alerts_cancelled_while_alive", "alerts cancelled while the rocket flew"},
                {"alerts_on", "alerts raised"},
                {"debris_alerts", "… by tracks with no rocket behind them"},
                {"interceptors_fired", "interceptors fired"},
                {"wrong_target_kills", "wrong-target kills"},
                {"fires_on_debris", "fires at tracks classed as debris"},
                {"debris_classified_tracks", "tracks classed as debris"},
                {"threats_not_engaged", "declared threats never engaged"}});
  if (const json* r = find(*sf, {"not_engaged_by_reason"}); r && r->is_object())
    for (const auto& [reason, n] : r->items()) t.rows.push_back({"… " + esc(reason), cell(n)});
  t.caption =
      "Scored from the event log (docs/metrics.md, Closed-loop safety). A warnable impact is "
      "warned when some (zone, track) alert on at the impact began at least min_warning_s before "
      "it. Breaches, if any, are listed below.";
  page.table(t);
  if (const json* b = find(*sf, {"breaches"}); b && b->is_array() && !b->empty()) {
    html::Table bt;
    bt.head = {"breach"};
    for (const json& line : *b)
      bt.rows.push_back({esc(line.is_string() ? line.get<std::string>() : line.dump())});
    page.table(bt);
  }
}

}  // namespace

std::string run_report_html(const RunData& run, const ReportOptions& options) {
  const json& s = run.summary;
  const fs::path& shown = options.shown_dir.empty() ? run.dir : options.shown_dir;
  html::Page page(fmt::format("canopy report — {}", run.scenario_name));
  page.header(fmt::format(
      "scenario <b>{}</b> &middot; seed <b>{}</b> &middot; simulated <b>{}</b> &middot; <b>{}</b> "
      "rockets launched "
      "&middot; run directory <code>{}</code>",
      esc(run.scenario_name), run.seed, duration(run.sim_time_s), cell_at(s, {"rockets_launched"}),
      esc(shown.filename().empty() ? shown.string() : shown.filename().string())));

  overview_section(page, run);
  damage_section(page, run);
  tracking_section(page, run);
  assessment_section(page, run);
  alerts_section(page, run);
  engagement_section(page, run);
  inventory_section(page, run);
  safety_section(page, run);

  // Plots.
  detail::plots_section(page, run);

  // The replay viewer.
  std::string tail;
  page.section("replay", "Replay");
  if (options.viewer) {
    if (viewer_bundle_built()) {
      page.note(
          "Drag to pan, scroll to zoom; the timeline replays the run. Data: truth trails "
          "(trajectories.csv), confirmed tracks (tracks.csv), predictions, interceptors and zone "
          "alerts.");
    } else {
      page.raw(
          "<div class=\"unavailable\">The replay viewer was not built into this canopy (no "
          "<code>CANOPY_VIEWER_BUNDLE</code> at build time); the replay data is still embedded in "
          "this page "
          "as JSON (<code>#canopy-replay</code>).</div>\n");
    }
    page.raw("<div id=\"canopy-viewer\"></div>\n");
    tail += "<script type=\"application/json\" id=\"canopy-replay\">";
    tail += script_safe_json(build_replay(run, options.background).dump());
    tail += "</script>\n";
    if (viewer_bundle_built()) {
      tail += "<script>\n";
      tail += script_safe_js(viewer_bundle());
      tail += "\n</script>\n";
    }
  } else {
    page.note("Replay left out (--no-viewer).");
  }
  return page.finish(tail);
}

}  // namespace canopy::io
