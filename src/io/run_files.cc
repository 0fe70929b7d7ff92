#include "canopy/io/run_files.h"

#include <fmt/format.h>

namespace canopy::io {
namespace {

using nlohmann::ordered_json;

ordered_json vec(const Eigen::Ref<const Eigen::VectorXd>& v) {
  ordered_json a = ordered_json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v[i]);
  return a;
}

ordered_json event_json(const sim::LaunchEvent& e) {
  return {{"t", e.t_s},
          {"type", "launch"},
          {"rocket", e.rocket},
          {"rocket_type", e.rocket_type},
          {"site", e.site},
          {"raid", e.raid},
          {"elevation_deg", e.elevation_deg},
          {"azimuth_deg", e.azimuth_deg},
          {"dir_enu", vec(e.dir_W)},
          {"p_enu_m", vec(e.p_W)},
          {"lat_deg", e.lat_deg},
          {"lon_deg", e.lon_deg},
          {"aim_enu_m", vec(e.aim_en_m)},
          {"cd_factor", e.cd_factor}};
}

ordered_json event_json(const sim::ImpactEvent& e) {
  return {{"t", e.t_s},
          {"type", "impact"},
          {"rocket", e.rocket},
          {"p_enu_m", vec(e.p_W)},
          {"lat_deg", e.lat_deg},
          {"lon_deg", e.lon_deg},
          {"speed_mps", e.speed_mps},
          {"area", e.area ? ordered_json(*e.area) : ordered_json(nullptr)},
          {"miss_m", e.miss_m}};
}

}  // namespace

ordered_json to_json(const sim::Event& event) {
  return std::visit([](const auto& e) { return event_json(e); }, event);
}

ordered_json to_json(const sim::RunSummary& s) {
  ordered_json areas = ordered_json::array();
  for (const auto& a : s.areas) {
    areas.push_back(
        {{"name", a.name}, {"value", a.value}, {"impacts", a.impacts}, {"value_hit", a.value_hit}});
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
          {"areas", areas}};
}

std::string trajectory_row(const sim::TrajectorySample& s) {
  return fmt::format("{:.4f},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}\n", s.t_s, s.rocket,
                     s.p_W.x(), s.p_W.y(), s.p_W.z(), s.v_W.x(), s.v_W.y(), s.v_W.z());
}

core::Result<RunFiles> RunFiles::open(const std::filesystem::path& dir) {
  if (auto ok = ensure_directory(dir); !ok) return std::unexpected(ok.error());
  auto events = AtomicFile::open(dir / "events.jsonl");
  if (!events) return std::unexpected(events.error());
  auto traj = AtomicFile::open(dir / "trajectories.csv");
  if (!traj) return std::unexpected(traj.error());
  traj->stream() << kTrajectoryHeader << '\n';
  return RunFiles(std::move(*events), std::move(*traj), dir);
}

void RunFiles::on_event(const sim::Event& event) {
  events_.stream() << to_json(event).dump() << '\n';
}

void RunFiles::on_trajectory(const sim::TrajectorySample& sample) {
  trajectories_.stream() << trajectory_row(sample);
}

core::Result<void> RunFiles::commit(const sim::RunSummary& summary) {
  auto sum = AtomicFile::open(dir_ / "summary.json");
  if (!sum) return std::unexpected(sum.error());
  sum->stream() << to_json(summary).dump(2) << '\n';
  // The summary goes last: its presence marks a complete run.
  for (AtomicFile* f : {&events_, &trajectories_, &*sum}) {
    if (auto ok = f->commit(); !ok) return ok;
  }
  return {};
}

}  // namespace canopy::io
