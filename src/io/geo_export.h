// Geographic exports of a run (docs/report.md): replay.czml for Cesium and
// impacts.geojson (RFC 7946). Both need the scenario's origin, so a run
// directory without scenario.yaml cannot be exported.
//
//   auto run = io::read_run("out/run1");
//   auto czml = io::build_czml(*run);       // JSON array of packets
//   auto geo = io::build_geojson(*run);     // FeatureCollection
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "canopy/core/error.h"
#include "canopy/io/run_data.h"

namespace canopy::io {

// Simulated time 0 is shown at this instant (the scenario has no calendar
// time); simulated second t is kCzmlEpoch + t.
inline constexpr const char* kCzmlEpoch = "2000-01-01T00:00:00Z";

// ISO 8601 UTC of simulated second t (millisecond resolution), e.g.
// "2000-01-01T00:01:02.500Z".
std::string iso8601(double t_s);

// Cesium CZML: the document packet (clock over the run), then one packet
// per rocket ("rocket-<id>") and per interceptor ("interceptor-<id>") whose
// position is sampled in ECEF metres (WGS84) against kCzmlEpoch.
core::Result<nlohmann::ordered_json> build_czml(const RunData& run);

// GeoJSON FeatureCollection: impacts and debris (Points), each impacted
// rocket's last predicted 95 % impact ellipse, defended areas and alert
// zones (Polygons; closed rings, exterior counter-clockwise), [lon, lat].
core::Result<nlohmann::ordered_json> build_geojson(const RunData& run);

// Chi-square 95 % quantile with 2 degrees of freedom: Mahalanobis d² bound
// of the 95 % ellipse.
inline constexpr double kChi2_95_2dof = 5.991464547107979;

}  // namespace canopy::io
