#include "canopy/engage/kill_assessment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "canopy/engage/guidance.h"
#include "canopy/physics/warhead.h"

namespace canopy::engage {
namespace {

// Plots closer to the detonation than this in time are no evidence: the
// fragments have not separated yet.
constexpr double kLookDelay_s = 0.4;
// Under "killed", the chance that something sits in the intact path's
// gate: a fragment, where the debris cloud reaches it; else a neighbour of
// a dense salvo or clutter.
constexpr double kFragmentChance = 0.5;
constexpr double kStrayChance = 0.05;
// Detection probabilities are trusted within these bounds only.
constexpr double kMinPd = 0.05, kMaxPd = 0.98;

}  // namespace

std::string_view to_string(KillOutcome outcome) {
  switch (outcome) {
    case KillOutcome::kKilled:
      return "killed";
    case KillOutcome::kSurvived:
      return "survived";
    case KillOutcome::kUnknown:
      return "unknown";
  }
  return "?";
}

IntactPath::IntactPath(const assess::BallisticEstimate& est, const physics::Environment& forecast,
                       double accel_noise_mps2)
    : t0_s_(est.t_s),
      path_(predict_path(est, forecast, 0.25)),
      P0_(est.P.topLeftCorner<6, 6>()),
      P0_kd_(est.P.block<6, 1>(0, 6)),
      var_kd_(est.P(6, 6)),
      q2_(accel_noise_mps2 * accel_noise_mps2) {
  const Vec3 p = est.x.head<3>(), v = est.x.segment<3>(3);
  accel_per_kd_ = physics::drag_accel_W(forecast, assess::drag_body(1.0, est.cd), p, v, 1.0);
}

physics::State IntactPath::state_at(double t_s) const {
  const auto& s = path_.states;
  if (s.empty()) return {};
  if (t_s <= s.front().t_s || s.size() == 1) {
    physics::State out = s.front();
    out.p_W += (t_s - out.t_s) * out.v_W;
    out.t_s = t_s;
    return out;
  }
  if (t_s >= s.back().t_s) return s.back();
  // Samples every 0.25 s but the last (on the ground).
  size_t i = static_cast<size_t>((t_s - s.front().t_s) / 0.25);
  i = std::min(i, s.size() - 2);
  while (i + 1 < s.size() - 1 && s[i + 1].t_s < t_s) ++i;
  while (i > 0 && s[i].t_s > t_s) --i;
  const physics::State& a = s[i];
  const physics::State& b = s[i + 1];
  const double h = b.t_s - a.t_s, x = (t_s - a.t_s) / h;
  const double x2 = x * x, x3 = x2 * x;
  physics::State out;
  out.t_s = t_s;
  out.p_W = (2 * x3 - 3 * x2 + 1) * a.p_W + (x3 - 2 * x2 + x) * h * a.v_W +
            (-2 * x3 + 3 * x2) * b.p_W + (x3 - x2) * h * b.v_W;
  out.v_W = (6 * x2 - 6 * x) / h * a.p_W + (3 * x2 - 4 * x + 1) * a.v_W +
            (-6 * x2 + 6 * x) / h * b.p_W + (3 * x2 - 2 * x) * b.v_W;
  return out;
}

bool IntactPath::landed_by(double t_s) const {
  return !path_.states.empty() && t_s >= path_.states.back().t_s;
}

Mat6 IntactPath::cov_at(double t_s) const {
  const double tau = std::max(0.0, t_s - t0_s_);
  Mat6 F = Mat6::Identity();
  F.topRightCorner<3, 3>() = tau * Mat3::Identity();
  Eigen::Matrix<double, 6, 1> b;
  b << 0.5 * tau * tau * accel_per_kd_, tau * accel_per_kd_;
  const Eigen::Matrix<double, 6, 1> c = F * P0_kd_;
  Mat6 P =
      F * P0_ * F.transpose() + var_kd_ * b * b.transpose() + c * b.transpose() + b * c.transpose();
  const double t2 = tau * tau;
  P.topLeftCorner<3, 3>() += q2_ * t2 * tau / 3 * Mat3::Identity();
  P.topRightCorner<3, 3>() += q2_ * t2 / 2 * Mat3::Identity();
  P.bottomLeftCorner<3, 3>() += q2_ * t2 / 2 * Mat3::Identity();
  P.bottomRightCorner<3, 3>() += q2_ * tau * Mat3::Identity();
  return kIntactInflation * P;
}

bool IntactPath::consistent(double t_s, const Vec3& p_W, const Vec3& v_W, const Mat6& P_pv) const {
  if (landed_by(t_s)) return false;
  const physics::State s = state_at(t_s);
  Eigen::Matrix<double, 6, 1> d;
  d << p_W - s.p_W, v_W - s.v_W;
  const Mat6 S = cov_at(t_s) + P_pv;
  return d.dot(S.ldlt().solve(d)) <= kSameObjectChi2;
}

Mat3 polar_noise_W(const scenario::Sensor& radar, const Vec3& p_W) {
  const Vec3 d = p_W - radar.p_W;
  const double r = std::max(1.0, d.norm());
  const Vec3 u = d / r;
  const double horiz = std::hypot(d.x(), d.y());
  const double az = std::atan2(d.x(), d.y());  // clockwise from north
  const double el = std::atan2(d.z(), horiz);
  const Vec3 e_az(std::cos(az), -std::sin(az), 0);
  const Vec3 e_el(-std::sin(el) * std::sin(az), -std::sin(el) * std::cos(az), std::cos(el));
  const double s_az = r * std::cos(el) * radar.sigma_azimuth_rad;
  const double s_el = r * radar.sigma_elevation_rad;
  return radar.sigma_range_m * radar.sigma_range_m * u * u.transpose() +
         s_az * s_az * e_az * e_az.transpose() + s_el * s_el * e_el * e_el.transpose();
}

KillEvidence::KillEvidence(IntactPath intact, double t_det, const Vec3& p_det, double prior)
    : intact_(std::move(intact)), t_det_s_(t_det), p_det_W_(p_det) {
  reset(prior);
}

void KillEvidence::reset(double prior) {
  prior = std::clamp(prior, 1e-9, 1 - 1e-9);
  log_odds_ = std::log(prior / (1 - prior));
  covering_ = hits_ = 0;
}

double KillEvidence::gate_radius_m(const sensors::Radar& radar, double t_s) const {
  const physics::State x = intact_.state_at(t_s);
  const Mat3 S = intact_.cov_at(t_s).topLeftCorner<3, 3>() + polar_noise_W(radar.spec(), x.p_W);
  const Eigen::SelfAdjointEigenSolver<Mat3> es(S);
  return std::sqrt(kIntactGateChi2 * std::max(0.0, es.eigenvalues().maxCoeff()));
}

void KillEvidence::observe(const sensors::Radar& radar, double t_s, std::span<const Vec3> plots_W,
                           double rcs_m2, bool fragments_near) {
  const double tau = t_s - t_det_s_;
  if (tau < kLookDelay_s || intact_.landed_by(t_s)) return;
  const physics::State x = intact_.state_at(t_s);
  if (!radar.covers(x.p_W)) return;
  const double range = (x.p_W - radar.spec().p_W).norm();
  const double pd = std::clamp(radar.detection_probability(range, rcs_m2), kMinPd, kMaxPd);
  const Mat3 S = intact_.cov_at(t_s).topLeftCorner<3, 3>() + polar_noise_W(radar.spec(), x.p_W);
  const Eigen::LDLT<Mat3> ldlt(S);
  double best = std::numeric_limits<double>::infinity();  // nearest plot's chi-square
  for (const Vec3& q : plots_W) {
    const Vec3 d = q - x.p_W;
    best = std::min(best, d.dot(ldlt.solve(d)));
  }
  const double pf = fragments_near ? kFragmentChance : kStrayChance;
  ++covering_;
  if (best <= kIntactGateChi2) {
    // The nearest plot's chi-square x: under "intact" it is the rocket
    // (probability pd, x ~ chi-square with 3 degrees of freedom) or else a
    // stray; under "killed" a stray, anywhere in the gate (density of x
    // 3/2 sqrt(x) / G^(3/2) for a point uniform in the gate's ellipsoid).
    // Their ratio: 1 - pd + pd f_chi2(x) / (pf f_uniform(x)).
    ++hits_;
    const double g15 = std::pow(kIntactGateChi2, 1.5);
    const double ratio = std::exp(-best / 2) * g15 / (1.5 * std::sqrt(2 * std::numbers::pi));
    log_odds_ += std::log(1 - pd + pd * ratio / pf);
  } else {
    log_odds_ += std::log(1 - pd);
  }
}

double KillEvidence::p_alive() const { return 1 / (1 + std::exp(-log_odds_)); }

KillOutcome KillEvidence::outcome() const {
  const double p = p_alive();
  if (p <= kKilledBelow) return KillOutcome::kKilled;
  if (p >= kSurvivedAbove) return KillOutcome::kSurvived;
  return KillOutcome::kUnknown;
}

double KillEvidence::detonation_offset_m() const {
  return (p_det_W_ - intact_.state_at(t_det_s_).p_W).norm();
}

double prior_alive(const IntactPath& intact, const Vec3& p_det, double t_det,
                   double lethal_radius_m, double pk) {
  const double d = (p_det - intact.state_at(t_det).p_W).norm();
  const Eigen::SelfAdjointEigenSolver<Mat3> es(intact.cov_at(t_det).topLeftCorner<3, 3>());
  const double sigma = std::sqrt(std::max(0.0, es.eigenvalues().maxCoeff()));
  // The nearest the rocket can plausibly have been to the detonation.
  const double miss = std::max(0.0, d - 3 * sigma);
  return std::clamp(1 - physics::kill_probability(miss, lethal_radius_m, pk), 0.02, 0.999);
}

}  // namespace canopy::engage
