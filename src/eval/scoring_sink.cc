#include "canopy/eval/scoring_sink.h"

#include <vector>

namespace canopy::eval {

ScoringSink::ScoringSink(sim::EventSink* next, const scenario::Scenario& scenario,
                         TrackingMetricsOptions options)
    : next_(next),
      scorer_(options),
      assess_(scenario.alert_zones,
              [&] {
                AssessMetricsOptions o;
                o.min_warning_s = scenario.doctrine.min_warning_s;
                return o;
              }()),
      safety_(scenario.doctrine.min_warning_s),
      run_(scenario) {}

void ScoringSink::on_picture(const sim::PictureSample& sample) {
  for (const auto& [rocket, t_s] : sample.first_detections) scorer_.first_detected(rocket, t_s);
  for (const auto& c : sample.confirmations) scorer_.confirmed(c.track, c.rocket, c.t_s);
  std::vector<TruthPoint> truth;
  truth.reserve(sample.truth.size());
  for (const auto& t : sample.truth) truth.push_back({t.rocket, t.p_W, t.v_W});
  std::vector<TrackPoint> tracks;
  std::vector<double> ages;
  tracks.reserve(sample.tracks.size());
  for (const auto& t : sample.tracks) {
    tracks.push_back({t.id, t.p_W, t.v_W, t.P_pv, true, t.rocket, t.debris});
    ages.push_back(t.age_s);
  }
  scorer_.add_scan(sample.t_s, truth, tracks, ages);
  if (next_) next_->on_picture(sample);
}

}  // namespace canopy::eval
