// `canopy generate`: a random but valid scenario from a seed (docs/cli.md;
// the generator is scenario/generate.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "canopy/core/atomic_file.h"
#include "canopy/scenario/generate.h"
#include "canopy/scenario/source.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"

namespace canopy {
namespace {

struct GenerateCmdOptions {
  std::string seed;      // a whole number 0 to 2^64 - 1
  std::string out_path;  // empty: stdout
  std::string rockets = "20-80";
  double max_duration_s = 400;
  bool no_batteries = false;
  bool no_wind = false;
};

// A whole number in [1, 100000], the whole text.
std::optional<int> rocket_count(std::string_view s) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 1 || v > 100000) {
    return std::nullopt;
  }
  return v;
}

int run_generate(const GenerateCmdOptions& o) {
  // --seed: 0 to 2^64 - 1 (CLI11 would wrap "-1" and saturate overflow).
  std::uint64_t seed = 0;
  const auto [end, ec] = std::from_chars(o.seed.data(), o.seed.data() + o.seed.size(), seed);
  if (o.seed.empty() || ec != std::errc() || end != o.seed.data() + o.seed.size()) {
    fmt::print(stderr,
               "canopy generate: --seed must be a whole number from 0 to 18446744073709551615 "
               "(got '{}')\n",
               o.seed);
    return kExitBadInput;
  }
  // --rockets MIN-MAX, or N for exactly N.
  scenario::GenerateOptions options;
  const std::string_view r = o.rockets;
  const size_t dash = r.find('-');
  const auto lo = rocket_count(r.substr(0, dash));
  const auto hi = dash == std::string_view::npos ? lo : rocket_count(r.substr(dash + 1));
  if (!lo || !hi || *lo > *hi) {
    fmt::print(stderr,
               "canopy generate: --rockets must be MIN-MAX or N, whole numbers with 1 <= MIN <= "
               "MAX <= 100000 (got '{}')\n",
               o.rockets);
    return kExitBadInput;
  }
  if (!(o.max_duration_s >= 300 && o.max_duration_s <= 86400)) {
    print_error(
        fmt::format("canopy generate: --max-duration-s must be between 300 and 86400 (got {})",
                    o.max_duration_s));
    return kExitBadInput;
  }
  options.min_rockets = *lo;
  options.max_rockets = *hi;
  options.max_duration_s = o.max_duration_s;
  options.batteries = !o.no_batteries;
  options.wind = !o.no_wind;
  if (const auto problem = options.problem()) {
    print_error(fmt::format("canopy generate: {}", *problem));
    return kExitBadInput;
  }

  // Generate, and check it as `canopy run` will: an invalid text is a bug.
  const std::string yaml = scenario::generate_yaml(seed, options);
  const std::string name = o.out_path.empty() ? fmt::format("<generated {}>", seed) : o.out_path;
  const auto sc = scenario::load(scenario::Source{yaml, name, "."});
  if (!sc) {
    for (const auto& d : sc.error()) print_error(fmt::format("{}", d.to_string()));
    print_error(fmt::format(
        "canopy generate: seed {} gave an invalid scenario (a bug: please report it)", seed));
    return kExitInternal;
  }
  if (o.out_path.empty()) {
    std::cout << yaml << std::flush;
    return kExitOk;
  }
  if (auto ok = core::write_file_atomically(o.out_path, yaml); !ok) {
    print_error(fmt::format("canopy generate: {}", ok.error().message));
    return kExitRunFailed;
  }
  fmt::print(
      "canopy generate: seed {}: {} defended areas, {} alert zones, {} rocket types, {} raids, {} "
      "rockets, {} radars, {} batteries, {:g} s\n  wrote {}\n",
      seed, sc->defended_areas.size(), sc->alert_zones.size(), sc->rocket_types.size(),
      sc->raids.size(), sc->total_rockets(), sc->sensors.size(), sc->batteries.size(),
      sc->run.duration_s, o.out_path);
  return kExitOk;
}

}  // namespace

Command add_generate_command(CLI::App& parent) {
  auto o = std::make_shared<GenerateCmdOptions>();
  CLI::App* cmd =
      parent.add_subcommand("generate", "A random but valid scenario from a seed (YAML)");
  cmd->add_option("--seed", o->seed, "Seed: the same seed gives the same scenario, byte for byte")
      ->type_name("N")
      ->required();
  cmd->add_option("--out", o->out_path, "Write the scenario to this file (default: stdout)")
      ->type_name("FILE");
  cmd->add_option("--rockets", o->rockets, "Rockets over all raids: MIN-MAX, or N")
      ->type_name("MIN-MAX")
      ->capture_default_str();
  cmd->add_option("--max-duration-s", o->max_duration_s,
                  "Longest run: raids are timed so that every rocket lands before it")
      ->type_name("S")
      ->capture_default_str();
  cmd->add_flag("--no-batteries", o->no_batteries, "No batteries: the defense does not fire");
  cmd->add_flag("--no-wind", o->no_wind, "Calm air");
  return {cmd, [o] { return run_generate(*o); }};
}

}  // namespace canopy
