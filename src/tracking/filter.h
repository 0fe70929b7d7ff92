// Gaussian filters: the extended and the unscented Kalman filter, as free
// functions on Gaussian states (docs/tracking.md). Prediction and update are
// separate steps; the measurement prediction (innovation covariance S and
// state-measurement cross-covariance Pxz) is what gating and the update
// share.
//
//   Gaussian pred = tracking::predict(FilterKind::kEkf, g, model, t_s);
//   MeasurementPrediction mp = tracking::predict_measurement(FilterKind::kEkf, pred, meas);
//   MeasVec y = meas.residual(z, mp.z_hat);
//   Gaussian post = tracking::update(pred, mp, y);
#pragma once

#include <span>

#include "canopy/tracking/measurement.h"
#include "canopy/tracking/motion.h"
#include "canopy/tracking/types.h"

namespace canopy::tracking {

enum class FilterKind { kEkf, kUkf };

struct MeasurementPrediction {
  MeasVec z_hat;
  MeasMat S;     // innovation covariance
  CrossMat Pxz;  // state-measurement cross-covariance
};

// The state at t_s (>= g.t_s) under the motion model.
Gaussian predict(FilterKind kind, const Gaussian& g, const MotionModel& model, double t_s);

// The predicted measurement of a state, with S = H P H^T + R (EKF) or its
// unscented counterpart.
MeasurementPrediction predict_measurement(FilterKind kind, const Gaussian& g,
                                          const MeasurementModel& model);

// Kalman update with the residual y = z - z_hat (angles wrapped); Joseph
// form of the covariance, kept symmetric.
Gaussian update(const Gaussian& pred, const MeasurementPrediction& mp, const MeasVec& y);

// Probabilistic data association update (Bar-Shalom's PDAF): residuals y_j
// with weights beta_j, and beta_none for "none of them"; includes the
// spread-of-innovations term.
Gaussian update_pda(const Gaussian& pred, const MeasurementPrediction& mp,
                    std::span<const MeasVec> residuals, std::span<const double> beta,
                    double beta_none);

// ln N(y; 0, S) and the normalised innovation squared y^T S^-1 y.
double log_likelihood(const MeasurementPrediction& mp, const MeasVec& y);
double nis(const MeasurementPrediction& mp, const MeasVec& y);

// Unscented transform parameters (Wan & van der Merwe): alpha, beta, kappa.
struct UnscentedParams {
  double alpha = 1.0;
  double beta = 2.0;
  double kappa = 0.0;
};

}  // namespace canopy::tracking
