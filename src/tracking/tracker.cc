#include "canopy/tracking/tracker.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

#include "canopy/core/check.h"
#include "canopy/physics/flight.h"

namespace canopy::tracking {
namespace {

// Two plots closer in time than this do not make a velocity (their
// difference would be mostly noise).
constexpr double kMinPairDt_s = 0.05;
// Unassociated plots wait for a partner this long, or 2.5 revisits of the
// slowest radar if longer.
constexpr double kMinCandidateAge_s = 1.0;
// Acceleration allowed for during the interval of a two-point start (boost).
constexpr double kStartAccel_mps2 = 250.0;

// Largest eigenvalue of a symmetric 3x3 block (its spread along the worst axis).
double largest_eigenvalue(const Eigen::Matrix3d& P) {
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(P, Eigen::EigenvaluesOnly);
  return es.eigenvalues().maxCoeff();
}

// Worst-axis standard deviation, in metres, of a measurement at this range.
// An axis the sensor does not measure spreads over its whole coverage.
double measurement_spread_m(const SensorInfo& s, const MeasurementModel& model, double range_m) {
  if (s.kind == Measurement::Kind::kCartesian) return s.sigma_m;
  const scenario::Sensor& spec = s.sensor->spec();
  const MeasurementModel::Coverage& c = model.coverage();
  const double sigma_r =
      model.has_range() ? spec.sigma_range_m : (c.max_range_m - c.min_range_m) / std::sqrt(12.0);
  const double sigma_el = model.has_elevation()
                              ? spec.sigma_elevation_rad
                              : (c.max_elevation_rad - c.min_elevation_rad) / std::sqrt(12.0);
  return std::max({sigma_r, range_m * spec.sigma_azimuth_rad, range_m * sigma_el});
}

}  // namespace

std::string_view to_string(EndReason reason) {
  switch (reason) {
    case EndReason::kMisses:
      return "misses";
    case EndReason::kBelowGround:
      return "below_ground";
    case EndReason::kCovariance:
      return "covariance";
    case EndReason::kDuplicate:
      return "duplicate";
    case EndReason::kRunEnd:
      return "run_end";
  }
  return "unknown";
}

SensorInfo SensorInfo::polar(const scenario::Sensor& spec, int index) {
  SensorInfo s;
  s.kind = Measurement::Kind::kPolar;
  s.sensor = sensors::make_sensor(spec, index);
  return s;
}

SensorInfo SensorInfo::cartesian(double sigma_m) {
  SensorInfo s;
  s.kind = Measurement::Kind::kCartesian;
  s.sigma_m = sigma_m;
  return s;
}

Tracker::Tracker(const scenario::TrackerConfig& config, std::vector<SensorInfo> sensors,
                 EstimatorConfig estimator)
    : config_(config),
      sensors_(std::move(sensors)),
      context_(std::make_unique<EstimatorContext>(std::move(estimator))),
      associator_(make_associator(config_)) {
  for (int dof = 1; dof <= kMaxMeasDim; ++dof)
    gate_[dof] = chi2_gate(config_.gate_probability, dof);
  gate6_ = chi2_gate(config_.gate_probability, 6);
  candidate_age_s_ = kMinCandidateAge_s;
  for (const SensorInfo& s : sensors_)
    if (s.sensor) candidate_age_s_ = std::max(candidate_age_s_, 2.5 * s.sensor->spec().revisit_s);
}

void Tracker::receive(ScanInput scan) {
  stats_.measurements += static_cast<std::int64_t>(scan.measurements.size());
  if (scan.t_s < processed_s_) {
    ++stats_.late_dropped;
    return;
  }
  pending_.push(std::move(scan));
}

void Tracker::advance_to(double now_s) {
  while (!pending_.empty() && pending_.top().t_s <= now_s - config_.reorder_window_s) {
    const ScanInput scan = pending_.top();
    pending_.pop();
    process(scan);
  }
}

void Tracker::flush() {
  while (!pending_.empty()) {
    const ScanInput scan = pending_.top();
    pending_.pop();
    process(scan);
  }
}

void Tracker::finish(double t_s) {
  flush();
  for (const Track& tr : tracks_)
    events_.push_back({TrackEvent::Kind::kEnd, t_s, tr.id, EndReason::kRunEnd});
  tracks_.clear();
  candidates_.clear();
}

std::vector<TrackEvent> Tracker::take_events() { return std::exchange(events_, {}); }

std::vector<Association> Tracker::take_associations() { return std::exchange(associations_, {}); }

TrackSnapshot Tracker::snapshot(const Track& tr, double t_s) const {
  Estimator est = tr.est;
  if (t_s > est.t_s()) est.predict(t_s);
  TrackSnapshot s;
  s.id = tr.id;
  s.status = tr.status;
  s.t_s = est.t_s();
  s.t_start_s = tr.t_start_s;
  s.t_last_update_s = tr.t_last_update_s;
  s.p_W = est.p_W();
  s.v_W = est.v_W();
  s.P_pv = est.P_pv();
  s.kd_m2pkg = est.kd_m2pkg();
  s.hits = tr.hits;
  s.ballistic = est.ballistic();
  return s;
}

std::vector<TrackSnapshot> Tracker::picture(double t_s, bool include_tentative) const {
  std::vector<TrackSnapshot> out;
  out.reserve(tracks_.size());
  for (const Track& tr : tracks_)
    if (tr.status == TrackStatus::kConfirmed || include_tentative) out.push_back(snapshot(tr, t_s));
  return out;
}

std::vector<TrackSnapshot> Tracker::picture(double t_s, std::span<const int> ids) const {
  std::vector<TrackSnapshot> out;
  out.reserve(ids.size());
  for (const Track& tr : tracks_)
    if (std::binary_search(ids.begin(), ids.end(), tr.id)) out.push_back(snapshot(tr, t_s));
  return out;
}

MeasurementModel Tracker::model_for(const ScanInput& scan) const {
  const SensorInfo& s = sensors_[scan.sensor];
  if (s.kind == Measurement::Kind::kCartesian) return MeasurementModel::cartesian(s.sigma_m);
  return MeasurementModel::of_sensor(s.sensor->spec());
}

void Tracker::process(const ScanInput& scan) {
  ++stats_.scans;
  processed_s_ = std::max(processed_s_, scan.t_s);
  const MeasurementModel model = model_for(scan);
  const SensorInfo& sensor = sensors_[scan.sensor];
  const size_t n_plots = scan.measurements.size();
  for (const Measurement& m : scan.measurements)
    CANOPY_CHECK(m.z.size() == model.dim(), "a measurement of {} axes from a sensor of {}",
                 m.z.size(), model.dim());

  // Every track, predicted to the scan time; those the sensor covers expect a plot.
  std::vector<char> covered(tracks_.size(), 0);
  for (size_t i = 0; i < tracks_.size(); ++i) {
    tracks_[i].est.predict(scan.t_s);
    covered[i] =
        sensor.kind == Measurement::Kind::kCartesian || sensor.sensor->covers(tracks_[i].est.p_W());
  }

  // Plot positions in the world frame, for the spatial index and initiation.
  std::vector<Vec3> plot_W(n_plots);
  std::vector<Eigen::Matrix3d> plot_P(n_plots);
  for (size_t j = 0; j < n_plots; ++j) {
    const PositionFix fix = position_fix(model, scan.measurements[j].z);
    plot_W[j] = fix.p_W;
    plot_P[j] = fix.P_W;
  }

  std::vector<char> used(n_plots, 0), hit(tracks_.size(), 0);
  if (!tracks_.empty() && n_plots > 0) associate(scan, model, plot_W, used, hit);
  manage(scan, covered, hit);
  // Tracks start on plots that place the object in 3-D; a 2-D radar's or a
  // passive sensor's plots only update tracks.
  if (model.fixes_position()) initiate(scan, plot_W, plot_P, used);
}

void Tracker::associate(const ScanInput& scan, const MeasurementModel& model,
                        const std::vector<Vec3>& plot_W, std::vector<char>& used,
                        std::vector<char>& hit) {
  // Gate, then let the configured associator decide, then apply its updates.
  const GatedScan gated = gate_plots(scan, model, plot_W, used);
  if (gated.pairs.empty()) return;
  for (const TrackUpdate& update : associator_->associate(gated)) apply(scan, model, update, hit);
  for (char h : hit) stats_.associated += h;
}

GatedScan Tracker::gate_plots(const ScanInput& scan, const MeasurementModel& model,
                              const std::vector<Vec3>& plot_W, std::vector<char>& used) const {
  const SensorInfo& sensor = sensors_[scan.sensor];
  GatedScan out;
  out.n_tracks = static_cast<int>(tracks_.size());
  out.n_plots = static_cast<int>(plot_W.size());
  out.dim = model.dim();
  out.gate = gate_[out.dim];
  const double gate = out.gate;

  // Coarse gate: a sphere per track that holds its chi-square ellipsoid.
  std::vector<Vec3> centres(tracks_.size());
  std::vector<double> radii(tracks_.size());
  for (size_t i = 0; i < tracks_.size(); ++i) {
    const Estimator& est = tracks_[i].est;
    centres[i] = est.p_W();
    const Eigen::Matrix3d P = est.P_pv().topLeftCorner<3, 3>();
    const double range_m = sensor.sensor ? (centres[i] - sensor.sensor->spec().p_W).norm() : 0.0;
    radii[i] = std::sqrt(gate) *
               (std::sqrt(largest_eigenvalue(P)) + measurement_spread_m(sensor, model, range_m));
  }
  const PlotIndex index(plot_W);
  const std::vector<std::pair<int, int>> candidates = coarse_gate(index, centres, radii);

  // Fine gate: the normalised innovation against the chi-square threshold.
  std::vector<std::optional<MeasurementPrediction>> predicted(tracks_.size());
  out.log_det_S.assign(tracks_.size(), 0);
  for (const auto& [i, j] : candidates) {
    if (!predicted[i]) {
      predicted[i] = tracks_[i].est.predict_measurement(model);
      out.log_det_S[i] = std::log(predicted[i]->S.determinant());
    }
    const MeasurementPrediction& mp = *predicted[i];
    const MeasVec y = model.residual(scan.measurements[j].z, mp.z_hat);
    const double d2 = y.dot(mp.S.ldlt().solve(y));
    if (!(d2 <= gate)) continue;
    used[j] = 1;  // a plot inside some track's gate starts no new track
    out.pairs.emplace_back(i, j);
    out.nis.push_back(d2);
  }

  // The clutter density around each plot (JPDA weighs plots against it).
  out.clutter_density.resize(plot_W.size());
  for (size_t j = 0; j < plot_W.size(); ++j)
    out.clutter_density[j] = clutter_density(model, scan, static_cast<int>(j));
  return out;
}

void Tracker::apply(const ScanInput& scan, const MeasurementModel& model, const TrackUpdate& update,
                    std::vector<char>& hit) {
  // A hard update: the track takes the plot.
  if (const auto* a = std::get_if<PlotAssignment>(&update)) {
    tracks_[a->track].est.update(model, scan.measurements[a->plot].z);
    hit[a->track] = 1;
    associations_.push_back({tracks_[a->track].id, scan.measurements[a->plot].id});
    return;
  }
  // A weighted update: every plot with its probability.
  const auto& w = std::get<WeightedUpdate>(update);
  std::vector<MeasVec> zs;
  zs.reserve(w.plots.size());
  for (int j : w.plots) zs.push_back(scan.measurements[j].z);
  tracks_[w.track].est.update_pda(model, zs, w.beta, w.beta_none);
  if (w.hit) hit[w.track] = 1;
  associations_.push_back({tracks_[w.track].id, scan.measurements[w.most_likely].id});
}

double Tracker::clutter_density(const MeasurementModel& model, const ScanInput& scan,
                                int plot) const {
  // The configured density is per cubic metre; in polar measurement space
  // a unit of (range, azimuth, elevation) spans r^2 cos(el) cubic metres.
  double density = config_.clutter_density * model.volume_element(scan.measurements[plot].z);
  // A reported range rate spreads the clutter over the rate interval too.
  if (model.has_range_rate()) density /= 600.0;
  return density;
}

void Tracker::manage(const ScanInput& scan, const std::vector<char>& covered,
                     const std::vector<char>& hit) {
  const std::uint32_t window = (config_.confirm_n >= 32) ? ~0u : ((1u << config_.confirm_n) - 1u);
  const double max_var = config_.max_position_sigma_m * config_.max_position_sigma_m;
  std::vector<char> drop(tracks_.size(), 0);
  for (size_t i = 0; i < tracks_.size(); ++i) {
    Track& tr = tracks_[i];
    if (hit[i]) {
      tr.t_last_update_s = scan.t_s;
      ++tr.hits;
    }
    if (covered[i] || hit[i]) {
      ++tr.opportunities;
      tr.history = (tr.history << 1) | (hit[i] ? 1u : 0u);
      tr.misses_in_a_row = hit[i] ? 0 : tr.misses_in_a_row + 1;
    }
    auto end = [&](EndReason why) {
      events_.push_back({TrackEvent::Kind::kEnd, scan.t_s, tr.id, why});
      drop[i] = 1;
    };
    if (tr.status == TrackStatus::kTentative) {
      if (std::popcount(tr.history & window) >= config_.confirm_m) {
        tr.status = TrackStatus::kConfirmed;
        ++stats_.tracks_confirmed;
        events_.push_back({TrackEvent::Kind::kConfirm, scan.t_s, tr.id, EndReason::kMisses});
      } else if (tr.misses_in_a_row >= config_.tentative_misses ||
                 tr.opportunities >= config_.confirm_n) {
        end(EndReason::kMisses);
        continue;
      }
    } else if (tr.misses_in_a_row >= config_.delete_misses) {
      end(EndReason::kMisses);
      continue;
    }
    if (below_ground(tr.est)) {
      end(EndReason::kBelowGround);
      continue;
    }
    if (largest_eigenvalue(tr.est.P_pv().topLeftCorner<3, 3>()) > max_var)
      end(EndReason::kCovariance);
  }
  drop_duplicates(scan.t_s, drop);
  size_t w = 0;
  for (size_t i = 0; i < tracks_.size(); ++i) {
    if (drop[i]) continue;
    if (w != i) tracks_[w] = std::move(tracks_[i]);
    ++w;
  }
  tracks_.erase(tracks_.begin() + static_cast<std::ptrdiff_t>(w), tracks_.end());
}

bool Tracker::below_ground(const Estimator& est) const {
  // Descending, and below the ground by more than three standard deviations
  // of its own altitude: the rocket has landed (or the track is lost).
  const physics::Environment& env = context_->environment();
  const Vec3 up =
      env.earth == physics::EarthModel::kSphere ? core::up_at(est.p_W()) : Vec3::UnitZ();
  const double sigma_up = std::sqrt(up.dot(est.P_pv().topLeftCorner<3, 3>() * up));
  return est.v_W().dot(up) < 0 && physics::altitude_m(env, est.p_W()) < -std::min(sigma_up, 50.0);
}

void Tracker::drop_duplicates(double t_s, std::vector<char>& drop) {
  // A track that sits on an older one (within the gate on position and
  // velocity together) is the same object started twice: the younger goes.
  // Tracks are kept in order of start, so "older" is "earlier in tracks_".
  std::vector<Vec3> centres;
  std::vector<double> sigma;
  double sigma_max = 0;
  for (const Track& tr : tracks_) {
    centres.push_back(tr.est.p_W());
    sigma.push_back(std::sqrt(largest_eigenvalue(tr.est.P_pv().topLeftCorner<3, 3>())));
    sigma_max = std::max(sigma_max, sigma.back());
  }
  if (centres.size() < 2) return;
  const PlotIndex index(centres);
  const double gate6 = gate6_;
  std::vector<int> near;
  for (size_t i = 0; i < tracks_.size(); ++i) {
    Track& tr = tracks_[i];
    if (drop[i]) continue;
    const Eigen::Matrix<double, 6, 6> P = tr.est.P_pv();
    // Holds every track whose gate could overlap this one's.
    const double radius = std::sqrt(gate6) * (sigma[i] + sigma_max);
    index.query_radius(tr.est.p_W(), radius, near);
    for (int k : near) {
      if (static_cast<size_t>(k) >= i || drop[k]) continue;
      const Track& o = tracks_[k];
      Eigen::Matrix<double, 6, 1> d;
      d << tr.est.p_W() - o.est.p_W(), tr.est.v_W() - o.est.v_W();
      const Eigen::Matrix<double, 6, 6> S = P + o.est.P_pv();
      if (d.dot(S.ldlt().solve(d)) > gate6) continue;
      events_.push_back({TrackEvent::Kind::kEnd, t_s, tr.id, EndReason::kDuplicate});
      drop[i] = 1;
      break;
    }
  }
}

void Tracker::initiate(const ScanInput& scan, const std::vector<Vec3>& plot_W,
                       const std::vector<Eigen::Matrix3d>& plot_P, const std::vector<char>& used) {
  // Forget candidates that waited too long.
  std::erase_if(candidates_,
                [&](const Candidate& c) { return scan.t_s - c.t_s > candidate_age_s_; });

  std::vector<int> free_plots;
  std::vector<Vec3> free_W;
  for (size_t j = 0; j < plot_W.size(); ++j) {
    if (used[j]) continue;
    free_plots.push_back(static_cast<int>(j));
    free_W.push_back(plot_W[j]);
  }
  if (free_plots.empty()) return;
  std::vector<char> taken(free_plots.size(), 0);

  // Pair each waiting candidate with the nearest free plot that a plausible
  // speed could reach (the speed gate), oldest candidate first.
  if (!candidates_.empty()) {
    const PlotIndex index(free_W);
    std::vector<int> near;
    std::vector<char> paired(candidates_.size(), 0);
    for (size_t c = 0; c < candidates_.size(); ++c) {
      const Candidate& cand = candidates_[c];
      const double dt = scan.t_s - cand.t_s;
      if (dt < kMinPairDt_s) continue;
      const double slack = 3 * std::sqrt(cand.P_W.trace() + plot_P[free_plots[0]].trace());
      index.query_radius(cand.p_W, config_.max_speed_mps * dt + slack, near);
      int best = -1;
      double best_d = 0;
      for (int k : near) {
        if (taken[k]) continue;
        const double d = (free_W[k] - cand.p_W).norm();
        const double sigma = std::sqrt(cand.P_W.trace() + plot_P[free_plots[k]].trace());
        if (d - 3 * sigma > config_.max_speed_mps * dt) continue;
        if (best < 0 || d < best_d) best = k, best_d = d;
      }
      if (best < 0) continue;
      taken[best] = 1;
      paired[c] = 1;

      // Two-point start: position from the new plot, velocity from the pair.
      const int j = free_plots[best];
      const Eigen::Matrix3d& Pj = plot_P[j];
      const double spread = 0.5 * kStartAccel_mps2 * dt;
      Gaussian pv;
      pv.t_s = scan.t_s;
      pv.x.resize(6);
      pv.x << plot_W[j], (plot_W[j] - cand.p_W) / dt;
      pv.P = StateMat::Zero(6, 6);
      pv.P.topLeftCorner(3, 3) = Pj;
      pv.P.block(0, 3, 3, 3) = Pj / dt;
      pv.P.block(3, 0, 3, 3) = Pj / dt;
      pv.P.bottomRightCorner(3, 3) =
          (Pj + cand.P_W) / (dt * dt) + spread * spread * Eigen::Matrix3d::Identity();
      Track tr{.id = next_id_++,
               .est = Estimator::start(*context_, pv),
               .t_start_s = scan.t_s,
               .t_last_update_s = scan.t_s};
      // The pair counts as one hit: confirmation needs M - 1 more plots in
      // the track's gate, which a pair of unrelated plots rarely gets.
      tr.history = 1;
      tr.opportunities = 1;
      tr.hits = 1;
      events_.push_back({TrackEvent::Kind::kStart, scan.t_s, tr.id, EndReason::kMisses});
      associations_.push_back({tr.id, cand.plot_id});
      associations_.push_back({tr.id, scan.measurements[j].id});
      ++stats_.tracks_started;
      tracks_.push_back(std::move(tr));
    }
    size_t w = 0;
    for (size_t c = 0; c < candidates_.size(); ++c)
      if (!paired[c]) candidates_[w++] = candidates_[c];
    candidates_.resize(w);
  }

  // The rest wait for a partner.
  for (size_t k = 0; k < free_plots.size(); ++k) {
    if (taken[k]) continue;
    const int j = free_plots[k];
    candidates_.push_back({plot_W[j], plot_P[j], scan.t_s, scan.measurements[j].id});
  }
}

}  // namespace canopy::tracking
