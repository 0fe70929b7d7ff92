// core::Polygon against brute-force oracles: the plain scans and the
// all-pairs self-intersection test it had before the indexes (copied here
// verbatim), on seeded random polygons with and without injected defects.
#include "canopy/core/polygon.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <optional>
#include <thread>
#include <vector>

#include "canopy/core/random.h"

namespace canopy::core {
namespace {

// --- The implementation before the indexes, verbatim --------------------

double cross(const Vec2& a, const Vec2& b) { return a.x() * b.y() - a.y() * b.x(); }

double point_segment_distance(const Vec2& p, const Vec2& a, const Vec2& b) {
  const Vec2 ab = b - a;
  const double len2 = ab.squaredNorm();
  const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return (p - (a + t * ab)).norm();
}

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

double signed_area(const std::vector<Vec2>& v) {
  double s = 0;
  for (size_t i = 0, n = v.size(); i < n; ++i) s += cross(v[i], v[(i + 1) % n]);
  return 0.5 * s;
}

bool plain_contains(const std::vector<Vec2>& v, const Vec2& p) {
  const size_t n = v.size();
  if (n < 3) return false;
  bool inside = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const Vec2& a = v[i];
    const Vec2& b = v[j];
    if (point_segment_distance(p, a, b) == 0.0) return true;
    if ((a.y() > p.y()) != (b.y() > p.y())) {
      const double x = a.x() + (p.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
      if (p.x() < x) inside = !inside;
    }
  }
  return inside;
}

double plain_distance(const std::vector<Vec2>& v, const Vec2& p) {
  if (plain_contains(v, p)) return 0.0;
  double d = std::numeric_limits<double>::infinity();
  for (size_t i = 0, n = v.size(); i < n; ++i)
    d = std::min(d, point_segment_distance(p, v[i], v[(i + 1) % n]));
  return d;
}

std::optional<std::pair<int, int>> all_pairs_self_intersection(const std::vector<Vec2>& v) {
  const int n = static_cast<int>(v.size());
  if (n < 3) return std::nullopt;
  for (int i = 0; i < n; ++i) {
    const Vec2& a = v[i];
    const Vec2& b = v[(i + 1) % n];
    if (a == b) return std::pair{i, i};
    for (int j = i + 1; j < n; ++j) {
      const Vec2& c = v[j];
      const Vec2& d = v[(j + 1) % n];
      const bool adjacent = (j == i + 1) || (i == 0 && j == n - 1);
      if (adjacent) {
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

struct OldTriangulation {
  std::vector<std::array<int, 3>> triangles;
  std::vector<double> cumulative_area;
};

OldTriangulation old_triangulate(const std::vector<Vec2>& vertices_) {
  OldTriangulation out;
  const int n = static_cast<int>(vertices_.size());
  if (n < 3) return out;
  std::vector<int> ring(n);
  for (int i = 0; i < n; ++i) ring[i] = i;
  if (signed_area(vertices_) < 0) std::reverse(ring.begin(), ring.end());
  auto is_ear = [&](size_t k) {
    const size_t m = ring.size();
    const Vec2& a = vertices_[ring[(k + m - 1) % m]];
    const Vec2& b = vertices_[ring[k]];
    const Vec2& c = vertices_[ring[(k + 1) % m]];
    if (cross(b - a, c - b) <= 0) return false;
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
      out.triangles.push_back(t);
      out.cumulative_area.push_back(total);
      ring.erase(ring.begin() + static_cast<long>(k));
      clipped = true;
      break;
    }
    if (!clipped) ring.erase(ring.begin());
  }
  const std::array<int, 3> t{ring[0], ring[1], ring[2]};
  total +=
      0.5 * std::abs(cross(vertices_[t[1]] - vertices_[t[0]], vertices_[t[2]] - vertices_[t[0]]));
  out.triangles.push_back(t);
  out.cumulative_area.push_back(total);
  return out;
}

Vec2 old_sample(const std::vector<Vec2>& vertices_, const OldTriangulation& tri, Stream& rng) {
  if (tri.triangles.empty()) return vertices_.empty() ? Vec2::Zero() : vertices_.front();
  const double pick = rng.uniform() * tri.cumulative_area.back();
  const size_t k = static_cast<size_t>(
      std::upper_bound(tri.cumulative_area.begin(), tri.cumulative_area.end(), pick) -
      tri.cumulative_area.begin());
  const auto& t = tri.triangles[std::min(k, tri.triangles.size() - 1)];
  double u = rng.uniform(), v = rng.uniform();
  if (u + v > 1.0) {
    u = 1.0 - u;
    v = 1.0 - v;
  }
  const Vec2& a = vertices_[t[0]];
  return a + u * (vertices_[t[1]] - a) + v * (vertices_[t[2]] - a);
}

// --- Random polygons -------------------------------------------------------

// Star-shaped around `centre`: n vertices at increasing angles, radii in
// [0.3, 1] * radius; simple by construction. Either orientation.
std::vector<Vec2> star(Stream& rng, int n, double radius, const Vec2& centre = Vec2::Zero()) {
  std::vector<double> angles(n);
  for (double& a : angles) a = rng.uniform(0, 2 * std::numbers::pi);
  std::sort(angles.begin(), angles.end());
  std::vector<Vec2> v;
  for (double a : angles) {
    const double r = radius * rng.uniform(0.3, 1.0);
    v.push_back(centre + r * Vec2(std::cos(a), std::sin(a)));
  }
  if (rng.uniform() < 0.5) std::reverse(v.begin(), v.end());
  return v;
}

// A comb: n teeth as tall as the comb is wide over n, on a thin back; long
// edges everywhere, each across much of the bounding box.
std::vector<Vec2> comb(int teeth, double width, double height) {
  std::vector<Vec2> v;
  const double w = width / teeth;
  for (int k = 0; k < teeth; ++k) {
    v.emplace_back(k * w, height);
    v.emplace_back((k + 0.5) * w, height);
    v.emplace_back((k + 0.5) * w, 0.01 * height);
    v.emplace_back((k + 1) * w, 0.01 * height);
  }
  v.emplace_back(width, 0);
  v.emplace_back(0, 0);
  return v;
}

// A half disc: many short edges on the arc, one long diameter closing it.
std::vector<Vec2> half_disc(int n, double radius) {
  std::vector<Vec2> v;
  for (int k = 0; k < n; ++k) {
    const double a = std::numbers::pi * k / (n - 1);
    v.emplace_back(radius * std::cos(a), radius * std::sin(a));
  }
  return v;
}

// Seeded polygons of many kinds and sizes, valid ones.
std::vector<std::vector<Vec2>> simple_polygons(std::uint64_t seed) {
  Stream rng(seed, tag("polygons"));
  std::vector<std::vector<Vec2>> out;
  for (int n : {3, 5, 12, 33, 40, 100, 257, 1000}) out.push_back(star(rng, n, 1000));
  out.push_back(star(rng, 600, 5e3, {3e7, -4e6}));  // far from the origin
  out.push_back(star(rng, 400, 1e-3, {2, 1}));      // tiny
  out.push_back(comb(100, 1000, 5000));
  out.push_back(comb(30, 10, 1e4));
  out.push_back(half_disc(500, 2e4));
  // Axis-aligned staircase: many horizontal edges at the query heights.
  std::vector<Vec2> stairs;
  for (int k = 0; k < 60; ++k) {
    stairs.emplace_back(k, k);
    stairs.emplace_back(k + 1, k);
  }
  stairs.emplace_back(60, -1);
  stairs.emplace_back(0, -1);
  out.push_back(stairs);
  return out;
}

TEST(Polygon, GridSelfIntersectionAgreesWithAllPairs) {
  Stream rng(1, tag("self-intersection"));
  int defective = 0;
  for (int round = 0; round < 2; ++round) {
    for (const auto& base : simple_polygons(round)) {
      const int n = static_cast<int>(base.size());
      EXPECT_FALSE(Polygon(base).first_self_intersection()) << n;
      EXPECT_FALSE(all_pairs_self_intersection(base)) << n;
      for (int kind = 0; kind < 6; ++kind) {
        std::vector<Vec2> v = base;
        const int i = static_cast<int>(rng.uniform() * n), j = static_cast<int>(rng.uniform() * n);
        const Vec2 mid = 0.5 * (v[j] + v[(j + 1) % n]);
        switch (kind) {
          case 0:  // two vertices swapped: crossings
            std::swap(v[i], v[j]);
            break;
          case 1:  // a vertex on the middle of another edge: a touch
            v[i] = mid;
            break;
          case 2:  // a vertex on another vertex
            v[i] = v[j];
            break;
          case 3:  // a fold-back onto the previous edge
            v[(i + 1) % n] = v[i] + 0.5 * (v[(i + n - 1) % n] - v[i]);
            break;
          case 4:  // an edge laid along another one: a collinear overlap
            v[i] = v[j] + 0.25 * (v[(j + 1) % n] - v[j]);
            v[(i + 1) % n] = v[j] + 0.75 * (v[(j + 1) % n] - v[j]);
            break;
          case 5:  // a vertex moved far away: long edges across the polygon
            v[i] = v[j] + 3.0 * (v[j] - v[(j + n / 2) % n]);
            break;
        }
        // (The constructor drops a last vertex equal to the first.)
        const Polygon poly(v);
        const auto want = all_pairs_self_intersection(poly.vertices());
        EXPECT_EQ(poly.first_self_intersection(), want) << "n " << n << " kind " << kind;
        defective += want.has_value();
      }
    }
  }
  EXPECT_GT(defective, 100);  // the defects mostly do make the polygons invalid
}

// Query points: random over and around the bounding box, the vertices, edge
// midpoints and points at vertex heights (the crossing rule's edge cases).
std::vector<Vec2> queries(const std::vector<Vec2>& v, Stream& rng, int count) {
  Vec2 lo = v[0], hi = v[0];
  for (const Vec2& p : v) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  const Vec2 pad = 0.3 * (hi - lo) + Vec2(1e-9, 1e-9);
  std::vector<Vec2> q;
  for (int k = 0; k < count; ++k) {
    q.emplace_back(rng.uniform(lo.x() - pad.x(), hi.x() + pad.x()),
                   rng.uniform(lo.y() - pad.y(), hi.y() + pad.y()));
  }
  for (size_t k = 0; k < v.size(); k += 1 + v.size() / 50) {
    const Vec2& a = v[k];
    const Vec2& b = v[(k + 1) % v.size()];
    q.push_back(a);
    q.push_back(0.5 * (a + b));
    q.emplace_back(rng.uniform(lo.x() - pad.x(), hi.x() + pad.x()), a.y());
  }
  q.emplace_back(lo.x() - 1e3 * (hi.x() - lo.x()), 0.5 * (lo.y() + hi.y()));  // far out
  q.emplace_back(hi.x() + 1e6, hi.y() + 1e6);
  return q;
}

TEST(Polygon, IndexedContainsMatchesPlainScan) {
  Stream rng(2, tag("contains"));
  for (int round = 0; round < 3; ++round) {
    for (const auto& v : simple_polygons(10 + round)) {
      const Polygon poly(v);
      for (const Vec2& p : queries(v, rng, 400)) {
        ASSERT_EQ(poly.contains(p), plain_contains(v, p))
            << "n " << v.size() << " at " << p.transpose();
      }
    }
  }
}

TEST(Polygon, IndexedDistanceMatchesPlainScan) {
  Stream rng(3, tag("distance"));
  for (int round = 0; round < 3; ++round) {
    for (const auto& v : simple_polygons(20 + round)) {
      const Polygon poly(v);
      for (const Vec2& p : queries(v, rng, 300)) {
        // Bit for bit: the same formula on the same nearest edge.
        ASSERT_EQ(poly.distance_m(p), plain_distance(v, p))
            << "n " << v.size() << " at " << p.transpose();
      }
    }
  }
}

TEST(Polygon, TriangulationIsUnchangedByLaziness) {
  // The same draws as the eager ear clipping gave, bit for bit, on many
  // polygons, from copies made before the first draw, and from threads
  // sharing one polygon.
  Stream shapes(4, tag("triangulation"));
  std::vector<std::vector<Vec2>> polygons;
  for (int k = 0; k < 60; ++k) {
    polygons.push_back(star(shapes, 3 + static_cast<int>(shapes.uniform() * 150), 1e3));
  }
  polygons.push_back(comb(20, 100, 300));
  polygons.push_back(half_disc(100, 5e3));
  polygons.push_back({{0, 0}, {1, 0}, {2, 0}, {3, 0}, {3, 1}, {0, 1}});  // collinear run
  for (size_t k = 0; k < polygons.size(); ++k) {
    const auto& v = polygons[k];
    const OldTriangulation old = old_triangulate(v);
    const Polygon original(v);
    const Polygon copy = original;
    Stream a(5, k), b(5, k);
    for (int s = 0; s < 50; ++s) {
      const Vec2 want = old_sample(v, old, a);
      ASSERT_EQ(copy.sample_uniform(b), want) << "polygon " << k;
    }
  }
  const Polygon shared(polygons[10]);
  const OldTriangulation old = old_triangulate(polygons[10]);
  std::vector<std::vector<Vec2>> drawn(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Stream rng(6, t);
      for (int s = 0; s < 200; ++s) drawn[t].push_back(shared.sample_uniform(rng));
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 4; ++t) {
    Stream rng(6, t);
    for (int s = 0; s < 200; ++s) ASSERT_EQ(drawn[t][s], old_sample(polygons[10], old, rng));
  }
}

}  // namespace
}  // namespace canopy::core
