// The battle manager: the defense's own picture of the sky, built from radar
// plots only. This part of it is the tracker; impact prediction,
// threat evaluation and engagement join it in later issues.
//
// It is given only what a real battle manager knows (Knowledge): its
// sensors, the defended areas and alert zones, the threat library (rocket
// types as threat classes) and a wind forecast. It never sees truth: the
// library layout keeps sim (and its truth) out of reach.
//
//   bmc::BattleManager bm(knowledge);
//   bm.receive(scan);                          // plots, after their latency
//   bm.step(now_s);
//   for (const auto& e : bm.take_track_events()) ...
#pragma once

#include <vector>

#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/plot.h"
#include "canopy/tracking/tracker.h"

namespace canopy::bmc {

struct Knowledge {
  std::vector<scenario::Sensor> sensors;
  std::vector<scenario::DefendedArea> defended_areas;
  std::vector<scenario::AlertZone> alert_zones;
  std::vector<scenario::RocketType> threat_library;
  scenario::TrackerConfig tracker;
  physics::Environment forecast;  // the Earth model, air, and the wind forecast
};

// The measurement a radar plot gives the tracker: (range, azimuth,
// elevation[, range rate]).
tracking::Measurement measurement_from_plot(const sensors::Plot& plot);

class BattleManager {
 public:
  explicit BattleManager(Knowledge knowledge);

  // A scan reaches the battle manager (any order of arrival).
  void receive(const sensors::Scan& scan);
  // Brings the picture up to now_s.
  void step(double now_s);
  // Ends every track (end of run).
  void finish(double now_s) { tracker_.finish(now_s); }

  std::vector<tracking::TrackEvent> take_track_events() { return tracker_.take_events(); }
  std::vector<tracking::Association> take_associations() { return tracker_.take_associations(); }
  std::vector<tracking::TrackSnapshot> picture(double t_s) const { return tracker_.picture(t_s); }
  const tracking::Tracker& tracker() const { return tracker_; }
  const Knowledge& knowledge() const { return knowledge_; }

 private:
  Knowledge knowledge_;
  tracking::Tracker tracker_;
};

}  // namespace canopy::bmc
