#include "canopy/io/run_files.h"

#include <fmt/format.h>

#include "canopy/assess/alerts.h"
#include "canopy/io/csv.h"

namespace canopy::io {

using nlohmann::ordered_json;

ordered_json to_json(const eval::RunSummary& s) {
  ordered_json areas = ordered_json::array();
  for (const auto& a : s.areas) {
    areas.push_back(
        {{"name", a.name}, {"value", a.value}, {"impacts", a.leakers}, {"value_hit", a.value_hit}});
  }
  return {{"scenario", s.scenario},
          {"seed", s.seed},
          {"run", s.run_index},
          {"sim_time_s", s.sim_time_s},
          {"rockets_planned", s.rockets_planned},
          {"rockets_launched", s.rockets_launched},
          {"impacts", s.impacts},
          {"impacts_in_areas", s.impacts_in_areas},
          {"impacts_open_ground", s.impacts_open_ground},
          {"in_flight_at_end", s.in_flight_at_end},
          {"value_hit", s.value_hit},
          {"areas", areas},
          {"sensors",
           {{"scans", s.scans},
            {"plots", s.plots},
            {"clutter_plots", s.clutter_plots},
            {"rockets_detected", s.rockets_detected},
            {"plots_late_dropped", s.plots_late_dropped}}},
          {"tracks", {{"started", s.tracks_started}, {"confirmed", s.tracks_confirmed}}},
          {"battle_manager",
           {{"predictions", s.predictions},
            {"prediction_failures", s.prediction_failures},
            {"threat_declarations", s.threats_declared},
            {"alerts_on", s.alerts_on}}}};
}

std::string trajectory_row(const sim::TrajectorySample& s) {
  return fmt::format("{:.4f},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}\n", s.t_s, s.rocket,
                     s.p_W.x(), s.p_W.y(), s.p_W.z(), s.v_W.x(), s.v_W.y(), s.v_W.z());
}

std::string plot_row(const sim::PlotRecord& r, bool range_rate) {
  const sensors::Plot& p = r.plot;
  // An axis the sensor does not measure is an empty cell.
  std::string row = fmt::format("{:.4f},{},", p.t_s, csv_field(r.sensor));
  if (p.range_m) row += fmt::format("{:.3f}", *p.range_m);
  row += fmt::format(",{:.7f},", p.azimuth_rad);
  if (p.elevation_rad) row += fmt::format("{:.7f}", *p.elevation_rad);
  if (range_rate) row += p.range_rate_mps ? fmt::format(",{:.3f}", *p.range_rate_mps) : ",";
  row += p.snr_db ? fmt::format(",{:.2f}", *p.snr_db) : ",";
  row += fmt::format(",{},{}\n", p.id, r.rocket);
  return row;
}

core::Result<RunFiles> RunFiles::open(const std::filesystem::path& dir, RunFilesOptions options) {
  if (auto ok = core::ensure_directory(dir); !ok) return std::unexpected(ok.error());
  RunFiles files;
  auto open_file = [&](std::optional<core::AtomicFile>& file, const char* name,
                       const std::string& header) -> core::Result<void> {
    auto f = core::AtomicFile::open(dir / name);
    if (!f) return std::unexpected(f.error());
    if (!header.empty()) f->stream() << header << '\n';
    file.emplace(std::move(*f));
    return {};
  };
  for (auto ok : {open_file(files.events_, "events.jsonl", ""),
                  open_file(files.trajectories_, "trajectories.csv", kTrajectoryHeader),
                  open_file(files.tracks_, "tracks.csv", kTrackHeader),
                  open_file(files.interceptors_, "interceptors.csv", kInterceptorHeader)})
    if (!ok) return std::unexpected(ok.error());
  if (options.plots) {
    if (auto ok = open_file(files.plots_, "plots.csv", plot_header(options.range_rate)); !ok)
      return std::unexpected(ok.error());
  }
  files.options_ = std::move(options);
  files.dir_ = dir;
  return files;
}

std::string plot_header(bool range_rate) {
  return range_rate ? "time_s,sensor,range_m,azimuth_rad,elevation_rad,range_rate_mps,snr_db,"
                      "plot_id,truth_id"
                    : "time_s,sensor,range_m,azimuth_rad,elevation_rad,snr_db,plot_id,truth_id";
}

void RunFiles::on_picture(const sim::PictureSample& sample) {
  for (const auto& t : sample.tracks)
    tracks_->stream() << fmt::format("{:.4f},{},{:.3f},{:.3f},{:.3f}\n", sample.t_s, t.id,
                                     t.p_W.x(), t.p_W.y(), t.p_W.z());
  check(*tracks_);
}

void RunFiles::on_interceptor(const sim::InterceptorSample& s) {
  interceptors_->stream() << fmt::format("{:.4f},{},{:.3f},{:.3f},{:.3f}\n", s.t_s, s.interceptor,
                                         s.p_W.x(), s.p_W.y(), s.p_W.z());
  check(*interceptors_);
}

void RunFiles::on_plot(const sim::PlotRecord& plot) {
  if (!plots_) return;
  plots_->stream() << plot_row(plot, options_.range_rate);
  check(*plots_);
}

void RunFiles::on_event(const sim::Event& event) {
  // The baselines' alerts feed the metrics only; the log holds the sirens.
  if (const auto* a = std::get_if<sim::AlertEvent>(&event);
      a && a->policy != static_cast<int>(assess::kCanopyPolicy))
    return;
  events_->stream() << to_json(event).dump() << '\n';
  check(*events_);
}

void RunFiles::on_trajectory(const sim::TrajectorySample& sample) {
  trajectories_->stream() << trajectory_row(sample);
  check(*trajectories_);
}

void RunFiles::check(core::AtomicFile& file) {
  if (!error_ && !file.good()) error_ = file.finish().error();
}

core::Result<void> RunFiles::commit(const eval::RunSummary& summary,
                                    const nlohmann::ordered_json& metrics) {
  if (error_) return std::unexpected(*error_);  // the first file that failed
  std::vector<core::AtomicFile> files;
  auto add = [&](const char* name, const std::string& text) -> core::Result<void> {
    auto f = core::AtomicFile::open(dir_ / name);
    if (!f) return std::unexpected(f.error());
    f->stream() << text;
    files.push_back(std::move(*f));
    return {};
  };
  if (!options_.scenario_yaml.empty()) {
    if (auto ok = add("scenario.yaml", options_.scenario_yaml); !ok) return ok;
  }
  for (std::optional<core::AtomicFile>* f :
       {&events_, &trajectories_, &tracks_, &interceptors_, &plots_})
    if (*f) files.push_back(std::move(**f));
  ordered_json j = to_json(summary);
  if (metrics.is_object())
    for (const auto& [key, value] : metrics.items()) j[key] = value;
  // The summary goes last: its presence marks a complete run.
  if (auto ok = add("summary.json", j.dump(2) + "\n"); !ok) return ok;
  return core::commit_all(files);
}

}  // namespace canopy::io
