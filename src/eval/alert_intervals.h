// A zone's alert intervals and the warning an impact had: the one
// definition, used by the assessment scorer (summary.json, runs.csv) and by
// the report and the viewer (io).
//
//   std::vector<eval::AlertEdge> edges = ...;       // one zone, one policy
//   auto held = eval::alert_intervals(edges, t_end_s);
//   std::optional<double> w = eval::warning_at(held, t_impact_s);
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace canopy::eval {

// One alert_on or alert_off of one track in one zone.
struct AlertEdge {
  double t_s = 0;
  bool on = false;
  int track = 0;
  int rocket = -1;  // truth: the rocket the track followed, or -1
};

// [start, end] in simulated seconds.
using AlertInterval = std::pair<double, double>;

// The intervals during which at least one track holds the alert, sorted by
// start: from the first alert_on while the zone is quiet to the alert_off of
// the last track holding it. Edges may come in any order; at equal times an
// "on" counts before an "off" (a hand-over never opens a gap). An off with no
// matching on is ignored; a hold still open at the end lasts until end_s
// (never before its start).
std::vector<AlertInterval> alert_intervals(std::span<const AlertEdge> edges, double end_s);

// The warning an event at t_s had: t_s minus the start of the interval
// holding it, or nothing when the zone was quiet at t_s.
std::optional<double> warning_at(std::span<const AlertInterval> intervals, double t_s);

}  // namespace canopy::eval
