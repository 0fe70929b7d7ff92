// The battle manager's debris cloud and kill evidence against the
// simulation's own models: real fragments (make_fragments, flown by the
// truth integrator) stay inside the cloud; an intact rocket leaves it; a
// radar that sees the intact rocket says "survived", one that sees only
// fragments says "killed", one that sees nothing there says nothing.
#include "canopy/engage/kill_assessment.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "canopy/engage/debris.h"
#include "canopy/physics/examples.h"
#include "canopy/physics/warhead.h"

namespace canopy::engage {
namespace {

using core::Vec2;

physics::RocketParams rocket() { return physics::example_medium_rocket(); }
double burnout_kg() { return rocket().launch_mass_kg - rocket().propellant_mass_kg; }

// A medium rocket coasting at `alt_m`, 15 km west of the origin's radar.
physics::State kill_state(double alt_m, double speed_mps, double t_s) {
  const Vec3 ground = core::ground_point(Vec2(-8000, 2000));
  return {t_s, ground + alt_m * core::up_at(ground), speed_mps * Vec3(0.9, 0.1, -0.4).normalized()};
}

physics::Environment air() {
  physics::Environment env;
  env.wind.alt_m = {0, 5000};
  env.wind.wind_en_mps = {Vec2(4, 1), Vec2(12, 3)};
  return env;
}

assess::BallisticEstimate estimate_of(const physics::State& s) {
  assess::BallisticEstimate est;
  est.t_s = s.t_s;
  est.x << s.p_W, s.v_W, rocket().reference_area_m2() / burnout_kg();
  est.P = assess::Mat7::Zero();
  est.P.diagonal() << 100, 100, 100, 9, 9, 9, std::pow(0.1 * est.x(6), 2);
  est.cd = rocket().cd;
  return est;
}

scenario::Sensor radar_spec() {
  scenario::Sensor r;
  r.name = "r";
  r.p_W = core::ground_point(Vec2(0, 0));
  r.detection.pd = 0.9;
  r.revisit_s = 0.25;
  return r;
}

TEST(DebrisCloud, HoldsEveryFragmentOfAKillUntilItLands) {
  const physics::Environment env = air();
  int checked = 0;
  for (int k = 0; k < 40; ++k) {
    core::Stream rng(11, k);
    const physics::State at =
        kill_state(rng.uniform(600, 9000), rng.uniform(200, 900), rng.uniform(0, 100));
    const DebrisCloud cloud = DebrisCloud::from_kill(at, burnout_kg(), env, 0, 0);
    for (const physics::Fragment& f : physics::make_fragments(at, burnout_kg(), rng)) {
      physics::Flight flight = physics::Flight::coast_from(f.body, env, f.state);
      for (double t = at.t_s + 0.25;; t += 0.75) {
        flight.advance_to(t);
        if (flight.landed() && flight.impact()->t_s <= t) break;
        const physics::State s = flight.state_at(t);
        ++checked;
        ASSERT_TRUE(cloud.could_be_fragment(t, s.p_W, s.v_W, 0, 0))
            << "kill " << k << " at " << t - at.t_s << " s, mass " << f.body.launch_mass_kg;
      }
      EXPECT_LE(flight.impact()->t_s, cloud.t_end_s() + 1.0);
    }
  }
  EXPECT_GT(checked, 2000);
}

TEST(DebrisCloud, AnIntactRocketLeavesIt) {
  const physics::Environment env = air();
  for (double alt : {800.0, 3000.0, 8000.0}) {
    const physics::State at = kill_state(alt, 600, 10);
    const DebrisCloud cloud = DebrisCloud::from_kill(at, burnout_kg(), env, 5, 2);
    physics::RocketParams body = rocket();
    body.burn_time_s = 1e-6;  // coasting, at its burnout mass
    physics::Flight flight = physics::Flight::coast_from(body, env, at);
    // Early on the heaviest fragments fly with it; within seconds drag
    // takes them back.
    flight.advance_to(at.t_s + 0.2);
    const physics::State early = flight.state_at(at.t_s + 0.2);
    EXPECT_TRUE(cloud.could_be_fragment(early.t_s, early.p_W, early.v_W, 5, 2)) << alt << " m";
    // A few seconds on, while it still flies (from 800 m it lands in about 3 s).
    physics::Flight probe = flight;
    const double t_ground = probe.fly_to_ground().t_s;
    const double t = std::min(at.t_s + (alt < 5000 ? 4.0 : 8.0), t_ground - 0.25);
    flight.advance_to(t);
    const physics::State s = flight.state_at(t);
    EXPECT_FALSE(cloud.could_be_fragment(t, s.p_W, s.v_W, 5, 2)) << alt << " m";
  }
}

// Scans of one radar every 0.25 s from the detonation on, of the given
// objects (in truth), into the evidence.
KillEvidence observe(const std::vector<sensors::Object>& (*objects)(double, void*), void* ctx,
                     const KillEvidence& start, const DebrisCloud& cloud, double t0, double t1,
                     std::uint64_t seed) {
  KillEvidence ev = start;
  const sensors::Radar radar(radar_spec(), 0);
  std::uint64_t next_id = 1;
  for (double t = t0; t <= t1; t += 0.25) {
    core::Stream rng(seed, static_cast<std::uint64_t>(t * 4));
    std::vector<sensors::PlotOrigin> origins;
    const sensors::Scan scan = radar.observe(t, objects(t, ctx), rng, next_id, origins);
    std::vector<Vec3> plots;
    for (const sensors::Plot& p : scan.plots)
      plots.push_back(
          sensors::W_from_polar(radar.spec().p_W, {*p.range_m, p.azimuth_rad, *p.elevation_rad}));
    const physics::State x = ev.intact().state_at(t);
    const bool near = cloud.could_reach(t, x.p_W, ev.gate_radius_m(radar, t));
    ev.observe(radar, t, plots, 0.03, near);
  }
  return ev;
}

struct Truth {
  std::vector<physics::Flight> flights;
  std::vector<sensors::Object> now;
};

const std::vector<sensors::Object>& truth_at(double t, void* ctx) {
  auto* truth = static_cast<Truth*>(ctx);
  truth->now.clear();
  int id = 1;
  for (physics::Flight& f : truth->flights) {
    f.advance_to(t);
    if (f.landed() && f.impact()->t_s <= t) continue;
    const physics::State s = f.state_at(t);
    truth->now.push_back({id++, s.p_W, s.v_W, 0.03});
  }
  return truth->now;
}

TEST(KillEvidence, SeesTheIntactRocketSurviveAndFragmentsMeanAKill) {
  const physics::Environment env = air();
  int survived = 0, killed = 0;
  for (int k = 0; k < 20; ++k) {
    core::Stream rng(5, k);
    const physics::State at = kill_state(rng.uniform(800, 6000), rng.uniform(300, 800), 20);
    const IntactPath intact(estimate_of(at), env);
    const DebrisCloud cloud = DebrisCloud::from_kill(at, burnout_kg(), env, 10, 3);
    // The interceptor went off 2 m from the track: a kill is likely.
    const double prior = prior_alive(intact, at.p_W + Vec3(2, 0, 0), at.t_s, 8, 0.9);
    EXPECT_NEAR(prior, 0.1, 1e-9);
    const KillEvidence start(intact, at.t_s, at.p_W, prior);

    // Survived: the rocket flies on.
    Truth alive;
    physics::RocketParams body = rocket();
    body.burn_time_s = 1e-6;
    alive.flights.push_back(physics::Flight::coast_from(body, env, at));
    const KillEvidence a = observe(truth_at, &alive, start, cloud, at.t_s, at.t_s + 2.5, k);
    survived += a.outcome() == KillOutcome::kSurvived ? 1 : 0;
    EXPECT_NE(a.outcome(), KillOutcome::kKilled) << "kill " << k;

    // Killed: only its fragments remain.
    Truth dead;
    for (const physics::Fragment& f : physics::make_fragments(at, burnout_kg(), rng))
      dead.flights.push_back(physics::Flight::coast_from(f.body, env, f.state));
    const KillEvidence d = observe(truth_at, &dead, start, cloud, at.t_s, at.t_s + 2.5, k);
    killed += d.outcome() == KillOutcome::kKilled ? 1 : 0;
    EXPECT_NE(d.outcome(), KillOutcome::kSurvived) << "kill " << k;
  }
  EXPECT_GE(survived, 19);
  EXPECT_GE(killed, 18);
}

TEST(KillEvidence, ADetonationFarFromTheTrackLeavesTheRocketAlive) {
  const physics::State at = kill_state(3000, 600, 0);
  const IntactPath intact(estimate_of(at), air());
  // 300 m away: a neighbour, not this rocket, was there.
  EXPECT_GT(prior_alive(intact, at.p_W + Vec3(0, 300, 0), at.t_s, 8, 0.9), 0.99);
  const KillEvidence ev(intact, at.t_s, at.p_W + Vec3(0, 300, 0), 0.999);
  EXPECT_NEAR(ev.detonation_offset_m(), 300, 1e-6);
  EXPECT_EQ(ev.outcome(), KillOutcome::kSurvived);
}

TEST(KillEvidence, WithoutCoverageItStaysUnknown) {
  const physics::State at = kill_state(3000, 600, 0);
  const IntactPath intact(estimate_of(at), air());
  KillEvidence ev(intact, at.t_s, at.p_W, 0.1);
  scenario::Sensor spec = radar_spec();
  spec.max_range_m = 2000;  // the kill is 8 km away
  const sensors::Radar radar(spec, 0);
  for (double t = 0.5; t < 5; t += 0.25) ev.observe(radar, t, {}, 0.03, false);
  EXPECT_EQ(ev.covering_scans(), 0);
  EXPECT_EQ(ev.outcome(), KillOutcome::kUnknown);
}

TEST(IntactPath, FollowsTheTruthIntegratorAndGrowsItsCovariance) {
  const physics::Environment env = air();
  const physics::State at = kill_state(4000, 700, 3);
  const IntactPath path(estimate_of(at), env);
  physics::RocketParams body = rocket();
  body.burn_time_s = 1e-6;
  physics::Flight flight = physics::Flight::coast_from(body, env, at);
  for (double t : {3.5, 5.0, 8.0, 12.0}) {
    flight.advance_to(t);
    const physics::State truth = flight.state_at(t);
    const physics::State s = path.state_at(t);
    EXPECT_LT((s.p_W - truth.p_W).norm(), 1.0) << t;
    EXPECT_TRUE(path.consistent(t, truth.p_W, truth.v_W, Mat6::Identity())) << t;
  }
  EXPECT_LT(path.cov_at(4).trace(), path.cov_at(10).trace());
  EXPECT_FALSE(path.consistent(8, path.state_at(8).p_W + Vec3(300, 0, 0), path.state_at(8).v_W,
                               Mat6::Identity()));
}

}  // namespace
}  // namespace canopy::engage
