// Plain data shared by the tracker's parts: states, measurements and the
// sensors the tracker knows (docs/tracking.md).
//
//   tracking::Gaussian g{x, P, t_s};          // mean, covariance, time
//   tracking::Measurement m{.kind = tracking::Measurement::Kind::kPolar, ...};
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <limits>

#include "canopy/core/earth.h"

namespace canopy::tracking {

using core::Vec3;

// States have at most kMaxDim components and never touch the heap.
inline constexpr int kMaxDim = 10;
using StateVec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxDim, 1>;
using StateMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxDim, kMaxDim>;
inline constexpr int kMaxMeasDim = 4;
using MeasVec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxMeasDim, 1>;
using MeasMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxMeasDim, kMaxMeasDim>;
using CrossMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxDim, kMaxMeasDim>;
using MeasJac = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxMeasDim, kMaxDim>;

// Every state layout starts with position (3) and velocity (3) in the world
// frame W (ENU at the scenario origin); models append their own components.
inline constexpr int kPos = 0;
inline constexpr int kVel = 3;

// A Gaussian state estimate at a time.
struct Gaussian {
  StateVec x;
  StateMat P;
  double t_s = 0;
};

// One measurement, as the tracker consumes it.
struct Measurement {
  enum class Kind {
    kPolar,     // z = (range, azimuth, elevation[, range rate]) from sensor
    kCartesian  // z = (e, n, u) in the world frame
  };
  std::uint64_t id = 0;  // the plot id (opaque)
  int sensor = 0;        // index into the tracker's sensors
  double t_s = 0;
  Kind kind = Kind::kPolar;
  MeasVec z;
};

}  // namespace canopy::tracking
