#include "canopy/eval/alert_intervals.h"

#include <algorithm>
#include <map>

namespace canopy::eval {

std::vector<AlertInterval> alert_intervals(std::span<const AlertEdge> edges, double end_s) {
  std::vector<const AlertEdge*> sorted;
  sorted.reserve(edges.size());
  for (const AlertEdge& e : edges) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](const AlertEdge* a, const AlertEdge* b) {
    return a->t_s != b->t_s ? a->t_s < b->t_s : a->on > b->on;
  });
  std::vector<AlertInterval> intervals;
  std::map<int, int> holders;  // track -> alert_on not yet ended
  int count = 0;               // tracks holding the zone
  double start = 0;
  for (const AlertEdge* e : sorted) {
    int& h = holders[e->track];
    if (e->on) {
      if (h++ == 0 && count++ == 0) start = e->t_s;
    } else if (h > 0) {
      if (--h == 0 && --count == 0) intervals.emplace_back(start, e->t_s);
    }
  }
  if (count > 0) intervals.emplace_back(start, std::max(start, end_s));
  return intervals;
}

std::optional<double> warning_at(std::span<const AlertInterval> intervals, double t_s) {
  for (const auto& [start, end] : intervals)
    if (start <= t_s && t_s <= end) return t_s - start;
  return std::nullopt;
}

}  // namespace canopy::eval
