// canopy montecarlo / sweep / compare (docs/montecarlo.md).
#pragma once

#include <string>
#include <vector>

namespace canopy {

struct MonteCarloCmdOptions {
  int runs = 100;
  int threads = 0;  // 0: the machine's cores
  std::string out_dir;
  bool resume = false;
  bool quiet = false;
  bool report = false;  // also write report.html
};

int cmd_montecarlo(const std::string& scenario_path, const MonteCarloCmdOptions& options);

// sets: "KEY=[V1, V2, ...]", each value list YAML.
int cmd_sweep(const std::string& scenario_path, const std::vector<std::string>& sets,
              const MonteCarloCmdOptions& options);

int cmd_compare(const std::vector<std::string>& scenario_paths,
                const MonteCarloCmdOptions& options);

}  // namespace canopy
