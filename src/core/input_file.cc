#include "canopy/core/input_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace canopy::core {
namespace {

std::atomic<std::uint64_t> g_limit_bytes{kDefaultInputLimit_bytes};

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

std::string limit_text() {
  return fmt::format("the limit is {} (raise it with --max-input-mib)", mib(input_limit_bytes()));
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

std::string reason(int err) {
  switch (err) {
    case ENOENT:
      return "no such file";
    case ELOOP:
      return "symlink loop (too many levels of symbolic links)";
    case ENOTDIR:
      return "a part of the path is not a directory";
    default:
      return std::strerror(err);
  }
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::uint64_t input_limit_bytes() { return g_limit_bytes.load(std::memory_order_relaxed); }

void set_input_limit_bytes(std::uint64_t bytes) {
  g_limit_bytes.store(bytes, std::memory_order_relaxed);
}

Result<std::string> read_input_file(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO with no writer must not wait; the type is
  // checked on the open descriptor, so a swap after a stat cannot fool it.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) return fail(reason(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return fail(reason(errno));
  if (!S_ISREG(st.st_mode)) return fail(kind_of(st.st_mode));
  const std::uint64_t limit = input_limit_bytes();
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > limit) return fail(fmt::format("it is {}; {}", mib(size), limit_text()));
  std::string text;
  text.resize(static_cast<std::size_t>(size));
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (text.size() > limit) return fail(fmt::format("it grew past {}", limit_text()));
      text.resize(text.size() + std::max<std::size_t>(4096, text.size() / 2));
    }
    const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("read error: {}", std::strerror(errno)));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  if (got > limit) return fail(fmt::format("it grew past {}", limit_text()));
  return text;
}

}  // namespace canopy::core
