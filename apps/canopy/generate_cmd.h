// `canopy generate --seed N [--out FILE.yaml] [--rockets MIN-MAX] [--max-duration-s S]
// [--no-batteries] [--no-wind]`: a random but valid scenario from a seed
// (docs/cli.md; the generator is scenario/generate.h).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace canopy {

// The `generate` subcommand, added to the command line by
// add_generate_command: when `app->parsed()`, `run()` runs it and returns
// the process exit code.
struct GenerateCommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

GenerateCommand add_generate_command(CLI::App& app);

}  // namespace canopy
