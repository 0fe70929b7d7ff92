#include "canopy/core/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace canopy::core {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("canopy_io_" + name + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, CommitPutsTheWholeFileInPlace) {
  const fs::path dir = fresh_dir("commit");
  auto f = AtomicFile::open(dir / "a.txt");
  ASSERT_TRUE(f);
  f->stream() << "hello\n";
  EXPECT_FALSE(fs::exists(dir / "a.txt"));  // not visible before commit
  ASSERT_TRUE(f->commit());
  EXPECT_EQ(slurp(dir / "a.txt"), "hello\n");
  EXPECT_EQ(entries(dir), 1u);
  fs::remove_all(dir);
}

TEST(AtomicFile, AbandonedFileLeavesNothingBehind) {
  const fs::path dir = fresh_dir("abandon");
  {
    auto f = AtomicFile::open(dir / "a.txt");
    ASSERT_TRUE(f);
    f->stream() << "partial";
  }
  EXPECT_EQ(entries(dir), 0u);
  fs::remove_all(dir);
}

TEST(AtomicFile, CommitReplacesAnOldFileWhole) {
  const fs::path dir = fresh_dir("replace");
  std::ofstream(dir / "a.txt") << "old contents";
  auto f = AtomicFile::open(dir / "a.txt");
  ASSERT_TRUE(f);
  f->stream() << "new";
  EXPECT_EQ(slurp(dir / "a.txt"), "old contents");
  ASSERT_TRUE(f->commit());
  EXPECT_EQ(slurp(dir / "a.txt"), "new");
  fs::remove_all(dir);
}

TEST(AtomicFile, UnwritableDirectoryIsAnErrorNotACrash) {
  auto f = AtomicFile::open("/proc/canopy-no-such-dir/a.txt");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("cannot write"), std::string::npos);
}

TEST(AtomicFile, EnsureDirectoryRefusesAFile) {
  const fs::path dir = fresh_dir("ensure");
  std::ofstream(dir / "file") << "x";
  EXPECT_FALSE(ensure_directory(dir / "file"));
  EXPECT_TRUE(ensure_directory(dir / "new" / "nested"));
  EXPECT_TRUE(fs::is_directory(dir / "new" / "nested"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace canopy::core
