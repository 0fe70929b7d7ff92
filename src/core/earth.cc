#include "canopy/core/earth.h"

#include <cmath>
#include <numbers>

namespace canopy::core {

double altitude_m(const Vec3& p_W) { return (p_W - earth_centre_W()).norm() - kEarthRadius_m; }

Vec3 ground_point(const Vec2& en_m) {
  const double R = kEarthRadius_m;
  return {en_m.x(), en_m.y(), std::sqrt(R * R - en_m.squaredNorm()) - R};
}

Vec3 up_at(const Vec3& p_W) { return (p_W - earth_centre_W()).normalized(); }

Horizon horizon_at(const Vec3& p_W) {
  Horizon h;
  h.up = up_at(p_W);
  const Vec3 n_W = Vec3::UnitY();
  h.north = (n_W - n_W.dot(h.up) * h.up).normalized();
  h.east = h.north.cross(h.up);
  return h;
}

Vec3 Horizon::direction(double elevation_rad, double azimuth_rad) const {
  const double ce = std::cos(elevation_rad);
  return ce * std::sin(azimuth_rad) * east + ce * std::cos(azimuth_rad) * north +
         std::sin(elevation_rad) * up;
}

double Horizon::elevation_rad(const Vec3& d_W) const {
  const double horizontal = std::hypot(d_W.dot(east), d_W.dot(north));
  return std::atan2(d_W.dot(up), horizontal);
}

double Horizon::azimuth_rad(const Vec3& d_W) const {
  double az = std::atan2(d_W.dot(east), d_W.dot(north));
  if (az < 0) az += 2.0 * std::numbers::pi;
  return az;
}

double ground_distance_m(const Vec2& a_en_m, const Vec2& b_en_m) {
  const Vec3 ua = up_at(ground_point(a_en_m));
  const Vec3 ub = up_at(ground_point(b_en_m));
  // atan2 of |a x b| and a.b stays accurate for short arcs.
  return kEarthRadius_m * std::atan2(ua.cross(ub).norm(), ua.dot(ub));
}

}  // namespace canopy::core
