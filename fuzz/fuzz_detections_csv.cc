// libFuzzer target: the detections CSV reader of `canopy track`, both forms.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "canopy/io/detections_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  canopy::io::DetectionsOptions options;
  options.sensor_names = {"r1", "r2"};
  const auto d = canopy::io::read_detections(in, "fuzz.csv", options);
  if (d) {
    // Whatever is accepted is sorted, finite and of the declared form.
    double last = -1e300;
    for (const auto& m : d->measurements) {
      if (!(m.t_s >= last) || !m.z.allFinite()) __builtin_trap();
      last = m.t_s;
    }
  } else if (d.error().message.rfind("fuzz.csv:", 0) != 0) {
    __builtin_trap();  // every error names the file
  }
  return 0;
}
