#include "canopy/core/geodetic.h"

namespace canopy::core {

Vec3 GeoFrame::enu_from_latlon(double lat_deg, double lon_deg, double alt_m) const {
  Vec3 p;
  lc_.Forward(lat_deg, lon_deg, alt_m, p.x(), p.y(), p.z());
  return p;
}

Vec2 GeoFrame::en_from_latlon(double lat_deg, double lon_deg, double alt_m) const {
  return enu_from_latlon(lat_deg, lon_deg, alt_m).head<2>();
}

LatLon GeoFrame::latlon_from_enu(const Vec3& p_W) const {
  LatLon out;
  lc_.Reverse(p_W.x(), p_W.y(), p_W.z(), out.lat_deg, out.lon_deg, out.alt_m);
  return out;
}

}  // namespace canopy::core
