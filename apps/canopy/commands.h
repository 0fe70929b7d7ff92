// The subcommands of the `canopy` command line (docs/cli.md). Each
// `*_cmd.cc` registers its own: `add_<name>_command` adds the subcommand
// and its flags to `parent` and returns a `Command` whose `run` runs it
// with the parsed values (held by the `run` function itself). main.cc
// lists the add functions in help order.
//
//   CLI::App app{"canopy"};
//   const Command run = add_run_command(app);
//   app.parse(argc, argv);
//   if (run.app->parsed()) return run.run();
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace canopy {

// A subcommand added to the command line: when `app->parsed()`, `run()`
// runs it and returns the process exit code.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_run_command(CLI::App& parent);          // run_cmd.cc
Command add_track_command(CLI::App& parent);        // track_cmd.cc
Command add_validate_command(CLI::App& parent);     // validate_cmd.cc
Command add_range_table_command(CLI::App& parent);  // range_table_cmd.cc
Command add_wta_command(CLI::App& parent);          // wta_cmd.cc
Command add_montecarlo_command(CLI::App& parent);   // montecarlo_cmd.cc
Command add_sweep_command(CLI::App& parent);        // sweep_cmd.cc
Command add_compare_command(CLI::App& parent);      // compare_cmd.cc
Command add_report_command(CLI::App& parent);       // report_cmd.cc
Command add_generate_command(CLI::App& parent);     // generate_cmd.cc

}  // namespace canopy
