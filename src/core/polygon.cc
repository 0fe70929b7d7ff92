#include "canopy/core/polygon.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace canopy::core {
namespace {

double cross(const Vec2& a, const Vec2& b) { return a.x() * b.y() - a.y() * b.x(); }

double signed_area(const std::vector<Vec2>& v) {
  double s = 0;
  for (size_t i = 0, n = v.size(); i < n; ++i) s += cross(v[i], v[(i + 1) % n]);
  return 0.5 * s;
}

double point_segment_distance(const Vec2& p, const Vec2& a, const Vec2& b) {
  const Vec2 ab = b - a;
  const double len2 = ab.squaredNorm();
  const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return (p - (a + t * ab)).norm();
}

// Orientation of c relative to the directed line a->b: +1 left, -1 right, 0 on.
int orient(const Vec2& a, const Vec2& b, const Vec2& c) {
  const double v = cross(b - a, c - a);
  const double scale = (b - a).norm() * (c - a).norm();
  if (std::abs(v) <= 1e-12 * scale) return 0;
  return v > 0 ? 1 : -1;
}

bool on_segment(const Vec2& a, const Vec2& b, const Vec2& p) {
  return std::min(a.x(), b.x()) <= p.x() && p.x() <= std::max(a.x(), b.x()) &&
         std::min(a.y(), b.y()) <= p.y() && p.y() <= std::max(a.y(), b.y());
}

bool segments_intersect(const Vec2& a, const Vec2& b, const Vec2& c, const Vec2& d) {
  const int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 != o2 && o3 != o4) return true;
  if (o1 == 0 && on_segment(a, b, c)) return true;
  if (o2 == 0 && on_segment(a, b, d)) return true;
  if (o3 == 0 && on_segment(c, d, a)) return true;
  if (o4 == 0 && on_segment(c, d, b)) return true;
  return false;
}

bool point_in_triangle(const Vec2& p, const Vec2& a, const Vec2& b, const Vec2& c) {
  return cross(b - a, p - a) >= 0 && cross(c - b, p - b) >= 0 && cross(a - c, p - c) >= 0;
}

}  // namespace

Polygon::Polygon(std::vector<Vec2> vertices_en_m) : vertices_(std::move(vertices_en_m)) {
  // Drop a repeated closing vertex (GeoJSON rings repeat the first one).
  if (vertices_.size() > 1 && vertices_.front() == vertices_.back()) vertices_.pop_back();
  triangulate();
}

double Polygon::area_m2() const { return std::abs(signed_area(vertices_)); }

bool Polygon::contains(const Vec2& p) const {
  const size_t n = vertices_.size();
  if (n < 3) return false;
  bool inside = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const Vec2& a = vertices_[i];
    const Vec2& b = vertices_[j];
    if (point_segment_distance(p, a, b) == 0.0) return true;
    if ((a.y() > p.y()) != (b.y() > p.y())) {
      const double x = a.x() + (p.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
      if (p.x() < x) inside = !inside;
    }
  }
  return inside;
}

double Polygon::distance_m(const Vec2& p) const {
  if (contains(p)) return 0.0;
  double d = std::numeric_limits<double>::infinity();
  for (size_t i = 0, n = vertices_.size(); i < n; ++i)
    d = std::min(d, point_segment_distance(p, vertices_[i], vertices_[(i + 1) % n]));
  return d;
}

double Polygon::max_distance_m(const Vec2& p) const {
  // The farthest point of a polygon from any point is one of its vertices.
  double d = 0;
  for (const Vec2& v : vertices_) d = std::max(d, (v - p).norm());
  return d;
}

Vec2 Polygon::min_corner() const {
  Vec2 m = vertices_.empty() ? Vec2::Zero() : vertices_.front();
  for (const Vec2& v : vertices_) m = m.cwiseMin(v);
  return m;
}

Vec2 Polygon::max_corner() const {
  Vec2 m = vertices_.empty() ? Vec2::Zero() : vertices_.front();
  for (const Vec2& v : vertices_) m = m.cwiseMax(v);
  return m;
}

std::optional<std::pair<int, int>> Polygon::first_self_intersection() const {
  const int n = static_cast<int>(vertices_.size());
  if (n < 3) return std::nullopt;
  for (int i = 0; i < n; ++i) {
    const Vec2& a = vertices_[i];
    const Vec2& b = vertices_[(i + 1) % n];
    if (a == b) return std::pair{i, i};  // zero-length edge (repeated vertex)
    for (int j = i + 1; j < n; ++j) {
      const Vec2& c = vertices_[j];
      const Vec2& d = vertices_[(j + 1) % n];
      const bool adjacent = (j == i + 1) || (i == 0 && j == n - 1);
      if (adjacent) {
        // Neighbours share one vertex; they only conflict if they fold back
        // onto each other (collinear and overlapping).
        const Vec2& shared = (j == i + 1) ? b : a;
        const Vec2& p = (j == i + 1) ? a : b;
        const Vec2& q = (j == i + 1) ? d : c;
        if (orient(p, shared, q) == 0 && (p - shared).dot(q - shared) > 0) return std::pair{i, j};
        continue;
      }
      if (segments_intersect(a, b, c, d)) return std::pair{i, j};
    }
  }
  return std::nullopt;
}

void Polygon::triangulate() {
  triangles_.clear();
  cumulative_area_.clear();
  const int n = static_cast<int>(vertices_.size());
  if (n < 3) return;
  // Work on a counter-clockwise index ring.
  std::vector<int> ring(n);
  for (int i = 0; i < n; ++i) ring[i] = i;
  if (signed_area(vertices_) < 0) std::reverse(ring.begin(), ring.end());

  auto is_ear = [&](size_t k) {
    const size_t m = ring.size();
    const Vec2& a = vertices_[ring[(k + m - 1) % m]];
    const Vec2& b = vertices_[ring[k]];
    const Vec2& c = vertices_[ring[(k + 1) % m]];
    if (cross(b - a, c - b) <= 0) return false;  // reflex or flat corner
    for (size_t j = 0; j < m; ++j) {
      if (j == k || j == (k + 1) % m || j == (k + m - 1) % m) continue;
      const Vec2& p = vertices_[ring[j]];
      if (p != a && p != b && p != c && point_in_triangle(p, a, b, c)) return false;
    }
    return true;
  };

  double total = 0;
  while (ring.size() > 3) {
    bool clipped = false;
    for (size_t k = 0; k < ring.size(); ++k) {
      if (!is_ear(k)) continue;
      const size_t m = ring.size();
      const std::array<int, 3> t{ring[(k + m - 1) % m], ring[k], ring[(k + 1) % m]};
      total += 0.5 * cross(vertices_[t[1]] - vertices_[t[0]], vertices_[t[2]] - vertices_[t[0]]);
      triangles_.push_back(t);
      cumulative_area_.push_back(total);
      ring.erase(ring.begin() + static_cast<long>(k));
      clipped = true;
      break;
    }
    // No ear left: the ring is degenerate (collinear run); drop a flat vertex.
    if (!clipped) ring.erase(ring.begin());
  }
  const std::array<int, 3> t{ring[0], ring[1], ring[2]};
  total +=
      0.5 * std::abs(cross(vertices_[t[1]] - vertices_[t[0]], vertices_[t[2]] - vertices_[t[0]]));
  triangles_.push_back(t);
  cumulative_area_.push_back(total);
}

Vec2 Polygon::sample_uniform(Stream& rng) const {
  if (triangles_.empty()) return vertices_.empty() ? Vec2::Zero() : vertices_.front();
  // Choose a triangle with probability proportional to its area.
  const double pick = rng.uniform() * cumulative_area_.back();
  const size_t k =
      static_cast<size_t>(std::upper_bound(cumulative_area_.begin(), cumulative_area_.end(), pick) -
                          cumulative_area_.begin());
  const auto& t = triangles_[std::min(k, triangles_.size() - 1)];
  // Uniform point in the triangle by folding the unit square.
  double u = rng.uniform(), v = rng.uniform();
  if (u + v > 1.0) {
    u = 1.0 - u;
    v = 1.0 - v;
  }
  const Vec2& a = vertices_[t[0]];
  return a + u * (vertices_[t[1]] - a) + v * (vertices_[t[2]] - a);
}

}  // namespace canopy::core
