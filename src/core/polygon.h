// Simple polygons in the horizontal (east, north) plane, in metres: defended
// areas, alert zones. A Polygon is a value: a closed ring of vertices (the
// closing vertex is not repeated), either orientation.
//
//   core::Polygon town({{0, 0}, {2000, 0}, {2000, 1500}, {0, 1500}});
//   town.contains({500, 500});          // true
//   town.area_m2();                     // 3e6
//   Vec2 p = town.sample_uniform(rng);  // uniform over the interior
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "canopy/core/earth.h"
#include "canopy/core/random.h"

namespace canopy::core {

class Polygon {
 public:
  Polygon() = default;
  explicit Polygon(std::vector<Vec2> vertices_en_m);

  const std::vector<Vec2>& vertices() const { return vertices_; }

  // Unsigned area.
  double area_m2() const;
  // True if the point is inside or on the boundary.
  bool contains(const Vec2& p_en_m) const;
  // Distance from a point to the polygon (0 inside).
  double distance_m(const Vec2& p_en_m) const;
  // Largest distance from a point to any point of the polygon.
  double max_distance_m(const Vec2& p_en_m) const;
  // Axis-aligned bounds: min corner, max corner.
  Vec2 min_corner() const;
  Vec2 max_corner() const;

  // Index pair (i, j), i <= j, of two edges that cross or touch, if any;
  // edge i runs from vertex i to vertex i + 1. Edges that share a vertex in
  // the ring are only reported when they overlap, a zero-length edge as
  // (i, i). Of several such pairs, the lexicographically smallest. Edges
  // whose bounding boxes are apart (beyond a rounding margin) never meet.
  // A polygon with fewer than 3 vertices or zero area is reported as
  // degenerate elsewhere.
  std::optional<std::pair<int, int>> first_self_intersection() const;

  // A point drawn uniformly over the interior: a triangle of the ear-clipping
  // triangulation chosen by area, then a uniform point in it. The
  // triangulation is computed on the first call (thread-safe).
  Vec2 sample_uniform(Stream& rng) const;

 private:
  struct Index;
  struct Triangulation;

  std::vector<Vec2> vertices_;
  Vec2 min_corner_ = Vec2::Zero(), max_corner_ = Vec2::Zero();
  // Edge buckets for contains and distance_m on large polygons (null on
  // small ones, which scan every edge). Shared by copies: a Polygon never
  // changes after construction.
  std::shared_ptr<const Index> index_;
  // Built by sample_uniform on first use, shared by copies.
  std::shared_ptr<Triangulation> triangulation_;
};

}  // namespace canopy::core
