// Tests for the e2e helper itself: stdin, both outputs and the exit code reach the test intact,
// even when they are larger than a pipe's buffer.
#include "support/run_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace baton::testing {
namespace {

TEST(RunProcess, FeedsStdinAndCapturesStdoutBeyondAPipeBuffer) {
  std::string input(1 << 20, 'x');  // 1 MiB: both directions would block without poll.
  input += "end\n";
  auto r = run_process({"/bin/cat"}, input);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, input);
  EXPECT_TRUE(r.err.empty());
}

TEST(RunProcess, CapturesStderrAndTheExitCode) {
  auto r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(RunProcess, ReportsADeathBySignalAs128PlusTheSignal) {
  auto r = run_process({"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
}

TEST(RunProcess, ChildThatIgnoresItsStdinDoesNotHangOrKillTheTest) {
  auto r = run_process({"/bin/true"}, std::string(1 << 20, 'x'));
  EXPECT_EQ(r.exit_code, 0);
}

TEST(TempDir, WritesFilesAndRemovesEverythingAtScopeExit) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    auto file = dir.write("a.yaml", "name: a\n");
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "name: a");
    EXPECT_TRUE(std::filesystem::is_directory(kept));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace baton::testing
