#include "canopy/scenario/scenario.h"

namespace canopy::scenario {

int Scenario::total_rockets() const {
  int n = 0;
  for (const Raid& r : raids) n += r.count;
  return n;
}

}  // namespace canopy::scenario
