#include "canopy/tracking/measurement.h"

#include <array>
#include <cmath>
#include <numbers>

namespace canopy::tracking {
namespace {

// Mean and variance of a uniform spread over [lo, hi].
double mid(double lo, double hi) { return 0.5 * (lo + hi); }
double uniform_variance(double lo, double hi) { return (hi - lo) * (hi - lo) / 12; }

}  // namespace

MeasurementModel MeasurementModel::polar(const Vec3& p_sensor_W, double sr, double saz, double sel,
                                         std::optional<double> srr) {
  MeasurementModel m;
  m.kind_ = Measurement::Kind::kPolar;
  m.p_sensor_W_ = p_sensor_W;
  m.rate_ = srr.has_value();
  const int n = m.rate_ ? 4 : 3;
  m.R_ = MeasMat::Zero(n, n);
  m.R_(0, 0) = sr * sr;
  m.R_(1, 1) = saz * saz;
  m.R_(2, 2) = sel * sel;
  if (srr) m.R_(3, 3) = *srr * *srr;
  return m;
}

MeasurementModel MeasurementModel::of_sensor(const scenario::Sensor& spec) {
  MeasurementModel m;
  m.kind_ = Measurement::Kind::kPolar;
  m.p_sensor_W_ = spec.p_W;
  m.range_ = spec.measures_range;
  m.elevation_ = spec.measures_elevation;
  m.rate_ = spec.sigma_range_rate_mps > 0;  // only with range (the loader)
  m.coverage_ = {spec.min_range_m, spec.max_range_m, spec.min_elevation_rad,
                 spec.max_elevation_rad};
  std::array<double, kMaxMeasDim> sigma{};
  int n = 0;
  if (m.range_) sigma[n++] = spec.sigma_range_m;
  sigma[n++] = spec.sigma_azimuth_rad;
  if (m.elevation_) sigma[n++] = spec.sigma_elevation_rad;
  if (m.rate_) sigma[n++] = spec.sigma_range_rate_mps;
  m.R_ = MeasMat::Zero(n, n);
  for (int i = 0; i < n; ++i) m.R_(i, i) = sigma[i] * sigma[i];
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
  int k = 0;
  if (range_) z(k++) = r;
  z(k++) = std::atan2(d.x(), d.y());
  if (elevation_) z(k++) = std::atan2(d.z(), rh);
  if (rate_) z(k) = r > 0 ? d.dot(x.segment<3>(3)) / r : 0.0;
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
  int k = 0;
  if (range_) H.block<1, 3>(k++, 0) = d.transpose() / r;
  // azimuth = atan2(e, n)
  H(k, 0) = d.y() / rh2;
  H(k, 1) = -d.x() / rh2;
  ++k;
  if (elevation_) {
    // elevation = atan2(u, rh)
    H(k, 0) = -d.z() * d.x() / (r2 * rh);
    H(k, 1) = -d.z() * d.y() / (r2 * rh);
    H(k, 2) = rh / r2;
    ++k;
  }
  if (rate_) {
    const Vec3 v = x.segment<3>(3);
    const double rr = d.dot(v) / r;
    H.block<1, 3>(k, 0) = (v - rr * d / r).transpose() / r;
    H.block<1, 3>(k, 3) = d.transpose() / r;
  }
  return H;
}

MeasVec MeasurementModel::residual(const MeasVec& z, const MeasVec& z_hat) const {
  MeasVec y = z - z_hat;
  if (kind_ == Measurement::Kind::kPolar) {
    const int a = azimuth_index();
    y(a) = std::remainder(y(a), 2 * std::numbers::pi);
  }
  return y;
}

double MeasurementModel::volume_element(const MeasVec& z) const {
  if (kind_ == Measurement::Kind::kCartesian) return 1.0;
  // dV = r^2 cos(el) dr daz del, integrated over an axis not measured.
  const int a = azimuth_index();
  if (range_ && elevation_) return z(0) * z(0) * std::cos(z(a + 1));
  const Coverage& c = coverage_;
  if (range_) return z(0) * z(0) * (std::sin(c.max_elevation_rad) - std::sin(c.min_elevation_rad));
  return std::cos(z(a + 1)) * (std::pow(c.max_range_m, 3) - std::pow(c.min_range_m, 3)) / 3;
}

PositionFix position_fix(const MeasurementModel& model, const MeasVec& z) {
  PositionFix fix;
  if (model.kind() == Measurement::Kind::kCartesian) {
    fix.p_W = z.head<3>();
    fix.P_W = model.noise().topLeftCorner<3, 3>();
    return fix;
  }
  const MeasurementModel::Coverage& c = model.coverage();
  const int a = model.has_range() ? 1 : 0;
  const double r = model.has_range() ? z(0) : mid(c.min_range_m, c.max_range_m);
  const double az = z(a);
  const double el =
      model.has_elevation() ? z(a + 1) : mid(c.min_elevation_rad, c.max_elevation_rad);
  const double ce = std::cos(el), se = std::sin(el), ca = std::cos(az), sa = std::sin(az);
  fix.p_W = model.sensor_W() + r * Vec3(ce * sa, ce * ca, se);
  Eigen::Matrix3d J;
  J << ce * sa, r * ce * ca, -r * se * sa,  //
      ce * ca, -r * ce * sa, -r * se * ca,  //
      se, 0, r * ce;
  if (model.fixes_position()) {
    fix.P_W = J * model.noise().topLeftCorner<3, 3>() * J.transpose();
    return fix;
  }
  const MeasMat& R = model.noise();
  const Eigen::Vector3d var(
      model.has_range() ? R(0, 0) : uniform_variance(c.min_range_m, c.max_range_m), R(a, a),
      model.has_elevation() ? R(a + 1, a + 1)
                            : uniform_variance(c.min_elevation_rad, c.max_elevation_rad));
  fix.P_W = J * var.asDiagonal() * J.transpose();
  return fix;
}

}  // namespace canopy::tracking
