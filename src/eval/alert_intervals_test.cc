#include "canopy/eval/alert_intervals.h"

#include <gtest/gtest.h>

namespace canopy::eval {
namespace {

using Intervals = std::vector<AlertInterval>;

TEST(AlertIntervals, OverlappingHoldsMergeAndAHandOverAtOneInstantLeavesNoGap) {
  // Track 1 holds 10-20; track 2 takes over at 20 (its "on" logged after
  // track 1's "off") and holds to 30; track 3 alone at 40-45.
  const std::vector<AlertEdge> edges = {{20, false, 1}, {10, true, 1}, {20, true, 2},
                                        {30, false, 2}, {40, true, 3}, {45, false, 3}};
  EXPECT_EQ(alert_intervals(edges, 100), (Intervals{{10, 30}, {40, 45}}));
}

TEST(AlertIntervals, AnOffWithoutAnOnIsIgnoredAndAnOpenHoldEndsAtTheEnd) {
  const std::vector<AlertEdge> edges = {{5, false, 7}, {12, true, 8}, {12, true, 8}};
  EXPECT_EQ(alert_intervals(edges, 60), (Intervals{{12, 60}}));
  // An end before the start (a truncated log) never yields a negative span.
  EXPECT_EQ(alert_intervals(edges, 3), (Intervals{{12, 12}}));
  EXPECT_TRUE(alert_intervals({}, 10).empty());
}

TEST(AlertIntervals, WarningIsTheTimeSinceTheHoldingIntervalBegan) {
  const Intervals held = {{10, 30}, {40, 45}};
  EXPECT_EQ(warning_at(held, 25), 15);
  EXPECT_EQ(warning_at(held, 45), 5);  // an impact at the alert's end is warned
  EXPECT_FALSE(warning_at(held, 35).has_value());
  EXPECT_FALSE(warning_at({}, 1).has_value());
}

}  // namespace
}  // namespace canopy::eval
