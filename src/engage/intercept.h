// Intercept planning (docs/engage.md): the threat's predicted trajectory,
// the debris a kill makes, and for one launcher the feasible intercept
// window: the earliest and latest launch times, and the chosen predicted
// intercept point with its expected kill probability.
//
//   engage::ThreatPath path = engage::predict_path(estimate, forecast);
//   engage::InterceptWindow w = engage::intercept_window(path, launcher, now, ctx);
//   if (w.feasible) fire_at(w.best.t_launch_s, w.best.p_W);
#pragma once

#include <vector>

#include "canopy/assess/impact.h"
#include "canopy/engage/flyout.h"
#include "canopy/scenario/scenario.h"

namespace canopy::engage {

// The mean predicted trajectory of a track, sampled every `dt_s` from the
// estimate's time down to the ground (the last state is on the ground).
struct ThreatPath {
  std::vector<physics::State> states;
};
ThreatPath predict_path(const assess::BallisticEstimate& estimate,
                        const physics::Environment& forecast, double dt_s = 0.5);

// The drag parameter Cd A / m of the planning model's typical fragment.
double typical_fragment_kd(double rocket_mass_kg);

struct InterceptOption {
  double t_launch_s = 0;
  double t_intercept_s = 0;
  Vec3 p_W = Vec3::Zero();  // predicted intercept point
  double flight_s = 0;
  double speed_mps = 0;  // interceptor speed there
  double pk = 0;         // expected kill probability
  double p_debris = 0;   // P(debris falls on a defended area)
  double score = 0;      // pk - debris_weight x p_debris
};

struct InterceptWindow {
  bool feasible = false;
  double earliest_launch_s = 0;
  double latest_launch_s = 0;
  InterceptOption best;
};

// What the planner needs besides the path and the launcher.
struct InterceptContext {
  const scenario::Battery* battery = nullptr;
  const scenario::InterceptorType* type = nullptr;
  const FlyoutTable* table = nullptr;
  const std::vector<scenario::DefendedArea>* areas = nullptr;
  physics::Environment forecast;
  double debris_weight = 0.5;
  double threat_mass_kg = 50;  // burnout mass of the threat class
  // Debris footprints are evaluated at this many candidate points across
  // the window (the rest take the score of their nearest evaluated one).
  int debris_candidates = 5;
};

// Expected kill probability of a planned intercept: the type's Pk inside
// its lethal radius, lowered for a slow or long flyout (documented in
// docs/engage.md as the planning model).
double expected_pk(const scenario::InterceptorType& type, double flight_s, double speed_mps);

// The window of one launcher on one threat path, for launches at or after
// `ready_s`.
InterceptWindow intercept_window(const ThreatPath& path, const Vec3& launcher_W, double ready_s,
                                 const InterceptContext& ctx);

}  // namespace canopy::engage
