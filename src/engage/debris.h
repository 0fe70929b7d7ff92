// The battle manager's model of the debris a kill leaves (docs/engage.md,
// "Debris tracks"): where fragments of a rocket killed at a known point can
// be, and how fast they can move, at each later time. A track that starts
// inside such a cloud and moves as a fragment can is debris, unless it
// moves as the intact rocket would have (engage::IntactPath).
//
// The model is the defense's own public-level warhead model (physics/warhead.h):
// fragments of the rocket's burnout mass, from kMinFragmentMass_kg up to
// kMaxFragmentShare of it, tumbling spheres (Cd 1.2) thrown with
// kFragmentSpread_mps per axis. A handful of fragment sizes, spanning the
// drag parameter kd = Cd A / m, are flown through the forecast wind without
// throw (sampled densely while their drag is stiff); the throw is then bounded around each by a
// throw speed that drag damps (d(dv)/dt = -1/2 rho kd |u| dv, with the airspeed |u| taken with the
// throw across the flight) and the distance it carries.
//
//   engage::DebrisCloud cloud = engage::DebrisCloud::from_kill(state, 46.0, forecast);
//   if (cloud.could_be_fragment(t, p_W, v_W, sigma_p, sigma_v)) ...
#pragma once

#include <vector>

#include "canopy/physics/flight.h"

namespace canopy::engage {

using core::Vec3;

// The smallest fragment the model keeps, and the largest share of the
// rocket's mass one fragment can hold (a flat Dirichlet over 6 shares puts
// (1 - 0.8)^5 = 3e-4 of the largest shares above it).
inline constexpr double kMinFragmentMass_kg = 0.05;
inline constexpr double kMaxFragmentShare = 0.8;
// Throw bound, in standard deviations per axis: a fragment's throw speed
// exceeds it with probability 1.6e-4.
inline constexpr double kThrowSigmas = 4.5;

struct DebrisCloudOptions {
  int sizes = 6;                  // fragment sizes flown (log-spaced in kd)
  double sample_s = 0.5;          // longest interval between samples (Hermite in between)
  double max_duration_s = 300;    // the cloud ends here at the latest
  double position_margin_m = 30;  // added to every position bound
  double speed_margin_mps = 15;   // added to every speed bound
};

class DebrisCloud {
 public:
  // Fragments of a rocket of burnout mass `rocket_mass_kg` killed at `at`
  // (position and velocity known to `sigma_p_m` and `sigma_v_mps`, 1 sigma
  // per axis).
  static DebrisCloud from_kill(const physics::State& at, double rocket_mass_kg,
                               const physics::Environment& forecast, double sigma_p_m = 10,
                               double sigma_v_mps = 5, DebrisCloudOptions options = {});

  double t0_s() const { return t0_s_; }
  // After this no fragment is in the air.
  double t_end_s() const { return t_end_s_; }

  // Whether an object seen at t_s at p_W moving at v_W (each known to the
  // given 1-sigma per axis) can be one of the fragments.
  bool could_be_fragment(double t_s, const Vec3& p_W, const Vec3& v_W, double sigma_p_m,
                         double sigma_v_mps) const;
  // Whether a fragment can be within radius_m of p_W at t_s.
  bool could_reach(double t_s, const Vec3& p_W, double radius_m) const;

  // One fragment size's throw-free path, and the throw's reach about it.
  struct Sample {
    double t_s = 0;
    Vec3 p_W = Vec3::Zero();
    Vec3 v_W = Vec3::Zero();
    double reach_m = 0;        // how far the throw can have carried a fragment
    double reach_mps = 0;      // how much throw speed is left
    double damping_per_s = 0;  // drag's damping of the throw until the next sample
    bool landed = false;       // (the path ends on the ground)
  };
  // The sample of size k at t_s (interpolated); k in [0, sizes).
  Sample at(int k, double t_s) const;
  int sizes() const { return static_cast<int>(paths_.size()); }

 private:
  double t0_s_ = 0, t_end_s_ = 0;
  double sigma_p_m_ = 0, sigma_v_mps_ = 0;
  DebrisCloudOptions options_;
  // The test of both: velocity only when v_W is given.
  bool contains(double t_s, const Vec3& p_W, const Vec3* v_W, double p_slack_m,
                double v_slack_mps) const;
  std::vector<std::vector<Sample>> paths_;  // per size, per sample from t0
};

}  // namespace canopy::engage
