// Impact-point prediction (docs/assess.md): where and when a tracked rocket
// reaches the ground, with the uncertainty of both.
//
// The input is the track's ballistic estimate: [p_W, v_W, kd] with its 7x7
// covariance, and the threat class's Cd(Mach) shape. The predictor flies it
// through the same dynamics as the truth (physics: central gravity over a
// sphere, US76 air, Cd(Mach) drag in the forecast wind) down to the ground:
//
//   - kUnscented (the fast path): the state is augmented with the forecast
//     wind's error (2 axes, sigma = the scenario's wind_forecast_error_mps);
//     its 2n + 1 sigma points fly to the ground, and their ground points and
//     times give the mean and covariance of (east, north, t_impact).
//     White acceleration noise over the remaining flight adds q^2 T^3 / 3
//     per horizontal axis (q the tracker's process noise, T the time to go).
//   - kMonteCarlo (the reference): `samples` draws of the augmented state,
//     each flown by physics::Flight, the truth integrator; the sample mean
//     and covariance, plus the same process-noise term.
//
//   assess::ImpactPredictor predictor(config);
//   core::Result<ImpactPrediction> ip = predictor.predict(estimate);
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/error.h"
#include "canopy/physics/flight.h"

namespace canopy::assess {

using core::Vec2;
using core::Vec3;
using Vec7 = Eigen::Matrix<double, 7, 1>;
using Mat7 = Eigen::Matrix<double, 7, 7>;

// A track's ballistic estimate at one time.
struct BallisticEstimate {
  double t_s = 0;
  Vec7 x = Vec7::Zero();  // [p_W, v_W, kd (m^2/kg)]
  Mat7 P = Mat7::Identity();
  physics::CdTable cd;  // the threat class's Cd(Mach) shape
};

struct ImpactPrediction {
  double t_s = 0;  // time of the estimate it was made from
  Vec2 p_en_m = Vec2::Zero();
  Eigen::Matrix2d cov_en_m2 = Eigen::Matrix2d::Identity();
  double t_impact_s = 0;
  double sigma_t_impact_s = 0;
  // Samples that did not reach the ground within the horizon (should be 0).
  int lost = 0;
};

struct PredictorConfig {
  enum class Method { kUnscented, kMonteCarlo };
  Method method = Method::kUnscented;
  physics::Environment environment;   // the forecast: Earth, air, forecast wind
  double wind_error_sigma_mps = 2.0;  // per horizontal axis, constant in altitude
  double process_noise_mps2 = 0.07;   // white acceleration density, as the tracker's
  double step_s = 2.0;                // RK4 step of the fast path (0.4 m at impact, see tests)
  double horizon_s = 600;             // give up beyond this flight time
  int samples = 2000;                 // kMonteCarlo
  std::uint64_t seed = 1;             // kMonteCarlo
};

// One noiseless trajectory to the ground (the fast path's integrator):
// returns the ground point and time, or nothing within the horizon.
struct GroundPoint {
  Vec3 p_W = Vec3::Zero();
  double t_s = 0;
};
std::optional<GroundPoint> fly_to_ground(const physics::Environment& env,
                                         const physics::CdTable& cd, const Vec7& x, double t0_s,
                                         const Vec2& wind_error_en_mps, double step_s,
                                         double horizon_s);

// A body whose drag parameter Cd_factor x area / mass is kd (1 kg, Cd
// factor 1, area kd), for flying an estimate with physics::Flight.
physics::RocketParams drag_body(double kd, const physics::CdTable& cd);

class ImpactPredictor {
 public:
  explicit ImpactPredictor(PredictorConfig config) : config_(std::move(config)) {}

  core::Result<ImpactPrediction> predict(const BallisticEstimate& est) const;
  const PredictorConfig& config() const { return config_; }

 private:
  core::Result<ImpactPrediction> unscented(const BallisticEstimate& est) const;
  core::Result<ImpactPrediction> monte_carlo(const BallisticEstimate& est) const;
  void add_process_noise(ImpactPrediction& ip) const;

  PredictorConfig config_;
};

}  // namespace canopy::assess
