// canopy: the command line (docs/cli.md).
//
//   canopy run [SCENARIO] [--out DIR] [--seed N] [--run I] [--quiet]
//   canopy montecarlo [SCENARIO] --runs N [--threads T] [--out DIR] [--resume | --force]
//   canopy sweep [SCENARIO] --set 'KEY=[V1, V2, ...]' [--set ...] [--one-at-a-time] --runs N [...]
//   canopy compare A.yaml B.yaml [...] --runs N [...]
//   canopy report DIR [--no-exports] [--no-viewer] [--background FILE ...]
//   canopy validate SCENARIO
//   canopy range-table TYPE [SCENARIO] [--from-deg A] [--to-deg B] [--step-deg S] [--csv]
//   canopy track DETECTIONS.csv --out TRACKS.csv [--sigma-m S | --sensors FILE] [--model M] ...
//   canopy wta INSTANCE.json [--exact] [--time-limit-s T] [--seed N] [--out FILE]
//   canopy generate --seed N [--out FILE] [--rockets MIN-MAX] [--max-duration-s S] ...
//
// Exit codes: 0 success; 1 failure while running (e.g. output cannot be
// written); 2 bad input (flags, scenario); 3 internal error.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "canopy/core/input_file.h"
#include "commands.h"
#include "exit_codes.h"
#include "ranks.h"

namespace canopy {
namespace {

// The subcommands, in the order the help lists them. An explicit list, not
// self-registration: the command files are a static library, shared with
// the Python module, from which the linker takes only what is referred to.
constexpr std::array kCommands = {
    &add_run_command,    &add_track_command,      &add_validate_command, &add_range_table_command,
    &add_wta_command,    &add_montecarlo_command, &add_sweep_command,    &add_compare_command,
    &add_report_command, &add_generate_command,
};

int main_impl(int argc, char** argv) {
  CLI::App app{"canopy: counter-rocket defense battle-management simulation", "canopy"};
  app.set_version_flag("--version", std::string("canopy ") + CANOPY_VERSION);
  app.require_subcommand(1);
  // Global: accepted before or after the subcommand.
  app.fallthrough();
  std::uint64_t max_input_mib = core::kDefaultInputLimit_bytes >> 20;
  app.add_option("--max-input-mib", max_input_mib,
                 "Largest input file read (scenario, GeoJSON, detections, WTA instance, run "
                 "files), MiB")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
  std::vector<Command> commands;
  for (const auto add : kCommands) commands.push_back(add(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  core::set_input_limit_bytes(max_input_mib << 20);
  // require_subcommand(1): exactly one has parsed.
  for (const Command& command : commands)
    if (command.app->parsed()) return command.run();
  return kExitInternal;
}

}  // namespace
}  // namespace canopy

int main(int argc, char** argv) {
  canopy::Ranks::init(argc, argv);
  try {
    return canopy::main_impl(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "canopy: internal error: {}\n", e.what());
    return canopy::kExitInternal;
  }
}
