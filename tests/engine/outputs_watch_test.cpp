// OutputsWatch on a real folder: files created or moved in are seen, others are not, each name
// answers once, and without a watch every name may exist.
#include "engine/outputs_watch.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/run_process.hpp"

namespace baton::engine {
namespace {

using baton::testing::TempDir;

TEST(OutputsWatch, SeesFilesCreatedAfterItBeganAndNoOthers) {
  TempDir dir;
  std::ofstream(dir.path() / "before.1") << "k=v\n";
  OutputsWatch watch(dir.path());
  std::ofstream(dir.path() / "task.1") << "k=v\n";
  EXPECT_TRUE(watch.may_exist("task.1"));
  EXPECT_FALSE(watch.may_exist("task.1")) << "each name answers once";
  EXPECT_FALSE(watch.may_exist("other.1"));
  EXPECT_FALSE(watch.may_exist("before.1")) << "made before the watch: not this run's";
}

TEST(OutputsWatch, SeesAFileMovedIntoTheFolderAndOneWrittenByAnotherProcess) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "outputs");
  OutputsWatch watch(dir.path() / "outputs");
  std::ofstream(dir.path() / "elsewhere") << "k=v\n";
  std::filesystem::rename(dir.path() / "elsewhere", dir.path() / "outputs" / "moved.1");
  auto target = (dir.path() / "outputs" / "shell.2").string();
  ASSERT_EQ(
      baton::testing::run_process({"/bin/sh", "-c", "echo k=v >> '" + target + "'"}).exit_code, 0);
  EXPECT_TRUE(watch.may_exist("moved.1"));
  EXPECT_TRUE(watch.may_exist("shell.2")) << "the event is queued before the writer exits";
}

// The queue is read once per batch of exits: a file made after that read waits for the next.
TEST(OutputsWatch, LooksAgainOnlyAfterMoreAttemptsExited) {
  TempDir dir;
  OutputsWatch watch(dir.path());
  std::ofstream(dir.path() / "first.1") << "k=v\n";
  EXPECT_TRUE(watch.may_exist("first.1"));
  std::ofstream(dir.path() / "second.1") << "k=v\n";
  EXPECT_FALSE(watch.may_exist("second.1")) << "not looked for since the last exits";
  std::ofstream(dir.path() / "third.1") << "k=v\n";
  watch.attempts_exited();
  EXPECT_TRUE(watch.may_exist("third.1"));
  EXPECT_TRUE(watch.may_exist("second.1")) << "both were queued before the exits were told";
}

TEST(OutputsWatch, WithoutAWatchEveryNameMayExist) {
  TempDir dir;
  OutputsWatch watch(dir.path() / "missing");
  EXPECT_TRUE(watch.may_exist("anything.1"));
}

}  // namespace
}  // namespace baton::engine
