#include "canopy/tracking/filter.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <numbers>

#include "canopy/core/check.h"

namespace canopy::tracking {
namespace {

constexpr UnscentedParams kUt{};

void symmetrise(StateMat& P) { P = 0.5 * (P + P.transpose()).eval(); }

// Sigma points of N(x, P): columns 0..2n, and their weights.
struct SigmaPoints {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxDim, 2 * kMaxDim + 1> X;
  double wm0 = 0, wc0 = 0, wi = 0;
};

SigmaPoints sigma_points(const StateVec& x, const StateMat& P) {
  const int n = static_cast<int>(x.size());
  const double lambda = kUt.alpha * kUt.alpha * (n + kUt.kappa) - n;
  SigmaPoints s;
  s.X.resize(n, 2 * n + 1);
  Eigen::LLT<StateMat> llt((n + lambda) * P);
  StateMat L;
  if (llt.info() == Eigen::Success) {
    L = llt.matrixL();
  } else {  // not quite positive definite: symmetric square root
    Eigen::SelfAdjointEigenSolver<StateMat> es((n + lambda) * P);
    L = es.eigenvectors() * es.eigenvalues().cwiseMax(0).cwiseSqrt().asDiagonal();
  }
  s.X.col(0) = x;
  for (int i = 0; i < n; ++i) {
    s.X.col(1 + i) = x + L.col(i);
    s.X.col(1 + n + i) = x - L.col(i);
  }
  s.wm0 = lambda / (n + lambda);
  s.wc0 = s.wm0 + (1 - kUt.alpha * kUt.alpha + kUt.beta);
  s.wi = 0.5 / (n + lambda);
  return s;
}

}  // namespace

Gaussian predict(FilterKind kind, const Gaussian& g, const MotionModel& model, double t_s) {
  CANOPY_CHECK(t_s >= g.t_s, "prediction back in time: {} s < {} s", t_s, g.t_s);
  const double dt = t_s - g.t_s;
  if (dt <= 0) return g;
  Gaussian out;
  out.t_s = t_s;
  if (kind == FilterKind::kEkf) {
    StateMat F;
    out.x = model.propagate(g.x, dt, &F);
    out.P = F * g.P * F.transpose() + model.process_noise(g.x, dt);
  } else {
    const SigmaPoints s = sigma_points(g.x, g.P);
    const int n = static_cast<int>(g.x.size());
    decltype(s.X) Y(n, s.X.cols());
    for (int i = 0; i < s.X.cols(); ++i) Y.col(i) = model.propagate(s.X.col(i), dt, nullptr);
    out.x = s.wm0 * Y.col(0);
    for (int i = 1; i < Y.cols(); ++i) out.x += s.wi * Y.col(i);
    out.P = model.process_noise(g.x, dt);
    for (int i = 0; i < Y.cols(); ++i) {
      const StateVec d = Y.col(i) - out.x;
      out.P += (i == 0 ? s.wc0 : s.wi) * d * d.transpose();
    }
  }
  symmetrise(out.P);
  return out;
}

MeasurementPrediction predict_measurement(FilterKind kind, const Gaussian& g,
                                          const MeasurementModel& model) {
  MeasurementPrediction mp;
  if (kind == FilterKind::kEkf || model.kind() == Measurement::Kind::kCartesian) {
    const MeasJac H = model.jacobian(g.x);
    mp.z_hat = model.predict(g.x);
    mp.Pxz = g.P * H.transpose();
    mp.S = H * mp.Pxz + model.noise();
    return mp;
  }
  const SigmaPoints s = sigma_points(g.x, g.P);
  const int m = model.dim();
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxMeasDim, 2 * kMaxDim + 1> Z(
      m, s.X.cols());
  for (int i = 0; i < s.X.cols(); ++i) {
    // Residuals against the centre point keep azimuths from wrapping.
    Z.col(i) = model.predict(s.X.col(i));
    if (i > 0) Z.col(i) = Z.col(0) + model.residual(Z.col(i), Z.col(0));
  }
  mp.z_hat = s.wm0 * Z.col(0);
  for (int i = 1; i < Z.cols(); ++i) mp.z_hat += s.wi * Z.col(i);
  mp.S = model.noise();
  mp.Pxz = CrossMat::Zero(g.x.size(), m);
  for (int i = 0; i < Z.cols(); ++i) {
    const double w = i == 0 ? s.wc0 : s.wi;
    const MeasVec dz = Z.col(i) - mp.z_hat;
    mp.S += w * dz * dz.transpose();
    mp.Pxz += w * (s.X.col(i) - g.x) * dz.transpose();
  }
  return mp;
}

Gaussian update(const Gaussian& pred, const MeasurementPrediction& mp, const MeasVec& y) {
  Gaussian out;
  out.t_s = pred.t_s;
  const Eigen::LDLT<MeasMat> S(mp.S);
  const CrossMat K = S.solve(mp.Pxz.transpose()).transpose();
  out.x = pred.x + K * y;
  // P - K S K^T (equal to the Joseph form for the optimal gain).
  out.P = pred.P - K * mp.S * K.transpose();
  symmetrise(out.P);
  return out;
}

Gaussian update_pda(const Gaussian& pred, const MeasurementPrediction& mp,
                    std::span<const MeasVec> ys, std::span<const double> beta, double beta_none) {
  Gaussian out;
  out.t_s = pred.t_s;
  const Eigen::LDLT<MeasMat> S(mp.S);
  const CrossMat K = S.solve(mp.Pxz.transpose()).transpose();
  const int m = static_cast<int>(mp.S.rows());
  MeasVec y = MeasVec::Zero(m);
  MeasMat spread = MeasMat::Zero(m, m);
  for (size_t j = 0; j < ys.size(); ++j) {
    y += beta[j] * ys[j];
    spread += beta[j] * ys[j] * ys[j].transpose();
  }
  spread -= y * y.transpose();
  out.x = pred.x + K * y;
  const StateMat Pc = pred.P - K * mp.S * K.transpose();
  out.P = beta_none * pred.P + (1 - beta_none) * Pc + K * spread * K.transpose();
  symmetrise(out.P);
  return out;
}

double nis(const MeasurementPrediction& mp, const MeasVec& y) {
  return y.dot(mp.S.ldlt().solve(y));
}

double log_likelihood(const MeasurementPrediction& mp, const MeasVec& y) {
  const Eigen::LDLT<MeasMat> S(mp.S);
  const double log_det = S.vectorD().array().log().sum();
  return -0.5 * (y.dot(S.solve(y)) + log_det +
                 static_cast<double>(y.size()) * std::log(2 * std::numbers::pi));
}

}  // namespace canopy::tracking
