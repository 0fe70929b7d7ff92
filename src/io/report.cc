#include "canopy/io/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>

#include "canopy/assess/alerts.h"
#include "canopy/core/atomic_file.h"
#include "canopy/core/check.h"
#include "canopy/core/text.h"
#include "canopy/eval/alert_intervals.h"
#include "canopy/eval/metrics.h"
#include "canopy/eval/montecarlo.h"
#include "canopy/eval/statistics.h"
#include "canopy/io/geo_export.h"
#include "canopy/io/replay.h"
#include "canopy/io/report_html.h"
#include "canopy/io/svg_plot.h"
#include "canopy/io/viewer_bundle.h"

namespace canopy::io {
namespace {

namespace fs = std::filesystem;
using html::cell;
using html::esc;
using html::num;
using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------- JSON access

// The value at a path of keys, or nullptr.
const json* find(const json& j, std::initializer_list<std::string_view> path) {
  const json* cur = &j;
  for (std::string_view k : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(k));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

double number(const json& j, std::initializer_list<std::string_view> path) {
  const json* v = find(j, path);
  return v && v->is_number() ? v->get<double>() : kNaN;
}

std::string cell_at(const json& j, std::initializer_list<std::string_view> path) {
  const json* v = find(j, path);
  return v ? cell(*v) : "—";
}

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

// A proportion with its Wilson 95 % interval, for plots and tables.
struct Proportion {
  std::string name;
  long k = 0, n = 0;
  double p() const { return n > 0 ? static_cast<double>(k) / static_cast<double>(n) : kNaN; }
  std::pair<double, double> ci() const { return eval::wilson_interval(k, n); }
};

svg::Plot proportions_plot(const std::string& title, const std::vector<Proportion>& props) {
  svg::Plot p;
  p.title = title;
  p.y.label = "proportion (95 % interval)";
  p.y.min = 0, p.y.max = 1;
  p.height = 300;
  svg::Series s;
  s.kind = svg::Kind::kPoints;
  s.marker_r = 5;
  for (size_t i = 0; i < props.size(); ++i) {
    p.x.categories.push_back(fmt::format("{} ({}/{})", props[i].name, props[i].k, props[i].n));
    if (props[i].n <= 0) continue;
    const auto [lo, hi] = props[i].ci();
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(props[i].p());
    s.lo.push_back(lo);
    s.hi.push_back(hi);
  }
  p.series.push_back(std::move(s));
  return p;
}

// Median and p90 of y in bins of x.
struct Binned {
  std::vector<double> x, median, p90;
};
Binned binned(const std::vector<double>& xs, const std::vector<double>& ys, double width,
              size_t min_count) {
  std::map<long, std::vector<double>> bins;
  for (size_t i = 0; i < xs.size(); ++i)
    bins[static_cast<long>(std::floor(xs[i] / width))].push_back(ys[i]);
  Binned b;
  for (auto& [k, v] : bins) {
    if (v.size() < min_count) continue;
    b.x.push_back((static_cast<double>(k) + 0.5) * width);
    b.median.push_back(eval::percentile(v, 0.5));
    b.p90.push_back(eval::percentile(v, 0.9));
  }
  return b;
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

// ---- Plots of a run.

svg::Plot rates_plot(const RunData& run) {
  const json& s = run.summary;
  std::vector<Proportion> props;
  auto count = [&](std::initializer_list<std::string_view> path) {
    const double v = number(s, path);
    return std::isfinite(v) ? static_cast<long>(v) : 0L;
  };
  props.push_back(
      {"leak rate", count({"engagement", "leakers"}), count({"engagement", "threatening"})});
  props.push_back({"interception rate", count({"engagement", "rockets_intercepted"}),
                   count({"engagement", "rockets_engaged"})});
  props.push_back({"threats declared",
                   count({"assessment", "decision", "confusion", "threats_declared"}),
                   count({"assessment", "decision", "true_threats"})});
  props.push_back({"warned (canopy)", count({"assessment", "alerts", "canopy", "warned"}),
                   count({"assessment", "alerts", "canopy", "impacts_in_zones"})});
  return proportions_plot("Rates with 95 % Wilson intervals", props);
}

svg::Plot warning_plot(const WarningTimes& w, double min_warning_s) {
  svg::Plot p;
  p.title = "Warning time of impacts in alert zones (canopy policy)";
  p.x.label = "warning time (s)";
  p.y.label = "impacts";
  const double max_w =
      w.warned_s.empty() ? 10 : *std::max_element(w.warned_s.begin(), w.warned_s.end());
  const auto ticks = svg::linear_ticks(0, std::max(max_w, 1.0), 12);
  const double width = ticks.size() > 1 ? ticks[1] - ticks[0] : 10;
  const size_t nbins = static_cast<size_t>(std::floor(max_w / width)) + 1;
  std::vector<double> counts(nbins, 0);
  for (double v : w.warned_s)
    counts[std::min(nbins - 1, static_cast<size_t>(std::floor(v / width)))] += 1;
  p.x.categories.push_back("no warning");
  for (size_t i = 0; i < nbins; ++i)
    p.x.categories.push_back(fmt::format("{}–{}", svg::tick_label(static_cast<double>(i) * width),
                                         svg::tick_label(static_cast<double>(i + 1) * width)));
  svg::Series none = svg::series("no warning", svg::Kind::kBars, "#d62728");
  none.x = {-0.4}, none.x2 = {0.4}, none.y = {static_cast<double>(w.unwarned)};
  svg::Series warned = svg::series("warned", svg::Kind::kBars, "#1f77b4");
  for (size_t i = 0; i < nbins; ++i) {
    warned.x.push_back(static_cast<double>(i + 1) - 0.45);
    warned.x2.push_back(static_cast<double>(i + 1) + 0.45);
    warned.y.push_back(counts[i]);
  }
  p.series = {none, warned};
  // Category i + 1 spans [i w, (i + 1) w]: its left edge sits at x = i + 0.5.
  p.markers.push_back(
      {0.5 + min_warning_s / width, fmt::format("minimum {} s", num(min_warning_s))});
  if (w.warned_s.empty() && w.unwarned == 0) p.series.clear();
  return p;
}

svg::Plot miss_plot(const RunData& run) {
  svg::Plot p;
  p.title = "Interceptor miss distance (closest approach)";
  p.x.label = "miss distance (m, log scale)";
  p.x.log = true;
  p.y.label = "intercepts";
  std::vector<double> miss;
  for (const sim::InterceptEvent& i : run.events.of<sim::InterceptEvent>())
    if (std::isfinite(i.miss_m)) miss.push_back(std::max(i.miss_m, 1e-3));
  if (miss.empty()) return p;
  // Bins on a 1-2-5 sequence spanning the data.
  const double lo = *std::min_element(miss.begin(), miss.end()),
               hi = *std::max_element(miss.begin(), miss.end());
  std::vector<double> edges;
  for (int k = static_cast<int>(std::floor(std::log10(lo))); edges.empty() || edges.back() <= hi;
       ++k)
    for (double m : {1.0, 2.0, 5.0}) edges.push_back(m * std::pow(10.0, k));
  while (edges.size() > 2 && edges[1] <= lo) edges.erase(edges.begin());
  svg::Series killed = svg::series("killed", svg::Kind::kBars, "#2ca02c");
  svg::Series survived = svg::series("not killed", svg::Kind::kBars, "#ff7f0e");
  // Stacked: killed at the bottom, not killed on top (drawn first, taller).
  std::vector<double> k(edges.size() - 1, 0), all(edges.size() - 1, 0);
  for (const sim::InterceptEvent& i : run.events.of<sim::InterceptEvent>()) {
    const double m = std::max(i.miss_m, 1e-3);
    const size_t b =
        static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), m) - edges.begin());
    const size_t bin = std::clamp<size_t>(b, 1, edges.size() - 1) - 1;
    all[bin] += 1;
    if (i.killed) k[bin] += 1;
  }
  for (size_t b = 0; b + 1 < edges.size(); ++b) {
    survived.x.push_back(edges[b]), survived.x2.push_back(edges[b + 1]),
        survived.y.push_back(all[b]);
    killed.x.push_back(edges[b]), killed.x2.push_back(edges[b + 1]), killed.y.push_back(k[b]);
  }
  p.series = {survived, killed};
  return p;
}

svg::Plot interceptors_plot(const RunData& run) {
  svg::Plot p;
  p.title = "Interceptors fired over time";
  p.x.label = "simulated time (s)";
  p.y.label = "interceptors fired (cumulative)";
  p.x.min = 0;
  p.x.max = run.sim_time_s;
  if (run.events.of<sim::FireEvent>().empty()) return p;
  std::map<std::string, svg::Series> by_battery;
  svg::Series total = svg::series("total", svg::Kind::kStep, "#222");
  total.x = {0}, total.y = {0};
  for (const sim::FireEvent& f : run.events.of<sim::FireEvent>()) {
    auto [it, inserted] = by_battery.try_emplace(f.battery);
    svg::Series& s = it->second;
    if (inserted) s.name = f.battery, s.kind = svg::Kind::kStep, s.x = {0}, s.y = {0};
    s.x.push_back(f.t_s), s.y.push_back(s.y.back() + 1);
    total.x.push_back(f.t_s), total.y.push_back(total.y.back() + 1);
  }
  for (auto& [name, s] : by_battery) {
    s.x.push_back(run.sim_time_s), s.y.push_back(s.y.back());
    p.series.push_back(std::move(s));
  }
  total.x.push_back(run.sim_time_s), total.y.push_back(total.y.back());
  if (by_battery.size() > 1) p.series.push_back(std::move(total));
  return p;
}

// |predicted − actual impact| against track age, for predictions whose rocket landed.
svg::Plot prediction_plot(const RunData& run) {
  svg::Plot p;
  p.title = "Predicted impact point error against track age";
  p.x.label = "track age (s)";
  p.y.label = "distance to the actual impact (m, log scale)";
  p.y.log = true;
  std::map<int, Vec2> impact_at;
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>())
    impact_at.emplace(i.rocket, i.p_W.head<2>());
  std::vector<double> ages, misses;
  for (const sim::ImpactPredictionEvent& pr : run.events.of<sim::ImpactPredictionEvent>()) {
    if (!pr.rocket) continue;
    auto it = impact_at.find(*pr.rocket);
    if (it == impact_at.end()) continue;
    ages.push_back(pr.track_age_s);
    misses.push_back(std::max((pr.p_en_m - it->second).norm(), 0.01));
  }
  if (ages.empty()) return p;
  // A thinned scatter behind the binned median and 90th percentile.
  svg::Series dots = svg::series("predictions", svg::Kind::kPoints, "#7f9fbf");
  dots.marker_r = 1.6, dots.opacity = 0.45;
  const size_t stride = std::max<size_t>(1, ages.size() / 2500 + 1);
  for (size_t i = 0; i < ages.size(); i += stride)
    dots.x.push_back(ages[i]), dots.y.push_back(misses[i]);
  const double max_age = *std::max_element(ages.begin(), ages.end());
  const auto ticks = svg::linear_ticks(0, std::max(max_age, 1.0), 30);
  const double width = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  const Binned b = binned(ages, misses, width, 5);
  svg::Series med = svg::series("median", svg::Kind::kLine, "#1f3f77");
  med.x = b.x, med.y = b.median;
  svg::Series p90 = svg::series("90th percentile", svg::Kind::kLine, "#d62728");
  p90.x = b.x, p90.y = b.p90;
  p.series = {dots, med, p90};
  return p;
}

}  // namespace

WarningTimes warning_times(const RunData& run) {
  WarningTimes w;
  if (!run.scenario) return w;
  const auto holds = alert_intervals(run.events.of<sim::AlertEvent>(), run.sim_time_s);
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>()) {
    const Vec2 p = i.p_W.head<2>();
    const scenario::AlertZone* zone = nullptr;
    for (const auto& z : run.scenario->alert_zones)
      if (z.polygon.contains(p)) {
        zone = &z;
        break;
      }
    if (!zone) continue;
    std::optional<double> warning;
    if (auto it = holds.find(zone->id); it != holds.end())
      warning = eval::warning_at(it->second, i.t_s);
    if (warning) {
      w.warned_s.push_back(*warning);
    } else {
      ++w.unwarned;
    }
  }
  return w;
}

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
  page.section("plots", "Plots");
  page.figure(svg::render(rates_plot(run)),
              "Points: proportions counted in this run; bars: Wilson score 95 % intervals from the "
              "counts in "
              "the labels. Leak rate = leakers / threatening rockets; interception rate = rockets "
              "intercepted / "
              "rockets engaged; threats declared = true threats declared / true threats; warned = "
              "impacts in alert "
              "zones with at least the minimum warning / impacts in alert zones.");
  const double min_warning = run.scenario ? run.scenario->doctrine.min_warning_s : 10;
  const WarningTimes w = warning_times(run);
  if (run.scenario) {
    double mean = 0;
    for (double v : w.warned_s) mean += v;
    const size_t n = w.warned_s.size() + static_cast<size_t>(w.unwarned);
    page.figure(
        svg::render(warning_plot(w, min_warning)),
        fmt::format(
            "canopy's policy. For each warhead impact inside an alert zone (the first zone listed "
            "that contains it): warning = impact time − start of the alert hold covering that "
            "zone at impact, where a hold runs from the zone's first <code>alert_on</code> "
            "while quiet to the <code>alert_off</code> of the last track holding it (from "
            "events.jsonl and the zone polygons). Impacts no hold covered are counted in the "
            "red bar. {} impacts in zones; mean warning {} s counting the unwarned as 0; dashed: "
            "the {} s minimum below which an alert counts as missed.",
            n, n > 0 ? num(mean / static_cast<double>(n)) : "—", num(min_warning)));
  } else {
    page.note(
        "No scenario.yaml in the run directory: the warning-time histogram needs the alert zones.");
  }
  page.figure(svg::render(miss_plot(run)),
              "Closest approach of each interceptor to the rocket its seeker locked on "
              "(<code>intercept</code> "
              "events' <code>miss_m</code>), in bins of a 1–2–5 logarithmic sequence; the green "
              "part were kills.");
  page.figure(svg::render(interceptors_plot(run)),
              "Cumulative <code>fire</code> events against simulated time, per battery (and in "
              "total when there "
              "are several batteries).");
  page.figure(
      svg::render(prediction_plot(run)),
      "Every impact prediction of a track on a rocket that went on to land: the distance from the "
      "predicted impact point to the rocket's actual impact point, against the age of the "
      "predicting "
      "track. Dots: the predictions (thinned to at most about 2 500); lines: median and 90th "
      "percentile "
      "in bins of track age (bins with at least 5 predictions).");

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

// ---------------------------------------------------------------- Monte Carlo, sweep, compare

namespace {

// ---- Metric names: the registry (src/eval/metrics.h).

// The registry's definition of a metric this file names itself (a plotted or
// tabulated metric). A name the registry does not resolve is a bug in this
// file, not bad input: it stops the program rather than drop a plot unseen.
eval::MetricDef registry_metric(std::string_view name) {
  std::optional<eval::MetricDef> d = eval::find_metric(name);
  CANOPY_CHECK(d.has_value(), "the report names metric '{}', unknown to the registry", name);
  return std::move(*d);
}

// The members of a family among metric names, each once, in first-seen order.
std::vector<std::string> members(const std::vector<std::string>& names, std::string_view family) {
  std::vector<std::string> out;
  for (const std::string& n : names)
    if (auto m = eval::member_of(n, family); m && std::ranges::find(out, *m) == out.end())
      out.emplace_back(*m);
  return out;
}

// A unit as shown: a proportion's unit "1" reads "proportion".
std::string unit_text(std::string_view unit) { return unit == "1" ? "proportion" : esc(unit); }

// A metric's readable label with its raw name (and unit) small beneath it.
std::string metric_cell(std::string_view name, std::string_view unit = {}) {
  return fmt::format("{}<br><small><code>{}</code>{}</small>", esc(eval::metric_label(name)),
                     esc(name), unit.empty() ? "" : " · " + unit_text(unit));
}

// The label with its unit for a plot axis, unless the label already says it:
// "threatening (rockets)", "mean warning (s)", "value hit".
std::string label_with_unit(std::string_view name) {
  const std::string label = eval::metric_label(name);
  const std::optional<eval::MetricDef> d = eval::find_metric(name);
  if (!d || d->unit == "1" || label.find(fmt::format("({})", d->unit)) != std::string::npos ||
      (d->unit.size() > 2 && label.find(d->unit) != std::string::npos))
    return label;
  return fmt::format("{} ({})", label, d->unit);
}

// "estimate [lo, hi]"; "estimate [—]" with no interval (a single run);
// "—" when there is no estimate.
std::string estimate_ci(double estimate, double lo, double hi) {
  if (!std::isfinite(estimate)) return "—";
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return fmt::format("{} <span class=\"ci\">[—]</span>", num(estimate));
  return html::with_ci(estimate, lo, hi);
}

// "[lo, hi]", or "—".
std::string interval_text(double lo, double hi) {
  return std::isfinite(lo) && std::isfinite(hi) ? fmt::format("[{}, {}]", num(lo), num(hi)) : "—";
}

// A JSON pair of numbers at `key`, or NaNs (absent or null).
std::pair<double, double> interval_at(const json& j, std::string_view key) {
  const json* c = find(j, {key});
  if (!c || !c->is_array() || c->size() != 2 || !(*c)[0].is_number() || !(*c)[1].is_number())
    return {kNaN, kNaN};
  return {(*c)[0].get<double>(), (*c)[1].get<double>()};
}

// A table in a <details> fold when it has more than `fold_above` rows (its
// caption stays outside, visible).
void table_folded(html::Page& page, html::Table t, size_t fold_above, std::string_view summary) {
  if (t.rows.size() <= fold_above) {
    page.table(t);
    return;
  }
  const std::string caption = std::move(t.caption);
  t.caption.clear();
  page.raw(fmt::format("<details><summary>{}</summary>\n", summary));
  page.table(t);
  page.raw("</details>\n");
  if (!caption.empty()) page.raw(fmt::format("<p class=\"caption\">{}</p>\n", caption));
}

// Zone tables longer than this are folded.
constexpr size_t kFoldRows = 20;

// ---- aggregate.json

struct Metric {
  std::string name, kind, method, unit;
  eval::MetricDef::Scope scope = eval::MetricDef::Scope::kRun;
  double estimate = kNaN, lo = kNaN, hi = kNaN, sd = kNaN;
  double lo_runs = kNaN, hi_runs = kNaN;  // proportions: bootstrap over runs
  long successes = -1, trials = -1, n = -1;
};

// Reads aggregate.json's metrics, naming the file on error; every name must
// be one the registry knows.
core::Result<std::vector<Metric>> read_metrics(const json& agg, const fs::path& file) {
  const json* ms = find(agg, {"metrics"});
  if (!ms || !ms->is_array()) return core::fail(file.string() + ": \"metrics\" must be an array");
  std::vector<Metric> out;
  for (size_t i = 0; i < ms->size(); ++i) {
    const json& m = (*ms)[i];
    const json* name = find(m, {"name"});
    const json* ci = find(m, {"ci95"});
    // A metric no run defines has null estimate and interval.
    if (!name || !name->is_string() || !m.contains("estimate") || !ci ||
        !(ci->is_null() || (ci->is_array() && ci->size() == 2)))
      return core::fail(fmt::format(
          "{}: metrics[{}] needs \"name\", \"estimate\" and \"ci95\" (two numbers or null)",
          file.string(), i));
    Metric x;
    x.name = name->get<std::string>();
    const std::optional<eval::MetricDef> def = eval::find_metric(x.name);
    if (!def)
      return core::fail(
          fmt::format("{}: metrics[{}]: unknown metric \"{}\" (not in canopy's metric registry, "
                      "docs/metrics.md)",
                      file.string(), i, core::printable(x.name)));
    x.scope = def->scope;
    x.kind = find(m, {"kind"}) && m["kind"].is_string() ? m["kind"].get<std::string>() : "";
    x.method = find(m, {"method"}) && m["method"].is_string() ? m["method"].get<std::string>() : "";
    x.unit = find(m, {"unit"}) && m["unit"].is_string() ? m["unit"].get<std::string>()
                                                        : std::string(def->unit);
    x.estimate = number(m, {"estimate"});
    std::tie(x.lo, x.hi) = interval_at(m, "ci95");
    std::tie(x.lo_runs, x.hi_runs) = interval_at(m, "ci95_runs");
    x.sd = number(m, {"sd"});
    auto integer_at = [&](const char* k) {
      const double v = number(m, {k});
      return std::isfinite(v) ? std::lround(v) : -1L;
    };
    x.successes = integer_at("successes"), x.trials = integer_at("trials"), x.n = integer_at("n");
    out.push_back(std::move(x));
  }
  return out;
}

const Metric* metric(const std::vector<Metric>& ms, std::string_view name) {
  for (const Metric& m : ms)
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> names_of(const std::vector<Metric>& ms) {
  std::vector<std::string> names;
  for (const Metric& m : ms) names.push_back(m.name);
  return names;
}

// "estimate [lo, hi]" of a metric; "—" when absent.
std::string estimate_cell(const Metric* m) {
  return m ? estimate_ci(m->estimate, m->lo, m->hi) : "—";
}

// The estimate over its interval, for tables of many such columns.
std::string estimate_over_ci(const Metric* m) {
  if (!m || !std::isfinite(m->estimate)) return "—";
  const bool ci = std::isfinite(m->lo) && std::isfinite(m->hi);
  return fmt::format("{}<br><span class=\"ci\"><small>{}</small></span>", num(m->estimate),
                     ci ? interval_text(m->lo, m->hi) : "[—]");
}

html::Table metrics_table(const std::vector<const Metric*>& ms) {
  html::Table t;
  t.head = {"metric · unit", "estimate", "95 % interval", "method", "basis", "run-level 95 %"};
  for (const Metric* m : ms) {
    std::string basis =
        m->kind == "proportion" && m->trials >= 0 ? fmt::format("{} / {}", m->successes, m->trials)
        : m->n >= 0
            ? fmt::format("n = {}{}", m->n, std::isfinite(m->sd) ? ", sd " + num(m->sd) : "")
            : "";
    t.rows.push_back({metric_cell(m->name, m->unit), num(m->estimate), interval_text(m->lo, m->hi),
                      esc(m->method), basis,
                      std::isfinite(m->lo_runs) ? interval_text(m->lo_runs, m->hi_runs) : ""});
  }
  t.caption =
      "Each metric over the runs. Proportions pool the counts of all runs, with the Wilson score "
      "interval; the run-level interval is a percentile bootstrap of the pooled ratio over runs "
      "(2,000 resamples), which does not assume the trials within a run independent: prefer it "
      "when the two differ. Means are over per-run values with the Student-t interval. An "
      "interval is — when there is none (fewer than two runs define the metric); intervals are "
      "clipped to the metric's range. docs/metrics.md defines every metric.";
  return t;
}

svg::Plot mc_rates_plot(const std::vector<Metric>& ms, const std::string& title) {
  svg::Plot p;
  p.title = title;
  p.y.label = "rate (95 % interval)";
  p.y.min = 0, p.y.max = 1;
  p.height = 300;
  svg::Series s = svg::series("", svg::Kind::kPoints);
  s.marker_r = 5;
  for (std::string_view name : {"leak_rate", "interception_rate"}) {
    const Metric* m = metric(ms, registry_metric(name).name);
    p.x.categories.push_back(eval::metric_label(name));
    if (!m) continue;
    s.x.push_back(static_cast<double>(p.x.categories.size() - 1));
    s.y.push_back(m->estimate), s.lo.push_back(m->lo), s.hi.push_back(m->hi);
  }
  p.series.push_back(std::move(s));
  return p;
}

// The per-area and per-zone families, in table order.
constexpr std::string_view kAreaFamilies[] = {"threatening", "engaged",   "intercepted",
                                              "leakers",     "leak_rate", "value_hit"};
constexpr std::string_view kZoneFamilies[] = {"impacts", "own_warning_mean_s", "own_warning_p5_s",
                                              "false_population_s"};

// A column of one family: its label over `family[…]` and the unit.
std::string family_head(std::string_view family) {
  const eval::MetricDef d = registry_metric(eval::member_name(family, "…"));
  return fmt::format("{}<br><small><code>{}[…]</code><br>{}</small>",
                     esc(eval::metric_label(family)), esc(family), unit_text(d.unit));
}

// One row per member, one column per family: estimate [95 % interval].
html::Table members_table(const std::vector<Metric>& ms, const std::vector<std::string>& members,
                          std::span<const std::string_view> families, std::string first_head) {
  html::Table t;
  t.head = {std::move(first_head)};
  for (std::string_view f : families) t.head.push_back(family_head(f));
  for (const std::string& member : members) {
    std::vector<std::string> row = {esc(member)};
    for (std::string_view f : families)
      row.push_back(estimate_over_ci(metric(ms, eval::member_name(f, member))));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Each area's leak rate with its interval, the pooled counts in the labels.
svg::Plot area_leak_plot(const std::vector<Metric>& ms, const std::vector<std::string>& areas) {
  svg::Plot p;
  p.title = "Leak rate per defended area";
  p.x.label = "defended area (leakers / threatening rockets over the runs)";
  p.y.label = "leak rate (95 % interval)";
  p.y.min = 0, p.y.max = 1;
  p.height = 320;
  svg::Series s = svg::series("", svg::Kind::kPoints);
  s.marker_r = 5;
  for (size_t i = 0; i < areas.size(); ++i) {
    const Metric* m = metric(ms, eval::member_name("leak_rate", areas[i]));
    p.x.categories.push_back(m && m->trials >= 0
                                 ? fmt::format("{} ({}/{})", areas[i], m->successes, m->trials)
                                 : areas[i]);
    if (!m || !std::isfinite(m->estimate)) continue;
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(m->estimate), s.lo.push_back(m->lo), s.hi.push_back(m->hi);
  }
  p.series.push_back(std::move(s));
  return p;
}

core::Result<std::string> montecarlo_html(const fs::path& dir) {
  auto agg = read_json_file(dir / "aggregate.json");
  if (!agg) return std::unexpected(agg.error());
  auto ms = read_metrics(*agg, dir / "aggregate.json");
  if (!ms) return std::unexpected(ms.error());
  const std::string name = find(*agg, {"scenario"}) ? cell_at(*agg, {"scenario"}) : "?";
  html::Page page(fmt::format("canopy Monte Carlo — {}", name));
  page.header(fmt::format("scenario <b>{}</b> &middot; base seed <b>{}</b> &middot; <b>{}</b> runs",
                          name, cell_at(*agg, {"seed"}), cell_at(*agg, {"runs"})));

  // The run's metrics in full; the per-area and per-zone ones folded.
  std::vector<const Metric*> run_scope, member_scope;
  for (const Metric& m : *ms)
    (m.scope == eval::MetricDef::Scope::kRun ? run_scope : member_scope).push_back(&m);
  page.section("metrics", "Metrics");
  page.table(metrics_table(run_scope));
  if (!member_scope.empty()) {
    html::Table t = metrics_table(member_scope);
    t.caption.clear();
    table_folded(page, t, 0,
                 fmt::format("Every per-area and per-zone metric ({}), with its method and basis",
                             member_scope.size()));
  }

  const std::vector<std::string> names = names_of(*ms);
  if (const std::vector<std::string> areas = members(names, "leak_rate"); !areas.empty()) {
    page.section("areas", "Per defended area");
    html::Table t = members_table(*ms, areas, kAreaFamilies, "defended area");
    t.caption =
        "Per defended area, estimate [95 % interval] over the runs: rockets whose undefended "
        "impact point is in the area (threatening), of them engaged and intercepted, warheads "
        "that fell in it (leakers), the leak rate = leakers / threatening (pooled over the runs, "
        "Wilson interval) and the value hit (impacts in the area × its value). Counts and value "
        "are means per run (Student-t interval). —: no estimate (e.g. no rocket threatened the "
        "area); [—]: no interval (fewer than two runs define it).";
    page.table(t);
    page.figure(svg::render(area_leak_plot(*ms, areas)),
                "Each area's leak rate with its Wilson 95 % interval over the trials pooled from "
                "every run (leakers / threatening rockets in the label).");
  }
  if (const std::vector<std::string> zones = members(names, "own_warning_mean_s"); !zones.empty()) {
    page.section("zones", "Per alert zone");
    html::Table t = members_table(*ms, zones, kZoneFamilies, "alert zone");
    t.caption =
        "Per alert zone (by id), estimate [95 % interval] of the mean per run: warhead impacts in "
        "the zone, the mean and 5th percentile of the per-rocket warning of its impacts (from "
        "each rocket's own alerts), and the people × seconds under false alert. —: no estimate "
        "(no run had an impact in the zone); [—]: no interval (fewer than two runs define it).";
    table_folded(page, t, kFoldRows, fmt::format("{} alert zones", zones.size()));
  }

  page.section("plots", "Plots");
  page.figure(svg::render(mc_rates_plot(*ms, "Leak and interception rates over the runs")),
              "Estimates with their 95 % intervals (method as in the table).");
  return page.finish("");
}

// ---- Sweeps

// The per-combination metrics of a sweep, read from each combo's aggregate.json.
struct Combo {
  std::map<std::string, std::string> values;
  std::string dir;
  std::vector<Metric> metrics;
};

std::optional<double> as_number(const std::string& s) {
  try {
    size_t pos = 0;
    const double v = std::stod(s, &pos);
    if (pos == s.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// The first swept key as the x axis: numeric when every value is a number,
// otherwise its values as categories in first-seen order.
struct SweepAxis {
  std::string key;
  bool numeric = true;
  std::vector<std::string> values;

  SweepAxis(std::string k, const std::vector<Combo>& combos) : key(std::move(k)) {
    for (const Combo& c : combos) {
      const std::string v = value(c);
      numeric &= as_number(v).has_value();
      if (std::ranges::find(values, v) == values.end()) values.push_back(v);
    }
  }
  std::string value(const Combo& c) const { return c.values.contains(key) ? c.values.at(key) : ""; }
  double x(const Combo& c) const {
    const std::string v = value(c);
    return numeric ? *as_number(v)
                   : static_cast<double>(std::ranges::find(values, v) - values.begin());
  }
};

// One point of a sweep plot: a metric of a combination, on a named line.
struct SweepPoint {
  std::string line;
  const Combo* combo = nullptr;
  std::string metric;
};

// Estimates with their intervals against the axis, one line per distinct
// SweepPoint::line (in first-seen order), each in order of x. With several
// lines, each is shifted sideways a little (all together by at most 15 % of the
// smallest gap between x values) so their intervals do not hide each other.
// Empty when no point has a metric.
std::optional<svg::Plot> sweep_plot(std::string title, std::string y_label, const SweepAxis& axis,
                                    const std::vector<SweepPoint>& points) {
  svg::Plot p;
  p.title = std::move(title);
  p.x.label = axis.key;
  p.y.label = std::move(y_label);
  if (!axis.numeric) p.x.categories = axis.values;
  std::vector<svg::Series> lines;
  bool any = false;
  for (const SweepPoint& pt : points) {
    const Metric* m = metric(pt.combo->metrics, pt.metric);
    if (!m) continue;
    any = true;
    auto it = std::ranges::find(lines, pt.line, &svg::Series::name);
    if (it == lines.end()) it = lines.insert(lines.end(), svg::series(pt.line, svg::Kind::kLine));
    it->x.push_back(axis.x(*pt.combo)), it->y.push_back(m->estimate);
    it->lo.push_back(m->lo), it->hi.push_back(m->hi);
  }
  if (!any) return std::nullopt;
  // The smallest gap between distinct x values.
  std::vector<double> xs;
  for (const svg::Series& s : lines) xs.insert(xs.end(), s.x.begin(), s.x.end());
  std::ranges::sort(xs);
  double gap = std::numeric_limits<double>::infinity();
  for (size_t i = 1; i < xs.size(); ++i)
    if (xs[i] > xs[i - 1]) gap = std::min(gap, xs[i] - xs[i - 1]);
  if (!std::isfinite(gap)) gap = 1;
  const double step =
      lines.size() > 1 ? gap * std::min(0.03, 0.15 / static_cast<double>(lines.size())) : 0;
  if (axis.numeric && step > 0) {  // the axis spans the data, not the ticks beyond the shifts
    const double spread = 0.5 * step * static_cast<double>(lines.size() - 1);
    p.x.min = xs.front() - spread - 0.02 * gap, p.x.max = xs.back() + spread + 0.02 * gap;
  }
  for (size_t j = 0; j < lines.size(); ++j) {
    svg::Series& s = lines[j];
    std::vector<size_t> order(s.x.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::ranges::sort(order, [&](size_t a, size_t b) { return s.x[a] < s.x[b]; });
    svg::Series sorted = s;
    const double shift =
        (static_cast<double>(j) - 0.5 * static_cast<double>(lines.size() - 1)) * step;
    for (size_t i = 0; i < order.size(); ++i)
      sorted.x[i] = s.x[order[i]] + shift, sorted.y[i] = s.y[order[i]],
      sorted.lo[i] = s.lo[order[i]], sorted.hi[i] = s.hi[order[i]];
    p.series.push_back(std::move(sorted));
  }
  return p;
}

// The metrics plotted against the first swept key (registry names).
constexpr std::string_view kSweepPlotMetrics[] = {
    "leak_rate",    "interception_rate", "value_hit",         "interceptors_fired",
    "warning_rate", "mean_warning_s",    "own_warning_mean_s"};

// Plots against the first key, one line per combination of the others.
void against_first_key_section(html::Page& page, const std::vector<std::string>& keys,
                               const std::vector<Combo>& combos,
                               const std::vector<std::string>& names) {
  page.section("plots", "Key metrics against " + keys[0]);
  const SweepAxis axis(keys[0], combos);
  auto others = [&](const Combo& c) {
    std::string label;
    for (size_t k = 1; k < keys.size(); ++k)
      label += (label.empty() ? "" : ", ") + keys[k] + " = " +
               (c.values.contains(keys[k]) ? c.values.at(keys[k]) : "?");
    return label;
  };
  const std::string per_other = keys.size() > 1
                                    ? "; one line per combination of the other swept keys, the "
                                      "lines shifted sideways a little so the intervals do not "
                                      "hide each other"
                                    : "";
  for (std::string_view name : kSweepPlotMetrics) {
    const eval::MetricDef def = registry_metric(name);
    std::vector<SweepPoint> points;
    for (const Combo& c : combos) points.push_back({others(c), &c, def.name});
    auto p = sweep_plot(fmt::format("{} against {}", eval::metric_label(name), keys[0]),
                        label_with_unit(name) + " [95 % interval]", axis, points);
    if (!p) continue;
    const Metric* any = nullptr;
    for (const Combo& c : combos)
      if (!any) any = metric(c.metrics, name);
    page.figure(
        svg::render(*p),
        fmt::format("Estimate of <code>{}</code> ({}) per combination with its 95 % "
                    "interval ({}){}.",
                    esc(name), esc(def.meaning), any ? esc(any->method) : "see table", per_other));
  }
  // Each defended area's leak rate: one plot, one line per area; with more
  // keys, one plot per area.
  const std::vector<std::string> areas = members(names, "leak_rate");
  if (!areas.empty() && keys.size() == 1) {
    std::vector<SweepPoint> points;
    std::string codes;
    for (const std::string& area : areas) {
      const std::string member = eval::member_name("leak_rate", area);
      codes += (codes.empty() ? "" : ", ") + fmt::format("<code>{}</code>", esc(member));
      for (const Combo& c : combos) points.push_back({area, &c, member});
    }
    if (auto p = sweep_plot(fmt::format("{} per defended area against {}",
                                        eval::metric_label("leak_rate"), keys[0]),
                            label_with_unit("leak_rate") + " [95 % interval]", axis, points))
      page.figure(svg::render(*p),
                  fmt::format("Each defended area's leak rate (leakers / threatening rockets of "
                              "the area, pooled over the runs) with its Wilson 95 % interval, one "
                              "line per area; the lines are shifted sideways a little so the "
                              "intervals do not hide each other. Metrics: {}.",
                              codes));
  } else {
    for (const std::string& area : areas) {
      const std::string member = eval::member_name("leak_rate", area);
      std::vector<SweepPoint> points;
      for (const Combo& c : combos) points.push_back({others(c), &c, member});
      if (auto p = sweep_plot(fmt::format("{} against {}", eval::metric_label(member), keys[0]),
                              label_with_unit(member) + " [95 % interval]", axis, points))
        page.figure(svg::render(*p),
                    fmt::format("Estimate of <code>{}</code> (leakers / threatening rockets of "
                                "{}, pooled over the runs) per combination with its Wilson 95 % "
                                "interval{}.",
                                esc(member), esc(area), per_other));
    }
  }
}

void table_section(html::Page& page, const std::vector<std::string>& keys,
                   const std::vector<Combo>& combos, const std::vector<std::string>& names,
                   const std::map<std::string, std::string>& units) {
  page.section("table", "Sweep table");
  html::Table t;
  t.first_column_label = true;
  t.head.push_back("combination");
  for (const auto& k : keys) t.head.push_back(fmt::format("<code>{}</code>", esc(k)));
  for (const auto& n : names) t.head.push_back(metric_cell(n, units.at(n)));
  for (const Combo& c : combos) {
    std::vector<std::string> row = {fmt::format("<code>{}</code>", esc(c.dir))};
    for (const auto& k : keys) row.push_back(esc(c.values.contains(k) ? c.values.at(k) : ""));
    for (const auto& n : names) row.push_back(estimate_cell(metric(c.metrics, n)));
    t.rows.push_back(std::move(row));
  }
  t.caption =
      "Estimate [95 % interval] of each metric of any combination (— where a combination lacks "
      "it, e.g. an area only some combinations have); the interval method per metric is as in "
      "each combination's aggregate.json (Wilson for proportions, Student-t for means).";
  page.table(t);
}

// One-at-a-time sweeps: a tornado per headline metric, the keys sorted by
// the swing of the metric over their values (largest first).
void sensitivity_section(html::Page& page, const std::vector<std::string>& keys,
                         const std::vector<Combo>& combos) {
  page.section("sensitivity", "Sensitivity, one key at a time");
  const Combo& base = combos.front();  // the base scenario: no key set
  for (std::string_view name : kSweepPlotMetrics) {
    const eval::MetricDef def = registry_metric(name);
    const Metric* b = metric(base.metrics, name);
    if (!b || !std::isfinite(b->estimate)) continue;
    svg::Tornado t;
    t.title = fmt::format("Sensitivity of {}", eval::metric_label(name));
    t.metric_label = label_with_unit(name) + " [95 % interval]";
    t.base = b->estimate, t.base_lo = b->lo, t.base_hi = b->hi;
    t.min = def.min;
    if (std::isfinite(def.max)) t.max = def.max;
    std::vector<std::pair<double, svg::TornadoRow>> rows;
    for (const std::string& key : keys) {
      svg::TornadoRow row{key, {}};
      double lo = kInf, hi = -kInf;
      for (const Combo& c : combos) {
        const auto v = c.values.find(key);
        const Metric* m = metric(c.metrics, name);
        if (v == c.values.end() || !m || !std::isfinite(m->estimate)) continue;
        row.ends.push_back({v->second, m->estimate, m->lo, m->hi});
        lo = std::min(lo, m->estimate), hi = std::max(hi, m->estimate);
      }
      if (!row.ends.empty()) rows.emplace_back(hi - lo, std::move(row));
    }
    std::ranges::stable_sort(rows, std::greater<>{}, &std::pair<double, svg::TornadoRow>::first);
    for (auto& r : rows) t.rows.push_back(std::move(r.second));
    page.figure(svg::render(t),
                fmt::format("<code>{}</code> ({}) when each swept key alone takes each of its "
                            "values, the others as in the base scenario: the bar spans the "
                            "estimates over the key's values, labelled with the values giving "
                            "the lowest and highest; whiskers are their 95 % intervals ({}), the "
                            "bar grey where they overlap (the swing may be noise); the "
                            "dashed line and grey band are the base and its interval. Every "
                            "variation uses the base's random numbers, so the differences are "
                            "not noise between designs. Keys sorted by swing.",
                            esc(name), esc(def.meaning), esc(b->method)));
  }
}

// Two swept keys: a heat map per headline metric, the first key across and
// the second down (numeric values in increasing order).
void heatmap_section(html::Page& page, const std::vector<std::string>& keys,
                     const std::vector<Combo>& combos) {
  auto axis_values = [&](const std::string& key) {
    const SweepAxis axis(key, combos);
    std::vector<std::string> v = axis.values;
    if (axis.numeric)
      std::ranges::stable_sort(v, {}, [](const std::string& x) { return *as_number(x); });
    return v;
  };
  const std::vector<std::string> xs = axis_values(keys[0]), ys = axis_values(keys[1]);
  page.section("heatmaps", fmt::format("Heat maps over {} and {}", keys[0], keys[1]));
  for (std::string_view name : kSweepPlotMetrics) {
    svg::Heatmap h;
    h.title = eval::metric_label(name);
    h.x_label = keys[0], h.y_label = keys[1], h.metric_label = label_with_unit(name);
    h.x_values = xs, h.y_values = ys;
    for (const Combo& c : combos) {
      const Metric* m = metric(c.metrics, name);
      const auto x = c.values.find(keys[0]), y = c.values.find(keys[1]);
      if (!m || x == c.values.end() || y == c.values.end()) continue;
      h.cells.push_back({static_cast<size_t>(std::ranges::find(xs, x->second) - xs.begin()),
                         static_cast<size_t>(std::ranges::find(ys, y->second) - ys.begin()),
                         m->estimate, m->lo, m->hi});
    }
    if (std::ranges::none_of(h.cells,
                             [](const svg::HeatCell& c) { return std::isfinite(c.estimate); }))
      continue;
    page.figure(svg::render(h),
                fmt::format("<code>{}</code> ({}) per combination: the estimate and its 95 % "
                            "interval in each cell, darker for a higher estimate.",
                            esc(name), esc(registry_metric(name).meaning)));
  }
}

core::Result<std::string> sweep_html(const fs::path& dir) {
  const fs::path file = dir / "sweep.json";
  auto sw = read_json_file(file);
  if (!sw) return std::unexpected(sw.error());
  const json* keys_j = find(*sw, {"keys"});
  const json* combos_j = find(*sw, {"combos"});
  if (!keys_j || !keys_j->is_array() || keys_j->empty() || !combos_j || !combos_j->is_array())
    return core::fail(file.string() + ": needs \"keys\" (non-empty array) and \"combos\" (array)");
  std::vector<std::string> keys;
  for (const json& k : *keys_j) {
    if (!k.is_string()) return core::fail(file.string() + ": \"keys\" must be strings");
    keys.push_back(k.get<std::string>());
  }
  std::vector<Combo> combos;
  for (size_t i = 0; i < combos_j->size(); ++i) {
    const json& c = (*combos_j)[i];
    const json* values = find(c, {"values"});
    const json* d = find(c, {"dir"});
    if (!values || !values->is_object() || !d || !d->is_string())
      return core::fail(fmt::format("{}: combos[{}] needs \"values\" (object) and \"dir\" (string)",
                                    file.string(), i));
    Combo combo;
    for (const auto& [k, v] : values->items())
      combo.values[k] = v.is_string() ? v.get<std::string>() : v.dump();
    combo.dir = d->get<std::string>();
    const fs::path agg_path = dir / combo.dir / "aggregate.json";
    auto agg = read_json_file(agg_path);
    if (!agg) return std::unexpected(agg.error());
    auto ms = read_metrics(*agg, agg_path);
    if (!ms) return std::unexpected(ms.error());
    combo.metrics = std::move(*ms);
    combos.push_back(std::move(combo));
  }
  // Every metric of any combination, in first-seen order (a swept key may
  // change the areas or zones), with its unit.
  std::vector<std::string> names;
  std::map<std::string, std::string> units;
  for (const Combo& c : combos)
    for (const Metric& m : c.metrics)
      if (units.try_emplace(m.name, m.unit).second) names.push_back(m.name);

  html::Page page("canopy sweep");
  std::string key_list;
  for (const auto& k : keys)
    key_list += (key_list.empty() ? "" : ", ") + fmt::format("<code>{}</code>", esc(k));
  page.header(fmt::format("swept {} &middot; <b>{}</b> combinations &middot; <b>{}</b> runs each",
                          key_list, combos.size(), cell_at(*sw, {"runs"})));

  const json* mode = find(*sw, {"mode"});
  if (mode && mode->is_string() && mode->get<std::string>() == "one-at-a-time") {
    sensitivity_section(page, keys, combos);
  } else {
    if (keys.size() == 2) heatmap_section(page, keys, combos);
    against_first_key_section(page, keys, combos, names);
  }
  table_section(page, keys, combos, names, units);
  return page.finish("");
}

// ---- Compare

// One design's paired difference from the first (compare.json).
struct Difference {
  size_t design = 0;
  double mean = kNaN, lo = kNaN, hi = kNaN, unpaired_lo = kNaN, unpaired_hi = kNaN;
  double width_ratio = kNaN;  // unpaired width / paired width
  std::string method;
};

struct ComparedMetric {
  std::string name, unit;
  eval::MetricKind kind = eval::MetricKind::kValue;
  eval::MetricDef::Scope scope = eval::MetricDef::Scope::kRun;
  std::vector<std::string> per_design;  // table cells
  std::vector<Difference> differences;
  const Difference* of(size_t design) const {
    for (const Difference& d : differences)
      if (d.design == design) return &d;
    return nullptr;
  }
};

// The paired differences of one design from the first, with their paired
// 95 % intervals, around a zero line; categories the metrics.
svg::Plot differences_plot(const std::vector<const ComparedMetric*>& shown, size_t design,
                           const std::vector<std::string>& designs) {
  svg::Plot p;
  p.title = fmt::format("Paired differences: {} − {}", designs[design], designs[0]);
  p.y.label = fmt::format("{} − {} (95 % paired interval)", designs[design], designs[0]);
  p.height = 360;
  svg::Series zero = svg::series("", svg::Kind::kLine, "#888");
  zero.x = {-0.5, static_cast<double>(shown.size()) - 0.5}, zero.y = {0, 0};
  svg::Series s = svg::series("", svg::Kind::kPoints, "#1f77b4");
  s.marker_r = 5;
  for (size_t i = 0; i < shown.size(); ++i) {
    const Difference* d = shown[i]->of(design);
    const bool has = d && std::isfinite(d->mean);
    p.x.categories.push_back(eval::metric_label(shown[i]->name) + (has ? "" : " (—)"));
    if (!has) continue;
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(d->mean), s.lo.push_back(d->lo), s.hi.push_back(d->hi);
  }
  p.series = {zero, s};
  return p;
}

core::Result<std::string> compare_html(const fs::path& dir) {
  const fs::path file = dir / "compare.json";
  auto cj = read_json_file(file);
  if (!cj) return std::unexpected(cj.error());
  const json* designs = find(*cj, {"designs"});
  const json* metrics = find(*cj, {"metrics"});
  if (!designs || !designs->is_array() || designs->empty() || !metrics || !metrics->is_array())
    return core::fail(file.string() +
                      ": needs \"designs\" (non-empty array) and \"metrics\" (array)");
  std::vector<std::string> names;
  for (size_t i = 0; i < designs->size(); ++i) {
    const json* n = find((*designs)[i], {"name"});
    if (!n || !n->is_string())
      return core::fail(fmt::format("{}: designs[{}] needs a \"name\"", file.string(), i));
    names.push_back(n->get<std::string>());
  }
  std::string list;
  for (const auto& n : names)
    list += (list.empty() ? "" : " vs ") + fmt::format("<b>{}</b>", esc(n));

  // Every metric, checked against the registry.
  std::vector<ComparedMetric> compared;
  for (size_t i = 0; i < metrics->size(); ++i) {
    const json& m = (*metrics)[i];
    const json* name = find(m, {"name"});
    if (!name || !name->is_string())
      return core::fail(fmt::format("{}: metrics[{}] needs a \"name\"", file.string(), i));
    ComparedMetric c;
    c.name = name->get<std::string>();
    const std::optional<eval::MetricDef> def = eval::find_metric(c.name);
    if (!def)
      return core::fail(
          fmt::format("{}: metrics[{}]: unknown metric \"{}\" (not in canopy's metric registry, "
                      "docs/metrics.md)",
                      file.string(), i, core::printable(c.name)));
    c.kind = def->kind, c.scope = def->scope;
    c.unit = find(m, {"unit"}) && m["unit"].is_string() ? m["unit"].get<std::string>()
                                                        : std::string(def->unit);
    if (const json* pd = find(m, {"per_design"}); pd && pd->is_array())
      for (const json& d : *pd) {
        const auto [lo, hi] = interval_at(d, "ci95");
        c.per_design.push_back(estimate_ci(number(d, {"estimate"}), lo, hi));
      }
    c.per_design.resize(names.size(), "—");
    if (const json* ds = find(m, {"differences"}); ds && ds->is_array())
      for (const json& d : *ds) {
        Difference x;
        const double di = number(d, {"design"});
        if (!std::isfinite(di) || di < 1 || di >= static_cast<double>(names.size()))
          return core::fail(fmt::format("{}: metrics[{}]: a difference needs \"design\" (1 to {})",
                                        file.string(), i, names.size() - 1));
        x.design = static_cast<size_t>(di);
        x.mean = number(d, {"mean"});
        std::tie(x.lo, x.hi) = interval_at(d, "ci95");
        std::tie(x.unpaired_lo, x.unpaired_hi) = interval_at(d, "unpaired_ci95");
        x.width_ratio = number(d, {"width_ratio"});
        if (const json* me = find(d, {"method"}); me && me->is_string())
          x.method = me->get<std::string>();
        c.differences.push_back(std::move(x));
      }
    compared.push_back(std::move(c));
  }

  // The run's metrics in tables; the per-area and per-zone ones in folded
  // tables of the same columns.
  html::Table per, per_members;
  per.head = {"metric · unit"};
  for (const auto& n : names) per.head.push_back(esc(n));
  per_members.head = per.head;
  // A design column with more than two designs; a method column when the
  // methods differ (otherwise the caption names it).
  std::set<std::string> methods;
  for (const ComparedMetric& c : compared)
    for (const Difference& d : c.differences)
      if (std::isfinite(d.mean)) methods.insert(d.method);
  const bool design_column = names.size() > 2, method_column = methods.size() > 1;
  html::Table diff, diff_members;
  diff.head = {"metric"};
  if (design_column) diff.head.push_back("design");
  diff.head.push_back(names.size() == 2 ? "mean difference<br>" +
                                              esc(fmt::format("({} − {})", names[1], names[0]))
                                        : "mean difference<br>(B − A)");
  diff.head.insert(diff.head.end(), {"paired<br>95 % interval", "unpaired<br>95 % interval",
                                     "width ratio<br>(unpaired / paired)"});
  if (method_column) diff.head.push_back("method");
  diff_members.head = diff.head;
  svg::Plot widths;
  widths.title = "Interval width: paired against unpaired";
  widths.y.label = "95 % interval width / unpaired width";
  svg::Series paired = svg::series("paired", svg::Kind::kBars, "#1f77b4");
  svg::Series unpaired = svg::series("unpaired", svg::Kind::kBars, "#bbbbbb");
  for (const ComparedMetric& c : compared) {
    const bool of_run = c.scope == eval::MetricDef::Scope::kRun;
    std::vector<std::string> row = {metric_cell(c.name, c.unit)};
    row.insert(row.end(), c.per_design.begin(), c.per_design.end());
    (of_run ? per : per_members).rows.push_back(std::move(row));
    for (const Difference& d : c.differences) {
      const std::string dname = names[d.design] + " − " + names[0];
      std::vector<std::string> drow = {metric_cell(c.name)};
      if (design_column) drow.push_back(esc(dname));
      drow.insert(drow.end(), {num(d.mean), interval_text(d.lo, d.hi),
                               interval_text(d.unpaired_lo, d.unpaired_hi), num(d.width_ratio)});
      if (method_column) drow.push_back(std::isfinite(d.mean) ? esc(d.method) : "—");
      (of_run ? diff : diff_members).rows.push_back(std::move(drow));
      // Widths relative to the unpaired one, so metrics of any scale share
      // the plot; the headline metrics only.
      if (std::ranges::find(eval::kHeadlineMetrics, c.name) == std::end(eval::kHeadlineMetrics))
        continue;
      const double x = static_cast<double>(widths.x.categories.size());
      const std::string label = eval::metric_label(c.name);
      widths.x.categories.push_back(names.size() > 2 ? label + " (" + names[d.design] + ")"
                                                     : label);
      const double uw = d.unpaired_hi - d.unpaired_lo;
      unpaired.x.push_back(x - 0.38), unpaired.x2.push_back(x),
          unpaired.y.push_back(uw > 0 ? 1.0 : kNaN);
      paired.x.push_back(x), paired.x2.push_back(x + 0.38),
          paired.y.push_back(uw > 0 ? (d.hi - d.lo) / uw : kNaN);
    }
  }
  widths.series = {unpaired, paired};
  per.caption =
      "Estimate [95 % interval] of each metric per design, from each design's runs; — where a "
      "design lacks the metric (e.g. an area only the other design defends) or no run defines "
      "it.";
  diff.caption =
      "Differences of each design from the first (B − A) over runs paired by seed (common random "
      "numbers): the paired interval (Student-t), the interval the same runs would give unpaired "
      "(Welch), and the width ratio = unpaired width / paired width, how many times narrower "
      "common random numbers made the interval (above 1: pairing sharpened the comparison). "
      "Both intervals are clipped to the range a difference can take. — where one of the two "
      "designs lacks the metric, and as width ratio where the paired interval has no width.";
  if (methods.size() == 1 && !methods.begin()->empty())
    diff.caption += fmt::format(" Method: {}.", esc(*methods.begin()));

  // The differences plotted: the headline proportions, then each area's
  // leak rate (proportions share one scale; the other metrics are in the table).
  std::vector<const ComparedMetric*> shown;
  auto compared_of = [&](std::string_view name) -> const ComparedMetric* {
    for (const ComparedMetric& c : compared)
      if (c.name == name) return &c;
    return nullptr;
  };
  for (std::string_view name : eval::kHeadlineMetrics)
    if (const ComparedMetric* c = compared_of(registry_metric(name).name);
        c && c->kind == eval::MetricKind::kProportion)
      shown.push_back(c);
  std::vector<std::string> all;
  for (const ComparedMetric& c : compared) all.push_back(c.name);
  for (const std::string& area : members(all, "leak_rate"))
    if (const ComparedMetric* c = compared_of(eval::member_name("leak_rate", area)))
      shown.push_back(c);

  html::Page out("canopy compare");
  out.header(fmt::format("designs {} &middot; <b>{}</b> runs each, common random numbers", list,
                         cell_at(*cj, {"runs"})));
  out.section("designs", "Per design");
  out.table(per);
  if (!per_members.rows.empty())
    table_folded(out, per_members, 0,
                 fmt::format("Per-area and per-zone metrics ({})", per_members.rows.size()));
  out.section("differences", "Paired differences");
  if (!shown.empty())
    for (size_t k = 1; k < names.size(); ++k)
      out.figure(svg::render(differences_plot(shown, k, names)),
                 fmt::format("Mean difference {} − {} over the runs paired by seed, with its "
                             "paired 95 % interval (Student-t), for the headline proportions and "
                             "each defended area's leak rate; an interval clear of the grey zero "
                             "line is a difference the runs resolve. (—): one design lacks the "
                             "metric. The other metrics, of other scales, are in the table below.",
                             esc(names[k]), esc(names[0])));
  out.table(diff);
  if (!diff_members.rows.empty())
    table_folded(out, diff_members, 0,
                 fmt::format("Differences of the per-area and per-zone metrics ({})",
                             diff_members.rows.size()));
  out.figure(svg::render(widths),
             "Width of each headline difference's 95 % interval, paired (blue) relative to "
             "unpaired (grey = 1): the shorter the blue bar, the more common random numbers "
             "narrowed the interval (the table's width ratio is grey / blue).");
  return out.finish("");
}

}  // namespace

core::Result<ReportFiles::Kind> detect_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return core::fail(fmt::format("{}: no such directory", dir.string()));
  if (is_run_directory(dir)) return ReportFiles::Kind::kRun;
  if (fs::is_regular_file(dir / "compare.json", ec)) return ReportFiles::Kind::kCompare;
  if (fs::is_regular_file(dir / "sweep.json", ec)) return ReportFiles::Kind::kSweep;
  if (fs::is_regular_file(dir / "aggregate.json", ec)) return ReportFiles::Kind::kMonteCarlo;
  if (fs::is_regular_file(dir / "summary.json", ec))
    return core::fail(fmt::format(
        "{}: has summary.json but no events.jsonl: not a complete run directory", dir.string()));
  return core::fail(
      fmt::format("{}: not a canopy output directory (no summary.json + events.jsonl, "
                  "aggregate.json, sweep.json or "
                  "compare.json)",
                  dir.string()));
}

core::Result<ReportFiles> write_report(const fs::path& dir, const ReportOptions& options) {
  auto kind = detect_directory(dir);
  if (!kind) return std::unexpected(kind.error());
  ReportFiles files;
  files.kind = *kind;
  files.html = dir / "report.html";

  // Build every output in memory first; write only when all succeeded.
  std::vector<std::pair<fs::path, std::string>> outputs;
  if (*kind == ReportFiles::Kind::kRun) {
    auto run = read_run(dir);
    if (!run) return std::unexpected(run.error());
    outputs.emplace_back(files.html, run_report_html(*run, options));
    if (!viewer_bundle_built() && options.viewer)
      files.notes.push_back("the replay viewer was not built in");
    if (options.exports) {
      if (run->scenario) {
        auto czml = build_czml(*run);
        if (!czml) return std::unexpected(czml.error());
        auto geo = build_geojson(*run);
        if (!geo) return std::unexpected(geo.error());
        outputs.emplace_back(dir / "replay.czml", czml->dump() + "\n");
        outputs.emplace_back(dir / "impacts.geojson", geo->dump() + "\n");
      } else {
        files.notes.push_back("no scenario.yaml: replay.czml and impacts.geojson not written");
      }
    }
  } else {
    auto page = *kind == ReportFiles::Kind::kMonteCarlo ? montecarlo_html(dir)
                : *kind == ReportFiles::Kind::kSweep    ? sweep_html(dir)
                                                        : compare_html(dir);
    if (!page) return std::unexpected(page.error());
    outputs.emplace_back(files.html, std::move(*page));
  }

  // Open every temporary and write; rename all into place only when every
  // one was written whole.
  std::vector<core::AtomicFile> open;
  for (const auto& [path, text] : outputs) {
    auto f = core::AtomicFile::open(path);
    if (!f) return std::unexpected(f.error());
    f->stream() << text;
    open.push_back(std::move(*f));
  }
  if (auto ok = core::commit_all(open); !ok) return std::unexpected(ok.error());
  for (core::AtomicFile& f : open) {
    if (f.target() != files.html) files.exports.push_back(f.target());
  }
  return files;
}

}  // namespace canopy::io
