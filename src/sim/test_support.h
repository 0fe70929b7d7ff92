// What the sim tests share: a square polygon, and a sink that records
// every event and plot of a run.
//
//   test::Recorder rec;
//   world->set_sink(&rec);
//   world->run();
//   for (const FireEvent& f : rec.all<FireEvent>()) ...
#pragma once

#include <variant>
#include <vector>

#include "canopy/core/polygon.h"
#include "canopy/sim/events.h"

namespace canopy::sim::test {

inline core::Polygon square(double e0, double n0, double size) {
  return core::Polygon({{e0, n0}, {e0 + size, n0}, {e0 + size, n0 + size}, {e0, n0 + size}});
}

struct Recorder : EventSink {
  void on_event(const Event& e) override { events.push_back(e); }
  void on_plot(const PlotRecord& p) override { plots.push_back(p.plot); }
  // The events of one type, in order.
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const Event& e : events)
      if (const T* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
  }
  // How many events of one type satisfy pred.
  template <class T, class Pred>
  int count(Pred pred) const {
    int n = 0;
    for (const Event& e : events)
      if (const T* x = std::get_if<T>(&e); x && pred(*x)) ++n;
    return n;
  }
  std::vector<Event> events;
  std::vector<sensors::Plot> plots;
};

}  // namespace canopy::sim::test
