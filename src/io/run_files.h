// The files of one run (docs/outputs.md): events.jsonl (one JSON object per
// line, in time order), trajectories.csv (decimated truth), tracks.csv,
// interceptors.csv, scenario.yaml and summary.json. The files are renamed
// into place together, after all were written whole (commit_all); `canopy
// run` opens them in a StagedDir, so that the directory appears at once.
//
//   auto files = io::RunFiles::open("out/run1");
//   world.set_sink(&*files);
//   world.run();
//   if (auto ok = files->commit(scoring.summary(world.stats())); !ok) ...
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "canopy/core/atomic_file.h"
#include "canopy/core/error.h"
#include "canopy/eval/run_scorer.h"
#include "canopy/io/event_json.h"
#include "canopy/sim/events.h"
#include "canopy/sim/world.h"

namespace canopy::io {

// The names a run directory may hold (docs/outputs.md): what `canopy run`
// and `canopy report` write there.
inline constexpr std::string_view kRunDirectoryFiles[] = {
    "events.jsonl",  "trajectories.csv", "tracks.csv",  "interceptors.csv", "plots.csv",
    "scenario.yaml", "summary.json",     "report.html", "replay.czml",      "impacts.geojson"};

// summary.json's run counters (the metrics' sections are added by commit).
nlohmann::ordered_json to_json(const eval::RunSummary& summary);

// The CSV header and one row of trajectories.csv.
inline constexpr const char* kTrajectoryHeader = "t,rocket,e_m,n_m,u_m,ve_mps,vn_mps,vu_mps";
std::string trajectory_row(const sim::TrajectorySample& s);

// plots.csv: the radar plots with the truth behind each (truth_id -1 for
// clutter). It is valid input for `canopy track --sensors`, which ignores
// the truth column. The range-rate column is present when asked for.
std::string plot_header(bool range_rate);
std::string plot_row(const sim::PlotRecord& record, bool range_rate);

// tracks.csv (confirmed tracks' positions) and interceptors.csv.
inline constexpr const char* kTrackHeader = "t,track,e_m,n_m,u_m";
inline constexpr const char* kInterceptorHeader = "t,interceptor,e_m,n_m,u_m";

struct RunFilesOptions {
  bool plots = false;       // also write plots.csv
  bool range_rate = false;  // with a range_rate_mps column
  // Written as scenario.yaml when not empty: the scenario the run used,
  // self-contained (scenario::self_contained_yaml).
  std::string scenario_yaml;
};

class RunFiles : public sim::EventSink {
 public:
  // Creates the directory if needed and opens the three files' temporaries.
  static core::Result<RunFiles> open(const std::filesystem::path& dir,
                                     RunFilesOptions options = {});

  void on_event(const sim::Event& event) override;
  void on_trajectory(const sim::TrajectorySample& sample) override;
  void on_plot(const sim::PlotRecord& plot) override;
  void on_picture(const sim::PictureSample& sample) override;
  void on_interceptor(const sim::InterceptorSample& sample) override;

  // Writes summary.json (with the metrics' sections, e.g. "tracking" and
  // "assessment", if given) and, when every file was written whole, renames
  // them all into place. Otherwise the error names the first file that
  // failed and the system's reason, and nothing is renamed.
  core::Result<void> commit(const eval::RunSummary& summary,
                            const nlohmann::ordered_json& metrics = nullptr);
  // True once a write has failed (a full disk): the run can stop early.
  bool failed() const { return error_.has_value(); }

 private:
  RunFiles() = default;
  void check(core::AtomicFile& file);
  std::optional<core::Error> error_;
  std::optional<core::AtomicFile> events_, trajectories_, tracks_, interceptors_, plots_;
  RunFilesOptions options_;
  std::filesystem::path dir_;
};

}  // namespace canopy::io
