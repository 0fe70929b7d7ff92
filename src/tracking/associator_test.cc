#include "canopy/tracking/associator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>

namespace canopy::tracking {
namespace {

// A gated scan built by hand: every listed pair is inside the gate.
GatedScan hand_built(int n_tracks, int n_plots, std::vector<std::pair<int, int>> pairs,
                     std::vector<double> nis, double clutter = 1e-3) {
  GatedScan s;
  s.n_tracks = n_tracks;
  s.n_plots = n_plots;
  s.dim = 3;
  s.gate = 16;
  s.pairs = std::move(pairs);
  s.nis = std::move(nis);
  s.log_det_S.assign(n_tracks, 0.0);
  s.clutter_density.assign(n_plots, clutter);
  return s;
}

// Pd N(y; 0, S) for a 3-D measurement with |S| = 1.
double likelihood(double pd, double nis) {
  return pd * std::pow(2 * std::numbers::pi, -1.5) * std::exp(-0.5 * nis);
}

TEST(Associator, GnnGivesEachPlotToOneTrack) {
  // Both tracks gate both plots; each track's nearest plot is plot 0.
  const GatedScan scan = hand_built(2, 2, {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, {1, 4, 2, 9});
  const std::vector<TrackUpdate> updates = GnnAssociator().associate(scan);
  ASSERT_EQ(updates.size(), 2u);
  std::set<int> plots;
  for (const TrackUpdate& u : updates) {
    ASSERT_TRUE(std::holds_alternative<PlotAssignment>(u));
    plots.insert(std::get<PlotAssignment>(u).plot);
  }
  EXPECT_EQ(plots.size(), 2u);
  // The global optimum (4 + 2 = 6) beats each track taking its nearest
  // first (1 + 9 = 10): track 0 takes plot 1, track 1 takes plot 0.
  EXPECT_EQ(std::get<PlotAssignment>(updates[0]).track, 0);
  EXPECT_EQ(std::get<PlotAssignment>(updates[0]).plot, 1);
  EXPECT_EQ(std::get<PlotAssignment>(updates[1]).track, 1);
  EXPECT_EQ(std::get<PlotAssignment>(updates[1]).plot, 0);
}

TEST(Associator, GnnLeavesTheWorseTrackWithoutTheOnlyPlot) {
  const GatedScan scan = hand_built(2, 1, {{0, 0}, {1, 0}}, {5, 2});
  const std::vector<TrackUpdate> updates = GnnAssociator().associate(scan);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(std::get<PlotAssignment>(updates[0]).track, 1);
  EXPECT_EQ(std::get<PlotAssignment>(updates[0]).plot, 0);
}

TEST(Associator, JpdaSharesAPlotBetweenCloseTracks) {
  // Two tracks equally close to one plot: the joint events are "no track
  // has it" (m^2), "track 0 has it" (g m) and "track 1 has it" (m g), with
  // g = L / clutter and m = 1 - Pd Pg.
  const double clutter = 1e-3, pd = 0.9, pg = 0.9999;
  const GatedScan scan = hand_built(2, 1, {{0, 0}, {1, 0}}, {1, 1}, clutter);
  const std::vector<TrackUpdate> updates = JpdaAssociator(pg, pd).associate(scan);
  const double g = likelihood(pd, 1) / clutter, m = 1 - pd * pg;
  const double beta = g * m / (m * m + 2 * g * m),
               beta_none = (m * m + g * m) / (m * m + 2 * g * m);
  ASSERT_EQ(updates.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const auto& u = std::get<WeightedUpdate>(updates[i]);
    EXPECT_EQ(u.track, i);
    EXPECT_EQ(u.plots, std::vector<int>{0});
    EXPECT_EQ(u.most_likely, 0);
    EXPECT_NEAR(u.beta[0], beta, 1e-12);
    EXPECT_NEAR(u.beta_none, beta_none, 1e-12);
    // Each is more likely not to have it than to have it: no hit.
    EXPECT_FALSE(u.hit);
  }
}

TEST(Associator, JpdaSingleTrackWeighsPlotsAgainstClutterAsPdaf) {
  // PDAF: beta_j = L_j / (clutter (1 - Pd Pg) + sum L), beta_0 the rest.
  const double clutter = 1e-3, pd = 0.9, pg = 0.9999;
  const GatedScan scan = hand_built(1, 3, {{0, 0}, {0, 2}}, {4, 1}, clutter);
  const std::vector<TrackUpdate> updates = JpdaAssociator(pg, pd).associate(scan);
  ASSERT_EQ(updates.size(), 1u);
  const auto& u = std::get<WeightedUpdate>(updates[0]);
  const double l0 = likelihood(pd, 4), l2 = likelihood(pd, 1);
  const double den = clutter * (1 - pd * pg) + l0 + l2;
  EXPECT_EQ(u.plots, (std::vector<int>{0, 2}));
  EXPECT_NEAR(u.beta[0], l0 / den, 1e-12);
  EXPECT_NEAR(u.beta[1], l2 / den, 1e-12);
  EXPECT_NEAR(u.beta_none, clutter * (1 - pd * pg) / den, 1e-12);
  EXPECT_EQ(u.most_likely, 2);
  EXPECT_TRUE(u.hit);
}

TEST(Associator, ConfigChoosesTheMethod) {
  scenario::TrackerConfig config;
  config.association = scenario::TrackerConfig::Association::kGnn;
  EXPECT_NE(dynamic_cast<GnnAssociator*>(make_associator(config).get()), nullptr);
  config.association = scenario::TrackerConfig::Association::kJpda;
  EXPECT_NE(dynamic_cast<JpdaAssociator*>(make_associator(config).get()), nullptr);
}

TEST(Associator, PairIndexFindsOnlyGatedPairs) {
  const GatedScan scan = hand_built(3, 3, {{0, 1}, {2, 0}, {2, 2}}, {1, 1, 1});
  EXPECT_EQ(scan.pair_index(0, 1), 0);
  EXPECT_EQ(scan.pair_index(2, 2), 2);
  EXPECT_EQ(scan.pair_index(1, 1), -1);
  EXPECT_EQ(scan.pair_index(2, 1), -1);
}

}  // namespace
}  // namespace canopy::tracking
