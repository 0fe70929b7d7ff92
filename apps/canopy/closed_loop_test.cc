// Closed-loop invariants on generated scenarios (docs/metrics.md,
// "Closed-loop safety"): random but valid scenarios (scenario::generate_yaml:
// other geographies, salvos down to 0.1 s apart, radar layouts and outages,
// battery placements) run through the whole chain, and their event logs
// must hold, in every run:
//   - no alert cancelled (kill claim or debris) while its rocket flies;
//   - no warnable impact without an alert at least min_warning_s old;
//   - no "killed" claim on a rocket that flies on;
//   - no interceptor fired at a track classed as debris;
//   - no alert_on repeated for an alert that is on;
//   - the same seed gives the same event log, byte for byte.
// tools/closed_loop.sh runs 200 and more of them and reports the figures.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "canopy/eval/safety_metrics.h"
#include "canopy/io/run_files.h"
#include "canopy/scenario/generate.h"
#include "canopy/scenario/load.h"
#include "canopy/sim/world.h"

namespace canopy {
namespace {

struct Log : sim::EventSink {
  explicit Log(double min_warning_s) : safety(min_warning_s) {}
  void on_event(const sim::Event& e) override {
    safety.on_event(e);
    text += io::to_json(e).dump();
    text += '\n';
  }
  eval::SafetyScorer safety;
  std::string text;
};

Log run(const scenario::Scenario& sc) {
  sim::WorldOptions opts;
  opts.trajectory_interval_s = 0;
  opts.picture_interval_s = 0;
  auto world = sim::World::create(sc, opts);
  EXPECT_TRUE(world.has_value()) << world.error().message;
  Log log(sc.doctrine.min_warning_s);
  if (!world) return log;
  world->set_sink(&log);
  world->run();
  return log;
}

TEST(ClosedLoop, GeneratedScenariosKeepTheSafetyInvariants) {
  scenario::GenerateOptions options;
  options.min_rockets = 20;
  options.max_rockets = 50;
  options.max_duration_s = 300;
  int warnable = 0, claims = 0;
  for (std::uint64_t seed : {1, 2, 3, 5}) {
    const std::string yaml = scenario::generate_yaml(seed, options);
    const auto sc = scenario::load_string(yaml, "generated-" + std::to_string(seed) + ".yaml", ".");
    ASSERT_TRUE(sc.has_value()) << yaml;
    const Log a = run(*sc);
    const eval::SafetyMetrics m = a.safety.result();
    const std::string again =
        "canopy generate --seed " + std::to_string(seed) +
        " --rockets 20-50 --max-duration-s 300 --out g.yaml && canopy run g.yaml";
    for (const std::string& b : m.breaches) ADD_FAILURE() << again << ": " << b;
    EXPECT_EQ(m.fires_on_debris, 0) << again;
    warnable += m.warnable_impacts;
    claims += m.assessed_killed;
    // Determinism: the same bytes again.
    EXPECT_EQ(run(*sc).text, a.text) << again;
  }
  // The scenarios exercised what the invariants are about.
  EXPECT_GT(warnable, 20);
  EXPECT_GT(claims, 5);
}

}  // namespace
}  // namespace canopy
