// libFuzzer target: the GeoJSON reader and its checks
// (scenario::load_geojson_string), the features read both as defended
// areas and as alert zones around a fixed origin (0° N, 0° E).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "canopy/scenario/load.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using canopy::scenario::GeoJsonKind;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const GeoJsonKind kind : {GeoJsonKind::kDefendedAreas, GeoJsonKind::kAlertZones}) {
    const auto sc = canopy::scenario::load_geojson_string(text, "fuzz.geojson", kind);
    if (sc) {
      // Accepted: every area and zone is a polygon of at least 3 vertices.
      for (const auto& a : sc->defended_areas) {
        if (a.name.empty() || a.polygon.vertices().size() < 3) __builtin_trap();
      }
      for (const auto& z : sc->alert_zones) {
        if (z.id.empty() || z.polygon.vertices().size() < 3) __builtin_trap();
      }
      continue;
    }
    // Rejected: something is said, and every problem is placed in the file.
    if (sc.error().empty()) __builtin_trap();
    for (const auto& d : sc.error()) {
      if (d.message.empty() || d.file != "fuzz.geojson" || d.line < 1 || d.column < 1) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
