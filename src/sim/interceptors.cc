#include "canopy/sim/interceptors.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "canopy/core/random.h"
#include "canopy/physics/warhead.h"
#include "canopy/sim/truth_labels.h"

namespace canopy::sim {
namespace {

// The proximity fuze fires at a closest approach within this distance;
// farther, the interceptor has missed and destroys itself.
constexpr double kFuzeRange_m = 50;
// An interceptor whose range to its locked rocket has opened this far past
// its closest approach has missed.
constexpr double kMissedOpening_m = 300;

}  // namespace

InterceptorModel::InterceptorModel(const scenario::Scenario& scenario,
                                   InterceptorModelOptions options)
    : scenario_(&scenario), options_(options) {}

void InterceptorModel::launch(const bmc::FireOrder& o) {
  const scenario::Battery& b = scenario_->batteries[static_cast<size_t>(o.battery)];
  const scenario::InterceptorType& type =
      scenario_->interceptor_types[static_cast<size_t>(b.interceptor_type)];
  Interceptor icpt{
      o.interceptor,
      b.interceptor_type,
      o.track,
      physics::GuidedFlight::launch(type.params, scenario_->environment, type.max_accel_mps2,
                                    o.launcher_W, o.dir_W, o.t_s, type.autopilot_lag_s),
      engage::Guidance(type),
      0,
      {},
      Vec3::Zero(),
      true};
  if (sampling()) samples_.push_back({o.t_s, icpt.id, icpt.flight.current().p_W});
  interceptors_.push_back(std::move(icpt));
}

void InterceptorModel::uplink(const bmc::Uplink& u) {
  for (Interceptor& icpt : interceptors_)
    if (icpt.id == u.interceptor) icpt.guidance.uplink(u.target);
}

std::vector<bmc::InterceptorReport> InterceptorModel::take_reports() {
  return std::exchange(reports_, {});
}

std::vector<InterceptorSample> InterceptorModel::take_samples() {
  std::stable_sort(samples_.begin(), samples_.end(), [](const auto& a, const auto& b) {
    return a.t_s != b.t_s ? a.t_s < b.t_s : a.interceptor < b.interceptor;
  });
  return std::exchange(samples_, {});
}

void InterceptorModel::radar_objects(double t_s, std::vector<sensors::Object>& out) {
  for (const Interceptor& icpt : interceptors_) {
    const physics::State& st = icpt.flight.current();
    out.push_back({kInterceptorObject + icpt.id, st.p_W + (t_s - st.t_s) * st.v_W, st.v_W,
                   scenario_->interceptor_types[static_cast<size_t>(icpt.type)].rcs_m2});
  }
  for (Fragment& frag : fragments_) {
    physics::Flight& f = frag.flight;
    f.advance_to(t_s);
    if (f.landed() && f.impact()->t_s <= t_s) continue;
    const physics::State st = f.state_at(t_s);
    out.push_back(
        {fragment_object(frag.rocket, frag.index), st.p_W, st.v_W, physics::kFragmentRcs_m2});
  }
}

void InterceptorModel::end(Interceptor& icpt, double t_s, const char* reason,
                           std::vector<Event>& events) {
  icpt.alive = false;
  InterceptorEndEvent e;
  e.t_s = t_s;
  e.interceptor = icpt.id;
  e.reason = reason;
  e.p_W = icpt.flight.current().p_W;
  if (sampling()) samples_.push_back({t_s, icpt.id, e.p_W});
  if (std::string_view(reason) != "fuzed") {
    reports_.push_back(
        {icpt.id, t_s, e.p_W, icpt.flight.current().v_W, bmc::InterceptorReport::Status::kEnded});
  }
  events.push_back(std::move(e));
}

void InterceptorModel::kill(Truth& truth, int idx, const physics::State& at) {
  truth.kill(idx);
  // The debris: fragments from the rocket's burnout mass, from its own stream.
  const RocketPlan& plan = truth.plans()[static_cast<size_t>(idx)];
  const auto& params = scenario_->rocket_types[static_cast<size_t>(plan.type)].params;
  core::Stream rng(options_.seed, static_cast<std::uint64_t>(options_.run_index),
                   core::tag("debris"), static_cast<std::uint64_t>(plan.id));
  int k = 0;
  for (const physics::Fragment& f :
       physics::make_fragments(at, params.launch_mass_kg - params.propellant_mass_kg, rng)) {
    fragments_.push_back({plan.id, ++k, f.body.launch_mass_kg, f.body.diameter_m,
                          physics::Flight::coast_from(f.body, scenario_->environment, f.state,
                                                      options_.integrator)});
  }
}

std::optional<InterceptorModel::Seen> InterceptorModel::object_at(const Truth& truth, int object,
                                                                  double t_s, double t1_s) {
  if (object >= 1 && object <= static_cast<int>(truth.plans().size())) {
    const int idx = object - 1;
    if (!truth.is_airborne(idx)) return std::nullopt;
    // Its flight brackets t1; back to t_s by a second-order step, exact to
    // about g h^2 / 2 over a tick.
    physics::State s = truth.flight(idx).state_at(t1_s);
    s.p_W += (t_s - t1_s) * s.v_W;
    s.t_s = t_s;
    const int type = truth.plans()[static_cast<size_t>(idx)].type;
    return Seen{s, scenario_->rocket_types[static_cast<size_t>(type)].length_m};
  }
  for (Fragment& f : fragments_) {
    if (fragment_object(f.rocket, f.index) != object) continue;
    f.flight.advance_to(t_s);
    if (f.flight.landed() && f.flight.impact()->t_s <= t_s) return std::nullopt;
    // The radars' scans in this tick may have carried the fragment's
    // lazy stepping past t_s (up to one step: see Flight::state_at_clamped).
    return Seen{f.flight.state_at_clamped(t_s), f.body_length_m};
  }
  return std::nullopt;
}

bool InterceptorModel::seek(Interceptor& icpt, double t0, double t1, std::uint64_t tick,
                            const Truth& truth, std::vector<Event>& events) {
  const scenario::InterceptorType& type =
      scenario_->interceptor_types[static_cast<size_t>(icpt.type)];
  const physics::GuidedFlight& f = icpt.flight;
  const physics::State own = f.current();
  // Lock on the object in range that best matches the uplinked track
  // (rockets and fragments alike), and hold it.
  if (icpt.locked == 0 && icpt.guidance.in_seeker_range(t0, own.p_W)) {
    double best = engage::kSameObjectChi2;
    auto consider = [&](int object, const physics::State& st) {
      if ((st.p_W - own.p_W).norm() > type.seeker.range_m) return;
      const double chi2 = icpt.guidance.match_chi2(t0, st.p_W, st.v_W);
      if (chi2 >= best) return;
      best = chi2;
      icpt.locked = object;
      icpt.target_prev = st;
    };
    for (int idx : truth.airborne()) {
      if (truth.flight(idx).t_launch_s() >= t0) continue;
      consider(idx + 1, object_at(truth, idx + 1, t0, t1)->state);
    }
    for (Fragment& frag : fragments_) {
      frag.flight.advance_to(t0);
      if (frag.flight.landed() && frag.flight.impact()->t_s <= t0) continue;
      consider(fragment_object(frag.rocket, frag.index), frag.flight.state_at_clamped(t0));
    }
  }
  if (icpt.locked == 0) return true;
  const auto seen = object_at(truth, icpt.locked, t0, t1);
  if (!seen) {
    end(icpt, t0, "target_lost", events);
    return false;
  }
  // The line of sight to the apparent scattering centre: the target plus
  // glint (a Gauss-Markov offset over its length), with angle noise.
  core::Stream rng(options_.seed, static_cast<std::uint64_t>(options_.run_index),
                   core::tag("seeker"), static_cast<std::uint64_t>(icpt.id), tick);
  const double h = t1 - t0;
  const double corr = type.seeker.glint_correlation_s;
  const double a = std::exp(-h / corr);
  const double sigma_g = type.seeker.glint_fraction * seen->length_m;
  const Vec3 n_g(rng.normal(), rng.normal(), rng.normal());
  icpt.glint_W = a * icpt.glint_W + sigma_g * std::sqrt(1 - a * a) * n_g;
  Vec3 los = (icpt.target_prev.p_W + icpt.glint_W - own.p_W).normalized();
  los += type.seeker.sigma_rad * Vec3(rng.normal(), rng.normal(), rng.normal());
  icpt.guidance.seeker(t0, los.normalized(), own, f.accel_W());
  return true;
}

bool InterceptorModel::pass(Interceptor& icpt, double t0, double t1, const physics::State& own,
                            Truth& truth, std::vector<Event>& events) {
  const scenario::InterceptorType& type =
      scenario_->interceptor_types[static_cast<size_t>(icpt.type)];
  physics::GuidedFlight& f = icpt.flight;
  const double h = t1 - t0;
  const auto seen = object_at(truth, icpt.locked, t1, t1);
  if (!seen) {
    end(icpt, t1, "target_lost", events);
    return true;
  }
  const physics::State tgt = seen->state;
  const Vec3 r0 = icpt.target_prev.p_W - own.p_W, w0 = icpt.target_prev.v_W - own.v_W;
  const Vec3 r1 = tgt.p_W - f.current().p_W, w1 = tgt.v_W - f.current().v_W;
  icpt.target_prev = tgt;
  const physics::ClosestApproach ca = physics::closest_approach(r0, w0, r1, w1, h);
  const bool passing = r1.dot(w1) > 0 && r0.dot(w0) <= 0;
  if (passing && ca.distance_m < icpt.closest_m) {
    icpt.closest_m = ca.distance_m;
    icpt.closest_t_s = t0 + ca.s * h;
    icpt.closest_p_W = f.state_at(icpt.closest_t_s).p_W;
  }
  // Fuze at a closest approach inside the fuze range; a pass farther out is
  // a miss once the range has opened well beyond it.
  const bool fuze = passing && ca.distance_m <= kFuzeRange_m;
  const bool missed = r1.dot(w1) > 0 && r1.norm() > icpt.closest_m + kMissedOpening_m;
  if (!fuze && !missed) return false;
  const bool rocket = icpt.locked <= static_cast<int>(truth.plans().size());
  InterceptEvent e;
  e.interceptor = icpt.id;
  e.rocket = rocket ? icpt.locked : (icpt.locked - kFragmentObject) / 100;
  e.debris = !rocket;
  e.closest_m = icpt.closest_m;
  if (fuze) {
    // The warhead goes off a timing error after the closest approach: the
    // relative motion carries the target on by |w| delta.
    core::Stream frng(options_.seed, static_cast<std::uint64_t>(options_.run_index),
                      core::tag("fuze"), static_cast<std::uint64_t>(icpt.id));
    const double delta = type.fuze_sigma_s * frng.normal();
    const physics::State own_ca = f.state_at(icpt.closest_t_s);
    const physics::State tgt_ca =
        object_at(truth, icpt.locked, icpt.closest_t_s, t1).value_or(Seen{tgt, 0}).state;
    const Vec3 r_ca = tgt_ca.p_W - own_ca.p_W;
    const Vec3 w_ca = tgt_ca.v_W - own_ca.v_W;
    e.t_s = icpt.closest_t_s + delta;
    e.miss_m = (r_ca + delta * w_ca).norm();
    e.p_W = own_ca.p_W + delta * own_ca.v_W;
  } else {
    e.t_s = icpt.closest_t_s;
    e.miss_m = icpt.closest_m;
    e.p_W = icpt.closest_p_W;
  }
  e.altitude_m = core::altitude_m(e.p_W);
  if (!fuze) {
    events.push_back(e);
    end(icpt, t1, "missed", events);
    return true;
  }
  // A fragment is no kill.
  e.pk = rocket
             ? physics::kill_probability(e.miss_m, type.lethal_radius_m, type.pk_at_lethal_radius)
             : 0.0;
  core::Stream rng(options_.seed, static_cast<std::uint64_t>(options_.run_index), core::tag("kill"),
                   static_cast<std::uint64_t>(icpt.id));
  e.killed = rocket && rng.uniform() < e.pk;
  if (e.killed) kill(truth, icpt.locked - 1, object_at(truth, icpt.locked, e.t_s, t1)->state);
  events.push_back(e);
  end(icpt, e.t_s, "fuzed", events);
  reports_.push_back(
      {icpt.id, e.t_s, e.p_W, f.current().v_W, bmc::InterceptorReport::Status::kDetonated});
  return true;
}

void InterceptorModel::fly(double t0, double t1, Truth& truth, std::vector<Event>& events) {
  const double h = t1 - t0;
  const auto tick = static_cast<std::uint64_t>(std::llround(t0 / h));
  for (Interceptor& icpt : interceptors_) {
    if (!icpt.alive) continue;
    const scenario::InterceptorType& type =
        scenario_->interceptor_types[static_cast<size_t>(icpt.type)];
    physics::GuidedFlight& f = icpt.flight;
    if (f.current().t_s > t0 + 1e-9) continue;  // launched at the end of this tick
    const physics::State own = f.current();
    if (!seek(icpt, t0, t1, tick, truth, events)) continue;
    f.step(h, icpt.guidance.command(t0, own));
    if (sampling()) {
      const double dt = sample_interval_s_ / 4;
      if (std::floor(t1 / dt + 1e-9) > std::floor(t0 / dt + 1e-9))
        samples_.push_back({t1, icpt.id, f.current().p_W});
    }
    if (icpt.locked > 0 && pass(icpt, t0, t1, own, truth, events)) continue;
    if (f.altitude_m() < 0) {
      end(icpt, t1, "ground", events);
    } else if (f.flight_time_s() >= type.max_flight_s) {
      end(icpt, t1, "timeout", events);
    } else {
      reports_.push_back(
          {icpt.id, t1, f.current().p_W, f.current().v_W, bmc::InterceptorReport::Status::kFlying});
    }
  }
  std::erase_if(interceptors_, [](const Interceptor& i) { return !i.alive; });
}

void InterceptorModel::land_fragments(double t_s, std::vector<Event>& events) {
  std::erase_if(fragments_, [&](Fragment& frag) {
    frag.flight.advance_to(t_s);
    if (!frag.flight.landed() || frag.flight.impact()->t_s > t_s) return false;
    const physics::Impact& hit = *frag.flight.impact();
    DebrisImpactEvent e;
    e.t_s = hit.t_s;
    e.rocket = frag.rocket;
    e.fragment = frag.index;
    e.p_W = hit.p_W;
    e.mass_kg = frag.mass_kg;
    e.speed_mps = hit.v_W.norm();
    e.area = area_at(*scenario_, hit.p_W.head<2>());
    events.push_back(std::move(e));
    return true;
  });
}

}  // namespace canopy::sim
