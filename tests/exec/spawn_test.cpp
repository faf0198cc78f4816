// The Spawner on real processes, both ways it starts a child (spawn() waits for the exec,
// start() does not): what a child starts with (process group, signal mask and dispositions,
// descriptors, directory), execvp's PATH search, and how each kind of failure is reported (and
// the failed child reaped).
#include "exec/spawn.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_process.hpp"

namespace baton::exec {
namespace {

using baton::testing::TempDir;

// Runs `argv` with its output in `out` (in `dir`), waits for it, and returns its exit status.
// GetParam(): whether the child is started detached (Spawner::start) or waited for (spawn).
class SpawnTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    null_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    out_fd_ = ::open((dir_.path() / "out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(null_fd_, 3);
    ASSERT_GE(out_fd_, 3);
  }
  void TearDown() override {
    ::close(null_fd_);
    ::close(out_fd_);
  }

  // The child's pid, or -1 with `error` if the start failed at once (always, for a failure,
  // when waited for; only if clone() failed, detached).
  pid_t start(std::vector<std::string> args, SpawnError& error, bool search = false,
              const char* path = nullptr, const std::string& cwd = {}) {
    args_ = std::move(args);
    cwd_ = cwd;
    argv_.clear();
    for (auto& a : args_) argv_.push_back(a.data());
    argv_.push_back(nullptr);
    SpawnRequest& r = child_.request;  // What a detached child reads stays here until reaped.
    r.program = args_[0].c_str();
    r.search = search;
    r.path = path;
    r.argv = argv_.data();
    r.envp = envp_;
    r.stdin_fd = null_fd_;
    r.output_fd = out_fd_;
    r.cwd = cwd_.c_str();
    return GetParam() ? spawner_->start(child_, error) : spawner_->spawn(r, error);
  }

  // Why the child could not start, told either way; nullopt if it ran (and was waited for).
  std::optional<SpawnError> failure(std::vector<std::string> args, bool search = false,
                                    const char* path = nullptr, const std::string& cwd = {}) {
    SpawnError error;
    pid_t pid = start(std::move(args), error, search, path, cwd);
    if (pid < 0) return error;
    int status = wait_for(pid);
    if (!GetParam()) return std::nullopt;
    auto detached = child_.failure();
    if (detached) {
      EXPECT_EQ(status, 127) << "a detached child that cannot exec exits 127";
    }
    return detached;
  }

  int wait_for(pid_t pid) {
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string output() const {
    std::ifstream in(dir_.path() / "out");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir dir_;
  std::optional<Spawner> spawner_{std::in_place};
  DetachedChild child_;
  int null_fd_ = -1, out_fd_ = -1;
  std::vector<std::string> args_;
  std::string cwd_;
  std::vector<char*> argv_;
  char* envp_[1] = {nullptr};
};

INSTANTIATE_TEST_SUITE_P(BothWays, SpawnTest, ::testing::Values(false, true),
                         [](const auto& param) { return param.param ? "Detached" : "Waited"; });

TEST_P(SpawnTest, ChildLeadsItsOwnGroupWithNothingBlockedAndOnlyStdio) {
  SpawnError error;
  // The shell reports its group leader, its blocked signals and its open descriptors.
  pid_t pid = start({"/bin/sh", "-c",
                     "cut -d' ' -f5 /proc/$$/stat; echo $$; grep ^SigBlk /proc/self/status; "
                     "ls /proc/self/fd | sort -n | tr '\\n' ' '"},
                    error);
  ASSERT_GT(pid, 0) << std::strerror(error.error);
  EXPECT_EQ(wait_for(pid), 0);
  std::istringstream lines(output());
  std::string group, self, blocked, fds;
  std::getline(lines, group);
  std::getline(lines, self);
  std::getline(lines, blocked);
  std::getline(lines, fds);
  EXPECT_EQ(group, self) << "the child is its own group's leader";
  EXPECT_EQ(blocked, "SigBlk:\t0000000000000000");
  EXPECT_EQ(fds, "0 1 2 3 ") << "3 is ls's own reading of /proc/self/fd";
}

TEST_P(SpawnTest, IgnoredAndHandledSignalsAreDefaultInTheChild) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_pipe {};
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  struct sigaction handler {};
  handler.sa_handler = [](int) {};
  struct sigaction old_usr2 {};
  ::sigaction(SIGUSR2, &handler, &old_usr2);
  spawner_.emplace();  // Notes the handler of SIGUSR2.
  SpawnError error;
  pid_t pid = start({"/bin/sh", "-c", "grep -E '^Sig(Ign|Cgt)' /proc/self/status"}, error);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::sigaction(SIGUSR2, &old_usr2, nullptr);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_for(pid), 0);
  // Bits of SIGPIPE (13) and SIGUSR2 (12) are clear: not ignored, no handler (the shell catches
  // none of them either).
  std::string text = output();
  auto mask_of = [&](const std::string& name) {
    auto at = text.find(name + ":\t");
    return std::stoull(text.substr(at + name.size() + 2, 16), nullptr, 16);
  };
  constexpr unsigned long long kPipeAndUsr2 = (1ull << (SIGPIPE - 1)) | (1ull << (SIGUSR2 - 1));
  EXPECT_EQ(mask_of("SigIgn") & kPipeAndUsr2, 0u) << text;
  EXPECT_EQ(mask_of("SigCgt") & kPipeAndUsr2, 0u) << text;
}

TEST_P(SpawnTest, SearchTriesEveryPathEntryInOrderFromTheWorkingDirectory) {
  auto bin = dir_.path() / "bin";
  std::filesystem::create_directories(bin / "first");
  std::filesystem::create_directories(bin / "second");
  std::ofstream(bin / "first" / "tool") << "#!/bin/sh\necho not me\n";  // Not executable.
  std::ofstream(bin / "second" / "tool") << "#!/bin/sh\necho second\n";
  ::chmod((bin / "second" / "tool").c_str(), 0755);
  SpawnError error;
  // A relative entry is taken from the child's working directory.
  pid_t pid = start({"tool"}, error, true, "/nonexistent:bin/first:bin/second", dir_.path());
  ASSERT_GT(pid, 0) << std::strerror(error.error);
  EXPECT_EQ(wait_for(pid), 0);
  EXPECT_EQ(output(), "second\n");
}

TEST_P(SpawnTest, SearchFailsWithEaccesWhenOnlyUnrunnableCandidatesExist) {
  std::ofstream(dir_.path() / "tool") << "#!/bin/sh\n";
  auto error = failure({"tool"}, true, dir_.path().c_str());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error, EACCES);
  EXPECT_FALSE(error->in_chdir);
  error = failure({"no-such-tool-anywhere"}, true, "/usr/bin:/bin");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error, ENOENT);
  // The failed children were reaped: none is left to wait for.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST_P(SpawnTest, AFileThatIsNotAProgramIsAnExecFormatError) {
  auto script = dir_.path() / "script";
  std::ofstream(script) << "echo no shebang\n";
  ::chmod(script.c_str(), 0755);
  auto error = failure({script.string()});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error, ENOEXEC) << "not handed to /bin/sh, as posix_spawn does not";
  EXPECT_EQ(output(), "") << "the child says nothing: its parent does";
}

TEST_P(SpawnTest, AMissingDirectoryIsReportedAsTheChdir) {
  auto error = failure({"/bin/true"}, false, nullptr, (dir_.path() / "missing").string());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error, ENOENT);
  EXPECT_TRUE(error->in_chdir);
}

TEST_P(SpawnTest, AChildThatRanLeavesNoFailure) {
  EXPECT_FALSE(failure({"/bin/sh", "-c", "exit 127"}).has_value())
      << "an exit status of 127 from the program itself is not a failure to start";
}

TEST_P(SpawnTest, ChildAfterChildReusesTheStackAndTheRequest) {
  // Child after child on the same DetachedChild, as a ProcessSet slot does.
  for (int i = 0; i < 20; ++i) {
    SpawnError error;
    pid_t pid = start({"/bin/sh", "-c", "echo " + std::to_string(i)}, error);
    ASSERT_GT(pid, 0) << std::strerror(error.error);
    EXPECT_EQ(wait_for(pid), 0);
  }
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += std::to_string(i) + "\n";
  EXPECT_EQ(output(), expected);
}

}  // namespace
}  // namespace baton::exec
