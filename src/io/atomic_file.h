// A file that appears whole or not at all: written to a temporary name in
// the same directory, renamed over the target on commit(), removed if never
// committed (an error, an exception, an early return).
//
//   auto f = io::AtomicFile::open("out/events.jsonl");
//   if (!f) return f.error();
//   f->stream() << line;
//   if (auto ok = f->commit(); !ok) return ok.error();
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>

#include "canopy/core/error.h"

namespace canopy::io {

class AtomicFile {
 public:
  static core::Result<AtomicFile> open(const std::filesystem::path& target);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  std::ostream& stream() { return *out_; }
  // Flushes, closes and renames the temporary file over the target.
  core::Result<void> commit();
  const std::filesystem::path& target() const { return target_; }

 private:
  AtomicFile() = default;
  std::filesystem::path target_, temp_;
  std::unique_ptr<std::ofstream> out_;
  bool committed_ = false;
};

// Creates a directory (and parents) for output, or explains why not.
core::Result<void> ensure_directory(const std::filesystem::path& dir);

}  // namespace canopy::io
