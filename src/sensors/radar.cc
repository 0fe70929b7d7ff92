#include "canopy/sensors/radar.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace canopy::sensors {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

// Angle difference wrapped into (-pi, pi].
double wrap(double a) {
  a = std::fmod(a + std::numbers::pi, kTwoPi);
  if (a <= 0) a += kTwoPi;
  return a - std::numbers::pi;
}

}  // namespace

Polar polar_from_W(const Vec3& p_sensor_W, const Vec3& p_W) {
  const Vec3 d = p_W - p_sensor_W;
  Polar out;
  out.range_m = d.norm();
  double az = std::atan2(d.x(), d.y());
  if (az < 0) az += kTwoPi;
  out.azimuth_rad = az >= kTwoPi ? 0.0 : az;
  out.elevation_rad = std::atan2(d.z(), std::hypot(d.x(), d.y()));
  return out;
}

Vec3 W_from_polar(const Vec3& p_sensor_W, const Polar& p) {
  const double ce = std::cos(p.elevation_rad);
  return p_sensor_W + p.range_m * Vec3(ce * std::sin(p.azimuth_rad), ce * std::cos(p.azimuth_rad),
                                       std::sin(p.elevation_rad));
}

double range_rate_mps(const Vec3& p_sensor_W, const Vec3& p_W, const Vec3& v_W) {
  const Vec3 d = p_W - p_sensor_W;
  const double r = d.norm();
  return r > 0 ? d.dot(v_W) / r : 0.0;
}

bool line_of_sight(const Vec3& a_W, const Vec3& b_W) {
  // Standard refraction: straight rays over a sphere of 4/3 the Earth's
  // radius, with each end keeping its height and its great-circle distance.
  // Work in the plane through the (effective) centre and both ends.
  const Vec3 c = core::earth_centre_W();
  const Vec3 ra = a_W - c, rb = b_W - c;
  const double ha = ra.norm() - core::kEarthRadius_m, hb = rb.norm() - core::kEarthRadius_m;
  if (ha < -1e-6 || hb < -1e-6) return false;
  const double Re = kEffectiveEarthRadius_m;
  const double theta = std::atan2(ra.cross(rb).norm(), ra.dot(rb)) * core::kEarthRadius_m / Re;
  const Eigen::Vector2d A(0, Re + std::max(ha, 0.0));
  const Eigen::Vector2d B((Re + std::max(hb, 0.0)) * std::sin(theta),
                          (Re + std::max(hb, 0.0)) * std::cos(theta));
  const Eigen::Vector2d d = B - A;
  const double len2 = d.squaredNorm();
  if (len2 == 0) return true;
  const double s = std::clamp(-A.dot(d) / len2, 0.0, 1.0);
  return (A + s * d).norm() >= Re - 1e-6;
}

CoverageMiss Radar::coverage_miss(const Vec3& p_W) const {
  const Polar p = polar_from_W(spec().p_W, p_W);
  if (p.range_m < spec().min_range_m || p.range_m > spec().max_range_m) return CoverageMiss::kRange;
  if (p.elevation_rad < spec().min_elevation_rad || p.elevation_rad > spec().max_elevation_rad)
    return CoverageMiss::kElevation;
  if (!in_sector(p.azimuth_rad)) return CoverageMiss::kSector;
  return line_of_sight(spec().p_W, p_W) ? CoverageMiss::kNone : CoverageMiss::kHorizon;
}

bool Radar::in_sector(double azimuth_rad) const {
  return spec().sector_rad >= kTwoPi - 1e-12 ||
         std::abs(wrap(azimuth_rad - spec().azimuth_rad)) <= 0.5 * spec().sector_rad;
}

double Radar::snr_db(double range_m, double rcs_m2) const {
  const scenario::DetectionModel& d = spec().detection;
  if (d.kind != scenario::DetectionModel::Kind::kSnr)
    return std::numeric_limits<double>::quiet_NaN();
  return d.reference_snr_db + 10 * std::log10(rcs_m2 / d.rcs_m2) -
         40 * std::log10(std::max(range_m, 1.0) / d.reference_range_m);
}

double Radar::detection_probability(double range_m, double rcs_m2) const {
  const scenario::DetectionModel& d = spec().detection;
  if (d.kind == scenario::DetectionModel::Kind::kFixed) return d.pd;
  // Swerling I target, square-law detector, one pulse: Pd = Pfa^(1/(1+SNR)),
  // with the false-alarm probability set by the threshold: Pfa = exp(-T).
  const double snr = std::pow(10.0, snr_db(range_m, rcs_m2) / 10);
  const double threshold = std::pow(10.0, d.threshold_db / 10);
  return std::exp(-threshold / (1 + snr));
}

int poisson(core::Stream& rng, double mean) {
  if (!(mean > 0)) return 0;
  if (mean > 30) {
    const double x = std::round(mean + std::sqrt(mean) * rng.normal());
    return x < 0 ? 0 : static_cast<int>(x);
  }
  const double limit = std::exp(-mean);
  int k = 0;
  for (double p = rng.uniform(); p > limit; p *= rng.uniform()) ++k;
  return k;
}

Scan Radar::observe(double t_s, std::span<const Object> objects, core::Stream& rng,
                    std::uint64_t& next_plot_id, std::vector<PlotOrigin>& origins) const {
  Scan scan;
  scan.sensor = index();
  scan.t_s = t_s;
  const scenario::Sensor& s = spec();
  scan.arrival_s = t_s + s.latency_s;
  if (in_outage(t_s)) return scan;
  const bool snr_model = s.detection.kind == scenario::DetectionModel::Kind::kSnr;
  const bool rate = s.sigma_range_rate_mps > 0;
  std::vector<int> who;

  // Objects in coverage, each detected with its own probability.
  for (const Object& o : objects) {
    if (!covers(o.p_W)) continue;
    const Polar p = polar_from_W(s.p_W, o.p_W);
    if (!(rng.uniform() < detection_probability(p.range_m, o.rcs_m2))) continue;
    Plot plot;
    plot.sensor = index();
    plot.t_s = t_s;
    if (s.measures_range) plot.range_m = p.range_m + s.sigma_range_m * rng.normal();
    plot.azimuth_rad = p.azimuth_rad + s.sigma_azimuth_rad * rng.normal();
    if (s.measures_elevation)
      plot.elevation_rad = p.elevation_rad + s.sigma_elevation_rad * rng.normal();
    plot.azimuth_rad = std::fmod(plot.azimuth_rad + 2 * kTwoPi, kTwoPi);
    if (rate)
      plot.range_rate_mps =
          range_rate_mps(s.p_W, o.p_W, o.v_W) + s.sigma_range_rate_mps * rng.normal();
    if (snr_model) plot.snr_db = snr_db(p.range_m, o.rcs_m2);
    scan.plots.push_back(plot);
    who.push_back(o.id);
  }

  // Clutter: uniform over the coverage volume.
  const int n_false = poisson(rng, s.false_alarms_per_scan);
  const double r3_lo = std::pow(s.min_range_m, 3), r3_hi = std::pow(s.max_range_m, 3);
  const double s_lo = std::sin(s.min_elevation_rad), s_hi = std::sin(s.max_elevation_rad);
  for (int k = 0; k < n_false; ++k) {
    Plot plot;
    plot.sensor = index();
    plot.t_s = t_s;
    if (s.measures_range) plot.range_m = std::cbrt(rng.uniform(r3_lo, r3_hi));
    const double az = s.sector_rad >= kTwoPi - 1e-12
                          ? rng.uniform(0, kTwoPi)
                          : s.azimuth_rad + rng.uniform(-0.5, 0.5) * s.sector_rad;
    plot.azimuth_rad = std::fmod(az + 2 * kTwoPi, kTwoPi);
    if (s.measures_elevation) plot.elevation_rad = std::asin(rng.uniform(s_lo, s_hi));
    if (rate) plot.range_rate_mps = rng.uniform(-300, 300);
    if (snr_model) plot.snr_db = s.detection.threshold_db + 3 * rng.uniform();
    scan.plots.push_back(plot);
    who.push_back(-1);
  }

  // Shuffle (Fisher-Yates on our own draws), so plot order carries no hint.
  for (size_t i = scan.plots.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.uniform() * static_cast<double>(i));
    std::swap(scan.plots[i - 1], scan.plots[std::min(j, i - 1)]);
    std::swap(who[i - 1], who[std::min(j, i - 1)]);
  }
  for (size_t i = 0; i < scan.plots.size(); ++i) {
    scan.plots[i].id = next_plot_id++;
    origins.push_back({scan.plots[i].id, who[i]});
  }
  return scan;
}

}  // namespace canopy::sensors
