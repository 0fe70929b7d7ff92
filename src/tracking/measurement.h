// Measurement models: what a sensor measures of a state, and how noisily
// (docs/tracking.md). A polar sensor measures azimuth (clockwise from +N)
// in the frame's axes translated to it, and any of range, elevation (above
// the e-n plane) and range rate: z holds those it measures, in the order
// (range, azimuth, elevation, range rate). Recorded Cartesian data measure
// position. A cheap value type: one per sensor.
//
//   auto m = tracking::MeasurementModel::polar(p_radar_W, 10.0, 1.5e-3, 1.5e-3);
//   auto s = tracking::MeasurementModel::of_sensor(scenario.sensors[0]);   // its axes
//   MeasVec z_hat = m.predict(x);
//   MeasJac H = m.jacobian(x);
//   MeasVec y = m.residual(z, z_hat);   // azimuth wrapped into (-pi, pi]
#pragma once

#include <optional>

#include "canopy/scenario/scenario.h"
#include "canopy/tracking/types.h"

namespace canopy::tracking {

class MeasurementModel {
 public:
  // The volume a sensor covers: the prior of an axis it does not measure.
  struct Coverage {
    double min_range_m = 0, max_range_m = 0;
    double min_elevation_rad = 0, max_elevation_rad = 0;
  };

  static MeasurementModel polar(const Vec3& p_sensor_W, double sigma_range_m,
                                double sigma_azimuth_rad, double sigma_elevation_rad,
                                std::optional<double> sigma_range_rate_mps = std::nullopt);
  // The axes a scenario sensor measures, with its noise; its coverage is
  // the prior of an axis it does not measure (uniform over the band).
  static MeasurementModel of_sensor(const scenario::Sensor& spec);
  static MeasurementModel cartesian(double sigma_m);

  Measurement::Kind kind() const { return kind_; }
  bool has_range() const { return range_; }
  bool has_elevation() const { return elevation_; }
  bool has_range_rate() const { return rate_; }
  // Whether one measurement places the object in 3-D (it can start a track).
  bool fixes_position() const { return range_ && elevation_; }
  const Coverage& coverage() const { return coverage_; }
  int dim() const { return static_cast<int>(R_.rows()); }
  MeasVec predict(const StateVec& x) const;
  // dz/dx: dim() x x.size().
  MeasJac jacobian(const StateVec& x) const;
  const MeasMat& noise() const { return R_; }
  MeasVec residual(const MeasVec& z, const MeasVec& z_hat) const;
  const Vec3& sensor_W() const { return p_sensor_W_; }
  // Cubic metres of the world that a unit of (range, azimuth, elevation)
  // at z spans, integrated over the coverage of an axis not measured (1
  // for Cartesian data): a density per cubic metre times this is a density
  // in measurement space. Range rate is not included.
  double volume_element(const MeasVec& z) const;

 private:
  // Index in z of azimuth (polar).
  int azimuth_index() const { return range_ ? 1 : 0; }

  Measurement::Kind kind_ = Measurement::Kind::kCartesian;
  bool range_ = true, elevation_ = true, rate_ = false;
  Vec3 p_sensor_W_ = Vec3::Zero();
  MeasMat R_;
  Coverage coverage_;
};

// Where a measurement puts the object: position and its covariance in the
// world frame (linearised for polar measurements), for track initiation and
// the spatial index. An axis not measured is taken at the middle of the
// sensor's coverage, with the variance of a uniform spread over it.
struct PositionFix {
  Vec3 p_W = Vec3::Zero();
  Eigen::Matrix3d P_W = Eigen::Matrix3d::Identity();
};
PositionFix position_fix(const MeasurementModel& model, const MeasVec& z);

}  // namespace canopy::tracking
