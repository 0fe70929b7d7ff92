// Civil alerts (docs/assess.md): which zones sound, for which track, and
// until when. One AlertBoard runs one policy:
//
//   kProbability  canopy's policy: a track alerts a zone while its
//                 P(impact in zone) >= p_alert, and cancels below
//                 p_alert_release (hysteresis);
//   kRadius       baseline (a): every zone within 5 km of the predicted
//                 impact point;
//   kRegion       baseline (b): every zone, from the track's first
//                 prediction (its confirmation) on.
//
// In all three an alert is held until the track's latest predicted impact
// time plus alert_hold_s, and cancelled at once when the rocket is
// destroyed. A track that is lost keeps its alerts until their hold ends.
// The board reports each (zone, track) alert turning on and off; a zone is
// under alert while any track holds it.
//
//   assess::AlertBoard board(AlertPolicy::kProbability, doctrine, zones);
//   board.update(track, now_s, prediction, p_zone, changes);
//   board.expire(now_s, changes);
#pragma once

#include <limits>
#include <map>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/assess/impact.h"
#include "canopy/scenario/scenario.h"

namespace canopy::assess {

enum class AlertPolicy { kProbability, kRadius, kRegion };
std::string_view to_string(AlertPolicy policy);

// Baseline (a)'s radius.
inline constexpr double kBaselineRadius_m = 5000;

struct AlertChange {
  double t_s = 0;
  int zone = 0;  // index into the zones
  int track = 0;
  bool on = false;
  double t_impact_s = 0;  // the track's predicted impact time
};

class AlertBoard {
 public:
  AlertBoard(AlertPolicy policy, const scenario::Doctrine& doctrine,
             std::vector<const core::Polygon*> zones);

  AlertPolicy policy() const { return policy_; }
  // A new prediction for a track; p_zone (per zone) is used by kProbability.
  void update(int track, double now_s, const ImpactPrediction& prediction,
              std::span<const double> p_zone, std::vector<AlertChange>& out);
  // The track ends. A destroyed rocket's alerts stop now; others run out
  // their hold.
  void end_track(int track, double now_s, bool destroyed, std::vector<AlertChange>& out);
  // Alerts whose hold has ended by now_s stop (at their hold time).
  void expire(double now_s, std::vector<AlertChange>& out);
  // Whether a zone is under alert now.
  bool zone_alerted(int zone) const;

 private:
  struct Active {
    double hold_until_s = 0;
    double t_impact_s = 0;
  };
  bool wanted(int zone, const ImpactPrediction& ip, std::span<const double> p_zone,
              bool active) const;

  AlertPolicy policy_;
  scenario::Doctrine doctrine_;
  std::vector<const core::Polygon*> zones_;
  std::map<std::pair<int, int>, Active> active_;  // (zone, track); ordered: deterministic output
  double earliest_hold_s_ = std::numeric_limits<double>::infinity();  // lower bound of the holds
};

}  // namespace canopy::assess
