#include "canopy/bmc/fire_control.h"

#include <algorithm>
#include <cmath>

namespace canopy::bmc {
namespace {

// Kill assessment (docs/engage.md): the first verdict this long after the
// detonation; an unknown one stays under assessment this long, a "killed"
// claim under watch this long (or until the intact path would have
// landed).
constexpr double kLookTime_s = 2.5;
constexpr double kUnknownWatch_s = 10;
constexpr double kClaimWatch_s = 30;
// A claim is revoked once the evidence since it gives P(intact) this high:
// from the claim's 0.001, one plot on the intact path where no fragment can
// be. The rocket is then alive (unknown) again, its alerts come back at its
// next assessment, and the evidence may claim the kill again.
constexpr double kRevokeAbove = 0.01;
// Plots within this gate (300 m + 150 m/s after the detonation) around the
// intact path are counted for the log's plots_per_scan.
constexpr double kGateBase_m = 300;
constexpr double kGateGrowth_mps = 150;
// Tracks are matched against the intact paths of claims at most this often.
constexpr double kTrackCheck_s = 0.25;
// A track updated this long after the detonation has left the fragments'
// first spread; one not updated for this long is coasting.
constexpr double kSeparated_s = 1.5;
constexpr double kCoasting_s = 1.5;
// The debris test takes a track's uncertainty (1 sigma, largest axis) up to
// these: a track known worse is tested as if known this well, so that an
// estimate far from any fragment's is not debris however uncertain it is.
constexpr double kDebrisSigmaCap_m = 100;
constexpr double kDebrisSigmaCap_mps = 100;
// The assignment's search budget: bounded by iterations, not time, so that
// a run is the same on any machine.
constexpr long kWtaIterations = 3000;

double largest_sigma(const Eigen::Matrix3d& P) {
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(P);
  return std::sqrt(std::max(0.0, es.eigenvalues().maxCoeff()));
}

}  // namespace

std::string_view to_string(HoldReason reason) {
  switch (reason) {
    case HoldReason::kNone:
      return "engaged";
    case HoldReason::kNoWindow:
      return "no_window";
    case HoldReason::kNoInventory:
      return "no_inventory";
    case HoldReason::kLaunchRate:
      return "launch_rate";
    case HoldReason::kWaitingForWindow:
      return "waiting_for_window";
    case HoldReason::kLowerValue:
      return "lower_value";
    case HoldReason::kAssessing:
      return "assessing";
    case HoldReason::kShotsExhausted:
      return "shots_exhausted";
  }
  return "?";
}

assess::BallisticEstimate ballistic_estimate(const tracking::TrackSnapshot& snap,
                                             const tracking::ThreatLibrary& library) {
  assess::BallisticEstimate est;
  est.t_s = snap.ballistic.g.t_s;
  est.x = snap.ballistic.g.x.head<7>();
  est.P = snap.ballistic.g.P.topLeftCorner<7, 7>();
  est.cd = library.types[static_cast<size_t>(snap.ballistic.type)].cd;
  return est;
}

FireControl::FireControl(std::vector<scenario::InterceptorType> types,
                         std::vector<scenario::Battery> batteries,
                         std::vector<scenario::DefendedArea> areas, scenario::Doctrine doctrine,
                         physics::Environment forecast, std::vector<scenario::Sensor> sensors,
                         std::vector<scenario::RocketType> threat_library)
    : types_(std::move(types)),
      batteries_(std::move(batteries)),
      areas_(std::move(areas)),
      doctrine_(doctrine),
      forecast_(std::move(forecast)),
      library_(threat_library.empty()
                   ? tracking::ThreatLibrary::generic()
                   : tracking::ThreatLibrary::from_rocket_types(threat_library)) {
  tables_.assign(types_.size(), nullptr);
  for (size_t b = 0; b < batteries_.size(); ++b) {
    const int type = batteries_[b].interceptor_type;
    if (tables_[static_cast<size_t>(type)] == nullptr)
      tables_[static_cast<size_t>(type)] = &engage::flyout_table(types_[static_cast<size_t>(type)]);
    for (size_t l = 0; l < batteries_[b].launchers.size(); ++l) {
      const scenario::Launcher& spec = batteries_[b].launchers[l];
      launchers_.push_back({static_cast<int>(b), static_cast<int>(l),
                            core::ground_point(spec.position_en_m), spec.interceptors, -1});
    }
  }
  battery_next_launch_s_.assign(batteries_.size(), 0.0);
  for (size_t r = 0; r < sensors.size(); ++r) radars_.emplace_back(sensors[r], static_cast<int>(r));
  // The debris model takes the heaviest class (the widest cloud); the kill
  // evidence the faintest (the lowest detection probability: a miss then
  // says the least).
  if (!threat_library.empty()) {
    max_burnout_kg_ = 0;
    min_rcs_m2_ = threat_library.front().rcs_m2;
  }
  for (const scenario::RocketType& t : threat_library) {
    max_burnout_kg_ =
        std::max(max_burnout_kg_, t.params.launch_mass_kg - t.params.propellant_mass_kg);
    min_rcs_m2_ = std::min(min_rcs_m2_, t.rcs_m2);
  }
}

int FireControl::interceptors_left() const {
  int n = 0;
  for (const auto& l : launchers_) n += l.rounds;
  return n;
}

void FireControl::observe(double t_s, int sensor, std::span<const Vec3> plots_W) {
  if (sensor < 0 || sensor >= static_cast<int>(radars_.size())) return;
  const sensors::Radar& radar = radars_[static_cast<size_t>(sensor)];
  for (Watch& w : watches_) {
    const engage::IntactPath& intact = w.evidence.intact();
    const bool near =
        !intact.landed_by(t_s) &&
        w.cloud->could_reach(t_s, intact.state_at(t_s).p_W, w.evidence.gate_radius_m(radar, t_s));
    w.evidence.observe(radar, t_s, plots_W, w.threat_rcs_m2, near);
    const double tau = t_s - w.evidence.t_detonation_s();
    if (w.state != Watch::State::kPending || tau <= 0.3 || t_s > w.t_decide_s) continue;
    const Vec3 centre = w.evidence.intact().state_at(t_s).p_W;
    const double gate = kGateBase_m + kGateGrowth_mps * tau;
    int n = 0;
    for (const Vec3& q : plots_W) n += (q - centre).norm() <= gate ? 1 : 0;
    w.scans[{sensor, t_s}] += n;
  }
}

bool FireControl::near_own_interceptor(double t_s, const Vec3& p_W, double gate_m) const {
  for (const auto& [id, f] : in_flight_) {
    const Vec3 at = f.p_W + (t_s - f.t_s) * f.v_W;
    if ((at - p_W).norm() <= gate_m) return true;
  }
  return false;
}

FireControl::Debris FireControl::debris(const tracking::TrackSnapshot& snap,
                                        const tracking::Tracker& tracker) const {
  if (killed_.contains(snap.id)) return Debris::kKillClaim;
  if (clouds_.empty()) return Debris::kNo;
  const double sigma_p =
      std::min(kDebrisSigmaCap_m, largest_sigma(snap.P_pv.topLeftCorner<3, 3>()));
  const double sigma_v =
      std::min(kDebrisSigmaCap_mps, largest_sigma(snap.P_pv.bottomRightCorner<3, 3>()));
  for (const Cloud& c : clouds_) {
    // Only tracks born after the detonation: one that was there before is
    // something that flew into the cloud, not out of it.
    if (snap.t_start_s < c.cloud->t0_s() - 1.0) continue;
    if (!c.cloud->could_be_fragment(snap.t_s, snap.p_W, snap.v_W, sigma_p, sigma_v)) continue;
    if (c.intact.consistent(snap.t_s, snap.p_W, snap.v_W, snap.P_pv)) return Debris::kNo;
    // A rocket tracked from before the detonation that this track follows
    // (the picture is refreshed every kTrackCheck_s and carried forward).
    if (snap.t_s - lineage_t_s_ > kTrackCheck_s) {
      lineage_ = tracker.picture(snap.t_s);
      lineage_t_s_ = snap.t_s;
    }
    for (const tracking::TrackSnapshot& o : lineage_) {
      if (o.id == snap.id || o.t_start_s >= c.cloud->t0_s() - 1.0 || killed_.contains(o.id))
        continue;
      const double dt = snap.t_s - o.t_s;
      Eigen::Matrix<double, 6, 1> d;
      d << snap.p_W - o.p_W - dt * o.v_W, snap.v_W - o.v_W;
      const engage::Mat6 S = snap.P_pv + o.P_pv;
      if (d.dot(S.ldlt().solve(d)) <= engage::kSameObjectChi2) return Debris::kNo;
    }
    return Debris::kCloud;
  }
  return Debris::kNo;
}

void FireControl::update_threat(int track, std::optional<ThreatTrack> threat) {
  if (!threat || killed_.contains(track)) {
    threats_.erase(track);
    return;
  }
  if (!threats_.contains(track)) replan_now_ = true;
  threats_[track] = std::move(*threat);
}

void FireControl::track_ended(int track, double) {
  threats_.erase(track);
  holds_.erase(track);
  for (Watch& w : watches_)
    if (w.track == track) w.track_ended = true;
  for (auto& [id, f] : in_flight_)
    if (f.track == track && f.target) f.lost.emplace(*f.target, forecast_);
}

void FireControl::detonated(const InterceptorReport& r, int track, const InFlight& f, double now_s,
                            const tracking::Tracker& tracker) {
  // The rocket as it was before the detonation: the track (its scans
  // after the detonation are not processed yet), else its last uplink.
  std::optional<assess::BallisticEstimate> est = f.target;
  const std::vector<int> ids{track};
  for (const tracking::TrackSnapshot& s : tracker.picture(now_s, ids))
    est = ballistic_estimate(s, library_);
  if (!est) {
    // Never uplinked: nothing to weigh. The threat stays alive and is
    // planned for again at once, as after a dud.
    replan_now_ = true;
    return;
  }
  const scenario::InterceptorType& type = types_[static_cast<size_t>(f.type)];
  engage::IntactPath intact(*est, forecast_);
  const double prior =
      engage::prior_alive(intact, r.p_W, r.t_s, type.lethal_radius_m, type.pk_at_lethal_radius);
  Watch w;
  w.interceptor = r.id;
  w.track = track;
  w.evidence = engage::KillEvidence(intact, r.t_s, r.p_W, prior);
  w.threat_rcs_m2 = min_rcs_m2_;
  w.t_decide_s = r.t_s + kLookTime_s;
  w.t_until_s = r.t_s + kUnknownWatch_s;
  // Whatever the verdict, fragments may fly from here.
  const engage::Mat6 P = intact.cov_at(r.t_s);
  const physics::State at{r.t_s, r.p_W, intact.state_at(r.t_s).v_W};
  w.cloud = std::make_shared<const engage::DebrisCloud>(engage::DebrisCloud::from_kill(
      at, max_burnout_kg_, forecast_, largest_sigma(P.topLeftCorner<3, 3>()),
      largest_sigma(P.bottomRightCorner<3, 3>())));
  clouds_.push_back({w.cloud, intact});
  watches_.push_back(std::move(w));
  awaiting_.insert(track);
}

FireControlOrders FireControl::step(double now_s, std::span<const InterceptorReport> reports,
                                    const tracking::Tracker& tracker) {
  FireControlOrders out;
  if (!active()) return out;
  for (const InterceptorReport& r : reports) {
    const auto it = in_flight_.find(r.id);
    if (it == in_flight_.end()) continue;
    if (r.status == InterceptorReport::Status::kFlying) {
      it->second.p_W = r.p_W;
      it->second.v_W = r.v_W;
      it->second.t_s = r.t_s;
      continue;
    }
    const InFlight f = it->second;
    in_flight_.erase(it);
    if (r.status == InterceptorReport::Status::kDetonated) {
      detonated(r, f.track, f, now_s, tracker);
    } else {
      replan_now_ = true;  // a miss without fuzing: the threat may be engaged again
    }
  }
  assess(now_s, tracker, out);
  std::erase_if(clouds_, [&](const Cloud& c) { return c.cloud->t_end_s() < now_s; });
  for (LauncherState& l : launchers_) {
    if (l.rounds == 0 && l.reload_at_s >= 0 && now_s >= l.reload_at_s) {
      l.rounds = batteries_[static_cast<size_t>(l.battery)]
                     .launchers[static_cast<size_t>(l.index)]
                     .interceptors;
      l.reload_at_s = -1;
      replan_now_ = true;
    }
  }
  if (replan_now_ || now_s >= next_replan_s_ - 1e-9) {
    replan(now_s, out);
    replan_now_ = false;
    next_replan_s_ = now_s + doctrine_.replan_s;
  }
  // An interceptor whose track ended flies on its last uplink until a
  // confirmed track moves as its target would: it is handed over to it.
  bool handover = false;
  for (const auto& [id, f] : in_flight_) handover |= f.lost.has_value();
  if (handover && now_s >= next_handover_s_ - 1e-9) {
    next_handover_s_ = now_s + kTrackCheck_s;
    const std::vector<tracking::TrackSnapshot> picture = tracker.picture(now_s);
    for (auto& [id, f] : in_flight_) {
      if (!f.lost) continue;
      for (const tracking::TrackSnapshot& s : picture) {
        if (killed_.contains(s.id) || !f.lost->consistent(now_s, s.p_W, s.v_W, s.P_pv)) continue;
        f.track = s.id;
        f.lost.reset();
        ++shots_[s.id];
        break;
      }
    }
  }
  // Uplink the tracks to the interceptors in flight.
  std::vector<int> ids;
  for (const auto& [id, f] : in_flight_) ids.push_back(f.track);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (!ids.empty()) {
    const auto snaps = tracker.picture(now_s, ids);
    for (auto& [id, f] : in_flight_) {
      for (const tracking::TrackSnapshot& s : snaps) {
        if (s.id != f.track) continue;
        out.uplinks.push_back({id, {now_s, s.p_W, s.v_W, s.P_pv}});
        f.target = ballistic_estimate(s, library_);
      }
    }
  }
  return out;
}

bool FireControl::intact_track_goes_on(const Watch& w, double now_s,
                                       const std::vector<tracking::TrackSnapshot>& picture) const {
  const double t_det = w.evidence.t_detonation_s();
  for (const tracking::TrackSnapshot& s : picture) {
    if (s.t_last_update_s < t_det + kSeparated_s || now_s - s.t_last_update_s > kCoasting_s)
      continue;
    if (w.evidence.intact().consistent(s.t_s, s.p_W, s.v_W, s.P_pv)) return true;
  }
  return false;
}

void FireControl::assess(double now_s, const tracking::Tracker& tracker, FireControlOrders& out) {
  if (watches_.empty()) return;
  // The confirmed picture, for the intact-track check, when one is due.
  std::optional<std::vector<tracking::TrackSnapshot>> picture;
  const bool check_tracks = now_s >= next_track_check_s_ - 1e-9;
  auto tracks = [&]() -> const std::vector<tracking::TrackSnapshot>& {
    if (!picture) picture = tracker.picture(now_s);
    return *picture;
  };
  auto claim = [&](Watch& w) {
    killed_.insert(w.track);
    threats_.erase(w.track);
    w.state = Watch::State::kClaimed;
    w.evidence.reset(engage::kKilledBelow);
    w.t_until_s = w.evidence.t_detonation_s() + kClaimWatch_s;
  };
  auto verdict = [&](const Watch& w, engage::KillOutcome o, bool held) {
    KillAssessment a;
    a.t_s = now_s;
    a.track = w.track;
    a.interceptor = w.interceptor;
    a.outcome = o;
    a.killed = o == engage::KillOutcome::kKilled;
    a.track_ended = w.track_ended;
    int scans_seen = 0, plots = 0;
    for (const auto& [key, n] : w.scans)
      if (n > 0) ++scans_seen, plots += n;
    a.plots_per_scan = scans_seen > 0 ? static_cast<double>(plots) / scans_seen : 0.0;
    a.p_alive = w.evidence.p_alive();
    a.covering_scans = w.evidence.covering_scans();
    a.intact_hits = w.evidence.hits();
    a.detonation_offset_m = w.evidence.detonation_offset_m();
    a.held_by_track = held;
    out.assessments.push_back(a);
  };
  std::erase_if(watches_, [&](Watch& w) {
    switch (w.state) {
      case Watch::State::kPending: {
        if (now_s < w.t_decide_s) return false;
        engage::KillOutcome o = w.evidence.outcome();
        bool held = false;
        // Never a kill while a track goes on along the rocket's path.
        if (o == engage::KillOutcome::kKilled && intact_track_goes_on(w, now_s, tracks())) {
          o = engage::KillOutcome::kUnknown;
          held = true;
        }
        verdict(w, o, held);
        awaiting_.erase(w.track);
        replan_now_ = true;
        if (o == engage::KillOutcome::kKilled) {
          claim(w);
          return false;
        }
        w.state = Watch::State::kUnknown;
        return o == engage::KillOutcome::kSurvived;
      }
      case Watch::State::kUnknown: {
        // Evidence keeps coming; a late certainty of a kill is a claim.
        const engage::KillOutcome o = w.evidence.outcome();
        if (o == engage::KillOutcome::kSurvived || now_s > w.t_until_s) return true;
        if (o != engage::KillOutcome::kKilled || !check_tracks ||
            intact_track_goes_on(w, now_s, tracks()))
          return false;
        verdict(w, o, false);
        claim(w);
        return false;
      }
      case Watch::State::kClaimed: {
        const bool contradicted = w.evidence.p_alive() >= kRevokeAbove ||
                                  (check_tracks && intact_track_goes_on(w, now_s, tracks()));
        if (contradicted) {
          killed_.erase(w.track);
          out.revoked.push_back({now_s, w.track, w.interceptor, w.evidence.p_alive()});
          replan_now_ = true;
          w.state = Watch::State::kUnknown;
          w.t_until_s = now_s + kUnknownWatch_s;
          return false;
        }
        return now_s > w.t_until_s || w.evidence.intact().landed_by(now_s);
      }
    }
    return true;
  });
  if (check_tracks) next_track_check_s_ = now_s + kTrackCheck_s;
}

void FireControl::log_hold(double now_s, int track, HoldReason reason, FireControlOrders& out) {
  auto [it, inserted] = holds_.try_emplace(track, HoldReason::kNone);
  if (!inserted && it->second == reason) return;
  it->second = reason;
  if (reason != HoldReason::kNone) out.holds.push_back({now_s, track, reason});
}

engage::InterceptContext FireControl::intercept_context(const LauncherState& l) const {
  const scenario::Battery& b = batteries_[static_cast<size_t>(l.battery)];
  engage::InterceptContext ctx;
  ctx.battery = &b;
  ctx.type = &types_[static_cast<size_t>(b.interceptor_type)];
  ctx.table = tables_[static_cast<size_t>(b.interceptor_type)];
  ctx.areas = &areas_;
  ctx.forecast = forecast_;
  ctx.debris_weight = doctrine_.debris_weight;
  return ctx;
}

void FireControl::open_targets(double now_s, bool salvo, Candidates& c, std::vector<double>& values,
                               FireControlOrders& out) {
  for (const auto& [track, th] : threats_) {
    if (killed_.contains(track)) continue;
    if (awaiting_.contains(track)) {
      log_hold(now_s, track, HoldReason::kAssessing, out);
      continue;
    }
    double survive = 1;
    bool flying = false;
    for (const auto& [id, f] : in_flight_) {
      if (f.track != track) continue;
      flying = true;
      survive *= 1 - f.pk;
    }
    const int fired = shots_.contains(track) ? shots_.at(track) : 0;
    if (fired >= doctrine_.shots_per_threat) {
      log_hold(now_s, track, flying ? HoldReason::kNone : HoldReason::kShotsExhausted, out);
      continue;
    }
    if (flying && !salvo) {  // shoot-look-shoot: look first
      log_hold(now_s, track, HoldReason::kNone, out);
      continue;
    }
    if (th.threat_value <= 0 || th.path.states.size() < 2) {
      log_hold(now_s, track, HoldReason::kNoWindow, out);
      continue;
    }
    c.targets.push_back(track);
    values.push_back(th.threat_value * survive);
  }
}

void FireControl::plan_windows(double now_s, Candidates& c, engage::WtaProblem& pb) const {
  const size_t nw = c.weapons.size(), nt = c.targets.size();
  c.windows.assign(nw * nt, engage::InterceptWindow{});
  pb.p = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(nw), static_cast<Eigen::Index>(nt));
  for (size_t a = 0; a < nw; ++a) {
    const LauncherState& l = launchers_[static_cast<size_t>(c.weapons[a])];
    engage::InterceptContext ctx = intercept_context(l);
    pb.counts.push_back(l.rounds);
    pb.round_cost.push_back(doctrine_.cost_weight * ctx.type->cost);
    const double ready = std::max(now_s, battery_next_launch_s_[static_cast<size_t>(l.battery)]);
    for (size_t j = 0; j < nt; ++j) {
      const ThreatTrack& th = threats_.at(c.targets[j]);
      ctx.threat_mass_kg = th.burnout_mass_kg;
      engage::InterceptWindow& w = c.windows[a * nt + j];
      w = engage::intercept_window(th.path, l.p_W, ready, ctx);
      if (w.feasible) pb.p(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(j)) = w.best.pk;
    }
  }
}

HoldReason FireControl::unreachable_reason(double now_s, const ThreatTrack& th) const {
  // No launcher with rounds can reach it: an empty launcher that could
  // means no inventory, none at all no window.
  for (const LauncherState& l : launchers_) {
    if (l.rounds > 0) continue;
    engage::InterceptContext ctx = intercept_context(l);
    ctx.threat_mass_kg = th.burnout_mass_kg;
    ctx.debris_candidates = 1;
    if (engage::intercept_window(th.path, l.p_W, now_s, ctx).feasible)
      return HoldReason::kNoInventory;
  }
  return HoldReason::kNoWindow;
}

void FireControl::log_unreachable(double now_s, Candidates& c, FireControlOrders& out) {
  const size_t nw = c.weapons.size(), nt = c.targets.size();
  c.reachable.assign(nt, 0);
  for (size_t j = 0; j < nt; ++j) {
    for (size_t a = 0; a < nw; ++a) c.reachable[j] |= c.windows[a * nt + j].feasible ? 1 : 0;
    if (!c.reachable[j])
      log_hold(now_s, c.targets[j], unreachable_reason(now_s, threats_.at(c.targets[j])), out);
  }
}

void FireControl::log_plan(double now_s, const Candidates& c, const engage::WtaSolution& sol,
                           FireControlOrders& out) {
  EngagementPlan plan;
  plan.t_s = now_s;
  plan.threats = static_cast<int>(c.targets.size());
  plan.launchers = static_cast<int>(c.weapons.size());
  plan.objective = sol.objective;
  plan.lower_bound = sol.lower_bound;
  if (sol.lower_bound && sol.objective > 0)
    plan.gap = std::max(0.0, (sol.objective - *sol.lower_bound) / sol.objective);
  for (const auto& rounds : sol.assignment) plan.rounds += static_cast<int>(rounds.size());
  out.plans.push_back(plan);
}

void FireControl::launch_assigned(double now_s, const Candidates& c, const engage::WtaSolution& sol,
                                  FireControlOrders& out) {
  // Launch the assigned rounds whose launch time comes before the next plan.
  const size_t nw = c.weapons.size(), nt = c.targets.size();
  std::vector<HoldReason> reason(nt, HoldReason::kLowerValue);
  for (size_t a = 0; a < nw; ++a) {
    LauncherState& l = launchers_[static_cast<size_t>(c.weapons[a])];
    for (int j : sol.assignment[a]) {
      const size_t jj = static_cast<size_t>(j);
      const int track = c.targets[jj];
      const engage::InterceptWindow& w = c.windows[a * nt + jj];
      const double next = battery_next_launch_s_[static_cast<size_t>(l.battery)];
      if (l.rounds == 0 || next > now_s + 1e-9) {
        if (reason[jj] != HoldReason::kNone) reason[jj] = HoldReason::kLaunchRate;
        continue;
      }
      if (w.best.t_launch_s > now_s + doctrine_.replan_s) {
        if (reason[jj] != HoldReason::kNone) reason[jj] = HoldReason::kWaitingForWindow;
        continue;
      }
      if (shots_[track] >= doctrine_.shots_per_threat) continue;
      fire(now_s, l, track, w, out);
      reason[jj] = HoldReason::kNone;
    }
  }
  for (size_t j = 0; j < nt; ++j)
    if (c.reachable[j]) log_hold(now_s, c.targets[j], reason[j], out);
}

void FireControl::fire(double now_s, LauncherState& l, int track, const engage::InterceptWindow& w,
                       FireControlOrders& out) {
  const scenario::Battery& b = batteries_[static_cast<size_t>(l.battery)];
  FireOrder o;
  o.t_s = now_s;
  o.interceptor = next_interceptor_id_++;
  o.battery = l.battery;
  o.launcher = l.index;
  o.track = track;
  o.launcher_W = l.p_W;
  o.dir_W = engage::launch_direction_W(l.p_W, w.best.p_W);
  o.intercept_W = w.best.p_W;
  o.t_intercept_s = w.best.t_intercept_s;
  o.pk = w.best.pk;
  o.p_debris = w.best.p_debris;
  out.fire.push_back(o);
  ++shots_[track];
  battery_next_launch_s_[static_cast<size_t>(l.battery)] = now_s + b.min_launch_interval_s;
  InFlight f{.id = o.interceptor,
             .track = track,
             .pk = o.pk,
             .p_W = l.p_W,
             .t_s = now_s,
             .type = b.interceptor_type};
  in_flight_[o.interceptor] = f;
  if (--l.rounds == 0) {
    l.reload_at_s = now_s + b.launchers[static_cast<size_t>(l.index)].reload_s;
    replan_now_ = true;
  }
}

void FireControl::replan(double now_s, FireControlOrders& out) {
  const bool salvo = doctrine_.mode == scenario::Doctrine::Mode::kSalvo;
  // The threats open to a shot now (the others get their reason), the
  // launchers with rounds, and the windows of every launcher on every threat.
  Candidates c;
  engage::WtaProblem pb;
  open_targets(now_s, salvo, c, pb.values, out);
  if (c.targets.empty()) return;
  for (size_t i = 0; i < launchers_.size(); ++i)
    if (launchers_[i].rounds > 0) c.weapons.push_back(static_cast<int>(i));
  plan_windows(now_s, c, pb);
  log_unreachable(now_s, c, out);
  if (c.weapons.empty()) return;
  pb.max_per_target = salvo ? doctrine_.shots_per_threat : 1;
  engage::WtaFastOptions opts;
  opts.time_limit_s = 10;  // not binding: the iteration budget is
  opts.max_iterations = kWtaIterations;
  const engage::WtaSolution sol = engage::solve_wta(pb, doctrine_.wta_solver, opts);

  log_plan(now_s, c, sol, out);
  launch_assigned(now_s, c, sol, out);
}

}  // namespace canopy::bmc
