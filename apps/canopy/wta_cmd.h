// `canopy wta INSTANCE.json [--exact] [--time-limit-s T] [--out FILE]`: the
// static weapon-target assignment solver on one instance (docs/wta.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "canopy/core/error.h"
#include "canopy/engage/wta.h"

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

// An instance from its JSON form ({"values": [...], "p": [[...]], "counts":
// [...]}), checked; errors begin with `where` and name the element.
core::Result<engage::WtaProblem> wta_instance(const nlohmann::json& doc, const std::string& where);

// Solves it: the JSON that `canopy wta` prints (assignment, objective,
// lower_bound, solve_s).
core::Result<nlohmann::ordered_json> solve_wta_json(const engage::WtaProblem& problem, bool exact,
                                                    double time_limit_s, std::uint64_t seed);

}  // namespace canopy
