#include "canopy/core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

namespace canopy::core {

namespace fs = std::filesystem;

namespace {

// The pid of a name "PREFIX<pid>", if it has that form.
std::optional<long> pid_after(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return std::nullopt;
  long pid = 0;
  const std::string_view digits = name.substr(prefix.size());
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0) return std::nullopt;
  return pid;
}

bool alive(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

// Removes the entries of `dir` named PREFIX<pid> whose process is gone.
void remove_stale(const fs::path& dir, std::string_view prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto pid = pid_after(name, prefix);
    if (pid && *pid != ::getpid() && !alive(*pid)) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
}

std::string temp_prefix(const fs::path& target) {
  return fmt::format(".{}.tmp.", target.filename().string());
}

}  // namespace

Result<AtomicFile> AtomicFile::open(const fs::path& target) {
  AtomicFile f;
  f.target_ = target;
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  remove_stale(dir, temp_prefix(target));
  f.temp_ = target.parent_path() /
            fmt::format("{}{}", temp_prefix(target), static_cast<long>(::getpid()));
  f.out_ = std::make_unique<std::ofstream>(f.temp_, std::ios::binary | std::ios::trunc);
  if (!*f.out_) {
    f.committed_ = true;  // nothing to remove
    return fail_output(fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
  }
  return f;
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : target_(std::move(o.target_)),
      temp_(std::move(o.temp_)),
      out_(std::move(o.out_)),
      error_(std::move(o.error_)),
      finished_(o.finished_),
      committed_(o.committed_) {
  o.committed_ = true;  // the moved-from object owns nothing to clean up
}

AtomicFile::~AtomicFile() {
  if (committed_ || !out_) return;
  out_->close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

bool AtomicFile::good() {
  if (error_.empty() && out_ && !*out_) error_ = std::strerror(errno != 0 ? errno : EIO);
  return error_.empty();
}

Result<void> AtomicFile::finish() {
  if (!finished_) {
    finished_ = true;
    errno = 0;
    out_->flush();
    good();
    out_->close();
    good();
  }
  if (error_.empty()) return {};
  std::error_code ec;
  fs::remove(temp_, ec);
  committed_ = true;
  return fail_output(fmt::format("error writing {}: {}", target_.string(), error_));
}

Result<void> AtomicFile::rename_into_place() {
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  committed_ = true;
  if (ec) {
    fs::remove(temp_, ec);
    return fail_output(fmt::format("cannot create {}: {}", target_.string(), ec.message()));
  }
  return {};
}

Result<void> AtomicFile::commit() {
  if (auto ok = finish(); !ok) return ok;
  return rename_into_place();
}

Result<void> commit_all(std::span<AtomicFile> files) {
  for (AtomicFile& f : files) {
    if (auto ok = f.finish(); !ok) return ok;
  }
  for (AtomicFile& f : files) {
    if (auto ok = f.rename_into_place(); !ok) return ok;
  }
  return {};
}

Result<void> ensure_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return {};
  if (fs::exists(dir, ec))
    return fail_output(fmt::format("{} exists and is not a directory", dir.string()));
  fs::create_directories(dir, ec);
  if (ec)
    return fail_output(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  return {};
}

Result<void> write_file_atomically(const fs::path& path, std::string_view text) {
  auto f = AtomicFile::open(path);
  if (!f) return std::unexpected(f.error());
  f->stream() << text;
  return f->commit();
}

// ---------------------------------------------------------------------------

Result<StagedDir> StagedDir::open(const fs::path& target,
                                  std::span<const std::string_view> allowed) {
  std::error_code ec;
  fs::path t = fs::absolute(target, ec).lexically_normal();
  if (ec) return fail_output(fmt::format("{}: {}", target.string(), ec.message()));
  if (t.filename().empty()) t = t.parent_path();  // "out/" and "."
  if (fs::is_symlink(t, ec)) t = fs::weakly_canonical(t, ec);
  if (t == t.root_path() || t.filename().empty())
    return fail_output(fmt::format("{}: not a directory a run can replace", target.string()));
  if (fs::exists(t, ec)) {
    if (!fs::is_directory(t, ec))
      return fail_output(fmt::format("{} exists and is not a directory", target.string()));
    for (fs::directory_iterator it(t, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const bool known = std::any_of(allowed.begin(), allowed.end(), [&](std::string_view a) {
        return name == a || pid_after(name, fmt::format(".{}.tmp.", a));
      });
      if (!known)
        return fail_output(fmt::format(
            "{} holds '{}', which canopy does not write there; an output directory is replaced "
            "whole, so give a new or empty directory, or remove it",
            target.string(), name));
    }
    if (ec) return fail_output(fmt::format("cannot list {}: {}", target.string(), ec.message()));
  }
  const fs::path parent = t.parent_path();
  if (auto ok = ensure_directory(parent); !ok) return std::unexpected(ok.error());
  const std::string name = t.filename().string();
  remove_stale(parent, fmt::format(".{}.stage.", name));
  remove_stale(parent, fmt::format(".{}.old.", name));
  StagedDir d;
  d.target_ = t;
  d.stage_ = parent / fmt::format(".{}.stage.{}", name, static_cast<long>(::getpid()));
  fs::remove_all(d.stage_, ec);
  if (!fs::create_directory(d.stage_, ec) || ec)
    return fail_output(fmt::format("cannot create {}: {}", d.stage_.string(),
                                   ec ? ec.message() : std::string("it exists")));
  d.committed_ = false;
  return d;
}

StagedDir::StagedDir(StagedDir&& o) noexcept
    : target_(std::move(o.target_)), stage_(std::move(o.stage_)), committed_(o.committed_) {
  o.committed_ = true;
}

StagedDir::~StagedDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(stage_, ec);
}

Result<void> StagedDir::commit() {
  std::error_code ec;
  committed_ = true;
  auto failed = [&](const std::string& why) {
    std::error_code rm;
    fs::remove_all(stage_, rm);
    return fail_output(fmt::format("cannot move the new {} into place: {}", target_.string(), why));
  };
  if (!fs::exists(target_, ec)) {
    fs::rename(stage_, target_, ec);
    if (ec) return failed(ec.message());
    return {};
  }
  // Swap the two directories in one step where the file system can, else
  // move the old one aside first; then remove the old one.
  if (::renameat2(AT_FDCWD, stage_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(stage_, ec);
    return {};
  }
  const fs::path old =
      target_.parent_path() /
      fmt::format(".{}.old.{}", target_.filename().string(), static_cast<long>(::getpid()));
  fs::rename(target_, old, ec);
  if (ec) return failed(ec.message());
  fs::rename(stage_, target_, ec);
  if (ec) {
    std::error_code back;
    fs::rename(old, target_, back);
    return failed(ec.message());
  }
  fs::remove_all(old, ec);
  return {};
}

}  // namespace canopy::core
