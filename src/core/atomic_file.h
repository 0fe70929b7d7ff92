// Outputs that appear whole or not at all.
//
// AtomicFile: one file, written to a temporary name in the same directory,
// renamed over the target on commit(), removed if never committed (an
// error, an exception, an early return).
//
//   auto f = core::AtomicFile::open("out/events.jsonl");
//   if (!f) return f.error();
//   f->stream() << line;
//   if (auto ok = f->commit(); !ok) return ok.error();
//
// commit_all(): several files, all flushed and checked before the first is
// renamed, so that a full disk leaves none of them in place.
//
// StagedDir: a whole output directory (a run's files and its report),
// written into `.NAME.stage.PID` beside the target and moved into place at
// once by commit(); a failure leaves the target as it was.
//
//   auto dir = core::StagedDir::open("out/run1", io::kRunDirectoryFiles);
//   write files into dir->path() ...
//   if (auto ok = dir->commit(); !ok) return ok.error();
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canopy/core/error.h"

namespace canopy::core {

class AtomicFile {
 public:
  // Also removes this target's temporaries left by processes that died.
  static Result<AtomicFile> open(const std::filesystem::path& target);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  std::ostream& stream() { return *out_; }
  // False once a write has failed; the first failure's reason (errno) is
  // kept for the error that finish() or commit() returns.
  bool good();
  // Flushes and closes the temporary; an error names the target and the
  // system's reason (e.g. "No space left on device").
  Result<void> finish();
  // finish(), then renames the temporary over the target.
  Result<void> commit();
  const std::filesystem::path& target() const { return target_; }

 private:
  AtomicFile() = default;
  Result<void> rename_into_place();
  friend Result<void> commit_all(std::span<AtomicFile> files);

  std::filesystem::path target_, temp_;
  std::unique_ptr<std::ofstream> out_;
  std::string error_;  // the first write failure's reason
  bool finished_ = false, committed_ = false;
};

// Finishes every file, then renames them all; nothing is renamed unless
// every file was written whole.
Result<void> commit_all(std::span<AtomicFile> files);

// Creates a directory (and parents) for output, or explains why not.
Result<void> ensure_directory(const std::filesystem::path& dir);

// Writes a whole file atomically (an AtomicFile holding `text`, committed).
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view text);

class StagedDir {
 public:
  // Refuses a target that is not a directory, or holds anything but the
  // `allowed` names (and temporaries of them): it is replaced whole, so
  // files there would be lost. Removes staging directories left beside it
  // by processes that died, then creates this one's.
  static Result<StagedDir> open(const std::filesystem::path& target,
                                std::span<const std::string_view> allowed);

  StagedDir(StagedDir&& other) noexcept;
  StagedDir& operator=(StagedDir&&) = delete;
  StagedDir(const StagedDir&) = delete;
  ~StagedDir();  // removes the staging directory unless committed

  const std::filesystem::path& path() const { return stage_; }
  const std::filesystem::path& target() const { return target_; }
  // Moves the staging directory over the target (an older directory there
  // is moved aside first and removed after).
  Result<void> commit();

 private:
  StagedDir() = default;
  std::filesystem::path target_, stage_;
  bool committed_ = true;
};

}  // namespace canopy::core
