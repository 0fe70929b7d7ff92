// `canopy validate SCENARIO`: checks a scenario, reports every error, and
// warns of coverage gaps and large runs (docs/cli.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "canopy/core/text.h"
#include "canopy/engage/coverage.h"
#include "canopy/scenario/estimate.h"
#include "commands.h"
#include "exit_codes.h"
#include "run_cmd.h"

namespace canopy {
namespace {

int cmd_validate(const std::string& path) {
  auto sc = load_scenario(path);
  if (!sc) return kExitBadInput;
  // The radars and batteries by name ("no radars" when there are none).
  auto names = [](const auto& items, const char* what) {
    std::string list;
    for (const auto& item : items) list += (list.empty() ? " " : ", ") + core::printable(item.name);
    return list.empty() ? fmt::format("no {}", what) : what + list;
  };
  fmt::print(
      "{}: ok ({} defended areas, {} alert zones, {} rocket types, {} raids, {} rockets, {}, {})\n",
      path, sc->defended_areas.size(), sc->alert_zones.size(), sc->rocket_types.size(),
      sc->raids.size(), sc->total_rockets(), names(sc->sensors, "radars"),
      names(sc->batteries, "batteries"));
  // Coverage gaps are warnings: the scenario stays valid (docs/cli.md).
  for (const auto& w : engage::coverage_warnings(*sc))
    fmt::print(stderr, "{}: warning: {}\n", path, core::printable(w.text()));
  const scenario::WorkEstimate work = scenario::estimate_work(*sc);
  fmt::print("  work: {}\n", work.text());
  if (work.large())
    fmt::print(stderr,
               "{}: warning: a large run (over {:.0f} s of CPU or {} rockets in flight); "
               "`canopy run --max-wall-s` bounds it\n",
               path, scenario::kLargeCpu_s, scenario::kLargePeak);
  return kExitOk;
}

}  // namespace

Command add_validate_command(CLI::App& parent) {
  auto path = std::make_shared<std::string>();
  auto* validate = parent.add_subcommand("validate", "Check a scenario and report every error");
  validate->add_option("scenario", *path, "Scenario YAML file")->required();
  return {validate, [path] { return cmd_validate(*path); }};
}

}  // namespace canopy
