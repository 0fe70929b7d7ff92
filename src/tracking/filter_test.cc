#include "canopy/tracking/filter.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>

#include "canopy/core/random.h"
#include "canopy/physics/examples.h"
#include "canopy/tracking/estimator.h"

namespace canopy::tracking {
namespace {

// Central finite differences of a vector function.
template <class F>
Eigen::MatrixXd numeric_jacobian(F f, const StateVec& x, const Eigen::VectorXd& step) {
  const Eigen::VectorXd f0 = f(x);
  Eigen::MatrixXd J(f0.size(), x.size());
  for (int i = 0; i < x.size(); ++i) {
    StateVec a = x, b = x;
    a(i) += step(i);
    b(i) -= step(i);
    J.col(i) = (f(a) - f(b)) / (2 * step(i));
  }
  return J;
}

StateVec rocket_state(int dim) {
  StateVec x = StateVec::Zero(dim);
  x << 3000, 8000, 4000, 250, -150, 300, Eigen::VectorXd::Zero(dim - 6);
  if (dim >= 7) x(6) = 2.5e-4;
  if (dim >= 8) x(7) = 120;
  return x;
}

Eigen::VectorXd steps(int dim) {
  Eigen::VectorXd h = Eigen::VectorXd::Constant(dim, 1e-3);
  h.head<3>().setConstant(0.5);
  h.segment<3>(3).setConstant(1e-2);
  if (dim >= 7) h(6) = 1e-7;
  if (dim >= 8) h(7) = 1e-2;
  return h;
}

physics::Environment windy(physics::EarthModel earth) {
  physics::Environment env;
  env.earth = earth;
  env.wind.alt_m = {0, 10000};
  env.wind.wind_en_mps = {{5, -3}, {30, 12}};
  return env;
}

void expect_jacobian_matches(const BallisticModel& m) {
  const StateVec x = rocket_state(m.dim());
  // Continuous A = df/dx.
  StateMat A;
  m.derivative(x, &A);
  const Eigen::MatrixXd An =
      numeric_jacobian([&](const StateVec& s) { return Eigen::VectorXd(m.derivative(s, nullptr)); },
                       x, steps(m.dim()));
  for (int c = 0; c < m.dim(); ++c)
    EXPECT_LT((A.col(c) - An.col(c)).norm(), 1e-6 * (1 + An.col(c).norm())) << "column " << c;
  // Discrete F over 0.3 s (two RK4 sub-steps).
  StateMat F;
  m.propagate(x, 0.3, &F);
  const Eigen::MatrixXd Fn = numeric_jacobian(
      [&](const StateVec& s) { return Eigen::VectorXd(m.propagate(s, 0.3, nullptr)); }, x,
      steps(m.dim()));
  for (int c = 0; c < m.dim(); ++c)
    EXPECT_LT((F.col(c) - Fn.col(c)).norm(), 1e-6 * (1 + Fn.col(c).norm())) << "column " << c;
}

TEST(Motion, BallisticJacobianMatchesFiniteDifferences) {
  const physics::CdTable cd = physics::example_medium_rocket().cd;
  for (auto earth : {physics::EarthModel::kSphere, physics::EarthModel::kFlatUniform}) {
    BallisticModel::Noise noise;
    expect_jacobian_matches(BallisticModel(windy(earth), cd, BallisticModel::Thrust::kNone, noise));
    expect_jacobian_matches(
        BallisticModel(windy(earth), cd, BallisticModel::Thrust::kBoost, noise));
  }
}

TEST(Motion, LinearModelJacobiansMatchFiniteDifferences) {
  const CvModel cv(1);
  const CaModel ca(1);
  for (const MotionModel* m :
       {static_cast<const MotionModel*>(&cv), static_cast<const MotionModel*>(&ca)}) {
    StateVec x = StateVec::LinSpaced(m->dim(), 1, 9);
    StateMat F;
    m->propagate(x, 0.7, &F);
    const Eigen::MatrixXd Fn = numeric_jacobian(
        [&](const StateVec& s) { return Eigen::VectorXd(m->propagate(s, 0.7, nullptr)); }, x,
        Eigen::VectorXd::Constant(m->dim(), 1e-3));
    EXPECT_LT((Eigen::MatrixXd(F) - Fn).norm(), 1e-8);
  }
}

TEST(Measurement, PolarJacobianMatchesFiniteDifferences) {
  const auto m = MeasurementModel::polar({100, -200, 30}, 10, 1e-3, 1e-3, 1.0);
  core::Stream rng(3, core::tag("polar-jacobian"));
  for (int k = 0; k < 200; ++k) {
    StateVec x(6);
    x << rng.uniform(-30e3, 30e3), rng.uniform(-30e3, 30e3), rng.uniform(100, 15e3),
        rng.uniform(-500, 500), rng.uniform(-500, 500), rng.uniform(-500, 500);
    const MeasJac H = m.jacobian(x);
    const Eigen::MatrixXd Hn = numeric_jacobian(
        [&](const StateVec& s) {
          Eigen::VectorXd z = m.predict(s);
          z(1) = m.predict(x)(1) + m.residual(m.predict(s), m.predict(x))(1);  // unwrap
          return z;
        },
        x, Eigen::VectorXd::Constant(6, 1e-2));
    EXPECT_LT((Eigen::MatrixXd(H) - Hn).norm(), 1e-7 * (1 + Hn.norm())) << k;
  }
}

TEST(Measurement, PositionFixRoundTripsPolar) {
  const Vec3 sensor(500, 700, 20);
  const auto m = MeasurementModel::polar(sensor, 10, 1e-3, 2e-3);
  StateVec x(6);
  x << 12e3, -4e3, 3e3, 0, 0, 0;
  const PositionFix fix = position_fix(m, m.predict(x));
  EXPECT_LT((fix.p_W - x.head<3>()).norm(), 1e-6);
  // Cross-range spread is range x angle noise.
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(fix.P_W);
  EXPECT_NEAR(std::sqrt(es.eigenvalues().maxCoeff()), (x.head<3>() - sensor).norm() * 2e-3, 1.0);
}

// The textbook Kalman filter on x' = F x, z = H x, written out.
struct Textbook {
  Eigen::VectorXd x;
  Eigen::MatrixXd P;
  void predict(const Eigen::MatrixXd& F, const Eigen::MatrixXd& Q) {
    x = F * x;
    P = F * P * F.transpose() + Q;
  }
  void update(const Eigen::MatrixXd& H, const Eigen::MatrixXd& R, const Eigen::VectorXd& z) {
    const Eigen::MatrixXd S = H * P * H.transpose() + R;
    const Eigen::MatrixXd K = P * H.transpose() * S.inverse();
    x = x + K * (z - H * x);
    P = (Eigen::MatrixXd::Identity(x.size(), x.size()) - K * H) * P;
  }
};

void expect_matches_textbook(FilterKind kind) {
  const CvModel cv(2.0);
  const auto meas = MeasurementModel::cartesian(15);
  Gaussian g;
  g.x = StateVec::Zero(6);
  g.x << 0, 0, 1000, 100, 50, 0;
  g.P = StateMat::Identity(6, 6) * 400;
  Textbook tb{Eigen::VectorXd(g.x), Eigen::MatrixXd(g.P)};
  core::Stream rng(5, core::tag("textbook"));
  Eigen::MatrixXd H = Eigen::MatrixXd::Zero(3, 6);
  H.leftCols(3).setIdentity();
  for (int k = 1; k <= 30; ++k) {
    const double t = 0.25 * k;
    StateMat F;
    cv.propagate(g.x, 0.25, &F);
    tb.predict(F, cv.process_noise(g.x, 0.25));
    g = predict(kind, g, cv, t);
    MeasVec z(3);
    z << 100 * t + 15 * rng.normal(), 50 * t + 15 * rng.normal(), 1000 + 15 * rng.normal();
    tb.update(H, meas.noise(), z);
    const MeasurementPrediction mp = predict_measurement(kind, g, meas);
    g = update(g, mp, meas.residual(z, mp.z_hat));
    EXPECT_LT((Eigen::VectorXd(g.x) - tb.x).norm(), 1e-6 * (1 + tb.x.norm()));
    EXPECT_LT((Eigen::MatrixXd(g.P) - tb.P).norm(), 1e-6 * tb.P.norm());
  }
}

TEST(Filter, EkfMatchesTextbookKalmanOnLinearCase) { expect_matches_textbook(FilterKind::kEkf); }
TEST(Filter, UkfMatchesTextbookKalmanOnLinearCase) { expect_matches_textbook(FilterKind::kUkf); }

TEST(Filter, UkfAndEkfAgreeOnWeaklyNonlinearPolarUpdate) {
  const auto meas = MeasurementModel::polar(Vec3::Zero(), 10, 1e-3, 1e-3);
  Gaussian g;
  g.x = StateVec::Zero(6);
  g.x << 10e3, 15e3, 3e3, -200, -100, 50;
  g.P = StateMat::Identity(6, 6) * 100;
  MeasVec z = meas.predict(g.x);
  z(0) += 12;
  z(1) += 1e-3;
  const auto mp_e = predict_measurement(FilterKind::kEkf, g, meas);
  const auto mp_u = predict_measurement(FilterKind::kUkf, g, meas);
  const Gaussian e = update(g, mp_e, meas.residual(z, mp_e.z_hat));
  const Gaussian u = update(g, mp_u, meas.residual(z, mp_u.z_hat));
  EXPECT_LT((e.x - u.x).head<3>().norm(), 0.5);
  EXPECT_LT((Eigen::MatrixXd(e.P - u.P)).norm(), 0.02 * Eigen::MatrixXd(e.P).norm());
}

TEST(Filter, BallisticPredictionMatchesFlight) {
  // A coasting rocket predicted 10 s ahead with its true kd lands within a
  // metre of the truth integrator.
  physics::Environment env = windy(physics::EarthModel::kSphere);
  physics::RocketParams r = physics::example_medium_rocket();
  r.cd_factor = 1.07;
  physics::Flight f = physics::Flight::launch(r, env, core::ground_point({0, 0}),
                                              Vec3(0.5, 0.5, 0.7071).normalized(), 0);
  f.advance_to(5.0);
  const physics::State s0 = f.state_at(5.0);
  StateVec x(7);
  x << s0.p_W, s0.v_W, r.cd_factor * r.reference_area_m2() / r.mass_kg(10);
  const BallisticModel m(env, r.cd, BallisticModel::Thrust::kNone, {});
  const StateVec x1 = m.propagate(x, 10.0, nullptr);
  f.advance_to(15.0);
  const physics::State s1 = f.state_at(15.0);
  EXPECT_LT((x1.head<3>() - s1.p_W).norm(), 1.0);
  EXPECT_LT((x1.segment<3>(3) - s1.v_W).norm(), 0.1);
}

TEST(Estimator, TracksCoastingRocketWithoutOverconfidenceAndLearnsDrag) {
  // Noisy polar plots of a coasting rocket that follows the model exactly:
  // the ballistic estimator's [p, v] NEES stays below the +30 % band of 6
  // (its process noise makes it somewhat conservative here, where truth has
  // none) and kd converges to the truth.
  physics::Environment env;
  physics::RocketParams r = physics::example_medium_rocket();
  const auto meas = MeasurementModel::polar(core::ground_point({15e3, 0}), 10, 1.5e-3, 1.5e-3);
  double nees_sum = 0, kd_err = 0;
  int n = 0;
  for (int run = 0; run < 20; ++run) {
    core::Stream rng(7, core::tag("estimator"), static_cast<std::uint64_t>(run));
    r.cd_factor = 1 + 0.03 * rng.normal();
    physics::Flight f =
        physics::Flight::launch(r, env, core::ground_point({0, 0}), Vec3(0.6, 0, 0.8), 0);
    EstimatorConfig cfg;
    cfg.model = scenario::TrackerConfig::Model::kBallistic;
    cfg.environment = env;
    scenario::RocketType type;
    type.name = "medium";
    type.params = physics::example_medium_rocket();
    cfg.threats = ThreatLibrary::from_rocket_types({type});
    const EstimatorContext ctx(cfg);
    f.advance_to(4.0);
    const physics::State s0 = f.state_at(4.0);
    Gaussian pv;
    pv.t_s = 4.0;
    pv.x = StateVec::Zero(6);
    pv.P = StateMat::Identity(6, 6);
    pv.P.topLeftCorner(3, 3) *= 900;
    pv.P.bottomRightCorner(3, 3) *= 900;
    for (int i = 0; i < 3; ++i) {
      pv.x(i) = s0.p_W(i) + 30 * rng.normal();
      pv.x(3 + i) = s0.v_W(i) + 30 * rng.normal();
    }
    Estimator est = Estimator::start(ctx, pv);
    for (int k = 1; k < 160; ++k) {
      const double t = 4.0 + 0.25 * k;
      f.advance_to(t);
      if (f.landed()) break;
      const physics::State s = f.state_at(t);
      est.predict(t);
      StateVec xt(6);
      xt << s.p_W, s.v_W;
      MeasVec z = meas.predict(xt);
      z(0) += 10 * rng.normal();
      z(1) += 1.5e-3 * rng.normal();
      z(2) += 1.5e-3 * rng.normal();
      est.update(meas, z);
      if (k > 40) {
        Eigen::Matrix<double, 6, 1> e;
        e << est.p_W() - s.p_W, est.v_W() - s.v_W;
        nees_sum += e.dot(est.P_pv().ldlt().solve(e));
        ++n;
      }
    }
    const double kd_true = r.cd_factor * r.reference_area_m2() / r.mass_kg(100);
    kd_err += std::abs(*est.kd_m2pkg() - kd_true) / kd_true;
  }
  EXPECT_GT(nees_sum / n, 3.0);
  EXPECT_LT(nees_sum / n, 7.8);
  EXPECT_LT(kd_err / 20, 0.03);
}

TEST(Estimator, ImmSwitchesFromBoostToCoast) {
  physics::Environment env;
  const physics::RocketParams r = physics::example_medium_rocket();
  physics::Flight f =
      physics::Flight::launch(r, env, core::ground_point({0, 0}), Vec3(0.6, 0, 0.8), 0);
  EstimatorConfig cfg;
  cfg.model = scenario::TrackerConfig::Model::kImm;
  cfg.environment = env;
  const EstimatorContext ctx(cfg);
  const auto meas = MeasurementModel::cartesian(5);
  core::Stream rng(9, core::tag("imm"));
  f.advance_to(0.3);
  const physics::State s0 = f.state_at(0.3);
  Gaussian pv;
  pv.t_s = 0.3;
  pv.x = StateVec::Zero(6);
  pv.x << s0.p_W, s0.v_W;
  pv.P = StateMat::Identity(6, 6) * 100;
  Estimator est = Estimator::start(ctx, pv);
  double boost_during_burn = 0, boost_after = 0;
  int n_burn = 0, n_after = 0;
  for (int k = 1; k < 200; ++k) {
    const double t = 0.3 + 0.05 * k;
    f.advance_to(t);
    const physics::State s = f.state_at(t);
    est.predict(t);
    MeasVec z(3);
    z << s.p_W.x() + 5 * rng.normal(), s.p_W.y() + 5 * rng.normal(), s.p_W.z() + 5 * rng.normal();
    est.update(meas, z);
    const double p_boost = est.mode_probabilities()[0];
    if (t > 0.8 && t < r.burn_time_s) boost_during_burn += p_boost, ++n_burn;
    if (t > r.burn_time_s + 1.5) boost_after += p_boost, ++n_after;
  }
  EXPECT_GT(boost_during_burn / n_burn, 0.8);
  EXPECT_LT(boost_after / n_after, 0.1);
}

}  // namespace
}  // namespace canopy::tracking
