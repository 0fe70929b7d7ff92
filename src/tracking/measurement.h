// Measurement models: what a sensor measures of a state, and how noisily
// (docs/tracking.md). A radar measures range, azimuth (clockwise from +N)
// and elevation (above the e-n plane) in the frame's axes translated to the
// radar, and optionally range rate; recorded Cartesian data measure
// position. A cheap value type: one per sensor.
//
//   auto m = tracking::MeasurementModel::polar(p_radar_W, 10.0, 1.5e-3, 1.5e-3);
//   MeasVec z_hat = m.predict(x);
//   MeasJac H = m.jacobian(x);
//   MeasVec y = m.residual(z, z_hat);   // azimuth wrapped into (-pi, pi]
#pragma once

#include <optional>

#include "canopy/tracking/types.h"

namespace canopy::tracking {

class MeasurementModel {
 public:
  static MeasurementModel polar(const Vec3& p_sensor_W, double sigma_range_m,
                                double sigma_azimuth_rad, double sigma_elevation_rad,
                                std::optional<double> sigma_range_rate_mps = std::nullopt);
  static MeasurementModel cartesian(double sigma_m);

  Measurement::Kind kind() const { return kind_; }
  int dim() const { return static_cast<int>(R_.rows()); }
  MeasVec predict(const StateVec& x) const;
  // dz/dx: dim() x x.size().
  MeasJac jacobian(const StateVec& x) const;
  const MeasMat& noise() const { return R_; }
  MeasVec residual(const MeasVec& z, const MeasVec& z_hat) const;
  const Vec3& sensor_W() const { return p_sensor_W_; }

 private:
  Measurement::Kind kind_ = Measurement::Kind::kCartesian;
  Vec3 p_sensor_W_ = Vec3::Zero();
  MeasMat R_;
};

// Where a measurement puts the object: position and its covariance in the
// world frame (linearised for polar measurements), for track initiation and
// the spatial index.
struct PositionFix {
  Vec3 p_W = Vec3::Zero();
  Eigen::Matrix3d P_W = Eigen::Matrix3d::Identity();
};
PositionFix position_fix(const MeasurementModel& model, const MeasVec& z);

}  // namespace canopy::tracking
