// Motion models: how a track's state moves between measurements
// (docs/tracking.md). Every state starts [p_W (3), v_W (3)]; models append
// their own components:
//
//   constant velocity   [p, v]            dim 6
//   constant accel.     [p, v, a]         dim 9
//   ballistic           [p, v, kd]        dim 7   gravity + drag
//   boost / coast       [p, v, kd, aT]    dim 8   the IMM pair
//
// kd (m^2/kg) is the track's own drag parameter, Cd factor x area / mass:
// drag = -1/2 rho |u| u Cd_shape(Mach) kd, with u the velocity through the
// air (the wind forecast). aT is thrust acceleration along the velocity.
//
//   tracking::CvModel cv(1.0);
//   StateMat F;
//   StateVec x1 = cv.propagate(x0, 0.1, &F);   // and its Jacobian
//   StateMat Q = cv.process_noise(x0, 0.1);
#pragma once

#include "canopy/physics/flight.h"
#include "canopy/tracking/types.h"

namespace canopy::tracking {

class MotionModel {
 public:
  virtual ~MotionModel() = default;
  virtual int dim() const = 0;
  // The state dt_s later; with F, also d x(t + dt) / d x(t).
  virtual StateVec propagate(const StateVec& x, double dt_s, StateMat* F) const = 0;
  // Discrete process noise accumulated over dt_s.
  virtual StateMat process_noise(const StateVec& x, double dt_s) const = 0;
};

// A nearly constant derivative on each axis: the state [p, v] (order 1) or
// [p, v, a] (order 2), the derivatives an exact integrator chain, driven by
// white noise of spectral density q^2 on the next derivative.
class NearlyConstantModel : public MotionModel {
 public:
  int dim() const override { return 3 * (order_ + 1); }
  StateVec propagate(const StateVec& x, double dt_s, StateMat* F) const override;
  StateMat process_noise(const StateVec& x, double dt_s) const override;

 protected:
  NearlyConstantModel(int order, double q) : order_(order), q_(q) {}

 private:
  int order_;  // 1 or 2
  double q_;
};

// Nearly constant velocity: white acceleration noise of spectral density
// q^2 (q in m/s^2 per sqrt(s)) on each axis.
class CvModel final : public NearlyConstantModel {
 public:
  explicit CvModel(double q) : NearlyConstantModel(1, q) {}
};

// Nearly constant acceleration: white jerk noise of density q^2 (m/s^3 per
// sqrt(s)) on each axis.
class CaModel final : public NearlyConstantModel {
 public:
  explicit CaModel(double q) : NearlyConstantModel(2, q) {}
};

// Gravity and drag (the physics module's Earth and standard atmosphere, the
// forecast wind, the threat's Cd(Mach) shape), integrated with RK4 together
// with its variational equation for the Jacobian.
class BallisticModel final : public MotionModel {
 public:
  enum class Thrust {
    kNone,   // dim 7: [p, v, kd]
    kBoost,  // dim 8: [p, v, kd, aT], aT a random walk
    kCoast   // dim 8: [p, v, kd, aT], aT held at zero (the IMM's ballistic member)
  };
  struct Noise {
    double accel = 1.0;      // white acceleration density, m/s^2 per sqrt(s)
    double kd_rel = 0.01;    // random walk of kd, relative to kd_scale, per sqrt(s)
    double kd_scale = 1e-4;  // m^2/kg
    double thrust = 60.0;    // random walk of aT, m/s^2 per sqrt(s)
  };
  BallisticModel(physics::Environment env, physics::CdTable cd_shape, Thrust thrust, Noise noise);

  int dim() const override { return thrust_ == Thrust::kNone ? 7 : 8; }
  StateVec propagate(const StateVec& x, double dt_s, StateMat* F) const override;
  StateMat process_noise(const StateVec& x, double dt_s) const override;

  // The continuous dynamics dx/dt = f(x) and, with A, df/dx.
  StateVec derivative(const StateVec& x, StateMat* A) const;
  const physics::Environment& environment() const { return env_; }

 private:
  Vec3 drag(const Vec3& p_W, const Vec3& v_W, double altitude_m, double kd,
            Eigen::Matrix3d* d_dv) const;

  physics::Environment env_;
  physics::CdTable cd_;
  Thrust thrust_;
  Noise noise_;
};

// The slope dCd/dMach of a table at a Mach number (0 beyond its ends).
double cd_slope(const physics::CdTable& table, double mach);

}  // namespace canopy::tracking
