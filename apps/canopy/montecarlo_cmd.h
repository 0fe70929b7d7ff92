// canopy montecarlo / sweep / compare (docs/montecarlo.md).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "canopy/scenario/source.h"

namespace canopy {

struct MonteCarloCmdOptions {
  int runs = 100;
  int threads = 0;  // 0: the machine's cores
  std::string out_dir;
  bool resume = false;
  // Overwrite a directory holding another finished or unfinished result
  // (without it: exit 2, nothing changed).
  bool force = false;
  bool quiet = false;
  bool report = false;  // also write report.html
  // sweep only: vary each key alone around the base scenario (the base
  // first, then each key's values with the others as in the base) instead of
  // every combination.
  bool one_at_a_time = false;
  // The command line stops at SIGINT/SIGTERM; a caller that handles its
  // own interrupts (the Python module) passes false and its own flag:
  // once *cancel turns true the runs stop as at a signal.
  bool catch_signals = true;
  const std::atomic<bool>* cancel = nullptr;
};

int cmd_montecarlo(const std::string& scenario_path, const MonteCarloCmdOptions& options);

// sets: "KEY=[V1, V2, ...]", each value list YAML.
int cmd_sweep(const std::string& scenario_path, const std::vector<std::string>& sets,
              const MonteCarloCmdOptions& options);

int cmd_compare(const std::vector<std::string>& scenario_paths,
                const MonteCarloCmdOptions& options);

// The same on scenario texts already read (`canopy.montecarlo` and friends
// in Python). compare names each design by the stem of its source name.
int montecarlo_source(scenario::Source source, const MonteCarloCmdOptions& options);
int sweep_source(const scenario::Source& base, const std::vector<std::string>& sets,
                 const MonteCarloCmdOptions& options);
int compare_sources(std::vector<scenario::Source> sources, const MonteCarloCmdOptions& options);

}  // namespace canopy
