#include "canopy/io/geo_export.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <GeographicLib/Geocentric.hpp>
#include <chrono>
#include <cmath>

#include "canopy/core/geodetic.h"
#include "canopy/io/replay.h"

namespace canopy::io {
namespace {

using nlohmann::ordered_json;
constexpr double kPi = 3.141592653589793;

core::Result<core::GeoFrame> frame_of(const RunData& run, const char* what) {
  if (!run.scenario)
    return core::fail(fmt::format("{}: no scenario.yaml: the {} needs the scenario's origin",
                                  run.dir.string(), what));
  const auto& o = run.scenario->origin;
  return core::GeoFrame(o.lat_deg, o.lon_deg, o.alt_m);
}

double round_to(double v, double unit) { return std::round(v / unit) * unit; }

// [lon, lat] of an east/north point on the ground, 1e-7 degree (~1 cm).
ordered_json lonlat(const core::GeoFrame& frame, const Vec2& en) {
  const core::LatLon ll = frame.latlon_from_enu(Vec3(en.x(), en.y(), 0.0));
  return ordered_json::array({round_to(ll.lon_deg, 1e-7), round_to(ll.lat_deg, 1e-7)});
}

// A closed ring in [lon, lat], counter-clockwise in the east/north plane
// (which maps east to lon and north to lat, so it stays counter-clockwise).
ordered_json ring(const core::GeoFrame& frame, std::vector<Vec2> pts) {
  double twice_area = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    const Vec2& a = pts[i];
    const Vec2& b = pts[(i + 1) % pts.size()];
    twice_area += a.x() * b.y() - b.x() * a.y();
  }
  if (twice_area < 0) std::reverse(pts.begin(), pts.end());
  ordered_json r = ordered_json::array();
  for (const Vec2& p : pts) r.push_back(lonlat(frame, p));
  if (!pts.empty()) r.push_back(r.front());
  return ordered_json::array({r});
}

ordered_json rgba(int r, int g, int b, int a = 255) { return {{"rgba", {r, g, b, a}}}; }

// A CZML packet for one object's sampled trail.
ordered_json trail_packet(const core::GeoFrame& frame, const std::string& id,
                          const std::string& name, const std::vector<TrailPoint>& trail,
                          const ordered_json& color, double width, double trail_s) {
  const auto& earth = GeographicLib::Geocentric::WGS84();
  ordered_json cart = ordered_json::array();
  double last_t = -std::numeric_limits<double>::infinity();
  for (const TrailPoint& s : trail) {
    if (!(s[0] > last_t)) continue;  // strictly increasing times only
    last_t = s[0];
    const core::LatLon ll = frame.latlon_from_enu(Vec3(s[1], s[2], s[3]));
    double X = 0, Y = 0, Z = 0;
    earth.Forward(ll.lat_deg, ll.lon_deg, ll.alt_m, X, Y, Z);
    cart.push_back(round_to(s[0], 1e-4));
    cart.push_back(round_to(X, 0.01));
    cart.push_back(round_to(Y, 0.01));
    cart.push_back(round_to(Z, 0.01));
  }
  const double t0 = trail.front()[0], t1 = last_t;
  return {{"id", id},
          {"name", name},
          {"availability", iso8601(t0) + "/" + iso8601(t1)},
          {"position",
           {{"epoch", kCzmlEpoch},
            {"interpolationAlgorithm", "LAGRANGE"},
            {"interpolationDegree", 1},
            {"cartesian", cart}}},
          {"path",
           {{"material", {{"solidColor", {{"color", color}}}}},
            {"width", width},
            {"leadTime", 0},
            {"trailTime", trail_s},
            {"resolution", 1}}},
          {"point",
           {{"pixelSize", 6},
            {"color", color},
            {"outlineColor", rgba(255, 255, 255)},
            {"outlineWidth", 1}}}};
}

}  // namespace

std::string iso8601(double t_s) {
  using namespace std::chrono;
  const auto ms = milliseconds(std::llround(t_s * 1000.0));
  const sys_time<milliseconds> tp = sys_days(year(2000) / January / 1) + ms;
  const auto day = floor<days>(tp);
  const year_month_day ymd(day);
  const hh_mm_ss hms(tp - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

core::Result<ordered_json> build_czml(const RunData& run) {
  auto frame = frame_of(run, "CZML export");
  if (!frame) return std::unexpected(frame.error());
  ordered_json doc = ordered_json::array();
  const double end = std::max(run.sim_time_s, 0.0);
  doc.push_back({{"id", "document"},
                 {"name", run.scenario_name},
                 {"version", "1.0"},
                 {"clock",
                  {{"interval", iso8601(0) + "/" + iso8601(end)},
                   {"currentTime", iso8601(0)},
                   {"multiplier", 10},
                   {"range", "LOOP_STOP"},
                   {"step", "SYSTEM_CLOCK_MULTIPLIER"}}}});
  std::map<int, std::string> type_of;
  for (const sim::LaunchEvent& l : run.events.of<sim::LaunchEvent>())
    type_of[l.rocket] = l.rocket_type;
  for (const auto& [id, trail] : run.rockets) {
    if (trail.empty()) continue;
    const std::string name = type_of.contains(id) ? fmt::format("Rocket {} ({})", id, type_of[id])
                                                  : fmt::format("Rocket {}", id);
    doc.push_back(
        trail_packet(*frame, fmt::format("rocket-{}", id), name, trail, rgba(214, 39, 40), 2, 60));
  }
  std::map<int, std::string> battery_of;
  for (const sim::FireEvent& f : run.events.of<sim::FireEvent>())
    battery_of[f.interceptor] = f.battery;
  for (const auto& [id, trail] : run.interceptors) {
    if (trail.empty()) continue;
    const std::string name = battery_of.contains(id)
                                 ? fmt::format("Interceptor {} ({})", id, battery_of[id])
                                 : fmt::format("Interceptor {}", id);
    doc.push_back(trail_packet(*frame, fmt::format("interceptor-{}", id), name, trail,
                               rgba(31, 119, 180), 1.5, 40));
  }
  return doc;
}

core::Result<ordered_json> build_geojson(const RunData& run) {
  auto frame = frame_of(run, "GeoJSON export");
  if (!frame) return std::unexpected(frame.error());
  ordered_json features = ordered_json::array();
  auto area_json = [](const std::optional<std::string>& a) {
    return a ? ordered_json(*a) : ordered_json(nullptr);
  };

  // Warhead and debris impacts.
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>())
    features.push_back(
        {{"type", "Feature"},
         {"geometry", {{"type", "Point"}, {"coordinates", lonlat(*frame, i.p_W.head<2>())}}},
         {"properties",
          {{"kind", "impact"}, {"rocket", i.rocket}, {"t", i.t_s}, {"area", area_json(i.area)}}}});
  for (const sim::DebrisImpactEvent& d : run.events.of<sim::DebrisImpactEvent>())
    features.push_back(
        {{"type", "Feature"},
         {"geometry", {{"type", "Point"}, {"coordinates", lonlat(*frame, d.p_W.head<2>())}}},
         {"properties",
          {{"kind", "debris"},
           {"rocket", d.rocket},
           {"t", d.t_s},
           {"area", area_json(d.area)},
           {"fragment", d.fragment},
           {"mass_kg", d.mass_kg}}}});

  // Each impacted rocket's last prediction before its impact: the 95 % ellipse.
  std::map<int, double> impact_t;
  for (const sim::ImpactEvent& i : run.events.of<sim::ImpactEvent>())
    impact_t.emplace(i.rocket, i.t_s);
  std::map<int, const sim::ImpactPredictionEvent*> last;
  for (const sim::ImpactPredictionEvent& p : run.events.of<sim::ImpactPredictionEvent>())
    if (p.rocket && impact_t.contains(*p.rocket) && p.t_s <= impact_t[*p.rocket])
      last[*p.rocket] = &p;
  for (const auto& [rocket, p] : last) {
    const Eigen::SelfAdjointEigenSolver<Mat2> eig(0.5 * (p->cov_en_m2 + p->cov_en_m2.transpose()));
    if (eig.info() != Eigen::Success || !(eig.eigenvalues().minCoeff() >= 0) ||
        !eig.eigenvalues().allFinite())
      continue;
    const double k = std::sqrt(kChi2_95_2dof);
    const Vec2 u = eig.eigenvectors().col(1);  // major axis
    const Vec2 v(-u.y(), u.x());               // 90° counter-clockwise from it
    const double a = k * std::sqrt(eig.eigenvalues()(1)), b = k * std::sqrt(eig.eigenvalues()(0));
    std::vector<Vec2> pts;
    for (int i = 0; i < 36; ++i) {
      const double th = 2 * kPi * i / 36;
      pts.push_back(p->p_en_m + a * std::cos(th) * u + b * std::sin(th) * v);
    }
    if (!(a > 0)) continue;  // a point, not an ellipse
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Polygon"}, {"coordinates", ring(*frame, pts)}}},
                        {"properties",
                         {{"kind", "predicted_impact_95"},
                          {"rocket", rocket},
                          {"track", p->track},
                          {"t", p->t_s},
                          {"t_impact", p->t_impact_s},
                          {"area", area_json(area_at(run, p->p_en_m))}}}});
  }

  // Defended areas and alert zones.
  for (const auto& a : run.scenario->defended_areas)
    features.push_back(
        {{"type", "Feature"},
         {"geometry", {{"type", "Polygon"}, {"coordinates", ring(*frame, a.polygon.vertices())}}},
         {"properties", {{"kind", "defended_area"}, {"name", a.name}, {"value", a.value}}}});
  for (const auto& z : run.scenario->alert_zones)
    features.push_back(
        {{"type", "Feature"},
         {"geometry", {{"type", "Polygon"}, {"coordinates", ring(*frame, z.polygon.vertices())}}},
         {"properties",
          {{"kind", "alert_zone"}, {"id", z.id}, {"name", z.name}, {"population", z.population}}}});
  return ordered_json{{"type", "FeatureCollection"}, {"features", features}};
}

}  // namespace canopy::io
