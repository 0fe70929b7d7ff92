#include "canopy/physics/flight.h"

#include <gtest/gtest.h>

#include <cmath>

#include "canopy/core/earth.h"
#include "canopy/core/units.h"
#include "canopy/physics/examples.h"

namespace canopy::physics {
namespace {

Environment vacuum_flat() {
  Environment env;
  env.earth = EarthModel::kFlatUniform;
  env.air = false;
  return env;
}

Vec3 launch_dir(double el_deg, double az_deg) {
  return core::Horizon{Vec3::UnitX(), Vec3::UnitY(), Vec3::UnitZ()}.direction(
      core::deg_to_rad(el_deg), core::deg_to_rad(az_deg));
}

// Closed form for a rocket launched from rest at the origin in vacuum under
// uniform gravity: Tsiolkovsky during the burn, a parabola afterwards.
State closed_form(const RocketParams& r, const Vec3& dir, double t) {
  const double g = core::kStandardGravity_mps2;
  const double mdot = r.propellant_mass_kg / r.burn_time_s;
  const double m0 = r.launch_mass_kg;
  auto boost = [&](double tb) {
    const double m = m0 - mdot * tb;
    const double ve = r.thrust_N / mdot;  // thrust over mass flow
    State s;
    s.t_s = tb;
    s.v_W = ve * std::log(m0 / m) * dir - g * tb * Vec3::UnitZ();
    s.p_W = ve * (tb - (m / mdot) * std::log(m0 / m)) * dir - 0.5 * g * tb * tb * Vec3::UnitZ();
    return s;
  };
  if (t <= r.burn_time_s) return boost(t);
  State b = boost(r.burn_time_s);
  const double dt = t - r.burn_time_s;
  State s;
  s.t_s = t;
  s.v_W = b.v_W - g * dt * Vec3::UnitZ();
  s.p_W = b.p_W + dt * b.v_W - 0.5 * g * dt * dt * Vec3::UnitZ();
  return s;
}

TEST(Flight, NoAirUniformGravityMatchesClosedForm) {
  const RocketParams r = example_medium_rocket();
  const Vec3 dir = launch_dir(45, 30);
  Flight f = Flight::launch(r, vacuum_flat(), Vec3::Zero(), dir, 0.0);
  // Every step end, boost and coast, within 1e-9 relative.
  while (!f.landed()) {
    f.step();
    if (f.landed()) break;
    const State& s = f.current();
    const State ref = closed_form(r, dir, s.t_s);
    EXPECT_LE((s.p_W - ref.p_W).norm(), 1e-9 * ref.p_W.norm()) << "t=" << s.t_s;
    EXPECT_LE((s.v_W - ref.v_W).norm(), 1e-9 * ref.v_W.norm()) << "t=" << s.t_s;
  }
  // The impact: the parabola's root after burnout, within 1 mm.
  const State b = closed_form(r, dir, r.burn_time_s);
  const double g = core::kStandardGravity_mps2;
  const double vz = b.v_W.z(), z = b.p_W.z();
  const double dt = (vz + std::sqrt(vz * vz + 2 * g * z)) / g;
  const State ref = closed_form(r, dir, r.burn_time_s + dt);
  EXPECT_NEAR(f.impact()->p_W.x(), ref.p_W.x(), 1e-3);
  EXPECT_NEAR(f.impact()->p_W.y(), ref.p_W.y(), 1e-3);
  EXPECT_NEAR(f.impact()->t_s, ref.t_s, 1e-5);
}

TEST(Flight, BurnoutIsAStepEnd) {
  Flight f = Flight::launch(example_medium_rocket(), Environment{}, core::ground_point({0, 0}),
                            launch_dir(45, 0), 5.0);
  bool hit = false;
  while (f.current().t_s < 5.0 + 3.0) {
    f.step();
    hit = hit || std::abs(f.current().t_s - (5.0 + 1.9)) < 1e-12;
  }
  EXPECT_TRUE(hit);
}

TEST(Flight, ImpactIsOnTheGroundWithinOneCentimetre) {
  for (double el : {15.0, 45.0, 70.0}) {
    const Vec3 p0 = core::ground_point({1000, -2000});
    Flight f = Flight::launch(example_medium_rocket(), Environment{}, p0,
                              core::horizon_at(p0).direction(core::deg_to_rad(el), 1.0), 0.0);
    const Impact& hit = f.fly_to_ground();
    EXPECT_LT(std::abs(core::altitude_m(hit.p_W)), 0.01) << el;
    EXPECT_LT(hit.v_W.z(), 0.0);
  }
}

TEST(Flight, DragShortensRange) {
  const Vec3 p0 = core::ground_point({0, 0});
  const Vec3 dir = core::horizon_at(p0).direction(core::deg_to_rad(45), 0);
  Environment vac;
  vac.air = false;
  const double with_air =
      Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0).fly_to_ground().p_W.y();
  const double without =
      Flight::launch(example_medium_rocket(), vac, p0, dir, 0).fly_to_ground().p_W.y();
  EXPECT_LT(with_air, 0.5 * without);
  RocketParams draggy = example_medium_rocket();
  draggy.cd_factor = 1.1;
  EXPECT_LT(Flight::launch(draggy, Environment{}, p0, dir, 0).fly_to_ground().p_W.y(), with_air);
}

TEST(Flight, TailWindLengthensAndCrossWindDeflects) {
  const Vec3 p0 = core::ground_point({0, 0});
  const Vec3 dir = core::horizon_at(p0).direction(core::deg_to_rad(40), 0);  // north
  const Vec2 calm = Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0)
                        .fly_to_ground()
                        .p_W.head<2>();
  Environment tail, cross;
  tail.wind = {{0.0}, {Vec2(0, 15)}};
  cross.wind = {{0.0, 10000.0}, {Vec2(10, 0), Vec2(20, 0)}};
  const Vec2 t =
      Flight::launch(example_medium_rocket(), tail, p0, dir, 0).fly_to_ground().p_W.head<2>();
  const Vec2 c =
      Flight::launch(example_medium_rocket(), cross, p0, dir, 0).fly_to_ground().p_W.head<2>();
  EXPECT_GT(t.y(), calm.y() + 50);
  EXPECT_GT(c.x(), calm.x() + 50);
}

TEST(Flight, CurvedEarthFallsBelowTheTangentPlane) {
  // Same launch in vacuum on the sphere and on a flat Earth: the sphere's
  // ground drops away, so the rocket flies farther.
  Environment sphere, flat;
  sphere.air = flat.air = false;
  flat.earth = EarthModel::kFlatUniform;
  const Vec3 dir = launch_dir(45, 90);
  const double e_sphere =
      Flight::launch(example_medium_rocket(), sphere, Vec3::Zero(), dir, 0).fly_to_ground().p_W.x();
  const double e_flat =
      Flight::launch(example_medium_rocket(), flat, Vec3::Zero(), dir, 0).fly_to_ground().p_W.x();
  EXPECT_GT(e_sphere, e_flat);
}

TEST(Flight, HalvingTheStepMovesA20KmImpactLessThanOneMetre) {
  const Vec3 p0 = core::ground_point({0, 0});
  const Vec3 dir = core::horizon_at(p0).direction(core::deg_to_rad(40), 0);
  IntegratorOptions half;
  half.boost_step_s /= 2;
  half.coast_step_s /= 2;
  const Impact a =
      Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0).fly_to_ground();
  const Impact b =
      Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0, half).fly_to_ground();
  EXPECT_GT(a.p_W.head<2>().norm(), 18000);
  EXPECT_LT((a.p_W - b.p_W).norm(), 1.0);
}

// An independent oracle: adaptive Dormand-Prince 5(4) at tight tolerance,
// stepping to burnout and bisecting the ground crossing on its own steps.
struct Oracle {
  const RocketParams& r;
  const Environment& env;
  Vec3 dir;

  using Y = Eigen::Matrix<double, 6, 1>;
  Y f(double tau, const Y& y, bool boost) const {
    const double m = r.mass_kg(boost ? std::min(tau, r.burn_time_s) : r.burn_time_s);
    Vec3 a = gravity_W(env, y.head<3>()) + drag_accel_W(env, r, y.head<3>(), y.tail<3>(), m);
    if (boost) a += r.thrust_N / m * dir;
    Y d;
    d << y.tail<3>(), a;
    return d;
  }
  // One DP5 step; returns the 5th-order solution and the error estimate.
  std::pair<Y, double> step(double t, const Y& y, double h, bool boost) const {
    const Y k1 = f(t, y, boost);
    const Y k2 = f(t + h / 5, y + h * (k1 / 5), boost);
    const Y k3 = f(t + 3 * h / 10, y + h * (3 * k1 / 40 + 9 * k2 / 40), boost);
    const Y k4 = f(t + 4 * h / 5, y + h * (44 * k1 / 45 - 56 * k2 / 15 + 32 * k3 / 9), boost);
    const Y k5 =
        f(t + 8 * h / 9,
          y + h * (19372 * k1 / 6561 - 25360 * k2 / 2187 + 64448 * k3 / 6561 - 212 * k4 / 729),
          boost);
    const Y k6 = f(t + h,
                   y + h * (9017 * k1 / 3168 - 355 * k2 / 33 + 46732 * k3 / 5247 + 49 * k4 / 176 -
                            5103 * k5 / 18656),
                   boost);
    const Y y5 = y + h * (35 * k1 / 384 + 500 * k3 / 1113 + 125 * k4 / 192 - 2187 * k5 / 6784 +
                          11 * k6 / 84);
    const Y k7 = f(t + h, y5, boost);
    const Y y4 = y + h * (5179 * k1 / 57600 + 7571 * k3 / 16695 + 393 * k4 / 640 -
                          92097 * k5 / 339200 + 187 * k6 / 2100 + k7 / 40);
    return {y5, (y5 - y4).cwiseAbs().maxCoeff()};
  }
  Vec3 impact(const Vec3& p0) const {
    Y y;
    y << p0, Vec3::Zero();
    double t = 0, h = 1e-3;
    const double tol = 1e-9;
    bool boost = true;
    for (;;) {
      double hh = boost ? std::min(h, r.burn_time_s - t) : h;
      auto [y1, err] = step(t, y, hh, boost);
      if (err > tol) {
        h = hh * 0.5;
        continue;
      }
      if (altitude_m(env, y1.head<3>()) < 0 && t > 0) {
        // Bisect the crossing inside this accepted step.
        double lo = 0, hi = hh;
        for (int i = 0; i < 60; ++i) {
          const double mid = 0.5 * (lo + hi);
          (altitude_m(env, step(t, y, mid, boost).first.head<3>()) < 0 ? hi : lo) = mid;
        }
        return step(t, y, hi, boost).first.head<3>();
      }
      t += hh;
      y = y1;
      if (boost && t >= r.burn_time_s - 1e-12) boost = false;
      h = std::min(2.0, hh * std::min(4.0, 0.9 * std::pow(tol / std::max(err, 1e-18), 0.2)));
    }
  }
};

TEST(Flight, IndependentOracleAgreesOnImpactWithinOneMetre) {
  Environment windy;
  windy.wind = {{0.0, 3000.0, 12000.0}, {Vec2(4, -2), Vec2(12, 3), Vec2(25, 10)}};
  for (const Environment& env : {Environment{}, windy}) {
    for (double el : {12.0, 35.0, 50.0, 65.0}) {
      const Vec3 p0 = core::ground_point({-5000, 3000});
      const Vec3 dir = core::horizon_at(p0).direction(core::deg_to_rad(el), 1.2);
      RocketParams r = example_medium_rocket();
      r.cd_factor = 1.04;
      const Vec3 ours = Flight::launch(r, env, p0, dir, 0).fly_to_ground().p_W;
      const Vec3 oracle = Oracle{r, env, dir}.impact(p0);
      EXPECT_LT((ours - oracle).norm(), 1.0) << "elevation " << el;
    }
  }
}

TEST(Flight, DenseOutputMatchesAFinerIntegration) {
  const Vec3 p0 = core::ground_point({0, 0});
  const Vec3 dir = core::horizon_at(p0).direction(core::deg_to_rad(45), 2.0);
  IntegratorOptions fine;
  fine.boost_step_s = 0.001;
  fine.coast_step_s = 0.001;
  Flight a = Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0);
  Flight b = Flight::launch(example_medium_rocket(), Environment{}, p0, dir, 0, fine);
  for (double t : {0.733, 1.9, 5.05, 33.333, 60.01}) {
    a.advance_to(t);
    b.advance_to(t);
    const State sa = a.state_at(t), sb = b.state_at(t);
    EXPECT_LT((sa.p_W - sb.p_W).norm(), 0.05) << t;
    EXPECT_LT((sa.v_W - sb.v_W).norm(), 0.05) << t;
  }
}

TEST(Flight, CdTableInterpolatesAndClamps) {
  const CdTable cd = example_medium_rocket().cd;
  EXPECT_DOUBLE_EQ(cd.at(-1.0), 0.30);
  EXPECT_DOUBLE_EQ(cd.at(0.9), 0.385);
  EXPECT_DOUBLE_EQ(cd.at(1.0), 0.45);
  EXPECT_DOUBLE_EQ(cd.at(9.0), 0.30);
}

TEST(Flight, MassFallsLinearlyOverTheBurn) {
  const RocketParams r = example_medium_rocket();
  EXPECT_DOUBLE_EQ(r.mass_kg(0), 66);
  EXPECT_DOUBLE_EQ(r.mass_kg(0.95), 56);
  EXPECT_DOUBLE_EQ(r.mass_kg(1.9), 46);
  EXPECT_DOUBLE_EQ(r.mass_kg(100), 46);
}

TEST(Flight, WindProfileInterpolatesInAltitude) {
  const WindProfile w{{0.0, 1000.0}, {Vec2(0, 0), Vec2(10, -4)}};
  EXPECT_TRUE(w.at(500).isApprox(Vec2(5, -2)));
  EXPECT_TRUE(w.at(-10).isApprox(Vec2(0, 0)));
  EXPECT_TRUE(w.at(5000).isApprox(Vec2(10, -4)));
  EXPECT_TRUE(WindProfile{}.at(100).isZero());
}

}  // namespace
}  // namespace canopy::physics
