#include "canopy/core/polygon.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>

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

// Whether segments a-b and c-d cross or touch. The orientation tolerance
// alone would also accept some nearly collinear segments that are far
// apart (a point within 1e-12 of the other segment's line, beyond its
// end); such a pair only counts when the segments come within `margin` of
// each other, so a bucketing grid widened by a few margins finds every pair.
bool segments_meet(const Vec2& a, const Vec2& b, const Vec2& c, const Vec2& d, double margin) {
  const int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 != o2 && o3 != o4) {
    if (o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0) return true;  // a proper crossing
  } else if (!(o1 == 0 && on_segment(a, b, c)) && !(o2 == 0 && on_segment(a, b, d)) &&
             !(o3 == 0 && on_segment(c, d, a)) && !(o4 == 0 && on_segment(c, d, b))) {
    return false;
  }
  return std::min({point_segment_distance(c, a, b), point_segment_distance(d, a, b),
                   point_segment_distance(a, c, d), point_segment_distance(b, c, d)}) <= margin;
}

// Whether edges i < j of the ring v meet (first_self_intersection's rule).
bool edges_meet(const std::vector<Vec2>& v, int i, int j, double margin) {
  const int n = static_cast<int>(v.size());
  const Vec2& a = v[i];
  const Vec2& b = v[(i + 1) % n];
  const Vec2& c = v[j];
  const Vec2& d = v[(j + 1) % n];
  if (j == i + 1 || (i == 0 && j == n - 1)) {
    // Neighbours share one vertex; they only conflict if they fold back
    // onto each other (collinear and overlapping).
    const Vec2& shared = (j == i + 1) ? b : a;
    const Vec2& p = (j == i + 1) ? a : b;
    const Vec2& q = (j == i + 1) ? d : c;
    return orient(p, shared, q) == 0 && (p - shared).dot(q - shared) > 0;
  }
  if (std::min(a.x(), b.x()) - margin > std::max(c.x(), d.x()) ||
      std::min(c.x(), d.x()) - margin > std::max(a.x(), b.x()) ||
      std::min(a.y(), b.y()) - margin > std::max(c.y(), d.y()) ||
      std::min(c.y(), d.y()) - margin > std::max(a.y(), b.y())) {
    return false;
  }
  return segments_meet(a, b, c, d, margin);
}

bool point_in_triangle(const Vec2& p, const Vec2& a, const Vec2& b, const Vec2& c) {
  return cross(b - a, p - a) >= 0 && cross(c - b, p - b) >= 0 && cross(a - c, p - c) >= 0;
}

// Polygons with at least this many vertices get an index for contains and
// distance_m and a grid for first_self_intersection; smaller ones scan all
// edges, which is as fast for them.
constexpr size_t kIndexMinVertices = 33;

// Distances below this are rounding: a point computed on an edge (a
// projection, a crossing) strays from the exact edge by a few ulps of the
// coordinates, far less than 1e-9 of their scale.
double rounding_margin(const Vec2& lo, const Vec2& hi) {
  return 1e-9 * std::max({std::abs(lo.x()), std::abs(lo.y()), std::abs(hi.x()), std::abs(hi.y()),
                          hi.x() - lo.x(), hi.y() - lo.y()});
}

// floor(t) clamped to [0, count - 1] (NaN to 0).
int cell_index(double t, int count) {
  if (!(t > 0)) return 0;
  if (t >= count - 1) return count - 1;
  return static_cast<int>(t);
}

// A uniform grid over a bounding box with the edges of a ring (edge i from
// vertex i to i + 1) bucketed into every cell they pass through, widened
// by `widen`, stored as compressed rows.
struct EdgeGrid {
  Vec2 lo;
  double cw = 1, ch = 1;
  int cols = 1, rows = 1;
  double widen = 0;
  std::vector<std::uint32_t> start;  // cell c holds edges[start[c] .. start[c + 1])
  std::vector<std::uint32_t> edges;

  // About `target_cells` cells; nullopt if the buckets would hold more than
  // `max_entries` edges in all (many long edges crossing many cells).
  static std::optional<EdgeGrid> build(const std::vector<Vec2>& v, const Vec2& lo, const Vec2& hi,
                                       double widen, size_t target_cells, size_t max_entries);

  // Calls f(cell) for every cell the segment a-b passes through (widened).
  template <class F>
  void for_each_cell(const Vec2& a, const Vec2& b, F&& f) const {
    // Walk the cells along the segment's longer axis u; across it (axis w)
    // the slope is at most 1, so w is computed to within a few ulps.
    const bool along_x = std::abs(b.x() - a.x()) >= std::abs(b.y() - a.y());
    const int u = along_x ? 0 : 1, w = 1 - u;
    const double size_u = along_x ? cw : ch, size_w = along_x ? ch : cw;
    const int count_u = along_x ? cols : rows, count_w = along_x ? rows : cols;
    const double umin = std::min(a[u], b[u]), umax = std::max(a[u], b[u]);
    const double slope = a[u] == b[u] ? 0.0 : (b[w] - a[w]) / (b[u] - a[u]);
    const int k0 = cell_index((umin - widen - lo[u]) / size_u, count_u);
    const int k1 = cell_index((umax + widen - lo[u]) / size_u, count_u);
    for (int k = k0; k <= k1; ++k) {
      const double s0 = k == 0 ? umin : std::clamp(lo[u] + k * size_u, umin, umax);
      const double s1 = k == count_u - 1 ? umax : std::clamp(lo[u] + (k + 1) * size_u, umin, umax);
      const double w0 = a[w] + (s0 - a[u]) * slope, w1 = a[w] + (s1 - a[u]) * slope;
      const int m0 = cell_index((std::min(w0, w1) - widen - lo[w]) / size_w, count_w);
      const int m1 = cell_index((std::max(w0, w1) + widen - lo[w]) / size_w, count_w);
      for (int m = m0; m <= m1; ++m) f(along_x ? m * cols + k : k * cols + m);
    }
  }
};

std::optional<EdgeGrid> EdgeGrid::build(const std::vector<Vec2>& v, const Vec2& lo, const Vec2& hi,
                                        double widen, size_t target_cells, size_t max_entries) {
  const size_t n = v.size();
  EdgeGrid g;
  g.lo = lo;
  g.widen = widen;
  // Cells about as long as a typical edge along each axis, so that most
  // edges touch few cells (a comb of tall teeth gets tall narrow cells),
  // then scaled up alike to about target_cells.
  double sum_x = 0, sum_y = 0;
  for (size_t i = 0; i < n; ++i) {
    sum_x += std::abs(v[(i + 1) % n].x() - v[i].x());
    sum_y += std::abs(v[(i + 1) % n].y() - v[i].y());
  }
  const double target = static_cast<double>(target_cells);
  const double width = hi.x() - lo.x(), height = hi.y() - lo.y();
  const double fc = width > 0 ? width / std::max(sum_x / n, width / target) : 1.0;
  const double fr = height > 0 ? height / std::max(sum_y / n, height / target) : 1.0;
  const double shrink = std::sqrt(std::max(1.0, fc * fr / target));
  g.cols = static_cast<int>(std::clamp(std::ceil(fc / shrink), 1.0, target));
  g.rows = static_cast<int>(std::clamp(std::ceil(fr / shrink), 1.0, target));
  g.cw = width > 0 ? width / g.cols : 1.0;
  g.ch = height > 0 ? height / g.rows : 1.0;

  const size_t cells = static_cast<size_t>(g.cols) * g.rows;
  g.start.assign(cells + 1, 0);
  size_t total = 0;
  for (size_t i = 0; i < n && total <= max_entries; ++i) {
    g.for_each_cell(v[i], v[(i + 1) % n], [&](int c) {
      ++g.start[c + 1];
      ++total;
    });
  }
  if (total > max_entries) return std::nullopt;
  for (size_t c = 0; c < cells; ++c) g.start[c + 1] += g.start[c];
  g.edges.resize(total);
  std::vector<std::uint32_t> fill(g.start.begin(), g.start.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    g.for_each_cell(v[i], v[(i + 1) % n],
                    [&](int c) { g.edges[fill[c]++] = static_cast<std::uint32_t>(i); });
  }
  return g;
}

// Ear clipping: repeatedly cut off the first ear of a counter-clockwise
// ring. sample_uniform draws from these triangles in this order, so run
// outputs depend on every detail here.
void ear_clip(const std::vector<Vec2>& vertices, std::vector<std::array<int, 3>>& triangles,
              std::vector<double>& cumulative_area) {
  const int n = static_cast<int>(vertices.size());
  if (n < 3) return;
  // Work on a counter-clockwise index ring.
  std::vector<int> ring(n);
  for (int i = 0; i < n; ++i) ring[i] = i;
  if (signed_area(vertices) < 0) std::reverse(ring.begin(), ring.end());

  auto is_ear = [&](size_t k) {
    const size_t m = ring.size();
    const Vec2& a = vertices[ring[(k + m - 1) % m]];
    const Vec2& b = vertices[ring[k]];
    const Vec2& c = vertices[ring[(k + 1) % m]];
    if (cross(b - a, c - b) <= 0) return false;  // reflex or flat corner
    for (size_t j = 0; j < m; ++j) {
      if (j == k || j == (k + 1) % m || j == (k + m - 1) % m) continue;
      const Vec2& p = vertices[ring[j]];
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
      total += 0.5 * cross(vertices[t[1]] - vertices[t[0]], vertices[t[2]] - vertices[t[0]]);
      triangles.push_back(t);
      cumulative_area.push_back(total);
      ring.erase(ring.begin() + static_cast<long>(k));
      clipped = true;
      break;
    }
    // No ear left: the ring is degenerate (collinear run); drop a flat vertex.
    if (!clipped) ring.erase(ring.begin());
  }
  const std::array<int, 3> t{ring[0], ring[1], ring[2]};
  total += 0.5 * std::abs(cross(vertices[t[1]] - vertices[t[0]], vertices[t[2]] - vertices[t[0]]));
  triangles.push_back(t);
  cumulative_area.push_back(total);
}

}  // namespace

// Edge buckets of a large polygon. contains: horizontal slabs, each listing
// the edges whose y-range (widened) meets it, so the crossing count only
// visits the edges of the point's slab. distance_m: an EdgeGrid searched in
// growing rings of cells around the point. Both visit a superset of the
// edges that can matter and evaluate them with the same formulas as the
// plain scans, so the answers are identical.
struct Polygon::Index {
  double widen = 0;
  double slab_lo_y = 0, slab_h = 1;
  int slab_count = 1;
  std::vector<std::uint32_t> slab_start, slab_edges;  // edge i: vertex i to i - 1
  std::optional<EdgeGrid> grid;

  int slab(double y) const { return cell_index((y - slab_lo_y) / slab_h, slab_count); }
};

Polygon::Polygon(std::vector<Vec2> vertices_en_m)
    : vertices_(std::move(vertices_en_m)), triangulation_(std::make_shared<Triangulation>()) {
  // Drop a repeated closing vertex (GeoJSON rings repeat the first one).
  if (vertices_.size() > 1 && vertices_.front() == vertices_.back()) vertices_.pop_back();
  if (!vertices_.empty()) {
    min_corner_ = max_corner_ = vertices_.front();
    for (const Vec2& v : vertices_) {
      min_corner_ = min_corner_.cwiseMin(v);
      max_corner_ = max_corner_.cwiseMax(v);
    }
  }
  const size_t n = vertices_.size();
  if (n < kIndexMinVertices) return;

  auto index = std::make_shared<Index>();
  index->widen = 4 * rounding_margin(min_corner_, max_corner_);
  // Slabs: about one per 4 edges, fewer if long edges would be listed in
  // too many of them (memory stays within 8 entries per edge).
  index->slab_lo_y = min_corner_.y();
  const double height = max_corner_.y() - min_corner_.y();
  for (int count = std::max<int>(1, static_cast<int>(n / 4));; count = std::max(1, count / 4)) {
    index->slab_count = count;
    index->slab_h = height > 0 ? height / count : 1.0;
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) {
      const Vec2& a = vertices_[i];
      const Vec2& b = vertices_[i == 0 ? n - 1 : i - 1];
      total += index->slab(std::max(a.y(), b.y()) + index->widen) -
               index->slab(std::min(a.y(), b.y()) - index->widen) + 1;
    }
    if (total <= 8 * n || count == 1) break;
  }
  index->slab_start.assign(index->slab_count + 1, 0);
  auto slab_range = [&](size_t i) {
    const Vec2& a = vertices_[i];
    const Vec2& b = vertices_[i == 0 ? n - 1 : i - 1];
    return std::pair{index->slab(std::min(a.y(), b.y()) - index->widen),
                     index->slab(std::max(a.y(), b.y()) + index->widen)};
  };
  for (size_t i = 0; i < n; ++i) {
    const auto [s0, s1] = slab_range(i);
    for (int s = s0; s <= s1; ++s) ++index->slab_start[s + 1];
  }
  for (int s = 0; s < index->slab_count; ++s) index->slab_start[s + 1] += index->slab_start[s];
  index->slab_edges.resize(index->slab_start.back());
  std::vector<std::uint32_t> fill(index->slab_start.begin(), index->slab_start.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    const auto [s0, s1] = slab_range(i);
    for (int s = s0; s <= s1; ++s) index->slab_edges[fill[s]++] = static_cast<std::uint32_t>(i);
  }
  // Without a grid (edges too long for it) distance_m scans every edge.
  index->grid = EdgeGrid::build(vertices_, min_corner_, max_corner_, index->widen, n / 2, 8 * n);
  index_ = std::move(index);
}

double Polygon::area_m2() const { return std::abs(signed_area(vertices_)); }

bool Polygon::contains(const Vec2& p) const {
  const size_t n = vertices_.size();
  if (n < 3) return false;
  // Edge i joins vertex i and vertex i - 1; points on it count as inside.
  bool inside = false;
  auto visit = [&](size_t i) {
    const Vec2& a = vertices_[i];
    const Vec2& b = vertices_[i == 0 ? n - 1 : i - 1];
    if (point_segment_distance(p, a, b) == 0.0) return true;
    if ((a.y() > p.y()) != (b.y() > p.y())) {
      const double x = a.x() + (p.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
      if (p.x() < x) inside = !inside;
    }
    return false;
  };
  if (index_) {
    // Only edges whose y-range holds p.y can cross the ray or hold p.
    const int s = index_->slab(p.y());
    for (auto k = index_->slab_start[s]; k < index_->slab_start[s + 1]; ++k) {
      if (visit(index_->slab_edges[k])) return true;
    }
    return inside;
  }
  for (size_t i = 0; i < n; ++i) {
    if (visit(i)) return true;
  }
  return inside;
}

double Polygon::distance_m(const Vec2& p) const {
  if (contains(p)) return 0.0;
  const size_t n = vertices_.size();
  double d = std::numeric_limits<double>::infinity();
  auto edge = [&](size_t i) {
    d = std::min(d, point_segment_distance(p, vertices_[i], vertices_[(i + 1) % n]));
  };
  if (!index_ || !index_->grid) {
    for (size_t i = 0; i < n; ++i) edge(i);
    return d;
  }
  // Rings of cells around p's cell (p may lie outside the grid: its cell
  // index is clamped to one cell beyond it) until every edge not yet seen
  // lies farther than the nearest one found.
  const EdgeGrid& g = *index_->grid;
  const int pc = static_cast<int>(
      std::clamp(std::floor((p.x() - g.lo.x()) / g.cw), -1.0, static_cast<double>(g.cols)));
  const int pr = static_cast<int>(
      std::clamp(std::floor((p.y() - g.lo.y()) / g.ch), -1.0, static_cast<double>(g.rows)));
  auto cell = [&](int c, int r) {
    if (c < 0 || c >= g.cols || r < 0 || r >= g.rows) return;
    const int id = r * g.cols + c;
    for (auto k = g.start[id]; k < g.start[id + 1]; ++k) edge(g.edges[k]);
  };
  for (int r = 0;; ++r) {
    for (int c = pc - r; c <= pc + r; ++c) {
      cell(c, pr - r);
      if (r > 0) cell(c, pr + r);
    }
    for (int rr = pr - r + 1; rr <= pr + r - 1; ++rr) {
      cell(pc - r, rr);
      cell(pc + r, rr);
    }
    // Any edge not seen lies wholly in cells beyond the block of rings
    // 0..r on some side where the grid goes on: at least that far from p.
    double bound = std::numeric_limits<double>::infinity();
    if (pc - r > 0) bound = std::min(bound, p.x() - (g.lo.x() + (pc - r) * g.cw));
    if (pc + r < g.cols - 1) bound = std::min(bound, g.lo.x() + (pc + r + 1) * g.cw - p.x());
    if (pr - r > 0) bound = std::min(bound, p.y() - (g.lo.y() + (pr - r) * g.ch));
    if (pr + r < g.rows - 1) bound = std::min(bound, g.lo.y() + (pr + r + 1) * g.ch - p.y());
    if (std::isinf(bound)) return d;  // the whole grid is seen
    if (d <= bound - g.widen - 1e-12 * std::abs(bound)) return d;
  }
}

double Polygon::max_distance_m(const Vec2& p) const {
  // The farthest point of a polygon from any point is one of its vertices.
  double d = 0;
  for (const Vec2& v : vertices_) d = std::max(d, (v - p).norm());
  return d;
}

Vec2 Polygon::min_corner() const { return min_corner_; }

Vec2 Polygon::max_corner() const { return max_corner_; }

std::optional<std::pair<int, int>> Polygon::first_self_intersection() const {
  const int n = static_cast<int>(vertices_.size());
  if (n < 3) return std::nullopt;
  std::optional<std::pair<int, int>> first;
  for (int i = 0; i < n && !first; ++i) {
    if (vertices_[i] == vertices_[(i + 1) % n]) first = std::pair{i, i};  // zero-length edge
  }
  const double margin = rounding_margin(min_corner_, max_corner_);
  auto test = [&](int i, int j) {
    if (i > j) std::swap(i, j);
    if (i == j || (first && std::pair{i, j} >= *first)) return;
    if (edges_meet(vertices_, i, j, margin)) first = std::pair{i, j};
  };
  auto all_pairs = [&] {
    for (int i = 0; i < n && !(first && first->first < i); ++i) {
      for (int j = i + 1; j < n; ++j) test(i, j);
    }
  };
  if (static_cast<size_t>(n) < kIndexMinVertices) {
    all_pairs();
    return first;
  }
  // Edges that meet come within `margin` of each other, so they share a
  // cell of a grid widened by more than that. The smallest pair over all
  // cells is the answer whatever the order. Inputs that would crowd the
  // grid (long edges across many cells, many edges in a few cells) fall
  // back to testing all pairs.
  const auto grid = EdgeGrid::build(vertices_, min_corner_, max_corner_, 4 * margin, n,
                                    16 * static_cast<size_t>(n));
  size_t pairs = 0;
  for (size_t c = 0; grid && c + 1 < grid->start.size(); ++c) {
    const size_t k = grid->start[c + 1] - grid->start[c];
    pairs += k * (k - 1) / 2;
  }
  if (!grid || pairs > 64 * static_cast<size_t>(n)) {
    all_pairs();
    return first;
  }
  for (size_t c = 0; c + 1 < grid->start.size(); ++c) {
    for (auto a = grid->start[c]; a < grid->start[c + 1]; ++a) {
      for (auto b = a + 1; b < grid->start[c + 1]; ++b) {
        test(static_cast<int>(grid->edges[a]), static_cast<int>(grid->edges[b]));
      }
    }
  }
  return first;
}

struct Polygon::Triangulation {
  std::once_flag once;
  // Ear-clipping triangulation: vertex index triples and cumulative areas.
  std::vector<std::array<int, 3>> triangles;
  std::vector<double> cumulative_area;
};

Vec2 Polygon::sample_uniform(Stream& rng) const {
  if (!triangulation_) return Vec2::Zero();  // a default-constructed polygon
  Triangulation& tri = *triangulation_;
  std::call_once(tri.once, [&] { ear_clip(vertices_, tri.triangles, tri.cumulative_area); });
  if (tri.triangles.empty()) return vertices_.empty() ? Vec2::Zero() : vertices_.front();
  // Choose a triangle with probability proportional to its area.
  const double pick = rng.uniform() * tri.cumulative_area.back();
  const size_t k = static_cast<size_t>(
      std::upper_bound(tri.cumulative_area.begin(), tri.cumulative_area.end(), pick) -
      tri.cumulative_area.begin());
  const auto& t = tri.triangles[std::min(k, tri.triangles.size() - 1)];
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
