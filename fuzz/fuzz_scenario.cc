// libFuzzer target: the scenario loader (YAML; GeoJSON names resolve in an
// empty directory, so the loader's file handling is exercised too).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "canopy/scenario/load.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto sc = canopy::scenario::load_string(text, "fuzz.yaml", "/nonexistent-canopy-fuzz");
  if (!sc && sc.error().empty()) __builtin_trap();  // a failure always says why
  return 0;
}
