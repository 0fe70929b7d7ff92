// Engagement metrics of one run (docs/metrics.md): from the world's run
// summary, which counts them from truth as the run goes.
//
//   eval::EngagementMetrics m = eval::engagement_metrics(scoring.summary(world.stats()));
//   summary["engagement"] = eval::to_json(m);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "canopy/eval/run_scorer.h"

namespace canopy::eval {

struct EngagementMetrics {
  int interceptors_fired = 0;
  int rockets_engaged = 0;
  int rockets_intercepted = 0;  // killed
  double interception_rate = 0;
  int engaged_open_ground = 0;
  int open_ground_rockets = 0;  // rockets that would fall outside every area
  double open_ground_engaged_rate = 0;
  int threatening = 0;  // rockets that would fall in a defended area
  int leakers = 0;      // warhead impacts in defended areas
  double leak_rate = 0;
  double leak_rate_lo = 0, leak_rate_hi = 1;  // Wilson 95 %
  double value_hit = 0;
  double value_saved = 0;
  double interceptors_per_kill = 0;
  double cost = 0;
  double cost_per_value_saved = 0;
  double miss_median_m = 0, miss_p90_m = 0;
  double intercept_alt_median_m = 0, intercept_alt_p10_m = 0, intercept_alt_p90_m = 0;
  int closest_approaches = 0;
  int debris_impacts = 0;
  int debris_in_areas = 0;
  int kill_assessments = 0;
  double kill_assessment_accuracy = 0;
  int plans = 0;
  double max_plan_gap = 0;
};

EngagementMetrics engagement_metrics(const RunSummary& s);
nlohmann::ordered_json to_json(const EngagementMetrics& m);
// summary.json's engagement "areas": one object per area, with its leak rate
// (null when nothing threatened it).
nlohmann::ordered_json to_json(const std::vector<AreaFigures>& areas);
std::string summary_text(const EngagementMetrics& m);

}  // namespace canopy::eval
