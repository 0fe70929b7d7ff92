#include "canopy/io/atomic_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace canopy::io {

namespace fs = std::filesystem;

core::Result<AtomicFile> AtomicFile::open(const fs::path& target) {
  AtomicFile f;
  f.target_ = target;
  f.temp_ = target.parent_path() /
            fmt::format(".{}.tmp.{}", target.filename().string(), static_cast<long>(::getpid()));
  f.out_ = std::make_unique<std::ofstream>(f.temp_, std::ios::binary | std::ios::trunc);
  if (!*f.out_) {
    return core::fail_output(
        fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
  }
  return f;
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : target_(std::move(o.target_)),
      temp_(std::move(o.temp_)),
      out_(std::move(o.out_)),
      committed_(o.committed_) {
  o.committed_ = true;  // the moved-from object owns nothing to clean up
}

AtomicFile::~AtomicFile() {
  if (committed_ || !out_) return;
  out_->close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

core::Result<void> AtomicFile::commit() {
  out_->flush();
  const bool ok = static_cast<bool>(*out_);
  out_->close();
  std::error_code ec;
  if (!ok) {
    fs::remove(temp_, ec);
    committed_ = true;
    return core::fail_output(fmt::format("error writing {}", target_.string()));
  }
  fs::rename(temp_, target_, ec);
  committed_ = true;
  if (ec) {
    fs::remove(temp_, ec);
    return core::fail_output(fmt::format("cannot create {}: {}", target_.string(), ec.message()));
  }
  return {};
}

core::Result<void> ensure_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return {};
  if (fs::exists(dir, ec))
    return core::fail_output(fmt::format("{} exists and is not a directory", dir.string()));
  fs::create_directories(dir, ec);
  if (ec)
    return core::fail_output(
        fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  return {};
}

}  // namespace canopy::io
