#include "montecarlo_cmd.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
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
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"
#include "montecarlo_common.h"
#include "ranks.h"
#include "report_cmd.h"

namespace canopy {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted = true; }

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
  for (const eval::MetricDef& m : metrics.defs()) {
    h += ',';  // not "," + field: GCC 12 warns wrongly (-Wrestrict) on that
    h += io::csv_field(m.name);
  }
  return h;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string fingerprint(const Design& d) {
  return fmt::format("{:016x}-{}-{:016x}", core::tag(d.stored_yaml), d.scenario.run.seed,
                     core::tag(runs_csv_header(d.metrics)));
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

int default_threads() {
  const int hw = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int per_node = local != nullptr ? std::max(1, std::atoi(local)) : 1;
  return std::max(1, hw / per_node);
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

// A finished Monte Carlo's files in `dir`: scenario.yaml, runs.csv,
// aggregate.json and timings.csv.
Outcome<void> write_montecarlo(const fs::path& dir, const Design& design,
                               const std::vector<eval::RunRecord>& rows,
                               const MonteCarloCmdOptions& o) {
  const std::uint64_t seed = design.scenario.run.seed;
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
  return {};
}

}  // namespace

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

int report_failure(const Failure& f, const char* command) {
  if (Ranks::get().rank() == 0 || f.code != kExitRunFailed || f.message != "another rank failed")
    print_error(fmt::format("canopy {}: {}", command, f.message));
  return f.code;
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

  if (auto ok = write_montecarlo(dir, design, rows, o); !ok) return std::unexpected(ok.error());
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

Command add_mc_command(CLI::App& parent, const char* name, const char* description,
                       void (*add_own)(CLI::App& cmd, MonteCarloArgs& args),
                       int (*run)(const MonteCarloArgs& args)) {
  auto a = std::make_shared<MonteCarloArgs>();
  MonteCarloCmdOptions& mc = a->mc;
  CLI::App* cmd = parent.add_subcommand(name, description);
  add_own(*cmd, *a);
  cmd->add_option("--runs", mc.runs, "Runs (each on its own run index)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--threads", mc.threads, "Worker threads (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  // Shown here, applied when the command runs (to an empty --out too).
  std::string default_out = fmt::format("out/{}", name);
  cmd->add_option("--out", mc.out_dir, "Output directory")->default_str(default_out);
  auto* resume =
      cmd->add_flag("--resume", mc.resume, "Complete an interrupted set from its checkpoint");
  cmd->add_flag("--force", mc.force,
                "Overwrite a directory holding another result (otherwise refused, exit 2)")
      ->excludes(resume);
  cmd->add_flag("--quiet", mc.quiet, "Print nothing but errors");
  cmd->add_flag("--report", mc.report, "Also write report.html");
  return {cmd, [a, run, default_out = std::move(default_out)] {
            if (a->mc.out_dir.empty()) a->mc.out_dir = default_out;
            return run(*a);
          }};
}

void add_scenario_positional(CLI::App& cmd, MonteCarloArgs& args) {
  cmd.add_option("scenario", args.path, "Scenario YAML file (default: the built-in one)")
      ->check(CLI::ExistingFile);
}

Command add_montecarlo_command(CLI::App& parent) {
  return add_mc_command(parent, "montecarlo",
                        "Monte Carlo: metrics per run (runs.csv) and their 95 % intervals",
                        add_scenario_positional,
                        [](const MonteCarloArgs& a) { return cmd_montecarlo(a.path, a.mc); });
}

}  // namespace canopy
