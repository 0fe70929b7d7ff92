// `canopy range-table TYPE [SCENARIO] ...`: a rocket type's range, apogee,
// flight time and impact speed against elevation (docs/cli.md); the Python
// module's `canopy.range_table` takes the same rows.
#pragma once

#include <string>
#include <vector>

#include "canopy/core/error.h"
#include "canopy/physics/ballistics.h"
#include "canopy/scenario/scenario.h"

namespace canopy {

struct RangeTableRow {
  physics::RangePoint point;
  bool max_range = false;  // the elevation of maximum range, placed in order
};

struct RangeTable {
  std::vector<RangeTableRow> rows;
  physics::ReachBand band;
};

// Calm air, launched from the origin: the type's own performance, from
// from_deg to to_deg in steps, with the maximum-range row inserted. An
// error names an unknown type (and the known ones) or bad bounds.
core::Result<RangeTable> range_table_rows(const scenario::Scenario& scenario,
                                          const std::string& type_name, double from_deg,
                                          double to_deg, double step_deg);

// The process exit code.
int cmd_range_table(const std::string& type_name, const std::string& path, double from_deg,
                    double to_deg, double step_deg, bool csv);

}  // namespace canopy
