#include "canopy/eval/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace canopy::eval {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("canopy-checkpoint-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

RunRecord record(const MetricSet& set, int run, double value, double wall_s) {
  return {run, std::vector<double>(set.size(), value), wall_s};
}

TEST(Checkpoint, StartKeepsTheFirstManifest) {
  const Checkpoint cp(fresh_dir("manifest"));
  EXPECT_FALSE(cp.manifest().has_value());
  ASSERT_TRUE(cp.start("abc-1"));
  ASSERT_TRUE(cp.start("other"));  // resuming: the stored one stays
  EXPECT_EQ(cp.manifest(), "abc-1");
  cp.remove();
  EXPECT_FALSE(fs::exists(cp.path()));
}

TEST(Checkpoint, AppendedRunsReadBackWithTheirWallTimes) {
  const MetricSet set({"Town"}, {});
  const Checkpoint cp(fresh_dir("append"));
  ASSERT_TRUE(cp.start("x"));
  {
    auto w = CheckpointWriter::open(cp, 0);
    ASSERT_TRUE(w.has_value()) << w.error().message;
    ASSERT_TRUE(w->append(record(set, 3, 0.25, 1.5), 7));
    ASSERT_TRUE(w->append(record(set, 1, 2, 0.75), 7));
  }
  const auto done = cp.done(false, set);
  ASSERT_EQ(done.size(), 2U);
  EXPECT_EQ(done.at(3).values, std::vector<double>(set.size(), 0.25));
  EXPECT_EQ(done.at(3).wall_s, 1.5);
  EXPECT_EQ(done.at(1).wall_s, 0.75);
}

TEST(Checkpoint, ATornLastLineIsSkippedAndTheFirstRecordOfARunWins) {
  const MetricSet set({}, {});
  const fs::path dir = fresh_dir("torn");
  const Checkpoint cp(dir);
  ASSERT_TRUE(cp.start("x"));
  std::ofstream(cp.path() / "rank-0.csv")
      << checkpoint_line(record(set, 0, 1, 1), 7) << checkpoint_line(record(set, 2, 5, 1), 7)
      << checkpoint_line(record(set, 1, 9, 1), 7).substr(0, 6);  // killed mid-write
  std::ofstream(cp.path() / "rank-1.csv") << checkpoint_line(record(set, 0, 4, 1), 7);
  const auto done = cp.done(false, set);
  ASSERT_EQ(done.size(), 2U);
  EXPECT_EQ(done.at(0).values[0], 1);  // rank-0.csv sorts first
  EXPECT_EQ(done.at(2).values[0], 5);
}

TEST(Checkpoint, ResumingAlsoReadsAFinishedSetsRunsCsv) {
  const MetricSet set({}, {});
  const fs::path dir = fresh_dir("resume");
  std::ofstream(dir / "runs.csv") << "run,seed,header\n"
                                  << runs_csv_row(record(set, 0, 1, 0), 7) << "\n";
  const Checkpoint cp(dir);
  ASSERT_TRUE(cp.start("x"));
  EXPECT_EQ(cp.done(false, set).size(), 0U);
  EXPECT_EQ(cp.done(true, set).size(), 1U);
}

TEST(Checkpoint, AnUnwritableDirectoryIsAnErrorNamingIt) {
  const fs::path dir = fresh_dir("unwritable");
  std::ofstream(dir / ".checkpoint") << "a file where the directory goes";
  const Checkpoint cp(dir);
  auto ok = cp.start("x");
  ASSERT_FALSE(ok.has_value());
  EXPECT_NE(ok.error().message.find(".checkpoint"), std::string::npos) << ok.error().message;
  auto w = CheckpointWriter::open(cp, 0);
  ASSERT_FALSE(w.has_value());
  EXPECT_NE(w.error().message.find("rank-0.csv"), std::string::npos) << w.error().message;
}

}  // namespace
}  // namespace canopy::eval
