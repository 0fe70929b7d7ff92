#include "canopy/tracking/measurement.h"

#include <cmath>
#include <numbers>

namespace canopy::tracking {

MeasurementModel MeasurementModel::polar(const Vec3& p_sensor_W, double sr, double saz, double sel,
                                         std::optional<double> srr) {
  MeasurementModel m;
  m.kind_ = Measurement::Kind::kPolar;
  m.p_sensor_W_ = p_sensor_W;
  const int n = srr ? 4 : 3;
  m.R_ = MeasMat::Zero(n, n);
  m.R_(0, 0) = sr * sr;
  m.R_(1, 1) = saz * saz;
  m.R_(2, 2) = sel * sel;
  if (srr) m.R_(3, 3) = *srr * *srr;
  return m;
}

MeasurementModel MeasurementModel::cartesian(double sigma_m) {
  MeasurementModel m;
  m.kind_ = Measurement::Kind::kCartesian;
  m.R_ = MeasMat::Identity(3, 3) * (sigma_m * sigma_m);
  return m;
}

MeasVec MeasurementModel::predict(const StateVec& x) const {
  MeasVec z(dim());
  if (kind_ == Measurement::Kind::kCartesian) {
    z = x.head<3>();
    return z;
  }
  const Vec3 d = x.head<3>() - p_sensor_W_;
  const double rh = std::hypot(d.x(), d.y());
  const double r = d.norm();
  z(0) = r;
  z(1) = std::atan2(d.x(), d.y());
  z(2) = std::atan2(d.z(), rh);
  if (dim() == 4) z(3) = r > 0 ? d.dot(x.segment<3>(3)) / r : 0.0;
  return z;
}

MeasJac MeasurementModel::jacobian(const StateVec& x) const {
  const int n = static_cast<int>(x.size());
  MeasJac H = MeasJac::Zero(dim(), n);
  if (kind_ == Measurement::Kind::kCartesian) {
    H.leftCols<3>().setIdentity();
    return H;
  }
  const Vec3 d = x.head<3>() - p_sensor_W_;
  const double rh2 = d.x() * d.x() + d.y() * d.y();
  const double rh = std::sqrt(rh2);
  const double r2 = rh2 + d.z() * d.z();
  const double r = std::sqrt(r2);
  H.block<1, 3>(0, 0) = d.transpose() / r;
  // azimuth = atan2(e, n)
  H(1, 0) = d.y() / rh2;
  H(1, 1) = -d.x() / rh2;
  // elevation = atan2(u, rh)
  H(2, 0) = -d.z() * d.x() / (r2 * rh);
  H(2, 1) = -d.z() * d.y() / (r2 * rh);
  H(2, 2) = rh / r2;
  if (dim() == 4) {
    const Vec3 v = x.segment<3>(3);
    const double rr = d.dot(v) / r;
    H.block<1, 3>(3, 0) = (v - rr * d / r).transpose() / r;
    H.block<1, 3>(3, 3) = d.transpose() / r;
  }
  return H;
}

MeasVec MeasurementModel::residual(const MeasVec& z, const MeasVec& z_hat) const {
  MeasVec y = z - z_hat;
  if (kind_ == Measurement::Kind::kPolar) {
    y(1) = std::remainder(y(1), 2 * std::numbers::pi);
  }
  return y;
}

PositionFix position_fix(const MeasurementModel& model, const MeasVec& z) {
  PositionFix fix;
  if (model.kind() == Measurement::Kind::kCartesian) {
    fix.p_W = z.head<3>();
    fix.P_W = model.noise().topLeftCorner<3, 3>();
    return fix;
  }
  const double r = z(0), az = z(1), el = z(2);
  const double ce = std::cos(el), se = std::sin(el), ca = std::cos(az), sa = std::sin(az);
  fix.p_W = model.sensor_W() + r * Vec3(ce * sa, ce * ca, se);
  Eigen::Matrix3d J;
  J << ce * sa, r * ce * ca, -r * se * sa,  //
      ce * ca, -r * ce * sa, -r * se * ca,  //
      se, 0, r * ce;
  fix.P_W = J * model.noise().topLeftCorner<3, 3>() * J.transpose();
  return fix;
}

}  // namespace canopy::tracking
