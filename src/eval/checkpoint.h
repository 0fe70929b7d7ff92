// A Monte Carlo's checkpoint (docs/montecarlo.md): DIR/.checkpoint holds a
// manifest (the design's fingerprint) and one append-only CSV per rank,
// with a line per completed run (its runs.csv row and its wall time), each
// written and synced to the disk before the run after it is reported, so
// that a kill loses at most the runs in progress and `--resume` runs only
// the rest.
//
//   eval::Checkpoint cp(dir);
//   if (auto ok = cp.start(fingerprint); !ok) ...
//   auto done = cp.done(/*resume=*/true, metrics);     // run -> record
//   auto out = eval::CheckpointWriter::open(cp, rank);
//   ... out->append(record, seed) after each run ...
//   cp.remove();                                       // once runs.csv is whole
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "canopy/core/error.h"
#include "canopy/eval/metrics.h"
#include "canopy/eval/montecarlo.h"

namespace canopy::eval {

// A checkpoint line: the runs.csv row, then the run's wall time.
std::string checkpoint_line(const RunRecord& r, std::uint64_t seed);
// A checkpoint line back; nullopt for a header or a line torn by a kill.
std::optional<RunRecord> parse_checkpoint_line(std::string_view line, const MetricSet& metrics);

class Checkpoint {
 public:
  explicit Checkpoint(const std::filesystem::path& dir) : path_(dir / ".checkpoint") {}

  const std::filesystem::path& path() const { return path_; }
  // The fingerprint stored by the attempt that started it; nullopt if none.
  std::optional<std::string> manifest() const;
  // Creates the directory and the manifest, unless a manifest is there.
  core::Result<void> start(std::string_view fingerprint) const;
  // Completed runs kept by earlier attempts: runs.csv of a finished set
  // in `dir` (when resuming) and every rank's file. Torn lines are skipped;
  // the first record of a run wins.
  std::map<int, RunRecord> done(bool resume, const MetricSet& metrics) const;
  // Removes the checkpoint (best effort).
  void remove() const;

 private:
  std::filesystem::path path_;
};

// One rank's checkpoint file, open for appending.
class CheckpointWriter {
 public:
  static core::Result<CheckpointWriter> open(const Checkpoint& checkpoint, int rank);
  CheckpointWriter(CheckpointWriter&& other) noexcept;
  CheckpointWriter& operator=(CheckpointWriter&&) = delete;
  CheckpointWriter(const CheckpointWriter&) = delete;
  ~CheckpointWriter();

  // Appends the run's line in one write and syncs it to the disk.
  core::Result<void> append(const RunRecord& r, std::uint64_t seed);
  const std::filesystem::path& path() const { return path_; }

 private:
  CheckpointWriter() = default;
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace canopy::eval
