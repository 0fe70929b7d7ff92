// Scripted skies for the battle manager's unit tests (fire_control_test.cc,
// battle_manager_test.cc): a small defended world whose right answers are
// known, rockets flown by the truth integrator, a radar that turns their
// truth into plots with the radar's own noise (sensors::Radar::observe on a
// seeded stream), and interceptors scripted from the fire orders, whose
// downlink says where they are and how their intercept ended.
//
//   test::ScriptedSky sky(test::town_scenario(), 11);
//   sky.launch({0, 0}, 5.0);                          // a rocket on the town
//   for (double t = 0.25; t < 60; t += 0.25) {
//     test::Tick tick = sky.tick(t);                  // downlink, then the scan
//     bmc::Orders o = bm.step(t, tick.scans, tick.reports);
//     for (const bmc::FireOrder& f : o.engagement.fire) sky.fire(f);
//   }
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "canopy/bmc/fire_control.h"
#include "canopy/core/random.h"
#include "canopy/physics/ballistics.h"
#include "canopy/physics/examples.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/radar.h"

namespace canopy::bmc::test {

using core::Vec2;

// The scan period of the scripted radar, and of the tests' steps.
inline constexpr double kTick_s = 0.25;

// The alert zones of town_scenario(), by index.
inline constexpr int kTownZone = 0;   // covers the town
inline constexpr int kNorthZone = 1;  // 6 km north of the town
inline constexpr int kOpenZone = 2;   // open ground 8 km south of the town

// Aim points: the town's centre, and open ground inside kOpenZone.
inline Vec2 town_aim() { return {0, 0}; }
inline Vec2 open_ground_aim() { return {0, -8000}; }

inline core::Polygon square(double e0, double n0, double size) {
  return core::Polygon({{e0, n0}, {e0 + size, n0}, {e0 + size, n0 + size}, {e0, n0 + size}});
}

// A 2 km town at the origin, worth 1,000; three alert zones (the town's,
// one north of it, one on open ground south of it); medium rockets from
// 18 km west; one all-round radar at the origin (Pd 0.95, no clutter, no
// latency); one battery of two launchers (10 rounds each) 2 km east of the
// town. Calm air, default doctrine (shoot-look-shoot, two shots a threat).
inline scenario::Scenario town_scenario() {
  scenario::Scenario sc;
  sc.name = "bmc-unit";
  sc.origin = {31.0, -41.0, 0.0};
  sc.defended_areas.push_back({"Town", 1000, square(-1000, -1000, 2000)});
  sc.alert_zones.push_back({"T", "Town zone", 5000, square(-1500, -1500, 3000)});
  sc.alert_zones.push_back({"N", "North zone", 800, square(-1500, 6000, 3000)});
  sc.alert_zones.push_back({"O", "Open zone", 50, square(-1500, -9500, 3000)});
  sc.rocket_types.push_back({"medium", physics::example_medium_rocket(), 0.0, 0.03});
  sc.launch_sites.push_back({"west", {-18000, 0}, 0});

  scenario::Sensor radar;
  radar.name = "r";
  radar.p_W = core::ground_point({0, 0});
  radar.detection.pd = 0.95;
  sc.sensors.push_back(radar);

  scenario::InterceptorType t;
  t.name = "generic";
  t.params = physics::example_interceptor();
  t.pk_at_lethal_radius = 0.9;
  t.cost = 50000;
  sc.interceptor_types.push_back(t);

  scenario::Battery b;
  b.name = "b1";
  b.position_en_m = {2000, 0};
  b.launchers = {{{2000, 300}, 10, 600}, {{2000, -300}, 10, 600}};
  sc.batteries.push_back(b);
  return sc;
}

// A rocket of the scenario's first type, aimed (physics::solve_aim, as the
// world aims) from the first launch site at an aim point, and flown by the
// truth integrator. Query times must not decrease.
class TruthRocket {
 public:
  TruthRocket(const scenario::Scenario& sc, const Vec2& aim_en_m, double t_launch_s)
      : flight_(aimed(sc, aim_en_m, t_launch_s)) {
    physics::Flight copy = flight_;
    impact_ = copy.fly_to_ground();
  }

  // Where it is at t_s; nullopt before its launch, after its impact, and
  // once killed.
  std::optional<physics::State> at(double t_s) {
    if (killed || t_s <= flight_.t_launch_s() || t_s >= impact_.t_s) return std::nullopt;
    flight_.advance_to(t_s);
    return flight_.state_at(t_s);
  }
  const physics::Impact& impact() const { return impact_; }

  bool killed = false;

 private:
  static physics::Flight aimed(const scenario::Scenario& sc, const Vec2& aim_en_m,
                               double t_launch_s) {
    const physics::RocketParams& rocket = sc.rocket_types.front().params;
    const Vec2 launch = sc.launch_sites.front().center_en_m;
    const physics::ReachBand band = physics::reach_band(rocket, sc.environment);
    const auto aim = physics::solve_aim(rocket, sc.environment, launch, aim_en_m, band);
    const Vec3 dir = aim ? aim->dir_W : Vec3::UnitZ();  // (tests check the impact point)
    return physics::Flight::launch(rocket, sc.environment, core::ground_point(launch), dir,
                                   t_launch_s);
  }

  physics::Flight flight_;
  physics::Impact impact_;
};

// How a scripted interceptor's flight ends, at its planned intercept time.
enum class Fate {
  kKill,   // detonates at the rocket nearest its intercept point, which is destroyed
  kMiss,   // detonates 300 m above that rocket, which flies on
  kGraze,  // detonates 2 m from that rocket, which flies on all the same
  kDud,    // flies on without fuzing and reports its end 3 s later
};

// What the battle manager receives at one time.
struct Tick {
  std::vector<sensors::Scan> scans;
  std::vector<InterceptorReport> reports;
};

struct Detonation {
  double t_s = 0;
  int interceptor = 0;
  int rocket = 0;  // index into ScriptedSky::rockets()
  bool killed = false;
};

// Truth rockets, scripted interceptors and the radars that see them.
class ScriptedSky {
 public:
  ScriptedSky(scenario::Scenario sc, std::uint64_t seed) : sc_(std::move(sc)), seed_(seed) {
    for (size_t r = 0; r < sc_.sensors.size(); ++r)
      radars_.emplace_back(sc_.sensors[r], static_cast<int>(r));
    scan_k_.assign(radars_.size(), 0);
  }

  const scenario::Scenario& scenario() const { return sc_; }
  TruthRocket& launch(const Vec2& aim_en_m, double t_launch_s) {
    return rockets_.emplace_back(sc_, aim_en_m, t_launch_s);
  }
  std::deque<TruthRocket>& rockets() { return rockets_; }
  const std::deque<TruthRocket>& rockets() const { return rockets_; }

  // The fates of the next interceptors fired, in firing order; after them,
  // `fate`.
  std::deque<Fate> fates;
  Fate fate = Fate::kKill;
  // Whether the downlink reports interceptors in flight (kFlying), and
  // whether the radars see them.
  bool downlink = true;
  bool interceptors_visible = true;
  // Whether the rockets' plots stop from this time on (nullopt: never), and
  // come back from that time on (a rocket the radar lost, then found).
  std::optional<double> blind_from_s, blind_until_s;

  // An interceptor the battle manager ordered: it flies straight from its
  // launcher to the ordered intercept point, arriving at the ordered time.
  void fire(const FireOrder& order) {
    Fate f = fate;
    if (!fates.empty()) f = fates.front(), fates.pop_front();
    interceptors_.push_back({order, f, true});
  }

  // The downlink at t_s (each interceptor flying, or ending as its fate
  // says), then each radar's scan of what flies at t_s.
  Tick tick(double t_s) {
    Tick out;
    for (Interceptor& i : interceptors_) {
      if (!i.alive) continue;
      const FireOrder& o = i.order;
      if (t_s >= o.t_intercept_s - 1e-9 && i.fate != Fate::kDud) {
        // The nearest rocket to the intercept point; none: a dud.
        int best = -1;
        double best_m = 2000;
        std::optional<physics::State> target;
        for (size_t r = 0; r < rockets_.size(); ++r) {
          const auto s = rockets_[r].at(t_s);
          if (!s || (s->p_W - o.intercept_W).norm() >= best_m) continue;
          best = static_cast<int>(r), best_m = (s->p_W - o.intercept_W).norm(), target = s;
        }
        if (best >= 0) {
          const bool kill = i.fate == Fate::kKill;
          const Vec3 p = target->p_W + (i.fate == Fate::kMiss ? Vec3(0, 0, 300) : Vec3(2, 0, 0));
          out.reports.push_back(
              {o.interceptor, t_s, p, velocity(o), InterceptorReport::Status::kDetonated});
          detonations_.push_back({t_s, o.interceptor, best, kill});
          if (kill) rockets_[static_cast<size_t>(best)].killed = true;
          i.alive = false;
          continue;
        }
      }
      if (t_s >= o.t_intercept_s + 3) {
        out.reports.push_back(
            {o.interceptor, t_s, position(o, t_s), velocity(o), InterceptorReport::Status::kEnded});
        i.alive = false;
        continue;
      }
      if (downlink)
        out.reports.push_back({o.interceptor, t_s, position(o, t_s), velocity(o),
                               InterceptorReport::Status::kFlying});
    }

    // What the radars can see: rockets (ids from 1), interceptors (from 1000).
    std::vector<sensors::Object> objects;
    const bool blind =
        blind_from_s && t_s >= *blind_from_s && !(blind_until_s && t_s >= *blind_until_s);
    for (size_t r = 0; r < rockets_.size(); ++r) {
      const auto s = rockets_[r].at(t_s);
      if (s && !blind)
        objects.push_back({static_cast<int>(r) + 1, s->p_W, s->v_W, sc_.rocket_types[0].rcs_m2});
    }
    for (const Interceptor& i : interceptors_) {
      if (!interceptors_visible || !i.alive || t_s <= i.order.t_s) continue;
      objects.push_back({1000 + i.order.interceptor, position(i.order, t_s), velocity(i.order),
                         sc_.interceptor_types[0].rcs_m2});
    }
    for (size_t r = 0; r < radars_.size(); ++r) {
      core::Stream rng(seed_, core::tag("radar"), r, scan_k_[r]++);
      std::vector<sensors::PlotOrigin> origins;
      out.scans.push_back(radars_[r].observe(t_s, objects, rng, next_plot_id_, origins));
      for (const sensors::PlotOrigin& o : origins) interceptor_plots_ += o.object >= 1000 ? 1 : 0;
    }
    return out;
  }

  const std::vector<Detonation>& detonations() const { return detonations_; }
  // Plots the radars made of interceptors so far.
  int interceptor_plots() const { return interceptor_plots_; }

  static Vec3 position(const FireOrder& o, double t_s) {
    return o.launcher_W + (t_s - o.t_s) * velocity(o);
  }
  static Vec3 velocity(const FireOrder& o) {
    return (o.intercept_W - o.launcher_W) / std::max(1e-3, o.t_intercept_s - o.t_s);
  }

 private:
  struct Interceptor {
    FireOrder order;
    Fate fate = Fate::kKill;
    bool alive = true;
  };

  scenario::Scenario sc_;
  std::uint64_t seed_ = 0;
  std::vector<sensors::Radar> radars_;
  std::vector<std::int64_t> scan_k_;
  std::uint64_t next_plot_id_ = 1;
  std::deque<TruthRocket> rockets_;
  std::vector<Interceptor> interceptors_;
  std::vector<Detonation> detonations_;
  int interceptor_plots_ = 0;
};

}  // namespace canopy::bmc::test
