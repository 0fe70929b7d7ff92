#include "montecarlo_cmd.h"

#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "canopy/core/atomic_file.h"
#include "canopy/core/random.h"
#include "canopy/core/text.h"
#include "canopy/eval/checkpoint.h"
#include "canopy/eval/montecarlo.h"
#include "canopy/eval/statistics.h"
#include "canopy/io/csv.h"
#include "canopy/scenario/source.h"
#include "exit_codes.h"
#include "messages.h"
#include "ranks.h"
#include "report_cmd.h"

namespace canopy {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted = true; }

// SIGINT and SIGTERM stop the runs at the next run boundary; completed runs
// stay in the checkpoint for --resume. (SIGKILL cannot be caught; the
// checkpoint survives it too.)
void catch_interrupts() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct Failure {
  int code = kExitRunFailed;
  std::string message;
};
template <class T>
using Outcome = std::expected<T, Failure>;

std::unexpected<Failure> failure(int code, std::string message) {
  return std::unexpected(Failure{code, std::move(message)});
}

// Runs done, rate and ETA: a redrawn bar on a terminal, a plain line every
// tenth of the runs (or 30 s) otherwise.
class Progress {
 public:
  Progress(std::string label, int total, int done, bool enabled)
      : label_(std::move(label)),
        total_(total),
        done_(done),
        start_done_(done),
        enabled_(enabled),
        tty_(::isatty(STDERR_FILENO) != 0),
        start_(std::chrono::steady_clock::now()),
        last_(start_) {}

  void tick() {
    ++done_;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since_last = std::chrono::duration<double>(now - last_).count();
    const int tenth = std::max(1, total_ / 10);
    if (tty_ ? (since_last < 0.2 && done_ < total_)
             : (done_ % tenth != 0 && done_ < total_ && since_last < 30))
      return;
    last_ = now;
    const double wall = std::chrono::duration<double>(now - start_).count();
    const double rate = wall > 0 ? (done_ - start_done_) / wall : 0;
    const double eta = rate > 0 ? (total_ - done_) / rate : 0;
    if (tty_) {
      constexpr int kWidth = 30;
      const int fill = total_ > 0 ? kWidth * done_ / total_ : kWidth;
      fmt::print(stderr, "\r  {} [{:#<{}}{:-<{}}] {}/{} runs  {:.2f} runs/s  ETA {}   ", label_, "",
                 fill, "", kWidth - fill, done_, total_, rate, clock(eta));
      drawn_ = true;
    } else {
      fmt::print(stderr, "  {}: {}/{} runs, {:.2f} runs/s, ETA {}\n", label_, done_, total_, rate,
                 clock(eta));
    }
  }

  ~Progress() {
    if (drawn_) fmt::print(stderr, "\n");
  }

 private:
  static std::string clock(double s) {
    const long t = std::lround(s);
    return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
                     : fmt::format("{}:{:02}", t / 60, t % 60);
  }
  std::string label_;
  int total_, done_, start_done_;
  bool enabled_, tty_, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// runs.csv's header for these metrics.
std::string runs_csv_header(const eval::MetricSet& metrics) {
  std::string h = "run,seed";
  for (const eval::MetricDef& m : metrics.defs()) h += "," + io::csv_field(m.name);
  return h;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Design {
  scenario::Source source;
  scenario::Scenario scenario;
  std::string stored_yaml;  // self-contained, for scenario.yaml
  eval::MetricSet metrics;  // its runs.csv columns
};

std::string fingerprint(const Design& d) {
  return fmt::format("{:016x}-{}-{:016x}", core::tag(d.stored_yaml), d.scenario.run.seed,
                     core::tag(runs_csv_header(d.metrics)));
}

Outcome<Design> load_design(scenario::Source source) {
  auto sc = scenario::load(source);
  if (!sc) {
    std::string msg;
    for (const auto& d : sc.error()) msg += d.to_string() + "\n";
    msg += fmt::format("{} error{} in {}", sc.error().size(), sc.error().size() == 1 ? "" : "s",
                       source.name);
    return failure(kExitBadInput, msg);
  }
  Design d{std::move(source), std::move(*sc), {}, {}};
  d.stored_yaml = scenario::self_contained_yaml(d.source, d.scenario);
  d.metrics = eval::metric_set(d.scenario);
  return d;
}

// The files and directories canopy's Monte Carlo commands write into an
// output directory; --force removes these and nothing else.
bool is_result_entry(const fs::path& p) {
  static const std::set<std::string, std::less<>> kFiles = {
      "runs.csv",   "aggregate.json", "timings.csv",  "scenario.yaml", "report.html",
      "sweep.json", "sweep.csv",      "compare.json", "compare.csv",   ".checkpoint"};
  const std::string name = p.filename().string();
  auto numbered = [&](std::string_view prefix) {
    return name.starts_with(prefix) && name.size() > prefix.size() &&
           std::ranges::all_of(name.substr(prefix.size()),
                               [](char c) { return c >= '0' && c <= '9'; });
  };
  return kFiles.contains(name) || numbered("combo-") || numbered("design-");
}

// A Monte Carlo a command is about to run, and where.
struct Target {
  fs::path dir;
  const Design* design;
};

// Why a directory's Monte Carlo is not the one about to run there, or "".
std::string mismatch(const Target& t, const MonteCarloCmdOptions& o) {
  std::error_code ec;
  if (const auto stored = eval::Checkpoint(t.dir).manifest()) {
    if (!o.resume) return "an unfinished Monte Carlo (--resume completes it)";
    return *stored == fingerprint(*t.design)
               ? ""
               : "an unfinished Monte Carlo of another scenario or seed (--resume needs the same)";
  }
  if (!fs::exists(t.dir / "runs.csv", ec)) return "";
  if (read_text(t.dir / "scenario.yaml") != t.design->stored_yaml)
    return "a Monte Carlo of another scenario or seed";
  const auto agg = ordered_json::parse(read_text(t.dir / "aggregate.json"), nullptr, false);
  if (!o.resume && (!agg.is_object() || agg.value("runs", -1) != o.runs))
    return "a Monte Carlo of another number of runs (--resume extends it)";
  return "";
}

// Before any run: refuses (exit 2, nothing changed) an output directory
// that holds another command's result, or a result of this command with
// other designs or settings: `manifest` (sweep.json, compare.json) must
// match `identity`'s keys, and each target's Monte Carlo its design. With
// --force (and no --resume) canopy's results there are removed instead. A
// run directory is always refused. Rank 0 decides.
Outcome<void> claim_output(const fs::path& out, std::string_view command,
                           const std::vector<Target>& targets, const std::string& manifest,
                           const ordered_json& identity, const MonteCarloCmdOptions& o) {
  const Ranks& ranks = Ranks::get();
  std::string status;
  if (ranks.rank() == 0) {
    std::error_code ec;
    std::string found;
    for (const auto& [file, what] : {std::pair{"sweep.json", "sweep"},
                                     {"compare.json", "compare"},
                                     {"runs.csv", "montecarlo"},
                                     {".checkpoint", "montecarlo"}})
      if (found.empty() && command != what && fs::exists(out / file, ec))
        found = fmt::format("a {} result", what);
    if (found.empty() && !manifest.empty() && fs::exists(out / manifest, ec)) {
      const auto stored = ordered_json::parse(read_text(out / manifest), nullptr, false);
      for (const auto& [key, value] : identity.items())
        if (found.empty() && (!stored.is_object() || !stored.contains(key) ||
                              (stored[key] != value && !(key == "runs" && o.resume))))
          found = fmt::format("a {} with other {}", command, key);
    }
    for (const Target& t : targets) {
      if (!found.empty()) break;
      found = mismatch(t, o);
      if (!found.empty() && t.dir != out) found += " in " + t.dir.filename().string();
    }
    if (fs::exists(out / "events.jsonl", ec)) {  // --force does not remove a run's files
      status =
          fmt::format("{} holds a run's output (canopy run); choose another --out", out.string());
    } else if (!found.empty() && !o.force) {
      status = fmt::format("{} holds {}; pass --force to overwrite it, or choose another --out",
                           out.string(), found);
    } else if (o.force && !o.resume) {
      for (const auto& e : fs::directory_iterator(out, ec))
        if (is_result_entry(e.path())) fs::remove_all(e.path(), ec);
    }
  }
  status = ranks.broadcast(status);
  if (!status.empty()) return failure(kExitBadInput, status);
  ranks.barrier();
  return {};
}

int default_threads() {
  const int hw = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int per_node = local != nullptr ? std::max(1, std::atoi(local)) : 1;
  return std::max(1, hw / per_node);
}

// One Monte Carlo in `dir`, spread over the ranks and threads; returns the
// rows (sorted by run) on rank 0, nothing on the others.
Outcome<std::vector<eval::RunRecord>> montecarlo_in(const fs::path& dir, const Design& design,
                                                    const MonteCarloCmdOptions& o,
                                                    const std::string& label) {
  const Ranks& ranks = Ranks::get();
  const std::uint64_t seed = design.scenario.run.seed;
  const eval::Checkpoint checkpoint(dir);

  // Rank 0 starts the checkpoint, unless resuming one (claim_output has
  // checked the directory against the design). A directory that cannot be
  // written is a failure to write (exit 1), not bad input.
  std::string status;
  if (ranks.rank() == 0) {
    if (auto ok = checkpoint.start(fingerprint(design)); !ok) status = ok.error().message;
  }
  status = ranks.broadcast(status);
  if (!status.empty()) return failure(kExitRunFailed, status);

  // Every rank reads what is done before any rank adds to it.
  std::map<int, eval::RunRecord> done = checkpoint.done(o.resume, design.metrics);
  std::erase_if(done, [&](const auto& kv) { return kv.first >= o.runs; });
  ranks.barrier();
  std::vector<int> missing, mine;
  for (int i = 0; i < o.runs; ++i)
    if (!done.contains(i)) missing.push_back(i);
  for (size_t j = 0; j < missing.size(); ++j)
    if (static_cast<int>(j % static_cast<size_t>(ranks.size())) == ranks.rank())
      mine.push_back(missing[j]);

  auto own = eval::CheckpointWriter::open(checkpoint, ranks.rank());
  if (!own) return failure(kExitRunFailed, own.error().message);
  std::string local;
  std::optional<core::Error> write_failed;
  core::Result<void> ran;
  {
    Progress progress(label, static_cast<int>(ranks.size() == 1 ? o.runs : mine.size()),
                      ranks.size() == 1 ? static_cast<int>(done.size()) : 0,
                      !o.quiet && ranks.rank() == 0);
    ran = eval::run_many(
        design.scenario, mine, o.threads > 0 ? o.threads : default_threads(),
        [&](eval::RunRecord r) {
          // Synced before the next run is reported: a kill loses at most
          // the runs in progress.
          if (auto ok = own->append(r, seed); !ok && !write_failed) write_failed = ok.error();
          local += eval::checkpoint_line(r, seed);
          progress.tick();
        },
        o.cancel != nullptr ? o.cancel : &g_interrupted);
  }
  const bool interrupted =
      ranks.any(g_interrupted.load() || (o.cancel != nullptr && o.cancel->load()));
  const bool failed = ranks.any(!ran || write_failed);
  if (interrupted)
    return failure(
        kExitInterrupted,
        fmt::format("interrupted; completed runs are kept in {}: run again with --resume",
                    checkpoint.path().string()));
  if (failed) {
    if (!ran) return failure(kExitRunFailed, ran.error().message);
    if (write_failed) return failure(kExitRunFailed, write_failed->message);
    return failure(kExitRunFailed, "another rank failed");
  }

  const std::string all = ranks.gather(local);
  if (ranks.rank() != 0) return std::vector<eval::RunRecord>{};
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);) {
    auto r = eval::parse_checkpoint_line(line, design.metrics);
    if (!r) return failure(kExitRunFailed, "internal: a rank sent a malformed row");
    done.try_emplace(r->run, std::move(*r));
  }
  if (static_cast<int>(done.size()) != o.runs)
    return failure(kExitRunFailed,
                   fmt::format("internal: {} of {} runs done", done.size(), o.runs));
  std::vector<eval::RunRecord> rows;
  for (auto& [run, r] : done) rows.push_back(std::move(r));

  std::string csv = runs_csv_header(design.metrics) + "\n", timings = "run,wall_s\n";
  for (const auto& r : rows) {
    csv += eval::runs_csv_row(r, seed) + "\n";
    timings += fmt::format("{},{:.3f}\n", r.run, r.wall_s);
  }
  ordered_json agg;
  agg["command"] = "montecarlo";
  agg["scenario"] = design.scenario.name;
  agg["source"] = design.source.name;
  agg["seed"] = seed;
  agg["runs"] = o.runs;
  agg["intervals"] = {
      {"proportion",
       "ci95: Wilson score interval over the trials pooled from every run; ci95_runs: percentile "
       "bootstrap of the pooled ratio over runs (2000 resamples), which does not assume the "
       "trials of one run independent"},
      {"mean", "ci95: Student t interval of the mean over runs (runs where it is defined)"},
      {"range",
       "estimates and intervals are clipped to the metric's range (counts >= 0, proportions in "
       "[0, 1]); fewer than two runs give no interval (null)"}};
  agg["metrics"] = eval::aggregate_metrics(rows, design.metrics, seed);
  for (const auto& [name, text] : {std::pair{"scenario.yaml", design.stored_yaml},
                                   {"runs.csv", csv},
                                   {"aggregate.json", agg.dump(2) + "\n"},
                                   {"timings.csv", timings}}) {
    if (auto ok = core::write_file_atomically(dir / name, text); !ok)
      return failure(kExitRunFailed, ok.error().message);
  }
  checkpoint.remove();
  return rows;
}

ordered_json find_metric(const ordered_json& metrics, std::string_view name) {
  for (const auto& m : metrics)
    if (m["name"] == name) return m;
  return nullptr;
}

// "estimate  [lo, hi]"; "—" for what the runs do not define or bound.
std::string fmt_estimate(const ordered_json& m) {
  if (m.is_null() || m["estimate"].is_null()) return "—";
  const double e = m["estimate"].get<double>();
  if (m["ci95"].is_null()) return fmt::format("{:.4g}  [—]", e);
  return fmt::format("{:.4g}  [{:.4g}, {:.4g}]", e, m["ci95"][0].get<double>(),
                     m["ci95"][1].get<double>());
}

// The headline metrics, then each defended area's leak rate.
void print_aggregate(const ordered_json& metrics, const eval::MetricSet& set) {
  for (std::string_view name : eval::kHeadlineMetrics)
    fmt::print("  {:<34} {}\n", name, fmt_estimate(find_metric(metrics, name)));
  for (const std::string& area : set.areas()) {
    const std::string name = eval::member_name("leak_rate", area);
    fmt::print("  {:<34} {}\n", core::printable(name), fmt_estimate(find_metric(metrics, name)));
  }
}

int report_failure(const Failure& f, const char* command) {
  if (Ranks::get().rank() == 0 || f.code != kExitRunFailed || f.message != "another rank failed")
    print_error(fmt::format("canopy {}: {}", command, f.message));
  return f.code;
}

}  // namespace

int cmd_montecarlo(const std::string& scenario_path, const MonteCarloCmdOptions& o) {
  auto src = scenario::read_source(scenario_path);
  if (!src) return report_failure({kExitBadInput, src.error().message}, "montecarlo");
  return montecarlo_source(std::move(*src), o);
}

int montecarlo_source(scenario::Source source, const MonteCarloCmdOptions& o) {
  if (o.catch_signals) catch_interrupts();
  auto design = load_design(std::move(source));
  if (!design) return report_failure(design.error(), "montecarlo");
  if (auto ok = claim_output(o.out_dir, "montecarlo", {{o.out_dir, &*design}}, "", {}, o); !ok)
    return report_failure(ok.error(), "montecarlo");
  const auto start = std::chrono::steady_clock::now();
  auto rows = montecarlo_in(o.out_dir, *design, o, "montecarlo");
  if (!rows) return report_failure(rows.error(), "montecarlo");
  if (Ranks::get().rank() != 0) return kExitOk;
  if (!o.quiet) {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("canopy montecarlo: scenario '{}', seed {}, {} runs ({:.1f} s wall)\n",
               core::printable(design->scenario.name), design->scenario.run.seed, o.runs, wall);
    fmt::print("  {:<34} {}\n", "metric", "estimate  [95 % interval]");
    print_aggregate(eval::aggregate_metrics(*rows, design->metrics, design->scenario.run.seed),
                    design->metrics);
    fmt::print("\n  wrote {0}/runs.csv, {0}/aggregate.json, {0}/timings.csv\n", o.out_dir);
  }
  return o.report ? cmd_report({.dir = o.out_dir, .quiet = o.quiet}) : kExitOk;
}

namespace {

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

// The metric names of the designs, each once, in first-seen order.
std::vector<std::string> metric_names(const std::vector<Design>& designs) {
  std::vector<std::string> names;
  std::set<std::string, std::less<>> seen;
  for (const Design& d : designs)
    for (const eval::MetricDef& m : d.metrics.defs())
      if (seen.insert(m.name).second) names.push_back(m.name);
  return names;
}

std::string csv_number(const ordered_json& j) {
  return j.is_number() ? fmt::format("{}", j.get<double>()) : "";
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
  const scenario::Source* base = &base_source;
  std::vector<SweepKey> keys;
  for (const auto& s : sets) {
    auto k = parse_set(s);
    if (!k) return report_failure(k.error(), "sweep");
    keys.push_back(std::move(*k));
  }
  // Every combination, the first key varying slowest, or (one at a time)
  // the base and then each key's values alone; an empty value keeps the
  // base's. Each is loaded before any runs, so a bad value stops the sweep
  // at once.
  std::vector<std::vector<std::string>> values;
  if (o.one_at_a_time) {
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
  const size_t combos = values.size();
  std::vector<Design> designs;
  for (const auto& chosen : values) {
    scenario::Source src = *base;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (chosen[k].empty()) continue;
      auto next = scenario::with_override(src, keys[k].key, chosen[k]);
      if (!next) return report_failure({kExitBadInput, next.error().message}, "sweep");
      src = std::move(*next);
      src.name = fmt::format("{} with {}={}", base->name, keys[k].key, chosen[k]);
    }
    auto d = load_design(std::move(src));
    if (!d) return report_failure(d.error(), "sweep");
    designs.push_back(std::move(*d));
  }

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
  const ordered_json sweep = {{"command", "sweep"},
                              {"mode", o.one_at_a_time ? "one-at-a-time" : "every-combination"},
                              {"scenario", designs[0].scenario.name},
                              {"source", base->name},
                              {"seed", designs[0].scenario.run.seed},
                              {"keys", key_names},
                              {"runs", o.runs},
                              {"combos", combos_json}};
  if (auto ok = claim_output(o.out_dir, "sweep", targets, "sweep.json", sweep, o); !ok)
    return report_failure(ok.error(), "sweep");
  std::vector<ordered_json> aggregates;
  for (size_t c = 0; c < combos; ++c) {
    auto rows = montecarlo_in(targets[c].dir, designs[c], o,
                              fmt::format("combination {}/{}", c + 1, combos));
    if (!rows) return report_failure(rows.error(), "sweep");
    if (root)
      aggregates.push_back(
          eval::aggregate_metrics(*rows, designs[c].metrics, designs[c].scenario.run.seed));
  }
  if (!root) return kExitOk;

  // Every metric of any combination (a swept key may change the areas).
  const std::vector<std::string> names = metric_names(designs);
  std::string csv = "combo";
  for (const auto& k : keys) csv += "," + io::csv_field(k.key);
  for (const auto& n : names)
    csv += fmt::format(",{},{},{}", io::csv_field(n), io::csv_field(n + "_lo"),
                       io::csv_field(n + "_hi"));
  csv += "\n";
  for (size_t c = 0; c < combos; ++c) {
    csv += std::to_string(c);
    for (const auto& v : values[c]) csv += "," + io::csv_field(v);
    for (const auto& n : names) {
      const ordered_json m = find_metric(aggregates[c], n);
      const bool ci = !m.is_null() && m["ci95"].is_array();
      csv += "," + (m.is_null() ? "" : csv_number(m["estimate"]));
      csv += "," + (ci ? csv_number(m["ci95"][0]) : "");
      csv += "," + (ci ? csv_number(m["ci95"][1]) : "");
    }
    csv += "\n";
  }
  for (const auto& [name, text] :
       {std::pair{"sweep.json", sweep.dump(2) + "\n"}, {"sweep.csv", csv}}) {
    if (auto ok = core::write_file_atomically(fs::path(o.out_dir) / name, text); !ok)
      return report_failure({kExitRunFailed, ok.error().message}, "sweep");
  }
  if (!o.quiet) {
    if (o.one_at_a_time)
      fmt::print("canopy sweep, one key at a time: the base and {} variation{} x {} runs\n",
                 combos - 1, combos == 2 ? "" : "s", o.runs);
    else
      fmt::print("canopy sweep: {} combination{} x {} runs\n", combos, combos == 1 ? "" : "s",
                 o.runs);
    // The leading columns: one per key (every combination), or one naming
    // the variation ("base", "KEY = VALUE") one key at a time; each as wide
    // as its head or its widest cell.
    std::vector<std::string> lead_head;
    std::vector<std::vector<std::string>> lead(combos);
    if (o.one_at_a_time) {
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
    auto lead_cells = [&](const std::vector<std::string>& cells) {
      std::string row;
      for (size_t i = 0; i < cells.size(); ++i)
        row += fmt::format("{:<{}}  ", core::printable(cells[i]), width[i]);
      return row;
    };
    auto table = [&](const std::vector<std::string>& columns) {
      std::string head = lead_cells(lead_head);
      for (const auto& name : columns) head += fmt::format("{:<30} ", core::printable(name));
      auto print_row = [](std::string row) {
        row.erase(row.find_last_not_of(' ') + 1);
        fmt::print("  {}\n", row);
      };
      print_row(head);
      for (size_t c = 0; c < combos; ++c) {
        std::string row = lead_cells(lead[c]);
        for (const auto& name : columns)
          row += fmt::format("{:<30} ", fmt_estimate(find_metric(aggregates[c], name)));
        print_row(row);
      }
    };
    table({"leak_rate", "interception_rate", "interceptors_fired"});
    // Each area's leak rate: the per-town answer.
    std::vector<std::string> area_columns;
    for (const auto& n : names)
      if (eval::member_of(n, "leak_rate")) area_columns.push_back(n);
    if (!area_columns.empty()) {
      fmt::print("\n  leak rate by defended area  [95 % interval]\n");
      for (size_t first = 0; first < area_columns.size(); first += 3)
        table({area_columns.begin() + static_cast<long>(first),
               area_columns.begin() + static_cast<long>(std::min(first + 3, area_columns.size()))});
    }
    if (o.one_at_a_time) {
      // Which keys the answer depends on most: the swing of each headline
      // metric over a key's values, largest first.
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
                                   core::printable(keys[k].key), key_width, hi - lo, lo, lo_v, hi,
                                   hi_v, noise ? "  (within noise)" : ""));
        }
        std::ranges::stable_sort(lines, std::greater<>{}, &std::pair<double, std::string>::first);
        for (const auto& l : lines) fmt::print("{}\n", l.second);
      }
    }
    fmt::print("\n  wrote {0}/sweep.csv, {0}/sweep.json and a Monte Carlo per combination\n",
               o.out_dir);
  }
  return o.report ? cmd_report({.dir = o.out_dir, .quiet = o.quiet}) : kExitOk;
}

int cmd_compare(const std::vector<std::string>& paths, const MonteCarloCmdOptions& o) {
  std::vector<scenario::Source> sources;
  for (const auto& p : paths) {
    auto src = scenario::read_source(p);
    if (!src) return report_failure({kExitBadInput, src.error().message}, "compare");
    sources.push_back(std::move(*src));
  }
  return compare_sources(std::move(sources), o);
}

int compare_sources(std::vector<scenario::Source> sources, const MonteCarloCmdOptions& o) {
  if (o.catch_signals) catch_interrupts();
  const bool root = Ranks::get().rank() == 0;
  if (sources.size() < 2)
    return report_failure({kExitBadInput, "give at least two designs"}, "compare");
  std::vector<std::string> paths;
  std::vector<Design> designs;
  for (auto& src : sources) {
    paths.push_back(src.name);
    auto d = load_design(std::move(src));
    if (!d) return report_failure(d.error(), "compare");
    designs.push_back(std::move(*d));
  }
  // Common random numbers: every design runs on the first design's seed.
  const std::uint64_t seed = designs[0].scenario.run.seed;
  for (auto& d : designs) {
    if (d.scenario.run.seed != seed && root && !o.quiet)
      fmt::print(stderr,
                 "canopy compare: {} runs on seed {} (the first design's), not its own {}\n",
                 d.source.name, seed, d.scenario.run.seed);
    d.scenario.run.seed = seed;
  }
  ordered_json designs_json = ordered_json::array();
  std::vector<Target> targets;
  for (size_t k = 0; k < designs.size(); ++k) {
    const std::string dir = fmt::format("design-{}", k);
    designs_json.push_back({{"name", fs::path(paths[k]).stem().string()},
                            {"source", paths[k]},
                            {"scenario", designs[k].scenario.name},
                            {"dir", dir}});
    targets.push_back({fs::path(o.out_dir) / dir, &designs[k]});
  }
  if (auto ok = claim_output(o.out_dir, "compare", targets, "compare.json",
                             {{"seed", seed}, {"runs", o.runs}, {"designs", designs_json}}, o);
      !ok)
    return report_failure(ok.error(), "compare");
  std::vector<std::vector<eval::RunRecord>> rows;
  for (size_t k = 0; k < designs.size(); ++k) {
    auto r = montecarlo_in(targets[k].dir, designs[k], o,
                           fmt::format("design {}/{}", k + 1, designs.size()));
    if (!r) return report_failure(r.error(), "compare");
    rows.push_back(std::move(*r));
  }
  if (!root) return kExitOk;

  std::vector<ordered_json> aggregates;
  for (size_t k = 0; k < designs.size(); ++k)
    aggregates.push_back(eval::aggregate_metrics(rows[k], designs[k].metrics, seed));
  auto num = [](double x) { return std::isfinite(x) ? ordered_json(x) : ordered_json(nullptr); };
  auto bounds = [](const ordered_json& ci) {
    return ci.is_array() ? fmt::format("{},{}", csv_number(ci[0]), csv_number(ci[1]))
                         : std::string(",");
  };
  ordered_json metrics = ordered_json::array();
  std::string csv =
      "metric,design,estimate,lo,hi,difference,difference_lo,difference_hi,unpaired_lo,unpaired_hi,"
      "width_ratio\n";
  for (const std::string& name : metric_names(designs)) {
    const eval::MetricDef def = *eval::find_metric(name);
    // A difference of two values in [min, max] lies in [min - max, max - min].
    const double span = def.max - def.min;
    auto interval = [&](const eval::Estimate& e) {
      return std::isfinite(e.lo) ? ordered_json{std::max(e.lo, -span), std::min(e.hi, span)}
                                 : ordered_json(nullptr);
    };
    ordered_json per = ordered_json::array(), diffs = ordered_json::array();
    const int base_index = designs[0].metrics.index(name);
    for (size_t k = 0; k < designs.size(); ++k) {
      const int index = designs[k].metrics.index(name);
      const ordered_json a =
          index >= 0 ? aggregates[k][static_cast<size_t>(index)] : ordered_json(nullptr);
      const ordered_json estimate = a.is_null() ? ordered_json(nullptr) : a["estimate"];
      const ordered_json ci = a.is_null() ? ordered_json(nullptr) : a["ci95"];
      per.push_back({{"estimate", estimate}, {"ci95", ci}});
      std::string diff_cells = ",,,,,,";
      if (k > 0 && index >= 0 && base_index >= 0) {
        const auto base = eval::column(rows[0], base_index);
        const auto col = eval::column(rows[k], index);
        const eval::Estimate paired = eval::paired_difference(base, col);
        const eval::Estimate unpaired = eval::welch_difference(base, col);
        // How many times narrower the paired interval is than the unpaired.
        const double ratio = (paired.hi - paired.lo) > 0
                                 ? (unpaired.hi - unpaired.lo) / (paired.hi - paired.lo)
                                 : std::numeric_limits<double>::quiet_NaN();
        diffs.push_back({{"design", k},
                         {"mean", num(paired.estimate)},
                         {"ci95", interval(paired)},
                         {"pairs", paired.n},
                         {"unpaired_ci95", interval(unpaired)},
                         {"width_ratio", num(ratio)},
                         {"method", "paired student-t over runs; unpaired: Welch"}});
        const ordered_json& d = diffs.back();
        diff_cells = fmt::format(",{},{},{},{}", csv_number(d["mean"]), bounds(d["ci95"]),
                                 bounds(d["unpaired_ci95"]), csv_number(d["width_ratio"]));
      } else if (k > 0) {  // one of the two designs has no such metric
        diffs.push_back({{"design", k}, {"mean", nullptr}, {"ci95", nullptr}});
      }
      csv += fmt::format("{},{},{},{}{}\n", io::csv_field(name),
                         io::csv_field(designs_json[k]["name"].get<std::string>()),
                         csv_number(estimate), bounds(ci), diff_cells);
    }
    metrics.push_back({{"name", name},
                       {"kind", def.kind == eval::MetricKind::kProportion ? "proportion" : "mean"},
                       {"unit", def.unit},
                       {"per_design", per},
                       {"differences", diffs}});
  }
  const ordered_json compare = {
      {"command", "compare"},
      {"seed", seed},
      {"runs", o.runs},
      {"baseline", 0},
      {"note",
       "differences are design minus the first design, per run on common random numbers (the same "
       "seed and run indices), with a paired Student-t interval; unpaired_ci95 is Welch's interval "
       "from the same runs treated as independent; both are clipped to the range a difference "
       "can take; width_ratio = unpaired width / paired width (how many times narrower common "
       "random numbers made the interval)"},
      {"designs", designs_json},
      {"metrics", metrics}};
  for (const auto& [name, text] :
       {std::pair{"compare.json", compare.dump(2) + "\n"}, {"compare.csv", csv}}) {
    if (auto ok = core::write_file_atomically(fs::path(o.out_dir) / name, text); !ok)
      return report_failure({kExitRunFailed, ok.error().message}, "compare");
  }
  if (!o.quiet) {
    fmt::print("canopy compare: {} designs x {} runs on common random numbers (seed {})\n",
               designs.size(), o.runs, seed);
    for (size_t k = 1; k < designs.size(); ++k) {
      fmt::print("\n  {} minus {}, run by run\n",
                 core::printable(designs_json[k]["name"].get<std::string>()),
                 core::printable(designs_json[0]["name"].get<std::string>()));
      fmt::print("  {:<34} {:>11}  {:<30} {}\n", "metric", "difference", "[95 % paired interval]",
                 "width ratio (unpaired / paired)");
      std::vector<std::string> shown(std::begin(eval::kHeadlineMetrics),
                                     std::end(eval::kHeadlineMetrics));
      for (const std::string& area : designs[0].metrics.areas())
        shown.push_back(eval::member_name("leak_rate", area));
      for (const std::string& name : shown) {
        const ordered_json m = find_metric(metrics, name);
        const ordered_json d = m.is_null() ? ordered_json(nullptr) : m["differences"][k - 1];
        if (d.is_null() || d["mean"].is_null()) {
          fmt::print("  {:<34} {:>11}\n", core::printable(name), "—");
          continue;
        }
        fmt::print(
            "  {:<34} {:>+11.4g}  {:<30} {}\n", core::printable(name), d["mean"].get<double>(),
            d["ci95"].is_array() ? fmt::format("[{:+.4g}, {:+.4g}]", d["ci95"][0].get<double>(),
                                               d["ci95"][1].get<double>())
                                 : std::string("[—]"),
            d["width_ratio"].is_number() ? fmt::format("{:.1f}", d["width_ratio"].get<double>())
                                         : std::string("—"));
      }
    }
    fmt::print("\n  wrote {0}/compare.json, {0}/compare.csv and a Monte Carlo per design\n",
               o.out_dir);
  }
  return o.report ? cmd_report({.dir = o.out_dir, .quiet = o.quiet}) : kExitOk;
}

}  // namespace canopy
