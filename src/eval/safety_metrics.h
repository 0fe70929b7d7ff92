// Closed-loop safety metrics of one run (docs/metrics.md, "Closed-loop
// safety"), scored from the event stream alone, as an outside tool would
// score events.jsonl: the promises the chain makes to the people under it,
// with the batteries in the loop.
//
//   warnable impact   an impact in an alert zone whose rocket was named by a
//                     track_confirm at least min_warning_s + 2 s before it;
//   warned            some (zone, track) alert on at the impact began at
//                     least min_warning_s before it (an alert raised again
//                     counts from its own alert_on);
//   false claim       a kill_assessment with killed true and rocket_killed
//                     false;
//   cancelled while alive
//                     an alert_off for a kill claim or for debris while the
//                     rocket its track follows is still in flight;
//   wrong-target kill an intercept that killed another rocket than the one
//                     its interceptor was fired at.
//
// Every breach is also listed (`breaches`), which the invariant tests
// assert empty.
//
//   eval::SafetyScorer scorer(min_warning_s);
//   for (const sim::Event& e : events) scorer.on_event(e);
//   eval::SafetyMetrics m = scorer.result();
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "canopy/sim/events.h"

namespace canopy::eval {

struct SafetyMetrics {
  double min_warning_s = 10;
  int warnable_impacts = 0;
  int warned = 0;
  int unwarned = 0;  // no alert on at the impact
  int late = 0;      // an alert on, but younger than min_warning_s
  int kill_assessments = 0;
  int assessed_killed = 0, assessed_survived = 0, assessed_unknown = 0;
  int false_kill_claims = 0;
  int kills_revoked = 0;
  int alerts_on = 0;
  int alerts_on_no_rocket = 0;  // raised by tracks with no rocket behind them
  int alerts_cancelled_while_alive = 0;
  int interceptors_fired = 0;
  int wrong_target_kills = 0;
  int fires_on_debris = 0;           // fires at a track the battle manager classed as debris
  int debris_tracks = 0;             // tracks the battle manager classed as debris
  int debris_tracks_on_rockets = 0;  // ... while following a rocket in flight
  // Declared threats (tracks) never fired at, by the last reason logged.
  int threats_not_engaged = 0;
  std::map<std::string, int> not_engaged_by_reason;
  std::vector<std::string> breaches;  // every breach, in time order
};

class SafetyScorer {
 public:
  explicit SafetyScorer(double min_warning_s = 10) : min_warning_s_(min_warning_s) {}
  void on_event(const sim::Event& event);
  SafetyMetrics result() const;

 private:
  struct Interval {
    double on_s = 0;
    std::optional<double> off_s;
  };
  double min_warning_s_;
  SafetyMetrics m_;
  std::map<int, double> confirmed_s_;  // rocket -> first track_confirm naming it
  std::map<int, double> gone_s_;       // rocket -> impact or kill
  std::vector<sim::ImpactEvent> impacts_;
  std::map<std::pair<std::string, int>, std::vector<Interval>> alerts_;  // (zone, track)
  std::vector<sim::AlertEvent> cancels_;        // alert_off for a kill or debris
  std::map<int, std::optional<int>> fired_at_;  // interceptor -> rocket fired at
  std::map<int, bool> debris_;                  // track -> classed as debris now
  std::set<int> ever_debris_;
  std::set<int> declared_, engaged_;
  std::map<int, std::string> last_hold_;
  struct Classed {
    double t_s = 0;
    int track = 0, rocket = 0;  // the rocket the debris track followed
  };
  std::vector<Classed> classed_;
  std::vector<std::pair<double, std::string>> breaches_;  // (time, what)
};

nlohmann::ordered_json to_json(const SafetyMetrics& m);
std::string summary_text(const SafetyMetrics& m);

}  // namespace canopy::eval
