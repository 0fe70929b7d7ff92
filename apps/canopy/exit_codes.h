// The process exit codes of every canopy command (docs/cli.md, "Exit codes").
#pragma once

namespace canopy {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRunFailed = 1;      // an output could not be written
inline constexpr int kExitBadInput = 2;       // a flag, file or scenario is wrong
inline constexpr int kExitInternal = 3;       // a bug
inline constexpr int kExitInterrupted = 130;  // SIGINT or SIGTERM; --resume continues

}  // namespace canopy
