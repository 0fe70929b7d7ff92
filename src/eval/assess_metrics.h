// Assessment metrics (docs/metrics.md): impact-prediction calibration and
// accuracy against track age, the engage decision's confusion matrix and
// lead times, and the civil-alert metrics of canopy's policy and the two
// baselines, all scored against truth from the event stream.
//
//   eval::AssessScorer scorer(scenario.alert_zones, options);
//   for (const sim::Event& e : events) scorer.on_event(e);
//   eval::AssessMetrics m = scorer.result();
#pragma once

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "canopy/assess/alerts.h"
#include "canopy/eval/alert_intervals.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sim/events.h"

namespace canopy::eval {

struct AssessMetricsOptions {
  std::vector<double> checkpoints_s = {2, 5, 10};  // after the rocket's first confirmation
  double min_warning_s = 10;                       // doctrine's min_warning_s
  double long_flight_s = 40;                       // flights longer than this must be declared ...
  double required_lead_s = 20;                     // ... at least this long before impact
  // Track-age bins (s since the track's confirmation) for the miss curve.
  std::vector<double> age_bins_s = {0, 1, 2, 5, 10, 20, 30, 45, 60, 1e9};
};

// 95 % ellipse of a 2-D Gaussian: Mahalanobis distance^2 <= chi2(2, 0.95).
inline constexpr double kChi2_2dof_95 = 5.991464547107979;

struct Checkpoint {
  double after_confirm_s = 0;
  int rockets = 0;  // with a prediction in force and an impact after it
  int inside_95 = 0;
  double coverage = 0;  // inside_95 / rockets
  double median_miss_m = 0;
};

struct AgeBin {
  double lo_s = 0, hi_s = 0;
  int predictions = 0;
  double median_miss_m = 0;
  double coverage_95 = 0;
  double median_sigma_t_s = 0, median_abs_t_error_s = 0;
};

// One alert zone's share of a policy's figures.
struct ZoneAlertMetrics {
  std::string zone;  // id
  int impacts = 0;
  double mean_own_warning_s = 0, p5_own_warning_s = 0;  // NaN with no impact
  double false_population_s = 0;
};

struct AlertPolicyMetrics {
  std::string policy;
  int impacts_in_zones = 0;
  int warned = 0;  // under alert with >= min_warning_s
  int missed = 0;  // not under alert, or less than min_warning_s
  double mean_warning_s = 0;
  // The same from the rocket's own alerts only (the alerts its own tracks
  // raised for that zone), without the cover other rockets' alerts give.
  double mean_own_warning_s = 0, median_own_warning_s = 0, p5_own_warning_s = 0;
  double p5_warning_s = 0, median_warning_s = 0, p95_warning_s = 0, min_warning_s = 0;
  int zone_alerts = 0;        // zone alert intervals
  int false_zone_alerts = 0;  // intervals with no impact in the zone
  double false_population_s = 0;
  double total_population_s = 0;
  std::vector<ZoneAlertMetrics> zones;  // in scenario order
};

struct AssessMetrics {
  int rockets_launched = 0, rockets_landed = 0, rockets_tracked = 0;
  int predictions = 0;
  std::vector<Checkpoint> checkpoints;
  std::vector<AgeBin> by_age;
  // The engage decision against truth (rockets that landed).
  int true_threats = 0, open_ground = 0;
  int threat_declared = 0, threat_missed = 0;  // true threats declared / never
  int open_declared = 0, open_ignored = 0;     // open-ground rockets ever declared / never
  int false_tracks_declared = 0;               // tracks with no rocket behind them
  double declared_fraction = 0;                // threat_declared / true_threats
  double open_declared_fraction = 0;
  int long_flight_threats = 0, long_flight_early = 0;  // declared >= required lead
  double long_flight_early_fraction = 0;
  double mean_lead_s = 0, median_lead_s = 0, min_lead_s = 0;
  std::array<AlertPolicyMetrics, assess::kAlertPolicyCount> alerts;  // as assess::kAlertPolicies
};

class AssessScorer {
 public:
  AssessScorer(std::vector<scenario::AlertZone> zones, AssessMetricsOptions options = {});
  void on_event(const sim::Event& event);
  AssessMetrics result() const;

 private:
  struct Prediction {
    double t_s, since_confirm_s;
    core::Vec2 p_en_m;
    Eigen::Matrix2d cov;
    double t_impact_s, sigma_t_s;
  };
  struct Rocket {
    double t_launch_s = 0;
    std::optional<double> t_impact_s;
    core::Vec2 impact_en_m = core::Vec2::Zero();
    bool in_area = false;
    int zone = -1;
    std::optional<double> t_confirm_s;
    std::optional<double> t_declared_s;
    std::vector<Prediction> predictions;
  };
  AlertPolicyMetrics score_policy(int policy) const;

  std::vector<scenario::AlertZone> zones_;
  AssessMetricsOptions opt_;
  std::map<int, Rocket> rockets_;
  int predictions_ = 0;
  int false_tracks_declared_ = 0;
  std::map<int, bool> false_track_declared_;
  double last_t_s_ = 0;  // the latest event: where a hold still open ends
  std::array<std::vector<std::vector<AlertEdge>>, assess::kAlertPolicyCount>
      alerts_;  // policy -> zone -> edges
};

nlohmann::ordered_json to_json(const AssessMetrics& m);
std::string summary_text(const AssessMetrics& m);

}  // namespace canopy::eval
