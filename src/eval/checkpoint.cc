#include "canopy/eval/checkpoint.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "canopy/core/atomic_file.h"

namespace canopy::eval {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each whole line of a file (a last line without its newline was torn).
template <class F>
void for_each_line(const fs::path& file, F&& f) {
  const std::string text = read_text(file);
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    f(std::string_view(text.data() + start, nl - start));
}

}  // namespace

std::string checkpoint_line(const RunRecord& r, std::uint64_t seed) {
  return fmt::format("{},{}\n", runs_csv_row(r, seed), r.wall_s);
}

std::optional<RunRecord> parse_checkpoint_line(std::string_view line, const MetricSet& metrics) {
  auto r = parse_runs_csv_row(line, metrics);
  if (!r) return std::nullopt;
  const size_t comma = line.rfind(',');
  r->wall_s = std::strtod(std::string(line.substr(comma + 1)).c_str(), nullptr);
  return std::move(*r);
}

std::optional<std::string> Checkpoint::manifest() const {
  std::error_code ec;
  if (!fs::exists(path_ / "manifest", ec)) return std::nullopt;
  std::string stored = read_text(path_ / "manifest");
  if (!stored.empty() && stored.back() == '\n') stored.pop_back();
  return stored;
}

core::Result<void> Checkpoint::start(std::string_view fingerprint) const {
  std::error_code ec;
  if (fs::exists(path_ / "manifest", ec)) return {};
  fs::create_directories(path_, ec);
  if (ec) return core::fail(fmt::format("cannot create {}: {}", path_.string(), ec.message()));
  return core::write_file_atomically(path_ / "manifest", std::string(fingerprint) + "\n");
}

std::map<int, RunRecord> Checkpoint::done(bool resume, const MetricSet& metrics) const {
  std::map<int, RunRecord> out;
  std::error_code ec;
  const fs::path runs_csv = path_.parent_path() / "runs.csv";
  if (resume && fs::exists(runs_csv, ec))
    for_each_line(runs_csv, [&](std::string_view line) {
      if (auto r = parse_runs_csv_row(line, metrics)) out.try_emplace(r->run, std::move(*r));
    });
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(path_, ec))
    if (e.path().extension() == ".csv") files.push_back(e.path());
  std::ranges::sort(files);
  for (const auto& f : files)
    for_each_line(f, [&](std::string_view line) {
      if (auto r = parse_checkpoint_line(line, metrics)) out.try_emplace(r->run, std::move(*r));
    });
  return out;
}

void Checkpoint::remove() const {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

core::Result<CheckpointWriter> CheckpointWriter::open(const Checkpoint& checkpoint, int rank) {
  CheckpointWriter w;
  w.path_ = checkpoint.path() / fmt::format("rank-{}.csv", rank);
  w.fd_ = ::open(w.path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (w.fd_ < 0) return core::fail(fmt::format("cannot write {}", w.path_.string()));
  return w;
}

CheckpointWriter::CheckpointWriter(CheckpointWriter&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

CheckpointWriter::~CheckpointWriter() {
  if (fd_ >= 0) ::close(fd_);
}

core::Result<void> CheckpointWriter::append(const RunRecord& r, std::uint64_t seed) {
  const std::string line = checkpoint_line(r, seed);
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fdatasync(fd_) != 0)
    return core::fail(fmt::format("cannot write {}", path_.string()));
  return {};
}

}  // namespace canopy::eval
