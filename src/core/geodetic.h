// Conversions between the world ENU frame and WGS84 latitude/longitude,
// through GeographicLib's LocalCartesian at the scenario origin. They serve
// input and display only; ENU is authoritative (docs/physics.md).
//
//   core::GeoFrame frame(30.0, -40.0, 0.0);
//   Vec2 en_m = frame.en_from_latlon(30.1, -40.05);
//   LatLon ll = frame.latlon_from_enu(p_W);
#pragma once

#include <GeographicLib/LocalCartesian.hpp>

#include "canopy/core/earth.h"

namespace canopy::core {

struct LatLon {
  double lat_deg = 0;
  double lon_deg = 0;
  double alt_m = 0;
};

class GeoFrame {
 public:
  GeoFrame() : GeoFrame(0.0, 0.0, 0.0) {}
  GeoFrame(double lat_deg, double lon_deg, double alt_m) : lc_(lat_deg, lon_deg, alt_m) {}

  // East/north of a WGS84 position, in the local tangent frame.
  Vec2 en_from_latlon(double lat_deg, double lon_deg, double alt_m = 0.0) const;
  // Full local-Cartesian ENU of a WGS84 position.
  Vec3 enu_from_latlon(double lat_deg, double lon_deg, double alt_m = 0.0) const;
  // WGS84 position of a world-frame point.
  LatLon latlon_from_enu(const Vec3& p_W) const;

  LatLon origin() const {
    return {lc_.LatitudeOrigin(), lc_.LongitudeOrigin(), lc_.HeightOrigin()};
  }

 private:
  GeographicLib::LocalCartesian lc_;
};

}  // namespace canopy::core
