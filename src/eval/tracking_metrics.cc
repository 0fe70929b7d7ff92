#include "canopy/eval/tracking_metrics.h"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "canopy/core/assignment.h"
#include "canopy/eval/statistics.h"

namespace canopy::eval {

void TrackingScorer::first_detected(int rocket, double t_s) {
  first_detected_.try_emplace(rocket, t_s);
}

void TrackingScorer::confirmed(int /*track*/, int rocket, double t_s) {
  if (rocket < 0) return;
  const auto det = first_detected_.find(rocket);
  if (det == first_detected_.end()) return;
  confirm_latency_.try_emplace(rocket, t_s - det->second);
}

void TrackingScorer::add_scan(double t_s, std::span<const TruthPoint> truth,
                              std::span<const TrackPoint> tracks, std::span<const double> ages) {
  const double c = opt_.gospa_c_m;
  const int nx = static_cast<int>(truth.size()), ny = static_cast<int>(tracks.size());
  for (const TruthPoint& x : truth) first_seen_.try_emplace(x.id, t_s);
  for (const TrackPoint& y : tracks) {
    tracks_seen_.insert(y.id);
    if (y.debris) tracks_on_debris_.insert(y.id);
  }

  // Optimal assignment on min(d, c)^2; pairs at d >= c are a miss and a
  // false track.
  Eigen::MatrixXd d(nx, ny), cost(nx, ny);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) {
      d(i, j) = (truth[i].p_W - tracks[j].p_W).norm();
      cost(i, j) = std::pow(std::min(d(i, j), c), 2);
    }
  const std::vector<int> col = core::solve_assignment(cost);
  double loc = 0;
  int assigned = 0;
  std::set<int> assigned_now;
  for (int i = 0; i < nx; ++i) {
    const int j = col[i];
    if (j < 0 || !(d(i, j) < c)) continue;
    ++assigned;
    loc += d(i, j) * d(i, j);
    const TruthPoint& x = truth[i];
    const TrackPoint& y = tracks[j];
    const double e_v2 = (x.v_W - y.v_W).squaredNorm();
    pos2_ += d(i, j) * d(i, j);
    vel2_ += e_v2;
    const auto det = first_detected_.find(x.id);
    const double t0 = det != first_detected_.end() ? det->second : first_seen_[x.id];
    if (t_s - t0 >= opt_.settle_s) {
      ++settled_;
      settled_pos2_ += d(i, j) * d(i, j);
      settled_vel2_ += e_v2;
    }
    // Identity: switches and breaks.
    tracked_.insert(x.id);
    tracks_on_truth_.insert(y.id);
    const auto last = last_track_.find(x.id);
    if (last != last_track_.end() && last->second != y.id) ++switches_;
    if (last != last_track_.end() && !assigned_last_scan_[x.id]) ++breaks_;
    last_track_[x.id] = y.id;
    assigned_now.insert(x.id);
    // Consistency: NEES of [p, v].
    Eigen::Matrix<double, 6, 1> e;
    e << y.p_W - x.p_W, y.v_W - x.v_W;
    const Eigen::LDLT<Eigen::Matrix<double, 6, 6>> P(y.P_pv);
    if (P.info() == Eigen::Success && P.isPositive()) {
      const double nees = e.dot(P.solve(e));
      if (std::isfinite(nees)) {
        nees_sum_ += nees;
        ++nees_n_;
        const int bin = static_cast<int>(std::floor(ages[j] / opt_.nees_age_bin_s));
        auto& b = nees_bins_[std::max(bin, 0)];
        b.first += nees;
        ++b.second;
      }
    }
  }
  for (const TruthPoint& x : truth) assigned_last_scan_[x.id] = assigned_now.count(x.id) > 0;
  const int miss = nx - assigned, fa = ny - assigned;
  missed_ += miss;
  false_ += fa;
  assigned_ += assigned;
  gospa_.push_back(std::sqrt(loc + c * c / 2 * (miss + fa)));
}

TrackingMetrics TrackingScorer::result() const {
  TrackingMetrics m;
  m.scans = static_cast<int>(gospa_.size());
  if (!gospa_.empty()) {
    m.gospa_mean_m = mean(gospa_);
    m.gospa_median_m = percentile(gospa_, 0.5);
  }
  m.assigned_points = assigned_;
  m.missed_points = missed_;
  m.false_points = false_;
  if (assigned_ > 0) {
    m.rms_position_m = std::sqrt(pos2_ / assigned_);
    m.rms_velocity_mps = std::sqrt(vel2_ / assigned_);
  }
  m.settled_points = settled_;
  if (settled_ > 0) {
    m.settled_rms_position_m = std::sqrt(settled_pos2_ / settled_);
    m.settled_rms_velocity_mps = std::sqrt(settled_vel2_ / settled_);
  }
  m.rockets_detected = static_cast<int>(first_detected_.size());
  m.rockets_tracked = static_cast<int>(tracked_.size());
  m.track_breaks = breaks_;
  m.id_switches = switches_;
  m.confirmed_tracks = static_cast<int>(tracks_seen_.size());
  for (int id : tracks_seen_) {
    if (tracks_on_truth_.contains(id)) continue;
    tracks_on_debris_.contains(id) ? ++m.debris_tracks : ++m.false_tracks;
  }
  std::vector<double> lat;
  for (const auto& [rocket, l] : confirm_latency_) lat.push_back(l);
  if (!lat.empty()) {
    m.mean_confirm_latency_s = mean(lat);
    m.median_confirm_latency_s = percentile(lat, 0.5);
  }
  m.nees_samples = nees_n_;
  if (nees_n_ > 0) m.nees_mean = nees_sum_ / nees_n_;
  for (const auto& [bin, acc] : nees_bins_) {
    m.nees_by_age.push_back({bin * opt_.nees_age_bin_s, (bin + 1) * opt_.nees_age_bin_s,
                             acc.first / acc.second, acc.second});
  }
  return m;
}

nlohmann::ordered_json to_json(const TrackingMetrics& m) {
  nlohmann::ordered_json bins = nlohmann::ordered_json::array();
  for (const NeesBin& b : m.nees_by_age)
    bins.push_back({{"age_s", {b.age_lo_s, b.age_hi_s}}, {"mean", b.mean}, {"count", b.count}});
  return {{"samples", m.scans},
          {"gospa_mean_m", m.gospa_mean_m},
          {"gospa_median_m", m.gospa_median_m},
          {"assigned_points", m.assigned_points},
          {"missed_points", m.missed_points},
          {"false_points", m.false_points},
          {"rms_position_m", m.rms_position_m},
          {"rms_velocity_mps", m.rms_velocity_mps},
          {"settled_points", m.settled_points},
          {"settled_rms_position_m", m.settled_rms_position_m},
          {"settled_rms_velocity_mps", m.settled_rms_velocity_mps},
          {"rockets_detected", m.rockets_detected},
          {"rockets_tracked", m.rockets_tracked},
          {"track_breaks", m.track_breaks},
          {"id_switches", m.id_switches},
          {"tracks_confirmed", m.confirmed_tracks},
          {"false_tracks", m.false_tracks},
          {"debris_tracks", m.debris_tracks},
          {"mean_confirm_latency_s", m.mean_confirm_latency_s},
          {"median_confirm_latency_s", m.median_confirm_latency_s},
          {"nees_mean", m.nees_mean},
          {"nees_dim", 6},
          {"nees_samples", m.nees_samples},
          {"nees_by_age", bins}};
}

std::string summary_text(const TrackingMetrics& m) {
  std::string s;
  s += fmt::format("\n  tracking ({} samples)\n", m.scans);
  s += fmt::format("    rockets tracked    {:>6} of {} detected\n", m.rockets_tracked,
                   m.rockets_detected);
  s += fmt::format("    GOSPA              {:>8.1f} m mean, {:.1f} m median (c = 200 m, p = 2)\n",
                   m.gospa_mean_m, m.gospa_median_m);
  s += fmt::format(
      "    RMS error          {:>8.1f} m, {:.1f} m/s (settled: {:.1f} m, {:.1f} m/s)\n",
      m.rms_position_m, m.rms_velocity_mps, m.settled_rms_position_m, m.settled_rms_velocity_mps);
  s += fmt::format(
      "    identity           {:>6} switches, {} breaks, {} false and {} on debris of {} tracks\n",
      m.id_switches, m.track_breaks, m.false_tracks, m.debris_tracks, m.confirmed_tracks);
  s += fmt::format("    confirmation       {:>8.2f} s mean after first detection\n",
                   m.mean_confirm_latency_s);
  s += fmt::format("    NEES               {:>8.2f} mean (dimension 6, {} samples)\n", m.nees_mean,
                   m.nees_samples);
  return s;
}

}  // namespace canopy::eval
