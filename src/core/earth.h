// The normative Earth model (docs/physics.md): a sphere of radius
// kEarthRadius_m whose centre lies at (0, 0, -R) in the world East-North-Up
// frame W. Altitude is |p - c| - R; "up" at a point is the sphere's radius
// through it; "north" is the frame's +N axis projected onto the point's
// horizontal plane; azimuth is clockwise from north.
//
//   Vec3 p_WL = core::ground_point({e_m, n_m});      // launch point on the ground
//   Horizon h = core::horizon_at(p_WL);
//   Vec3 dir_W = h.direction(el_rad, az_rad);
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace canopy::core {

using Vec2 = Eigen::Vector2d;
using Vec3 = Eigen::Vector3d;

inline constexpr double kEarthRadius_m = 6371008.8;
inline constexpr double kEarthGM_m3ps2 = 3.986004418e14;

// Centre of the Earth in the world frame.
inline Vec3 earth_centre_W() { return {0.0, 0.0, -kEarthRadius_m}; }

// Altitude above the sphere of a point given in the world frame.
double altitude_m(const Vec3& p_W);

// The ground point named by a horizontal position (e, n): the same e and n,
// dropped onto the sphere. Requires e^2 + n^2 < R^2.
Vec3 ground_point(const Vec2& en_m);

// Unit "up" (radial) direction at p_W.
Vec3 up_at(const Vec3& p_W);

// Local horizon axes at a point, expressed in the world frame.
struct Horizon {
  Vec3 east, north, up;

  // Unit direction with the given elevation above the horizon and azimuth
  // clockwise from north.
  Vec3 direction(double elevation_rad, double azimuth_rad) const;
  // Elevation of a direction vector above this horizon (any length > 0).
  double elevation_rad(const Vec3& d_W) const;
  // Azimuth clockwise from north of a direction vector, in [0, 2 pi).
  double azimuth_rad(const Vec3& d_W) const;
};

// The horizon at p_W. North is the frame's +N axis projected onto the
// horizontal plane (undefined only at the poles of the frame, which lie
// ~10,000 km away).
Horizon horizon_at(const Vec3& p_W);

// Great-circle distance between the ground points of two horizontal
// positions.
double ground_distance_m(const Vec2& a_en_m, const Vec2& b_en_m);

}  // namespace canopy::core
