// Kill assessment from evidence (docs/engage.md, "Kill assessment"): after
// its own interceptor detonates, the battle manager weighs two hypotheses
// for the rocket it was fired at, from what it can see.
//
//   intact  the rocket flies on along its pre-intercept ballistic state
//           (IntactPath): the radars that cover that path see it there, in
//           about the share of their scans their detection probability
//           gives, and nowhere far from it;
//   killed  only fragments remain: they spread, slow down and fall, and the
//           intact path's gate stays empty but for a fragment passing early.
//
// The prior comes from where the interceptor detonated relative to the
// track (its downlinked position): a detonation far from the track's
// rocket leaves it intact whatever the debris around says. Each covering
// scan then multiplies the odds by the ratio of the chances of what it saw
// under the two hypotheses: an empty gate, or the nearest plot at its
// chi-square (near the path's centre: the rocket; anywhere in the gate: a
// stray fragment). The outcome is killed only when P(intact) has
// fallen below kKilledBelow; survived above kSurvivedAbove; unknown between,
// and unknown counts as alive.
//
//   engage::IntactPath path(pre_intercept_estimate, forecast);
//   engage::KillEvidence ev(path, t_det, p_det_W, prior_alive);
//   ev.observe(radar, scan_t, plots_W, threat_rcs_m2);    // every scan
//   if (ev.p_alive() <= engage::kKilledBelow) ...
#pragma once

#include <span>
#include <string_view>

#include "canopy/assess/impact.h"
#include "canopy/engage/intercept.h"
#include "canopy/sensors/radar.h"

namespace canopy::engage {

using Mat3 = Eigen::Matrix3d;
using Mat6 = Eigen::Matrix<double, 6, 6>;

enum class KillOutcome { kKilled, kSurvived, kUnknown };
std::string_view to_string(KillOutcome outcome);

// P(intact) thresholds of the outcomes.
inline constexpr double kKilledBelow = 1e-3;
inline constexpr double kSurvivedAbove = 0.9;

// The rocket as it would fly had it survived: the pre-intercept ballistic
// estimate flown on (mean) with its covariance carried linearly (position,
// velocity and kd, plus white acceleration noise), inflated by
// kIntactInflation so that the gate errs toward "intact".
inline constexpr double kIntactInflation = 2.0;  // on variances
class IntactPath {
 public:
  IntactPath() = default;
  IntactPath(const assess::BallisticEstimate& estimate, const physics::Environment& forecast,
             double accel_noise_mps2 = 1.0);

  double t0_s() const { return t0_s_; }
  physics::State state_at(double t_s) const;
  // Covariance of [p, v] at t_s.
  Mat6 cov_at(double t_s) const;
  bool landed_by(double t_s) const;
  // Whether a track's estimate [p, v] with covariance P_pv is the intact
  // rocket (a chi-square gate of probability 0.9999 on 6 dimensions).
  bool consistent(double t_s, const Vec3& p_W, const Vec3& v_W, const Mat6& P_pv) const;

 private:
  double t0_s_ = 0;
  ThreatPath path_;
  Mat6 P0_ = Mat6::Identity();
  Eigen::Matrix<double, 6, 1> P0_kd_ = Eigen::Matrix<double, 6, 1>::Zero();  // cov([p, v], kd)
  double var_kd_ = 0;
  Vec3 accel_per_kd_ = Vec3::Zero();  // drag acceleration per unit kd at t0
  double q2_ = 1.0;
};

// Chi-square gate (3 degrees of freedom, probability 0.9999) of a plot on
// the intact path.
inline constexpr double kIntactGateChi2 = 21.108;

// The measurement covariance (frame axes) of a polar radar at a point.
Mat3 polar_noise_W(const scenario::Sensor& radar, const Vec3& p_W);

class KillEvidence {
 public:
  KillEvidence() = default;
  KillEvidence(IntactPath intact, double t_detonation_s, const Vec3& p_detonation_W,
               double prior_alive);

  // One scan's plots (frame axes, own interceptors' already discounted).
  // Scans of radars that do not cover the intact path, and scans before
  // the detonation, are no evidence. `fragments_near` says whether a
  // fragment can be in the intact path's gate then (DebrisCloud::could_reach):
  // a plot there then tells little.
  void observe(const sensors::Radar& radar, double t_s, std::span<const Vec3> plots_W,
               double rcs_m2, bool fragments_near);
  // The intact path's position and its gate's largest radius at t_s for a
  // radar (for the fragments_near test).
  double gate_radius_m(const sensors::Radar& radar, double t_s) const;

  double p_alive() const;
  double log_odds_alive() const { return log_odds_; }
  KillOutcome outcome() const;
  const IntactPath& intact() const { return intact_; }
  double t_detonation_s() const { return t_det_s_; }
  const Vec3& p_detonation_W() const { return p_det_W_; }
  // Distance from the detonation to the track's rocket (intact path) then.
  double detonation_offset_m() const;
  int covering_scans() const { return covering_; }
  int hits() const { return hits_; }
  // Restart the count from a new prior (a claim under watch).
  void reset(double prior_alive);

 private:
  IntactPath intact_;
  double t_det_s_ = 0;
  Vec3 p_det_W_ = Vec3::Zero();
  double log_odds_ = 0;
  int covering_ = 0, hits_ = 0;
};

// P(intact) before any scan, from the detonation point: the planning Pk
// at the detonation's offset from the track (its position known to the
// track's covariance), so a detonation far from the track leaves the
// rocket intact.
double prior_alive(const IntactPath& intact, const Vec3& p_detonation_W, double t_detonation_s,
                   double lethal_radius_m, double pk_at_lethal_radius);

}  // namespace canopy::engage
