// Polygon geometry at the sizes of real alert-zone sets (issue 19): one
// 40,000-vertex polygon (self-intersection check, containment, distance)
// and 1,700 zones of 1,000 vertices each (area probabilities under an
// impact Gaussian).
//
//   build/release/bench/geometry_benchmark
#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "canopy/assess/area_probability.h"
#include "canopy/core/polygon.h"
#include "canopy/core/random.h"

namespace canopy {
namespace {

using core::Polygon;
using core::Vec2;

// A star-shaped polygon: n vertices at increasing angles, radii wiggling
// between 0.7 and 1.3 times `radius_m` (simple by construction).
Polygon star(int n, double radius_m, std::uint64_t seed) {
  core::Stream rng(seed, core::tag("star"));
  std::vector<Vec2> v;
  for (int i = 0; i < n; ++i) {
    const double a = 2 * std::numbers::pi * i / n;
    const double r = radius_m * rng.uniform(0.7, 1.3);
    v.emplace_back(r * std::cos(a), r * std::sin(a));
  }
  return Polygon(v);
}

// `cols` x `rows` zones tiling a `size_m` square: a jittered grid whose
// edges are detailed borders of `per_edge` segments each (a sum of sines
// across the straight edge, zero at its ends, the same for both zones that
// share it), so each zone has 4 * per_edge vertices.
std::vector<Polygon> zones(int cols, int rows, double size_m, int per_edge) {
  const double dx = size_m / cols, dy = size_m / rows;
  auto node = [&](int i, int j) {
    core::Stream rng(1, core::tag("node"), i, j);
    const double jx = (i == 0 || i == cols) ? 0 : rng.uniform(-0.15, 0.15) * dx;
    const double jy = (j == 0 || j == rows) ? 0 : rng.uniform(-0.15, 0.15) * dy;
    return Vec2(i * dx + jx - size_m / 2, j * dy + jy - size_m / 2);
  };
  // The border from node a to node b (excluding b), keyed so that both
  // zones along it draw the same wiggles.
  auto border = [&](int ia, int ja, int ib, int jb, std::vector<Vec2>& out) {
    const bool forward = std::make_pair(ia, ja) < std::make_pair(ib, jb);
    const Vec2 p = forward ? node(ia, ja) : node(ib, jb);
    const Vec2 q = forward ? node(ib, jb) : node(ia, ja);
    core::Stream rng(1, core::tag("border"), std::min(ia, ib), std::min(ja, jb), ia != ib);
    double c[6];
    for (double& ck : c) ck = rng.uniform(-1, 1);
    const Vec2 normal = Vec2(p.y() - q.y(), q.x() - p.x()) * 0.01;
    for (int k = 0; k < per_edge; ++k) {
      const double t =
          forward ? static_cast<double>(k) / per_edge : 1.0 - static_cast<double>(k) / per_edge;
      double w = 0;
      for (int m = 0; m < 6; ++m) w += c[m] * std::sin(std::numbers::pi * (m + 1) * t) / (m + 1);
      out.push_back(p + t * (q - p) + w * normal);
    }
  };
  std::vector<Polygon> out;
  for (int j = 0; j < rows; ++j) {
    for (int i = 0; i < cols; ++i) {
      std::vector<Vec2> v;
      border(i, j, i + 1, j, v);
      border(i + 1, j, i + 1, j + 1, v);
      border(i + 1, j + 1, i, j + 1, v);
      border(i, j + 1, i, j, v);
      out.emplace_back(std::move(v));
    }
  }
  return out;
}

const Polygon& big_star() {
  static const Polygon p = star(40000, 10000, 7);
  return p;
}

const std::vector<Polygon>& alert_zones() {
  static const std::vector<Polygon> z = zones(50, 34, 100000, 250);
  return z;
}

void BM_SelfIntersection40k(benchmark::State& state) {
  const Polygon& p = big_star();
  for (auto _ : state) benchmark::DoNotOptimize(p.first_self_intersection());
}
BENCHMARK(BM_SelfIntersection40k)->Unit(benchmark::kMillisecond);

void BM_SelfIntersectionZones(benchmark::State& state) {
  const auto& z = alert_zones();
  for (auto _ : state) {
    for (const Polygon& p : z) benchmark::DoNotOptimize(p.first_self_intersection());
  }
}
BENCHMARK(BM_SelfIntersectionZones)->Unit(benchmark::kMillisecond);

void BM_Construct40k(benchmark::State& state) {
  const std::vector<Vec2> v = big_star().vertices();
  for (auto _ : state) benchmark::DoNotOptimize(Polygon(v));
}
BENCHMARK(BM_Construct40k)->Unit(benchmark::kMillisecond);

void BM_ConstructZones(benchmark::State& state) {
  std::vector<std::vector<Vec2>> rings;
  for (const Polygon& p : alert_zones()) rings.push_back(p.vertices());
  for (auto _ : state) {
    for (const auto& r : rings) benchmark::DoNotOptimize(Polygon(r));
  }
}
BENCHMARK(BM_ConstructZones)->Unit(benchmark::kMillisecond);

// Query points spread over (and around) the polygon's bounding box.
std::vector<Vec2> queries(const Polygon& p, int n) {
  core::Stream rng(3, core::tag("queries"));
  const Vec2 lo = p.min_corner(), hi = p.max_corner(), pad = 0.2 * (hi - lo);
  std::vector<Vec2> q;
  for (int i = 0; i < n; ++i) {
    q.emplace_back(rng.uniform(lo.x() - pad.x(), hi.x() + pad.x()),
                   rng.uniform(lo.y() - pad.y(), hi.y() + pad.y()));
  }
  return q;
}

void BM_Contains40k(benchmark::State& state) {
  const Polygon& p = big_star();
  const auto q = queries(p, 1024);
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(p.contains(q[k++ % q.size()]));
}
BENCHMARK(BM_Contains40k)->Unit(benchmark::kMicrosecond);

void BM_Distance40k(benchmark::State& state) {
  const Polygon& p = big_star();
  const auto q = queries(p, 1024);
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(p.distance_m(q[k++ % q.size()]));
}
BENCHMARK(BM_Distance40k)->Unit(benchmark::kMicrosecond);

void BM_SampleUniform40k(benchmark::State& state) {
  const Polygon& p = big_star();
  core::Stream rng(5, core::tag("sample"));
  for (auto _ : state) benchmark::DoNotOptimize(p.sample_uniform(rng));
}
BENCHMARK(BM_SampleUniform40k)->Unit(benchmark::kMicrosecond);

// P(impact in zone) for every zone: a Gaussian of 2 km (east) by 1.5 km
// (north), correlated, 3 km off the centre of the 100 km square.
void BM_PolygonProbabilityZones(benchmark::State& state) {
  const auto& z = alert_zones();
  const Vec2 mean(3000, -2000);
  Eigen::Matrix2d cov;
  cov << 4e6, 1e6, 1e6, 2.25e6;
  for (auto _ : state) {
    double total = 0;
    for (const Polygon& p : z) total += assess::polygon_probability(mean, cov, p);
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_PolygonProbabilityZones)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace canopy
