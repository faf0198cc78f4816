// read_proc_file on live processes, on gone ones, and on processes that exit while it reads:
// the case that made libstdc++'s filebuf throw ("underflow error reading the file: No such
// process") at the end of a run.
#include "exec/proc_file.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace baton::exec {
namespace {

std::string stat_path(pid_t pid) { return "/proc/" + std::to_string(pid) + "/stat"; }

TEST(ReadProcFile, ReadsALiveProcesssFile) {
  auto text = read_proc_file(stat_path(::getpid()));
  EXPECT_TRUE(text.starts_with(std::to_string(::getpid()) + " (")) << text;
}

TEST(ReadProcFile, IsEmptyForAProcessThatIsGone) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(read_proc_file(stat_path(pid)), "");
  EXPECT_EQ(read_proc_file("/proc/" + std::to_string(pid) + "/environ"), "");
}

TEST(ReadProcFile, NeverThrowsWhileTheProcessExitsAndIsReaped) {
  for (int round = 0; round < 200; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(0);
    auto path = "/proc/" + std::to_string(pid) + "/environ";
    for (int read = 0; read < 5; ++read) EXPECT_NO_THROW(read_proc_file(path));
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_NO_THROW(read_proc_file(path));
  }
}

}  // namespace
}  // namespace baton::exec
