#include "canopy/sensors/sensor.h"

#include "canopy/sensors/radar.h"

namespace canopy::sensors {

bool Sensor::in_outage(double t_s) const {
  for (const auto& [start, end] : spec_.outages)
    if (t_s >= start && t_s < end) return true;
  return false;
}

std::unique_ptr<Sensor> make_sensor(const scenario::Sensor& spec, int index) {
  return std::make_unique<Radar>(spec, index);
}

}  // namespace canopy::sensors
