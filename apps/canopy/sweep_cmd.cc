// canopy sweep: a Monte Carlo for every combination of --set values, or for
// each key alone around the base scenario (docs/montecarlo.md).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/core/atomic_file.h"
#include "canopy/core/text.h"
#include "canopy/eval/metrics.h"
#include "canopy/eval/montecarlo.h"
#include "canopy/io/csv.h"
#include "canopy/scenario/source.h"
#include "commands.h"
#include "exit_codes.h"
#include "montecarlo_cmd.h"
#include "montecarlo_common.h"
#include "ranks.h"
#include "report_cmd.h"

namespace canopy {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

struct SweepKey {
  std::string key;
  std::vector<std::string> values;  // YAML flow text
};

Outcome<SweepKey> parse_set(const std::string& set) {
  const size_t eq = set.find('=');
  if (eq == std::string::npos || eq == 0)
    return failure(kExitBadInput, fmt::format("--set '{}': expected KEY=[V1, V2, ...]", set));
  SweepKey k;
  k.key = set.substr(0, eq);
  k.key.erase(k.key.find_last_not_of(" \t") + 1);
  YAML::Node list;
  try {
    list = YAML::Load(set.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    return failure(kExitBadInput,
                   fmt::format("--set '{}': the values are not YAML: {}", set, e.msg));
  }
  if (!list.IsSequence() || list.size() == 0)
    return failure(
        kExitBadInput,
        fmt::format("--set '{}': the values must be a non-empty YAML list, e.g. {}=[5, 10]", set,
                    k.key));
  for (const auto& v : list) {
    YAML::Emitter out;
    out << YAML::Flow << v;
    k.values.emplace_back(out.c_str());
  }
  return k;
}

// Every combination, the first key varying slowest, or (one at a time)
// the base and then each key's values alone; an empty value keeps the
// base's.
std::vector<std::vector<std::string>> combo_values(const std::vector<SweepKey>& keys,
                                                   bool one_at_a_time) {
  std::vector<std::vector<std::string>> values;
  if (one_at_a_time) {
    values.emplace_back(keys.size());
    for (size_t k = 0; k < keys.size(); ++k)
      for (const auto& v : keys[k].values) {
        values.emplace_back(keys.size());
        values.back()[k] = v;
      }
  } else {
    size_t n = 1;
    for (const auto& k : keys) n *= k.values.size();
    for (size_t c = 0; c < n; ++c) {
      std::vector<std::string> chosen;
      size_t rest = c;
      for (size_t k = keys.size(); k-- > 0;) {
        chosen.insert(chosen.begin(), keys[k].values[rest % keys[k].values.size()]);
        rest /= keys[k].values.size();
      }
      values.push_back(std::move(chosen));
    }
  }
  return values;
}

// Each combination's scenario, loaded before any runs, so that a bad value
// stops the sweep at once.
Outcome<std::vector<Design>> load_combos(const scenario::Source& base,
                                         const std::vector<SweepKey>& keys,
                                         const std::vector<std::vector<std::string>>& values) {
  std::vector<Design> designs;
  for (const auto& chosen : values) {
    scenario::Source src = base;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (chosen[k].empty()) continue;
      auto next = scenario::with_override(src, keys[k].key, chosen[k]);
      if (!next) return failure(kExitBadInput, next.error().message);
      src = std::move(*next);
      src.name = fmt::format("{} with {}={}", base.name, keys[k].key, chosen[k]);
    }
    auto d = load_design(std::move(src));
    if (!d) return std::unexpected(d.error());
    designs.push_back(std::move(*d));
  }
  return designs;
}

// Where each combination's Monte Carlo goes (combo-NNN), and the sweep's
// identity: sweep.json.
struct SweepPlan {
  std::vector<Target> targets;
  ordered_json manifest;
};

SweepPlan plan_sweep(const scenario::Source& base, const std::vector<SweepKey>& keys,
                     const std::vector<std::vector<std::string>>& values,
                     const std::vector<Design>& designs, const MonteCarloCmdOptions& o) {
  const size_t combos = values.size();
  ordered_json combos_json = ordered_json::array(), key_names = ordered_json::array();
  std::vector<Target> targets;
  for (const auto& k : keys) key_names.push_back(k.key);
  for (size_t c = 0; c < combos; ++c) {
    const std::string dir = fmt::format("combo-{:03}", c);
    ordered_json v = ordered_json::object();
    for (size_t k = 0; k < keys.size(); ++k)
      if (!values[c][k].empty()) v[keys[k].key] = values[c][k];
    combos_json.push_back({{"index", c}, {"values", v}, {"dir", dir}});
    targets.push_back({fs::path(o.out_dir) / dir, &designs[c]});
  }
  ordered_json sweep = {{"command", "sweep"},
                        {"mode", o.one_at_a_time ? "one-at-a-time" : "every-combination"},
                        {"scenario", designs[0].scenario.name},
                        {"source", base.name},
                        {"seed", designs[0].scenario.run.seed},
                        {"keys", key_names},
                        {"runs", o.runs},
                        {"combos", combos_json}};
  return {std::move(targets), std::move(sweep)};
}

// A Monte Carlo per combination; their aggregates on rank 0 (none on the
// others).
Outcome<std::vector<ordered_json>> run_combos(const std::vector<Target>& targets,
                                              const MonteCarloCmdOptions& o) {
  const bool root = Ranks::get().rank() == 0;
  const size_t combos = targets.size();
  std::vector<ordered_json> aggregates;
  for (size_t c = 0; c < combos; ++c) {
    const Design& design = *targets[c].design;
    auto rows =
        montecarlo_in(targets[c].dir, design, o, fmt::format("combination {}/{}", c + 1, combos));
    if (!rows) return std::unexpected(rows.error());
    if (root)
      aggregates.push_back(
          eval::aggregate_metrics(*rows, design.metrics, design.scenario.run.seed));
  }
  return aggregates;
}

// sweep.csv: a row per combination, its values, then each metric's
// estimate and 95 % interval.
std::string sweep_csv(const std::vector<SweepKey>& keys,
                      const std::vector<std::vector<std::string>>& values,
                      const std::vector<std::string>& names,
                      const std::vector<ordered_json>& aggregates) {
  // Cells are appended with fmt (not "," + cell: GCC 12 warns wrongly,
  // -Wrestrict, on that).
  std::string csv = "combo";
  for (const auto& k : keys) csv += fmt::format(",{}", io::csv_field(k.key));
  for (const auto& n : names)
    csv += fmt::format(",{},{},{}", io::csv_field(n), io::csv_field(n + "_lo"),
                       io::csv_field(n + "_hi"));
  csv += "\n";
  for (size_t c = 0; c < values.size(); ++c) {
    csv += std::to_string(c);
    for (const auto& v : values[c]) csv += fmt::format(",{}", io::csv_field(v));
    for (const auto& n : names) {
      const ordered_json m = find_metric(aggregates[c], n);
      const bool ci = !m.is_null() && m["ci95"].is_array();
      csv += fmt::format(",{},{},{}", m.is_null() ? "" : csv_number(m["estimate"]),
                         ci ? csv_number(m["ci95"][0]) : "", ci ? csv_number(m["ci95"][1]) : "");
    }
    csv += "\n";
  }
  return csv;
}

// The leading columns of the printed tables: one per key (every
// combination), or one naming the variation ("base", "KEY = VALUE") one key
// at a time; each as wide as its head or its widest cell.
struct LeadColumns {
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;  // one per combination
  std::vector<size_t> width;
};

LeadColumns lead_columns(const std::vector<SweepKey>& keys,
                         const std::vector<std::vector<std::string>>& values, bool one_at_a_time) {
  const size_t combos = values.size();
  std::vector<std::string> lead_head;
  std::vector<std::vector<std::string>> lead(combos);
  if (one_at_a_time) {
    lead_head = {"variation"};
    for (size_t c = 0; c < combos; ++c) {
      std::string cell = "base";
      for (size_t i = 0; i < keys.size(); ++i)
        if (!values[c][i].empty()) cell = keys[i].key + " = " + values[c][i];
      lead[c] = {cell};
    }
  } else {
    for (const auto& k : keys) lead_head.push_back(k.key);
    lead = values;
  }
  std::vector<size_t> width(lead_head.size());
  for (size_t i = 0; i < lead_head.size(); ++i) {
    width[i] = lead_head[i].size();
    for (const auto& row : lead) width[i] = std::max(width[i], row[i].size());
  }
  return {std::move(lead_head), std::move(lead), std::move(width)};
}

std::string lead_cells(const LeadColumns& lead, const std::vector<std::string>& cells) {
  std::string row;
  for (size_t i = 0; i < cells.size(); ++i)
    row += fmt::format("{:<{}}  ", core::printable(cells[i]), lead.width[i]);
  return row;
}

// A table: the leading columns, then `columns`' estimates, a row per
// combination.
void print_table(const LeadColumns& lead, const std::vector<ordered_json>& aggregates,
                 const std::vector<std::string>& columns) {
  std::string head = lead_cells(lead, lead.head);
  for (const auto& name : columns) head += fmt::format("{:<30} ", core::printable(name));
  auto print_row = [](std::string row) {
    row.erase(row.find_last_not_of(' ') + 1);
    fmt::print("  {}\n", row);
  };
  print_row(head);
  for (size_t c = 0; c < lead.rows.size(); ++c) {
    std::string row = lead_cells(lead, lead.rows[c]);
    for (const auto& name : columns)
      row += fmt::format("{:<30} ", fmt_estimate(find_metric(aggregates[c], name)));
    print_row(row);
  }
}

// Which keys the answer depends on most: the swing of each headline
// metric over a key's values, largest first.
void print_sensitivity(const std::vector<SweepKey>& keys,
                       const std::vector<std::vector<std::string>>& values,
                       const std::vector<ordered_json>& aggregates) {
  const size_t combos = values.size();
  fmt::print(
      "\n  sensitivity (swing = highest - lowest estimate over the key's values; "
      "\"within noise\": the two ends' 95 % intervals overlap)\n");
  size_t key_width = 0;
  for (const auto& k : keys) key_width = std::max(key_width, k.key.size());
  for (std::string_view metric : {"leak_rate", "interception_rate", "mean_warning_s"}) {
    const ordered_json base_m = find_metric(aggregates[0], metric);
    fmt::print("  {}: base {}\n", metric, fmt_estimate(base_m));
    std::vector<std::pair<double, std::string>> lines;
    for (size_t k = 0; k < keys.size(); ++k) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      std::string lo_v, hi_v;
      ordered_json lo_m, hi_m;
      for (size_t c = 1; c < combos; ++c) {
        const ordered_json m = find_metric(aggregates[c], metric);
        if (values[c][k].empty() || m.is_null() || !m["estimate"].is_number()) continue;
        const double e = m["estimate"].get<double>();
        if (e < lo) lo = e, lo_v = values[c][k], lo_m = m;
        if (e > hi) hi = e, hi_v = values[c][k], hi_m = m;
      }
      if (lo_v.empty()) continue;
      // Both ends' intervals known and overlapping: the swing may be noise.
      const bool noise = lo_m["ci95"].is_array() && hi_m["ci95"].is_array() &&
                         lo_m["ci95"][1].is_number() && hi_m["ci95"][0].is_number() &&
                         lo_m["ci95"][1].get<double>() >= hi_m["ci95"][0].get<double>();
      lines.emplace_back(
          hi - lo, fmt::format("    {:<{}}  swing {:<10.4g} {:.4g} at {} … {:.4g} at {}{}",
                               core::printable(keys[k].key), key_width, hi - lo, lo, lo_v, hi, hi_v,
                               noise ? "  (within noise)" : ""));
    }
    std::ranges::stable_sort(lines, std::greater<>{}, &std::pair<double, std::string>::first);
    for (const auto& l : lines) fmt::print("{}\n", l.second);
  }
}

// The summary on stdout: the headline metrics per combination, each
// area's leak rate, and (one at a time) the sensitivity to each key.
void print_sweep(const std::vector<SweepKey>& keys,
                 const std::vector<std::vector<std::string>>& values,
                 const std::vector<std::string>& names, const std::vector<ordered_json>& aggregates,
                 const MonteCarloCmdOptions& o) {
  const size_t combos = values.size();
  if (o.one_at_a_time)
    fmt::print("canopy sweep, one key at a time: the base and {} variation{} x {} runs\n",
               combos - 1, combos == 2 ? "" : "s", o.runs);
  else
    fmt::print("canopy sweep: {} combination{} x {} runs\n", combos, combos == 1 ? "" : "s",
               o.runs);
  const LeadColumns lead = lead_columns(keys, values, o.one_at_a_time);
  print_table(lead, aggregates, {"leak_rate", "interception_rate", "interceptors_fired"});
  // Each area's leak rate: the per-town answer.
  std::vector<std::string> area_columns;
  for (const auto& n : names)
    if (eval::member_of(n, "leak_rate")) area_columns.push_back(n);
  if (!area_columns.empty()) {
    fmt::print("\n  leak rate by defended area  [95 % interval]\n");
    for (size_t first = 0; first < area_columns.size(); first += 3)
      print_table(
          lead, aggregates,
          {area_columns.begin() + static_cast<long>(first),
           area_columns.begin() + static_cast<long>(std::min(first + 3, area_columns.size()))});
  }
  if (o.one_at_a_time) print_sensitivity(keys, values, aggregates);
  fmt::print("\n  wrote {0}/sweep.csv, {0}/sweep.json and a Monte Carlo per combination\n",
             o.out_dir);
}

}  // namespace

int cmd_sweep(const std::string& scenario_path, const std::vector<std::string>& sets,
              const MonteCarloCmdOptions& o) {
  auto base = scenario::read_source(scenario_path);
  if (!base) return report_failure({kExitBadInput, base.error().message}, "sweep");
  return sweep_source(*base, sets, o);
}

int sweep_source(const scenario::Source& base_source, const std::vector<std::string>& sets,
                 const MonteCarloCmdOptions& o) {
  if (o.catch_signals) catch_interrupts();
  const bool root = Ranks::get().rank() == 0;
  std::vector<SweepKey> keys;
  for (const auto& s : sets) {
    auto k = parse_set(s);
    if (!k) return report_failure(k.error(), "sweep");
    keys.push_back(std::move(*k));
  }
  const std::vector<std::vector<std::string>> values = combo_values(keys, o.one_at_a_time);
  const auto designs = load_combos(base_source, keys, values);
  if (!designs) return report_failure(designs.error(), "sweep");

  const SweepPlan plan = plan_sweep(base_source, keys, values, *designs, o);
  if (auto ok = claim_output(o.out_dir, "sweep", plan.targets, "sweep.json", plan.manifest, o); !ok)
    return report_failure(ok.error(), "sweep");
  const auto aggregates = run_combos(plan.targets, o);
  if (!aggregates) return report_failure(aggregates.error(), "sweep");
  if (!root) return kExitOk;

  // Every metric of any combination (a swept key may change the areas).
  const std::vector<std::string> names = metric_names(*designs);
  const std::string csv = sweep_csv(keys, values, names, *aggregates);
  for (const auto& [name, text] :
       {std::pair{"sweep.json", plan.manifest.dump(2) + "\n"}, {"sweep.csv", csv}}) {
    if (auto ok = core::write_file_atomically(fs::path(o.out_dir) / name, text); !ok)
      return report_failure({kExitRunFailed, ok.error().message}, "sweep");
  }
  if (!o.quiet) print_sweep(keys, values, names, *aggregates, o);
  return o.report ? cmd_report({.dir = o.out_dir, .quiet = o.quiet}) : kExitOk;
}

Command add_sweep_command(CLI::App& parent) {
  auto add_own = [](CLI::App& cmd, MonteCarloArgs& a) {
    add_scenario_positional(cmd, a);
    cmd.add_option("--set", a.sets, "KEY=[V1, V2, ...] (YAML list), e.g. raids[0].count=[10, 40]")
        ->required();
    cmd.add_flag("--one-at-a-time", a.mc.one_at_a_time,
                 "Vary each --set key alone around the base scenario (a tornado of the "
                 "headline metrics) instead of every combination");
  };
  return add_mc_command(parent, "sweep", "A Monte Carlo for every combination of --set values",
                        add_own,
                        [](const MonteCarloArgs& a) { return cmd_sweep(a.path, a.sets, a.mc); });
}

}  // namespace canopy
