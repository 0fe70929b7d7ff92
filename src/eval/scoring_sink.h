// A sink that scores the battle manager's track picture and its assessment
// against truth while the world runs, and passes everything on to another
// sink (the files).
//
//   io::RunFiles files = ...;
//   eval::ScoringSink scoring(&files, scenario);
//   world.set_sink(&scoring);
//   world.run();
//   eval::TrackingMetrics m = scoring.result();
//   eval::AssessMetrics a = scoring.assessment();
//   eval::SafetyMetrics s = scoring.safety();
//   eval::RunSummary r = scoring.summary(world.stats());
#pragma once

#include "canopy/eval/assess_metrics.h"
#include "canopy/eval/run_scorer.h"
#include "canopy/eval/safety_metrics.h"
#include "canopy/eval/tracking_metrics.h"
#include "canopy/sim/events.h"

namespace canopy::eval {

class ScoringSink : public sim::EventSink {
 public:
  ScoringSink(sim::EventSink* next, const scenario::Scenario& scenario,
              TrackingMetricsOptions options = {});

  void on_event(const sim::Event& e) override {
    assess_.on_event(e);
    safety_.on_event(e);
    run_.on_event(e);
    if (next_) next_->on_event(e);
  }
  void on_trajectory(const sim::TrajectorySample& s) override {
    if (next_) next_->on_trajectory(s);
  }
  void on_plot(const sim::PlotRecord& p) override {
    if (next_) next_->on_plot(p);
  }
  void on_picture(const sim::PictureSample& sample) override;
  void on_interceptor(const sim::InterceptorSample& s) override {
    if (next_) next_->on_interceptor(s);
  }

  TrackingMetrics result() const { return scorer_.result(); }
  AssessMetrics assessment() const { return assess_.result(); }
  SafetyMetrics safety() const { return safety_.result(); }
  RunSummary summary(const sim::WorldStats& stats) const { return run_.result(stats); }

 private:
  sim::EventSink* next_;
  TrackingScorer scorer_;
  AssessScorer assess_;
  SafetyScorer safety_;
  RunScorer run_;
};

}  // namespace canopy::eval
