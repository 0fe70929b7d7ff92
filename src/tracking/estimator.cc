#include "canopy/tracking/estimator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "canopy/core/check.h"

namespace canopy::tracking {
namespace {

using Model = scenario::TrackerConfig::Model;

// Classes whose probability falls below this leave the bank.
constexpr double kPruneTypeProbability = 1e-4;
// Prior spread of acceleration (CA) and of thrust (IMM boost), m/s^2.
constexpr double kAccelPrior_mps2 = 50.0;

}  // namespace

EstimatorContext::EstimatorContext(EstimatorConfig config)
    : config_(std::move(config)),
      filter_(config_.filter == scenario::TrackerConfig::Filter::kUkf ? FilterKind::kUkf
                                                                      : FilterKind::kEkf) {
  if (config_.threats.types.empty()) config_.threats = ThreatLibrary::generic();
  const double q = config_.process_noise_mps2;
  for (const ThreatType& t : config_.threats.types) {
    BallisticModel::Noise noise;
    noise.accel = q;
    noise.kd_scale = t.kd_m2pkg;
    switch (config_.model) {
      case Model::kCv:
        models_.push_back(std::make_unique<CvModel>(std::max(q, 1.0) * 5));
        break;
      case Model::kCa:
        models_.push_back(std::make_unique<CaModel>(std::max(q, 1.0) * 10));
        break;
      case Model::kBallistic:
        models_.push_back(std::make_unique<BallisticModel>(config_.environment, t.cd,
                                                           BallisticModel::Thrust::kNone, noise));
        break;
      case Model::kImm:
        models_.push_back(std::make_unique<BallisticModel>(config_.environment, t.cd,
                                                           BallisticModel::Thrust::kBoost, noise));
        models_.push_back(std::make_unique<BallisticModel>(config_.environment, t.cd,
                                                           BallisticModel::Thrust::kCoast, noise));
        break;
    }
  }
}

Gaussian EstimatorContext::extend(const Gaussian& pv, int type, int mode) const {
  const int n = model(type, mode).dim();
  Gaussian g;
  g.t_s = pv.t_s;
  g.x = StateVec::Zero(n);
  g.P = StateMat::Zero(n, n);
  g.x.head<6>() = pv.x.head<6>();
  g.P.topLeftCorner<6, 6>() = pv.P.topLeftCorner<6, 6>();
  const ThreatType& t = config_.threats.types[type];
  if (config_.model == Model::kCa) {
    g.P.block<3, 3>(6, 6).diagonal().setConstant(kAccelPrior_mps2 * kAccelPrior_mps2);
  } else if (n >= 7) {
    g.x(6) = t.kd_m2pkg;
    g.P(6, 6) = t.kd_sigma_m2pkg * t.kd_sigma_m2pkg;
    if (n == 8) {
      // Boost: thrust unknown, up to the class's largest acceleration.
      g.x(7) = 0.0;
      g.P(7, 7) = mode == 0 ? std::pow(0.5 * t.boost_accel_mps2, 2) : 1e-6;
    }
  }
  return g;
}

Eigen::Matrix2d EstimatorContext::transition(double dt) const {
  const double a = config_.boost_to_coast_per_s, b = config_.coast_to_boost_per_s;
  const double e = std::exp(-(a + b) * dt);
  const double p_bc = a / (a + b) * (1 - e), p_cb = b / (a + b) * (1 - e);
  Eigen::Matrix2d pi;
  pi << 1 - p_bc, p_bc, p_cb, 1 - p_cb;
  return pi;
}

Estimator Estimator::start(const EstimatorContext& ctx, const Gaussian& pv) {
  Estimator est(&ctx);
  est.t_s_ = pv.t_s;
  const int types = ctx.types(), modes = ctx.modes();
  const double p_boost = ctx.config().initial_boost_probability;
  for (int t = 0; t < types; ++t) {
    for (int m = 0; m < modes; ++m) {
      const double w_mode = modes == 1 ? 1.0 : (m == 0 ? p_boost : 1 - p_boost);
      est.comps_.push_back({ctx.extend(pv, t, m), w_mode / types, t, m});
    }
  }
  est.combine();
  return est;
}

void Estimator::predict(double t_s) {
  CANOPY_CHECK(t_s >= t_s_ - 1e-12, "prediction back in time: {} s < {} s", t_s, t_s_);
  if (t_s <= t_s_) return;
  const double dt = t_s - t_s_;
  const int modes = ctx_->modes();
  if (modes == 2) {
    // IMM mixing within each class: comps_ holds [boost, coast] pairs.
    const Eigen::Matrix2d pi = ctx_->transition(dt);
    for (size_t k = 0; k + 1 < comps_.size(); k += 2) {
      Component& b = comps_[k];
      Component& c = comps_[k + 1];
      const double w_type = b.weight + c.weight;
      if (w_type <= 0) continue;
      const double mu[2] = {b.weight / w_type, c.weight / w_type};
      const Gaussian g[2] = {b.g, c.g};
      Component* out[2] = {&b, &c};
      for (int j = 0; j < 2; ++j) {
        const double cj = pi(0, j) * mu[0] + pi(1, j) * mu[1];
        if (cj <= 0) continue;
        const double m0 = pi(0, j) * mu[0] / cj, m1 = pi(1, j) * mu[1] / cj;
        StateVec x = m0 * g[0].x + m1 * g[1].x;
        const StateVec d0 = g[0].x - x, d1 = g[1].x - x;
        StateMat P = m0 * (g[0].P + d0 * d0.transpose()) + m1 * (g[1].P + d1 * d1.transpose());
        out[j]->g.x = x;
        out[j]->g.P = P;
        out[j]->weight = w_type * cj;
      }
    }
  }
  for (Component& c : comps_)
    c.g = tracking::predict(ctx_->filter(), c.g, ctx_->model(c.type, c.mode), t_s);
  t_s_ = t_s;
  combine();
}

MeasurementPrediction Estimator::predict_measurement(const MeasurementModel& m) const {
  return tracking::predict_measurement(ctx_->filter(), combined_, m);
}

void Estimator::update(const MeasurementModel& m, const MeasVec& z) {
  std::vector<double> ll(comps_.size());
  for (size_t k = 0; k < comps_.size(); ++k) {
    Component& c = comps_[k];
    const MeasurementPrediction mp = tracking::predict_measurement(ctx_->filter(), c.g, m);
    const MeasVec y = m.residual(z, mp.z_hat);
    ll[k] = log_likelihood(mp, y);
    c.g = tracking::update(c.g, mp, y);
  }
  if (comps_.size() > 1) {
    const double top = *std::max_element(ll.begin(), ll.end());
    for (size_t k = 0; k < comps_.size(); ++k) comps_[k].weight *= std::exp(ll[k] - top);
    normalise_and_prune();
  }
  combine();
}

void Estimator::update_pda(const MeasurementModel& m, std::span<const MeasVec> zs,
                           std::span<const double> beta, double beta_none) {
  std::vector<MeasVec> ys(zs.size());
  for (Component& c : comps_) {
    const MeasurementPrediction mp = tracking::predict_measurement(ctx_->filter(), c.g, m);
    for (size_t j = 0; j < zs.size(); ++j) ys[j] = m.residual(zs[j], mp.z_hat);
    c.g = tracking::update_pda(c.g, mp, ys, beta, beta_none);
  }
  combine();
}

void Estimator::normalise_and_prune() {
  double total = 0;
  for (const Component& c : comps_) total += c.weight;
  if (!(total > 0) || !std::isfinite(total)) {
    for (Component& c : comps_) c.weight = 1.0 / static_cast<double>(comps_.size());
    return;
  }
  for (Component& c : comps_) c.weight /= total;
  // Drop classes that no longer explain the track (whole IMM groups).
  const int modes = ctx_->modes();
  if (comps_.size() <= static_cast<size_t>(modes)) return;
  std::vector<Component> kept;
  double kept_total = 0;
  for (size_t k = 0; k < comps_.size(); k += modes) {
    double w = 0;
    for (int m = 0; m < modes; ++m) w += comps_[k + m].weight;
    if (w < kPruneTypeProbability) continue;
    for (int m = 0; m < modes; ++m) kept.push_back(comps_[k + m]);
    kept_total += w;
  }
  if (kept.empty()) return;
  for (Component& c : kept) c.weight /= kept_total;
  comps_ = std::move(kept);
}

void Estimator::combine() {
  if (comps_.size() == 1) {
    combined_ = comps_[0].g;
    return;
  }
  const int n = static_cast<int>(comps_[0].g.x.size());
  combined_.t_s = t_s_;
  combined_.x = StateVec::Zero(n);
  for (const Component& c : comps_) combined_.x += c.weight * c.g.x;
  combined_.P = StateMat::Zero(n, n);
  for (const Component& c : comps_) {
    const StateVec d = c.g.x - combined_.x;
    combined_.P += c.weight * (c.g.P + d * d.transpose());
  }
}

Gaussian Estimator::state() const { return combined_; }
Vec3 Estimator::p_W() const { return combined_.x.head<3>(); }
Vec3 Estimator::v_W() const { return combined_.x.segment<3>(3); }
Eigen::Matrix<double, 6, 6> Estimator::P_pv() const { return combined_.P.topLeftCorner<6, 6>(); }

std::optional<double> Estimator::kd_m2pkg() const {
  const Model model = ctx_->config().model;
  if (model != Model::kBallistic && model != Model::kImm) return std::nullopt;
  return combined_.x(6);
}

std::vector<double> Estimator::mode_probabilities() const {
  if (ctx_->modes() != 2) return {};
  std::vector<double> p(2, 0.0);
  for (const Component& c : comps_) p[c.mode] += c.weight;
  return p;
}

std::vector<std::pair<std::string, double>> Estimator::type_probabilities() const {
  std::vector<std::pair<std::string, double>> out;
  for (const Component& c : comps_) {
    const std::string& name = ctx_->config().threats.types[c.type].name;
    if (out.empty() || out.back().first != name) out.emplace_back(name, 0.0);
    out.back().second += c.weight;
  }
  return out;
}

Estimator::Ballistic Estimator::ballistic() const {
  Ballistic out;
  const bool imm = ctx_->modes() == 2;
  // The members that describe a coasting rocket, with their weights.
  std::vector<const Component*> members;
  std::vector<double> w;
  std::vector<double> type_weight(static_cast<size_t>(ctx_->types()), 0.0);
  for (const Component& c : comps_) {
    type_weight[static_cast<size_t>(c.type)] += c.weight;
    if (imm && c.mode == 0) {
      out.p_boost += c.weight;
      continue;
    }
    members.push_back(&c);
    w.push_back(c.weight);
  }
  out.type = static_cast<int>(std::max_element(type_weight.begin(), type_weight.end()) -
                              type_weight.begin());
  double total = 0;
  for (double x : w) total += x;
  if (!(total > 0)) {  // every coast member has vanished: use them all, equally
    members.clear();
    w.clear();
    for (const Component& c : comps_)
      if (!imm || c.mode == 1) members.push_back(&c), w.push_back(1.0);
    total = static_cast<double>(w.size());
  }
  const ThreatType& prior = ctx_->config().threats.types[static_cast<size_t>(out.type)];
  const Model model = ctx_->config().model;
  const int k = model == Model::kBallistic || model == Model::kImm ? 7 : 6;
  auto head7 = [&](const Gaussian& g, StateVec& x, StateMat& P) {
    x = StateVec::Zero(7);
    P = StateMat::Zero(7, 7);
    x.head(k) = g.x.head(k);
    P.topLeftCorner(k, k) = g.P.topLeftCorner(k, k);
    if (k == 6) {
      x(6) = prior.kd_m2pkg;
      P(6, 6) = prior.kd_sigma_m2pkg * prior.kd_sigma_m2pkg;
    }
  };
  out.g.t_s = t_s_;
  out.g.x = StateVec::Zero(7);
  out.g.P = StateMat::Zero(7, 7);
  std::vector<StateVec> xs(members.size());
  std::vector<StateMat> Ps(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    head7(members[i]->g, xs[i], Ps[i]);
    out.g.x += w[i] / total * xs[i];
  }
  for (size_t i = 0; i < members.size(); ++i) {
    const StateVec d = xs[i] - out.g.x;
    out.g.P += w[i] / total * (Ps[i] + d * d.transpose());
  }
  return out;
}

}  // namespace canopy::tracking
