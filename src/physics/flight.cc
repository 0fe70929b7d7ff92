#include "canopy/physics/flight.h"

#include <algorithm>
#include <cmath>

#include "canopy/core/check.h"
#include "canopy/core/units.h"
#include "canopy/physics/atmosphere.h"

namespace canopy::physics {
namespace {

// The largest step x drag damping rate of a coast step (docs/physics.md).
constexpr double kMaxDragDamping = 0.3;

// Index i such that xs[i] <= x < xs[i+1], for a sorted table of size >= 2.
size_t bracket(const std::vector<double>& xs, double x) {
  const auto it = std::upper_bound(xs.begin() + 1, xs.end() - 1, x);
  return static_cast<size_t>(it - xs.begin()) - 1;
}

}  // namespace

double CdTable::at(double m) const {
  if (mach.empty()) return 0.0;
  if (m <= mach.front()) return cd.front();
  if (m >= mach.back()) return cd.back();
  const size_t i = bracket(mach, m);
  const double f = (m - mach[i]) / (mach[i + 1] - mach[i]);
  return cd[i] + f * (cd[i + 1] - cd[i]);
}

double RocketParams::reference_area_m2() const {
  return 0.25 * core::kPi * diameter_m * diameter_m;
}

double RocketParams::mass_kg(double tau_s) const {
  if (tau_s <= 0.0) return launch_mass_kg;
  if (tau_s >= burn_time_s) return launch_mass_kg - propellant_mass_kg;
  return launch_mass_kg - propellant_mass_kg * (tau_s / burn_time_s);
}

Vec2 WindProfile::at(double altitude) const {
  if (alt_m.empty()) return Vec2::Zero();
  if (alt_m.size() == 1 || altitude <= alt_m.front()) return wind_en_mps.front();
  if (altitude >= alt_m.back()) return wind_en_mps.back();
  const size_t i = bracket(alt_m, altitude);
  const double f = (altitude - alt_m[i]) / (alt_m[i + 1] - alt_m[i]);
  return wind_en_mps[i] + f * (wind_en_mps[i + 1] - wind_en_mps[i]);
}

double altitude_m(const Environment& env, const Vec3& p_W) {
  return env.earth == EarthModel::kSphere ? core::altitude_m(p_W) : p_W.z();
}

Vec3 gravity_W(const Environment& env, const Vec3& p_W) {
  if (env.earth == EarthModel::kFlatUniform) return {0.0, 0.0, -core::kStandardGravity_mps2};
  const Vec3 r = p_W - core::earth_centre_W();
  const double r2 = r.squaredNorm();
  return -core::kEarthGM_m3ps2 / (r2 * std::sqrt(r2)) * r;
}

Vec3 drag_accel_W(const Environment& env, const RocketParams& rocket, const Vec3& p_W,
                  const Vec3& v_W, double mass_kg) {
  if (!env.air) return Vec3::Zero();
  const double alt = altitude_m(env, p_W);
  const AirSample air = us76_air(alt);
  const Vec2 w = env.wind.at(alt);
  const Vec3 v_air_W = v_W - Vec3(w.x(), w.y(), 0.0);
  const double speed = v_air_W.norm();
  const double cd = rocket.cd_factor * rocket.cd.at(speed / air.speed_of_sound_mps);
  const double k = 0.5 * air.density_kgpm3 * speed * cd * rocket.reference_area_m2() / mass_kg;
  return -k * v_air_W;
}

Vec3 rocket_accel_W(const Environment& env, const RocketParams& rocket, const Vec3& thrust_dir_W,
                    double tau_s, const Vec3& p_W, const Vec3& v_W) {
  const double m = rocket.mass_kg(tau_s);
  Vec3 a = gravity_W(env, p_W) + drag_accel_W(env, rocket, p_W, v_W, m);
  if (tau_s < rocket.burn_time_s) a += (rocket.thrust_N / m) * thrust_dir_W;
  return a;
}

Flight Flight::launch(const RocketParams& rocket, const Environment& env, const Vec3& p_launch_W,
                      const Vec3& dir_W, double t_launch_s, IntegratorOptions opts) {
  Flight f;
  f.rocket_ = rocket;
  f.env_ = env;
  f.opts_ = opts;
  f.thrust_dir_W_ = dir_W.normalized();
  f.t_launch_s_ = t_launch_s;
  f.now_ = State{t_launch_s, p_launch_W, Vec3::Zero()};
  f.prev_ = f.now_;
  f.max_altitude_m_ = altitude_m(env, p_launch_W);
  f.a_now_phase_ = f.boosting(t_launch_s) ? Phase::kBoost : Phase::kCoast;
  f.a_now_ = f.accel(f.a_now_phase_, t_launch_s, p_launch_W, Vec3::Zero());
  f.a_prev_ = f.a_now_;
  return f;
}

Flight Flight::coast_from(const RocketParams& rocket, const Environment& env, const State& state,
                          IntegratorOptions opts) {
  Flight f;
  f.rocket_ = rocket;
  f.env_ = env;
  f.opts_ = opts;
  f.thrust_dir_W_ = state.v_W.norm() > 0 ? Vec3(state.v_W.normalized()) : Vec3::UnitZ();
  f.t_launch_s_ = state.t_s - rocket.burn_time_s;  // burnout is now
  f.now_ = state;
  f.prev_ = state;
  f.max_altitude_m_ = altitude_m(env, state.p_W);
  f.a_now_phase_ = Phase::kCoast;
  f.a_now_ = f.accel(Phase::kCoast, state.t_s, state.p_W, state.v_W);
  f.a_prev_ = f.a_now_;
  return f;
}

bool Flight::boosting(double t_s) const {
  // A step that starts this close to burnout is a coast step.
  return t_s - t_launch_s_ < rocket_.burn_time_s - 1e-9;
}

Vec3 Flight::accel(Phase phase, double t_s, const Vec3& p_W, const Vec3& v_W) const {
  if (phase == Phase::kCoast) {
    const double m = rocket_.mass_kg(rocket_.burn_time_s);
    return gravity_W(env_, p_W) + drag_accel_W(env_, rocket_, p_W, v_W, m);
  }
  // Boost: the mass at the clamped burn time, thrust on at every stage (a
  // step ending exactly at burnout sees the left limit of the thrust).
  const double tau = std::clamp(t_s - t_launch_s_, 0.0, rocket_.burn_time_s);
  const double m = rocket_.mass_kg(tau);
  return gravity_W(env_, p_W) + drag_accel_W(env_, rocket_, p_W, v_W, m) +
         (rocket_.thrust_N / m) * thrust_dir_W_;
}

State Flight::rk4(Phase phase, const State& s, const Vec3& a0, double h) const {
  const double t = s.t_s;
  const Vec3& p = s.p_W;
  const Vec3& v = s.v_W;
  const Vec3& k1v = a0;
  const Vec3& k1p = v;
  const Vec3 k2p = v + 0.5 * h * k1v;
  const Vec3 k2v = accel(phase, t + 0.5 * h, p + 0.5 * h * k1p, k2p);
  const Vec3 k3p = v + 0.5 * h * k2v;
  const Vec3 k3v = accel(phase, t + 0.5 * h, p + 0.5 * h * k2p, k3p);
  const Vec3 k4p = v + h * k3v;
  const Vec3 k4v = accel(phase, t + h, p + h * k3p, k4p);
  return State{t + h, p + (h / 6.0) * (k1p + 2.0 * k2p + 2.0 * k3p + k4p),
               v + (h / 6.0) * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)};
}

void Flight::step() {
  if (landed()) return;
  // Choose the phase and step length; a boost step is cut to end at burnout.
  const Phase phase = boosting(now_.t_s) ? Phase::kBoost : Phase::kCoast;
  double h = phase == Phase::kBoost ? opts_.boost_step_s : opts_.coast_step_s;
  if (phase == Phase::kBoost) {
    h = std::min(h, t_launch_s_ + rocket_.burn_time_s - now_.t_s);
  }
  // The end acceleration of the last step is this step's first stage when
  // the phase is unchanged.
  const Vec3 a0 = phase == a_now_phase_ ? a_now_ : accel(phase, now_.t_s, now_.p_W, now_.v_W);
  if (phase == Phase::kCoast) {
    // Stiff drag (a light fragment at high speed damps its velocity within
    // a fraction of a step): the step shrinks so that h x d|a|/d|v| stays
    // below kMaxDragDamping, where RK4 is accurate. A rocket's drag never
    // shortens its step.
    const double alt = altitude_m(env_, now_.p_W);
    const Vec2 w = env_.wind.at(alt);
    const double airspeed = (now_.v_W - Vec3(w.x(), w.y(), 0.0)).norm();
    const double damping = 2 * (a0 - gravity_W(env_, now_.p_W)).norm() / std::max(airspeed, 1.0);
    if (damping * h > kMaxDragDamping) h = kMaxDragDamping / damping;
  }
  State next = rk4(phase, now_, a0, h);

  // The step crosses the ground: end it at the impact instead.
  const double alt_next = altitude_m(env_, next.p_W);
  const bool flew = now_.t_s > t_launch_s_ || alt_next < altitude_m(env_, now_.p_W);
  if (alt_next < 0.0 && flew) {
    next = locate_impact(phase, a0, h);
  } else if (next.t_s - t_launch_s_ > opts_.max_flight_s) {
    // Safety stop for a trajectory that never comes down: end it here.
    impact_ = Impact{next.t_s, next.p_W, next.v_W};
  }

  prev_ = now_;
  a_prev_ = a0;
  now_ = next;
  a_now_ = accel(phase, now_.t_s, now_.p_W, now_.v_W);
  a_now_phase_ = phase;
  max_altitude_m_ = std::max(max_altitude_m_, altitude_m(env_, now_.p_W));
}

// Finds the sub-step h* in (0, h] at which the altitude after one RK4 step
// from the current state is zero, by the Illinois variant of regula falsi.
// The root is the integrator's own trajectory, located within 1e-4 m.
State Flight::locate_impact(Phase phase, const Vec3& a0, double h) {
  double lo = 0.0, hi = h;
  double g_lo = altitude_m(env_, now_.p_W), g_hi = altitude_m(env_, rk4(phase, now_, a0, h).p_W);
  State best = rk4(phase, now_, a0, h);
  int side = 0;
  for (int it = 0; it < 100; ++it) {
    const double x = (g_lo == g_hi) ? 0.5 * (lo + hi) : (lo * g_hi - hi * g_lo) / (g_hi - g_lo);
    const double hx = std::clamp(x, lo, hi);
    best = rk4(phase, now_, a0, hx);
    const double g = altitude_m(env_, best.p_W);
    if (std::abs(g) < 1e-4 || hi - lo < 1e-12) break;
    if ((g < 0.0) == (g_hi < 0.0)) {
      hi = hx;
      g_hi = g;
      if (side == -1) g_lo *= 0.5;
      side = -1;
    } else {
      lo = hx;
      g_lo = g;
      if (side == +1) g_hi *= 0.5;
      side = +1;
    }
  }
  impact_ = Impact{best.t_s, best.p_W, best.v_W};
  return best;
}

void Flight::advance_to(double t_s) {
  while (!landed() && now_.t_s < t_s) step();
}

const Impact& Flight::fly_to_ground() {
  while (!landed()) step();
  return *impact_;
}

State Flight::state_at(double t_s) const {
  CANOPY_CHECK(t_s >= prev_.t_s - 1e-9 && t_s <= now_.t_s + 1e-9,
               "state at {} s outside the latest step [{}, {}] s", t_s, prev_.t_s, now_.t_s);
  return state_at_clamped(t_s);
}

State Flight::state_at_clamped(double t_s) const {
  const double h = now_.t_s - prev_.t_s;
  if (h <= 0.0) return now_;
  const double s = std::clamp((t_s - prev_.t_s) / h, 0.0, 1.0);
  // Cubic Hermite basis on [0, 1] and its derivative.
  const double s2 = s * s, s3 = s2 * s;
  const double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s;
  const double h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
  State out;
  out.t_s = t_s;
  out.p_W = h00 * prev_.p_W + h10 * h * prev_.v_W + h01 * now_.p_W + h11 * h * now_.v_W;
  out.v_W = h00 * prev_.v_W + h10 * h * a_prev_ + h01 * now_.v_W + h11 * h * a_now_;
  return out;
}

}  // namespace canopy::physics
