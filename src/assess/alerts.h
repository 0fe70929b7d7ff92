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
// time plus alert_hold_s, is not released once the predicted impact is less
// than min_warning_s away (a late prediction that turns back could not warn
// in time), and cancelled at once when the battle manager
// assesses the rocket killed (bmc decides when that is safe) or classes the
// track as debris. A track that is lost keeps its alerts until their hold
// ends. An alert already on is never reported on again.
// The board reports each (zone, track) alert turning on and off; a zone is
// under alert while any track holds it.
//
//   assess::AlertBoard board(AlertPolicy::kProbability, doctrine, zones);
//   board.update(track, now_s, prediction, p_zone, changes);
//   board.expire(now_s, changes);
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <map>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/assess/impact.h"
#include "canopy/scenario/scenario.h"

namespace canopy::assess {

// The alert policies: canopy's (the sirens) and two baselines it is scored
// against. This list sizes every per-policy container (orders, metrics,
// summary.json), and its order is the `policy` field of alert events.
enum class AlertPolicy { kProbability, kRadius, kRegion };
struct AlertPolicyInfo {
  AlertPolicy policy;
  std::string_view key;    // summary.json: assessment.alerts.<key>
  std::string_view label;  // printed tables
  std::string_view title;  // report columns
};
inline constexpr std::array<AlertPolicyInfo, 3> kAlertPolicies = {{
    {AlertPolicy::kProbability, "canopy", "canopy (p_alert)", "canopy (predicted impact)"},
    {AlertPolicy::kRadius, "radius_5km", "(a) zones within 5 km", "radius 5 km"},
    {AlertPolicy::kRegion, "region", "(b) whole region", "whole region"},
}};
inline constexpr std::size_t kAlertPolicyCount = kAlertPolicies.size();
// The policy's position in kAlertPolicies (and in every per-policy container).
constexpr std::size_t policy_index(AlertPolicy policy) { return static_cast<std::size_t>(policy); }
static_assert(kAlertPolicies[policy_index(AlertPolicy::kRegion)].policy == AlertPolicy::kRegion);
// canopy's own policy: the one that sounds the sirens.
inline constexpr std::size_t kCanopyPolicy = policy_index(AlertPolicy::kProbability);
inline constexpr AlertPolicyInfo alert_policy(AlertPolicy policy) {
  return kAlertPolicies[policy_index(policy)];
}

// Baseline (a)'s radius.
inline constexpr double kBaselineRadius_m = 5000;

// Why an alert stopped.
enum class AlertEnd {
  kNone,       // (an alert turning on)
  kReleased,   // the policy no longer wants it (e.g. P(zone) fell below p_alert_release)
  kHoldEnded,  // the track's predicted impact + alert_hold_s passed
  kKilled,     // the battle manager assessed the rocket killed
  kDebris,     // the track was classed as debris
  kRunEnd,     // the run ended
};
std::string_view to_string(AlertEnd reason);

struct AlertChange {
  double t_s = 0;
  int zone = 0;  // index into the zones
  int track = 0;
  bool on = false;
  double t_impact_s = 0;              // the track's predicted impact time
  AlertEnd reason = AlertEnd::kNone;  // off only
};

class AlertBoard {
 public:
  AlertBoard(AlertPolicy policy, const scenario::Doctrine& doctrine,
             std::vector<const core::Polygon*> zones);

  AlertPolicy policy() const { return policy_; }
  // A new prediction for a track; p_zone (per zone) is used by kProbability.
  void update(int track, double now_s, const ImpactPrediction& prediction,
              std::span<const double> p_zone, std::vector<AlertChange>& out);
  // Every alert of a track stops now (a kill, or the track classed as
  // debris).
  void cancel_track(int track, double now_s, AlertEnd reason, std::vector<AlertChange>& out);
  // Alerts whose hold has ended by now_s stop (at their hold time).
  void expire(double now_s, std::vector<AlertChange>& out);
  // Every alert stops at now_s (the end of the run).
  void end_all(double now_s, std::vector<AlertChange>& out);
  // Whether a track holds any alert.
  bool track_alerted(int track) const;
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
