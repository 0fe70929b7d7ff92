// A sink that scores the battle manager's track picture against truth while
// the world runs, and passes everything on to another sink (the files).
//
//   io::RunFiles files = ...;
//   eval::ScoringSink scoring(&files);
//   world.set_sink(&scoring);
//   world.run();
//   eval::TrackingMetrics m = scoring.result();
#pragma once

#include "canopy/eval/tracking_metrics.h"
#include "canopy/sim/events.h"

namespace canopy::eval {

class ScoringSink : public sim::EventSink {
 public:
  explicit ScoringSink(sim::EventSink* next, TrackingMetricsOptions options = {})
      : next_(next), scorer_(options) {}

  void on_event(const sim::Event& e) override {
    if (next_) next_->on_event(e);
  }
  void on_trajectory(const sim::TrajectorySample& s) override {
    if (next_) next_->on_trajectory(s);
  }
  void on_plot(const sim::PlotRecord& p) override {
    if (next_) next_->on_plot(p);
  }
  void on_picture(const sim::PictureSample& sample) override;

  TrackingMetrics result() const { return scorer_.result(); }

 private:
  sim::EventSink* next_;
  TrackingScorer scorer_;
};

}  // namespace canopy::eval
