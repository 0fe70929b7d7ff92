// `canopy wta INSTANCE.json [--exact] [--time-limit-s T] [--out FILE]`: the
// static weapon-target assignment solver on one instance (docs/wta.md).
#pragma once

#include <cstdint>
#include <string>

namespace canopy {

struct WtaOptions {
  std::string instance_path;
  std::string out_path;       // empty: stdout
  bool exact = false;         // the exact solver (small instances only)
  double time_limit_s = 1.0;  // the fast solver's wall-time limit
  std::uint64_t seed = 1;
};

// Returns the process exit code.
int cmd_wta(const WtaOptions& options);

}  // namespace canopy
