// Reading an input file whole, bounded: only regular files (or symlinks to
// them), at most input_limit_bytes() (64 MiB unless raised: the canopy
// command's --max-input-mib). Devices, FIFOs, sockets and directories are
// refused without blocking or reading; so is a file that grows past the
// limit while it is read.
//
//   auto text = core::read_input_file("scenario.yaml");
//   if (!text) fmt::print("cannot read scenario: {}\n", text.error().message);
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "canopy/core/error.h"

namespace canopy::core {

inline constexpr std::uint64_t kDefaultInputLimit_bytes = 64ull << 20;

// The process-wide cap on one input file (scenario, sensors, threats,
// GeoJSON, detections, WTA instance, run files read back).
std::uint64_t input_limit_bytes();
void set_input_limit_bytes(std::uint64_t bytes);

// The file's bytes, or why not: "no such file", "it is a directory", "it is
// a FIFO (named pipe), not a regular file", "symlink loop", "it is 80.0 MiB;
// the limit is 64 MiB (raise it with --max-input-mib)", or the system's
// reason. The message does not repeat the path.
Result<std::string> read_input_file(const std::filesystem::path& path);

}  // namespace canopy::core
