#include "canopy/bmc/fire_control.h"

#include <algorithm>
#include <cmath>

namespace canopy::bmc {
namespace {

// Kill assessment (docs/engage.md): decided this long after the
// detonation, from the plots within a gate around where the target would
// be had it survived.
constexpr double kLookTime_s = 2.0;
constexpr double kLookDelay_s = 0.3;  // fragments separate first
constexpr double kGateBase_m = 300;
constexpr double kGateGrowth_mps = 150;
// More plots per scan than this in the gate (in scans that saw anything)
// means debris.
constexpr double kDebrisPlotsPerScan = 1.6;
// New tracks this close to an assessed kill, this soon after it, are debris.
constexpr double kDebrisTrackRadius_m = 3000;
constexpr double kDebrisTrackWindow_s = 30;
// The assignment's search budget: bounded by iterations, not time, so that
// a run is the same on any machine.
constexpr long kWtaIterations = 3000;

Vec3 extrapolate(const engage::TargetState& s, double t_s) {
  const double dt = t_s - s.t_s;
  return s.p_W + dt * s.v_W + 0.5 * dt * dt * physics::gravity_W(physics::Environment{}, s.p_W);
}

}  // namespace

FireControl::FireControl(std::vector<scenario::InterceptorType> types,
                         std::vector<scenario::Battery> batteries,
                         std::vector<scenario::DefendedArea> areas, scenario::Doctrine doctrine,
                         physics::Environment forecast)
    : types_(std::move(types)),
      batteries_(std::move(batteries)),
      areas_(std::move(areas)),
      doctrine_(doctrine),
      forecast_(std::move(forecast)) {
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
}

int FireControl::interceptors_left() const {
  int n = 0;
  for (const auto& l : launchers_) n += l.rounds;
  return n;
}

void FireControl::observe(double t_s, int sensor, std::span<const Vec3> plots_W) {
  for (Pending& p : pending_) {
    if (t_s <= p.t_detonation_s + kLookDelay_s || t_s > p.t_decide_s) continue;
    const Vec3 centre = extrapolate(p.target, t_s);
    const double gate = kGateBase_m + kGateGrowth_mps * (t_s - p.t_detonation_s);
    int n = 0;
    for (const Vec3& q : plots_W) n += (q - centre).norm() <= gate ? 1 : 0;
    p.scans[{sensor, t_s}] += n;
  }
}

bool FireControl::near_own_interceptor(double t_s, const Vec3& p_W, double gate_m) const {
  for (const auto& [id, f] : in_flight_) {
    const Vec3 at = f.p_W + (t_s - f.t_s) * f.v_W;
    if ((at - p_W).norm() <= gate_m) return true;
  }
  return false;
}

void FireControl::update_threat(int track, std::optional<ThreatTrack> threat) {
  if (!threat) {
    threats_.erase(track);
    return;
  }
  if (killed_.contains(track) || debris_tracks_.contains(track)) return;
  if (!threats_.contains(track) && !threat->path.states.empty()) {
    // A new threat where a kill was just assessed is debris of it.
    const physics::State& s = threat->path.states.front();
    for (const auto& [t, p] : kills_) {
      if (s.t_s - t <= kDebrisTrackWindow_s && (s.p_W - p).norm() <= kDebrisTrackRadius_m) {
        debris_tracks_.insert(track);
        return;
      }
    }
    replan_now_ = true;
  }
  threats_[track] = std::move(*threat);
}

void FireControl::track_ended(int track, double) {
  threats_.erase(track);
  for (Pending& p : pending_)
    if (p.track == track) p.track_ended = true;
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
    const int track = it->second.track;
    in_flight_.erase(it);
    if (r.status == InterceptorReport::Status::kDetonated) {
      Pending p;
      p.interceptor = r.id;
      p.track = track;
      p.t_detonation_s = r.t_s;
      p.t_decide_s = r.t_s + kLookTime_s;
      p.target = {r.t_s, r.p_W, r.v_W};
      const std::vector<int> ids{track};
      for (const tracking::TrackSnapshot& s : tracker.picture(now_s, ids)) {
        p.target = {now_s, s.p_W, s.v_W};
        p.target.p_W = extrapolate(p.target, r.t_s);
        p.target.v_W = s.v_W + (r.t_s - now_s) * physics::gravity_W(physics::Environment{}, s.p_W);
        p.target.t_s = r.t_s;
      }
      pending_.push_back(std::move(p));
      awaiting_.insert(track);
    } else {
      replan_now_ = true;  // a miss without fuzing: the threat may be engaged again
    }
  }
  assess(now_s, out);
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
  // Uplink the tracks to the interceptors in flight.
  std::vector<int> ids;
  for (const auto& [id, f] : in_flight_) ids.push_back(f.track);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (!ids.empty()) {
    const auto snaps = tracker.picture(now_s, ids);
    for (const auto& [id, f] : in_flight_) {
      for (const tracking::TrackSnapshot& s : snaps)
        if (s.id == f.track) out.uplinks.push_back({id, {now_s, s.p_W, s.v_W}});
    }
  }
  return out;
}

void FireControl::assess(double now_s, FireControlOrders& out) {
  std::erase_if(pending_, [&](Pending& p) {
    if (now_s < p.t_decide_s && !p.track_ended) return false;
    KillAssessment a;
    a.t_s = now_s;
    a.track = p.track;
    a.interceptor = p.interceptor;
    a.track_ended = p.track_ended;
    int scans_seen = 0, plots = 0;
    for (const auto& [key, n] : p.scans) {
      if (n > 0) ++scans_seen, plots += n;
    }
    a.plots_per_scan = scans_seen > 0 ? static_cast<double>(plots) / scans_seen : 0.0;
    // Killed: the track ended, nothing is seen where the rocket would be,
    // or several objects are.
    a.killed = p.track_ended || scans_seen == 0 || a.plots_per_scan >= kDebrisPlotsPerScan;
    awaiting_.erase(p.track);
    if (a.killed) {
      killed_.insert(p.track);
      threats_.erase(p.track);
      kills_.emplace_back(p.t_detonation_s, p.target.p_W);
    }
    replan_now_ = true;
    out.assessments.push_back(a);
    return true;
  });
}

void FireControl::replan(double now_s, FireControlOrders& out) {
  const bool salvo = doctrine_.mode == scenario::Doctrine::Mode::kSalvo;
  // The threats open to a shot now.
  std::vector<int> targets;
  std::vector<double> values;
  for (const auto& [track, th] : threats_) {
    if (killed_.contains(track) || awaiting_.contains(track)) continue;
    const int fired = shots_.contains(track) ? shots_.at(track) : 0;
    if (fired >= doctrine_.shots_per_threat) continue;
    double survive = 1;
    bool flying = false;
    for (const auto& [id, f] : in_flight_) {
      if (f.track != track) continue;
      flying = true;
      survive *= 1 - f.pk;
    }
    if (flying && !salvo) continue;  // shoot-look-shoot: look first
    if (th.threat_value <= 0 || th.path.states.size() < 2) continue;
    targets.push_back(track);
    values.push_back(th.threat_value * survive);
  }
  std::vector<int> weapons;
  for (size_t i = 0; i < launchers_.size(); ++i)
    if (launchers_[i].rounds > 0) weapons.push_back(static_cast<int>(i));
  if (targets.empty() || weapons.empty()) return;

  // Windows of every launcher on every threat.
  const size_t nw = weapons.size(), nt = targets.size();
  std::vector<engage::InterceptWindow> windows(nw * nt);
  engage::WtaProblem pb;
  pb.values = values;
  pb.p = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(nw), static_cast<Eigen::Index>(nt));
  for (size_t a = 0; a < nw; ++a) {
    const LauncherState& l = launchers_[static_cast<size_t>(weapons[a])];
    const scenario::Battery& b = batteries_[static_cast<size_t>(l.battery)];
    const scenario::InterceptorType& type = types_[static_cast<size_t>(b.interceptor_type)];
    pb.counts.push_back(l.rounds);
    pb.round_cost.push_back(doctrine_.cost_weight * type.cost);
    engage::InterceptContext ctx;
    ctx.battery = &b;
    ctx.type = &type;
    ctx.table = tables_[static_cast<size_t>(b.interceptor_type)];
    ctx.areas = &areas_;
    ctx.forecast = forecast_;
    ctx.debris_weight = doctrine_.debris_weight;
    const double ready = std::max(now_s, battery_next_launch_s_[static_cast<size_t>(l.battery)]);
    for (size_t j = 0; j < nt; ++j) {
      const ThreatTrack& th = threats_.at(targets[j]);
      ctx.threat_mass_kg = th.burnout_mass_kg;
      engage::InterceptWindow& w = windows[a * nt + j];
      w = engage::intercept_window(th.path, l.p_W, ready, ctx);
      if (w.feasible) pb.p(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(j)) = w.best.pk;
    }
  }
  pb.max_per_target = salvo ? doctrine_.shots_per_threat : 1;
  engage::WtaFastOptions opts;
  opts.time_limit_s = 10;  // not binding: the iteration budget is
  opts.max_iterations = kWtaIterations;
  const engage::WtaSolution sol = engage::solve_wta_fast(pb, opts);

  EngagementPlan plan;
  plan.t_s = now_s;
  plan.threats = static_cast<int>(nt);
  plan.launchers = static_cast<int>(nw);
  plan.objective = sol.objective;
  plan.lower_bound = sol.lower_bound;
  if (sol.lower_bound && sol.objective > 0)
    plan.gap = std::max(0.0, (sol.objective - *sol.lower_bound) / sol.objective);
  for (const auto& rounds : sol.assignment) plan.rounds += static_cast<int>(rounds.size());
  out.plans.push_back(plan);

  // Launch the assigned rounds whose launch time comes before the next plan.
  for (size_t a = 0; a < nw; ++a) {
    LauncherState& l = launchers_[static_cast<size_t>(weapons[a])];
    const scenario::Battery& b = batteries_[static_cast<size_t>(l.battery)];
    for (int j : sol.assignment[a]) {
      const int track = targets[static_cast<size_t>(j)];
      const engage::InterceptWindow& w = windows[a * nt + static_cast<size_t>(j)];
      double& next = battery_next_launch_s_[static_cast<size_t>(l.battery)];
      if (l.rounds == 0 || next > now_s + 1e-9) break;
      if (w.best.t_launch_s > now_s + doctrine_.replan_s) continue;
      int& fired = shots_[track];
      if (fired >= doctrine_.shots_per_threat) continue;
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
      ++fired;
      next = now_s + b.min_launch_interval_s;
      in_flight_[o.interceptor] = {o.interceptor, track, o.pk, l.p_W, Vec3::Zero(), now_s};
      if (--l.rounds == 0) {
        l.reload_at_s = now_s + b.launchers[static_cast<size_t>(l.index)].reload_s;
        replan_now_ = true;
      }
    }
  }
}

}  // namespace canopy::bmc
