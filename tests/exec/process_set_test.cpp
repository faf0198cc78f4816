// The process executor on real processes: exit statuses, logs, environment, timeouts and kill
// escalation, cleanup of process groups, timers and signals. Sleeps are tens of milliseconds
// and bounds generous, so that a loaded 2-core machine does not make them flaky.
#include "exec/process_set.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "exec/proc_file.hpp"
#include "support/run_process.hpp"

namespace baton::exec {
namespace {

using namespace std::chrono_literals;
using baton::testing::TempDir;

constexpr auto kPatience = 10s;  // Only reached if the executor is broken.

std::vector<std::string> base_env() {
  const char* path = std::getenv("PATH");
  return {std::string("PATH=") + (path ? path : "/usr/bin:/bin")};
}

LaunchSpec spec(std::uint64_t id, std::vector<std::string> argv, const TempDir& dir) {
  LaunchSpec s;
  s.id = id;
  s.argv = std::move(argv);
  s.env = base_env();
  s.log_path = (dir.path() / ("attempt-" + std::to_string(id) + ".log")).string();
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits for events until one of `count` kinds `T` has arrived; fails the test on the patience
// deadline rather than hanging.
template <typename T>
std::vector<T> collect(ProcessSet& set, std::size_t count) {
  std::vector<T> found;
  const auto give_up = Clock::now() + kPatience;
  while (found.size() < count) {
    auto events = set.wait(give_up);
    if (events.empty()) {
      ADD_FAILURE() << "no event within " << kPatience.count() << " s";
      break;
    }
    for (auto& event : events) {
      if (auto* e = std::get_if<T>(&event)) found.push_back(*e);
    }
  }
  return found;
}

AttemptExited run_one(ProcessSet& set, const LaunchSpec& s) {
  set.start(s);
  auto exits = collect<AttemptExited>(set, 1);
  return exits.empty() ? AttemptExited{} : exits[0];
}

// Gone, or a zombie that nobody has reaped yet: either way no longer running.
bool is_running(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno != ESRCH;
  std::istringstream stat(read_proc_file("/proc/" + std::to_string(pid) + "/stat"));
  std::string field;
  for (int i = 0; i < 3 && stat >> field; ++i) {
  }
  return field != "Z" && field != "X";
}

pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

// Lets the set run its loop (reaping orphans) until `path` holds text; bounded.
void wait_for_file(ProcessSet& set, const std::string& path) {
  const auto give_up = Clock::now() + kPatience;
  while (read_file(path).empty() && Clock::now() < give_up) set.wait(Clock::now() + 10ms);
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Every test runs with both ways of noticing exits: a pidfd per attempt (the library) and
// SIGCHLD with waitid(P_ALL) (the baton command).
class ProcessSetTest : public ::testing::TestWithParam<Reaping> {};

INSTANTIATE_TEST_SUITE_P(, ProcessSetTest,
                         ::testing::Values(Reaping::kPidfdPerAttempt, Reaping::kAnyChild),
                         [](const auto& param_info) {
                           return param_info.param == Reaping::kAnyChild ? "AnyChild" : "Pidfd";
                         });

TEST_P(ProcessSetTest, ReportsExitCodeZero) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto exited = run_one(set, spec(1, {"true"}, dir));
  EXPECT_EQ(exited.id, 1u);
  EXPECT_EQ(exited.exit_code, 0);
  EXPECT_EQ(exited.signal, 0);
  EXPECT_FALSE(exited.timed_out);
  EXPECT_TRUE(exited.succeeded());
  EXPECT_GT(exited.pid, 0);
  EXPECT_LE(exited.start, exited.end);
  EXPECT_EQ(set.running(), 0u);
}

TEST_P(ProcessSetTest, ReportsExitCodeThree) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto exited = run_one(set, spec(7, {"/bin/sh", "-c", "exit 3"}, dir));
  EXPECT_EQ(exited.id, 7u);
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_EQ(exited.signal, 0);
  EXPECT_FALSE(exited.succeeded());
}

TEST_P(ProcessSetTest, ReportsTheSignalThatEndedTheChild) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto killed = run_one(set, spec(1, {"/bin/sh", "-c", "kill -KILL $$"}, dir));
  EXPECT_EQ(killed.exit_code, -1);
  EXPECT_EQ(killed.signal, SIGKILL);
  // SIGTERM is blocked in baton's thread; the child must start with it unblocked and default.
  auto termed = run_one(set, spec(2, {"/bin/sh", "-c", "kill -TERM $$; sleep 5"}, dir));
  EXPECT_EQ(termed.exit_code, -1);
  EXPECT_EQ(termed.signal, SIGTERM);
}

TEST_P(ProcessSetTest, KillEndsTheAttemptAtOnce) {
  TempDir dir;
  ProcessSet set(GetParam());
  set.start(spec(1, {"sleep", "10"}, dir));
  EXPECT_EQ(set.running(), 1u);
  set.kill(1);
  auto exited = collect<AttemptExited>(set, 1).at(0);
  EXPECT_EQ(exited.signal, SIGKILL);
  EXPECT_FALSE(exited.timed_out);
  EXPECT_LT(ms_between(exited.start, exited.end), 1000);
}

TEST_P(ProcessSetTest, AKillOrTerminateAtOnceAfterTheStartReachesTheChild) {
  // A child started detached leads its own group only once it has called setsid(): a signal
  // sent before must reach it all the same, and none of these may run its 10 s.
  TempDir dir;
  ProcessSet set(GetParam());
  for (std::uint64_t id = 1; id <= 40; ++id) {
    set.start(spec(id, {"sleep", "10"}, dir));
    if (id % 2 == 0) {
      set.kill(id);
    } else {
      set.terminate(id);
    }
    auto exited = collect<AttemptExited>(set, 1).at(0);
    EXPECT_EQ(exited.signal, id % 2 == 0 ? SIGKILL : SIGTERM) << id;
    EXPECT_LT(ms_between(exited.start, exited.end), 2000) << id;
  }
}

TEST_P(ProcessSetTest, AScriptWithoutAShebangRunsInShUnderThePidItsExitNames) {
  // Its detached child cannot exec it (ENOEXEC); started again as sh would run it, the exit
  // names the process that ran it, not the one start() returned.
  TempDir dir;
  auto script = dir.write("script", "echo $$\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  ProcessSet set(GetParam());
  auto s = spec(1, {script}, dir);
  s.as_shell = true;
  const pid_t started = set.start(s);
  auto exited = collect<AttemptExited>(set, 1).at(0);
  EXPECT_EQ(exited.exit_code, 0);
  EXPECT_EQ(read_file(s.log_path), std::to_string(exited.pid) + "\n");
  if (Spawner::kCanStartDetached) {
    EXPECT_NE(exited.pid, started);
  }
  EXPECT_EQ(set.running(), 0u);
}

TEST_P(ProcessSetTest, AppendsStdoutAndStderrToTheLogAcrossAttempts) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto first = spec(1, {"/bin/sh", "-c", "echo out; echo err >&2"}, dir);
  auto second = first;
  second.id = 2;
  run_one(set, first);
  run_one(set, second);
  EXPECT_EQ(read_file(first.log_path), "out\nerr\nout\nerr\n");
  struct stat info {};
  ASSERT_EQ(::stat(first.log_path.c_str(), &info), 0);
  mode_t umask = ::umask(0);
  ::umask(umask);
  EXPECT_EQ(info.st_mode & 0777, 0644u & ~umask);
}

TEST_P(ProcessSetTest, APreparedLogIsTheOneTheAttemptWritesTo) {
  TempDir dir;
  auto log = (dir.path() / "logs" / "t.1.log").string();
  ProcessSet set(GetParam());
  set.prepare_log(log);  // Creates the folder too.
  ASSERT_TRUE(std::filesystem::exists(log));
  auto s = spec(1, {"/bin/sh", "-c", "echo written"}, dir);
  s.log_path = log;
  EXPECT_EQ(run_one(set, s).exit_code, 0);
  EXPECT_EQ(read_file(log), "written\n");
}

TEST_P(ProcessSetTest, APreparedLogNoAttemptUsedIsRemovedButAnOlderLogIsKept) {
  TempDir dir;
  auto unused = (dir.path() / "unused.1.log").string();
  auto older = (dir.path() / "older.1.log").string();
  std::ofstream(older) << "an earlier session's output\n";
  {
    ProcessSet set(GetParam());
    set.prepare_log(unused);
    set.prepare_log(older);  // Exists: left alone, not taken over.
    EXPECT_TRUE(std::filesystem::exists(unused));
  }
  EXPECT_FALSE(std::filesystem::exists(unused));
  EXPECT_EQ(read_file(older), "an earlier session's output\n");
}

TEST_P(ProcessSetTest, KeepsAFewPreparedLogsTheNewestFirst) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto log = [&](std::size_t i) {
    return (dir.path() / ("t" + std::to_string(i) + ".log")).string();
  };
  const std::size_t count = ProcessSet::kMaxPreparedLogs + 3;
  for (std::size_t i = 0; i < count; ++i) set.prepare_log(log(i));
  for (std::size_t i = 0; i < count; ++i) {
    EXPECT_EQ(std::filesystem::exists(log(i)), i >= 3) << "the three oldest made room: " << i;
  }
  auto s = spec(1, {"/bin/sh", "-c", "echo late"}, dir);
  s.log_path = log(0);  // Its guess was dropped; it starts all the same.
  EXPECT_EQ(run_one(set, s).exit_code, 0);
  EXPECT_EQ(read_file(log(0)), "late\n");
}

TEST_P(ProcessSetTest, CreatesTheLogFolder) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto s = spec(1, {"/bin/sh", "-c", "echo hello"}, dir);
  s.log_path = (dir.path() / "runs" / "r1" / "logs" / "a.1.log").string();
  EXPECT_EQ(run_one(set, s).exit_code, 0);
  EXPECT_EQ(read_file(s.log_path), "hello\n");
}

TEST_P(ProcessSetTest, HonoursWorkingDirectoryAndEnvironment) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "work");
  ProcessSet set(GetParam());
  auto s = spec(1, {"/bin/sh", "-c", "pwd; echo $FOO; echo ${HOME:-no home}"}, dir);
  s.cwd = (dir.path() / "work").string();
  s.env.push_back("FOO=bar baz");
  EXPECT_EQ(run_one(set, s).exit_code, 0);
  auto work = std::filesystem::canonical(dir.path() / "work").string();
  EXPECT_EQ(read_file(s.log_path), work + "\nbar baz\nno home\n");
}

TEST_P(ProcessSetTest, LooksTheProgramUpInTheTasksPath) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "bin");
  auto tool = dir.write("bin/baton-test-tool", "#!/bin/sh\necho tool ran\n");
  std::filesystem::permissions(tool, std::filesystem::perms::owner_all);
  ProcessSet set(GetParam());
  auto s = spec(1, {"baton-test-tool"}, dir);
  s.env = {"PATH=/nonexistent:" + (dir.path() / "bin").string()};
  EXPECT_EQ(run_one(set, s).exit_code, 0);
  EXPECT_EQ(read_file(s.log_path), "tool ran\n");
}

TEST_P(ProcessSetTest, StdinIsDevNull) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto cat = run_one(set, spec(1, {"cat"}, dir));
  EXPECT_EQ(cat.exit_code, 0);
  EXPECT_LT(ms_between(cat.start, cat.end), 2000);
  auto s = spec(2, {"readlink", "/proc/self/fd/0"}, dir);
  run_one(set, s);
  EXPECT_EQ(read_file(s.log_path), "/dev/null\n");
}

TEST_P(ProcessSetTest, ChildrenInheritNoOtherDescriptor) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto s = spec(1, {"ls", "/proc/self/fd"}, dir);
  run_one(set, s);
  // 0, 1, 2 and the directory ls itself opens to list them; not even descriptors that the
  // test runner leaked into this process without O_CLOEXEC.
  EXPECT_EQ(read_file(s.log_path), "0\n1\n2\n3\n");
}

TEST_P(ProcessSetTest, AMissingProgramIsASpawnFailure) {
  TempDir dir;
  ProcessSet set(GetParam());
  set.start(spec(4, {"baton-no-such-program", "x"}, dir));
  auto failed = collect<SpawnFailed>(set, 1).at(0);
  EXPECT_EQ(set.running(), 0u);
  EXPECT_EQ(failed.id, 4u);
  EXPECT_EQ(failed.message, "cannot run 'baton-no-such-program': No such file or directory");

  set.start(spec(5, {"/nonexistent/tool"}, dir));
  EXPECT_EQ(collect<SpawnFailed>(set, 1).at(0).message,
            "cannot run '/nonexistent/tool': No such file or directory");
}

TEST_P(ProcessSetTest, AMissingWorkingDirectoryIsASpawnFailure) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto s = spec(1, {"true"}, dir);
  s.cwd = (dir.path() / "nope").string();
  set.start(s);
  EXPECT_EQ(collect<SpawnFailed>(set, 1).at(0).message,
            "cannot change to directory '" + s.cwd + "': No such file or directory");
}

TEST_P(ProcessSetTest, AnUnopenableLogIsASpawnFailure) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto s = spec(1, {"true"}, dir);
  s.log_path = dir.path().string();
  set.start(s);
  EXPECT_EQ(collect<SpawnFailed>(set, 1).at(0).message,
            "cannot open log '" + s.log_path + "': Is a directory");
}

TEST_P(ProcessSetTest, ASpawnFailureIsReportedWithoutBlocking) {
  TempDir dir;
  ProcessSet set(GetParam());
  set.start(spec(1, {"baton-no-such-program"}, dir));
  auto before = Clock::now();
  auto events = set.wait();  // No deadline: must not block with an event queued.
  EXPECT_LT(ms_between(before, Clock::now()), 100);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<SpawnFailed>(events[0]));
}

TEST_P(ProcessSetTest, RunsChildrenInParallel) {
  TempDir dir;
  ProcessSet set(GetParam());
  set.start(spec(1, {"sleep", "0.1"}, dir));
  set.start(spec(2, {"sleep", "0.1"}, dir));
  EXPECT_EQ(set.running(), 2u);
  auto exits = collect<AttemptExited>(set, 2);
  ASSERT_EQ(exits.size(), 2u);
  EXPECT_LT(std::max(exits[0].start, exits[1].start), std::min(exits[0].end, exits[1].end));
  EXPECT_GE(ms_between(exits[0].start, exits[0].end), 90);
}

TEST_P(ProcessSetTest, ReportsEveryExitWhenManyEndTogether) {
  // Exits that land together (one SIGCHLD for several, with Reaping::kAnyChild) are each
  // reported once, with their own status.
  TempDir dir;
  ProcessSet set(GetParam());
  constexpr std::uint64_t kCount = 24;
  for (std::uint64_t id = 1; id <= kCount; ++id) {
    set.start(spec(id, {"/bin/sh", "-c", "exit " + std::to_string(id % 3)}, dir));
  }
  auto exits = collect<AttemptExited>(set, kCount);
  ASSERT_EQ(exits.size(), kCount);
  std::vector<bool> seen(kCount + 1, false);
  for (const auto& exited : exits) {
    ASSERT_GE(exited.id, 1u);
    ASSERT_LE(exited.id, kCount);
    EXPECT_FALSE(seen[exited.id]) << exited.id;
    seen[exited.id] = true;
    EXPECT_EQ(exited.exit_code, static_cast<int>(exited.id % 3)) << exited.id;
  }
  EXPECT_EQ(set.running(), 0u);
}

TEST_P(ProcessSetTest, AProcessThatLeftItsGroupIsReapedWhenItEnds) {
  // A setsid child escapes the group kill and is re-parented to the set (a subreaper) when the
  // attempt exits. It must not stay a zombie once it ends, nor be taken for an attempt.
  TempDir dir;
  ProcessSet set(GetParam());
  auto pidfile = (dir.path() / "pid").string();
  // The attempt waits until the child has left its group, or the group's SIGKILL takes it.
  auto exited = run_one(set, spec(1,
                                  {"/bin/sh", "-c",
                                   "setsid sh -c 'echo $$ > " + pidfile + "; sleep 0.1' & " +
                                       "until [ -s " + pidfile + " ]; do sleep 0.01; done"},
                                  dir));
  EXPECT_EQ(exited.exit_code, 0);
  pid_t escaped = read_pid(pidfile);
  ASSERT_GT(escaped, 0);
  auto second = run_one(set, spec(2, {"sleep", "0.3"}, dir));  // The escaped one ends meanwhile.
  EXPECT_EQ(second.id, 2u);
  EXPECT_EQ(second.exit_code, 0);
  if (GetParam() == Reaping::kAnyChild) {
    EXPECT_EQ(::kill(escaped, 0), -1);  // Reaped: not even a zombie.
    EXPECT_EQ(errno, ESRCH);
  }
}

TEST_P(ProcessSetTest, ATimeoutTerminatesTheProcessGroup) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto s = spec(1, {"sleep", "10"}, dir);
  s.timeout = 50ms;
  auto exited = run_one(set, s);
  EXPECT_TRUE(exited.timed_out);
  EXPECT_FALSE(exited.succeeded());
  EXPECT_EQ(exited.exit_code, -1);
  EXPECT_EQ(exited.signal, SIGTERM);
  EXPECT_GE(ms_between(exited.start, exited.end), 45);
  EXPECT_LT(ms_between(exited.start, exited.end), 1000);
}

TEST_P(ProcessSetTest, AChildIgnoringSigtermIsKilledAfterTheGrace) {
  TempDir dir;
  ProcessSet set(GetParam());
  // The timeout leaves the shell ample time to set its trap before the SIGTERM comes.
  auto s = spec(1, {"/bin/sh", "-c", "trap '' TERM; sleep 10"}, dir);
  s.timeout = 200ms;
  s.kill_grace = 100ms;
  auto exited = run_one(set, s);
  EXPECT_TRUE(exited.timed_out);
  EXPECT_EQ(exited.signal, SIGKILL);
  EXPECT_GE(ms_between(exited.start, exited.end), 290);
  EXPECT_LT(ms_between(exited.start, exited.end), 1500);
}

TEST_P(ProcessSetTest, TerminateEscalatesWithoutMarkingATimeout) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto ready = (dir.path() / "ready").string();
  auto s = spec(1, {"/bin/sh", "-c", "trap '' TERM; echo > " + ready + "; sleep 10"}, dir);
  s.kill_grace = 50ms;
  set.start(s);
  wait_for_file(set, ready);
  auto asked = Clock::now();
  set.terminate(1);
  set.terminate(1);  // A second request changes nothing.
  auto exited = collect<AttemptExited>(set, 1).at(0);
  EXPECT_FALSE(exited.timed_out);
  EXPECT_EQ(exited.signal, SIGKILL);
  EXPECT_GE(ms_between(asked, exited.end), 45);
  EXPECT_LT(ms_between(asked, exited.end), 1000);
}

TEST_P(ProcessSetTest, NothingAnAttemptStartedOutlivesIt) {
  TempDir dir;
  ProcessSet set(GetParam());
  auto pidfile = (dir.path() / "pid").string();
  auto exited = run_one(set, spec(1, {"/bin/sh", "-c", "sleep 30 & echo $! > " + pidfile}, dir));
  EXPECT_EQ(exited.exit_code, 0);
  pid_t grandchild = read_pid(pidfile);
  ASSERT_GT(grandchild, 0);
  // Killed with the group at once; reaped by the set (its subreaper) as it goes on waiting.
  const auto give_up = Clock::now() + kPatience;
  while (is_running(grandchild) && Clock::now() < give_up) set.wait(Clock::now() + 10ms);
  EXPECT_FALSE(is_running(grandchild));
  while (::kill(grandchild, 0) == 0 && Clock::now() < give_up) set.wait(Clock::now() + 10ms);
  EXPECT_EQ(::kill(grandchild, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_P(ProcessSetTest, DestroyingTheSetLeavesNoProcessAlive) {
  TempDir dir;
  auto pidfile = (dir.path() / "pids").string();
  pid_t leader = 0, grandchild = 0, stubborn = 0;
  {
    ProcessSet set(GetParam());
    set.start(spec(1, {"/bin/sh", "-c", "sleep 30 & echo $$ $! > " + pidfile + "; wait"}, dir));
    set.start(
        spec(2, {"/bin/sh", "-c", "trap '' TERM; echo $$ > " + pidfile + ".2; sleep 30"}, dir));
    wait_for_file(set, pidfile);
    wait_for_file(set, pidfile + ".2");
    std::ifstream in(pidfile);
    in >> leader >> grandchild;
    stubborn = read_pid(pidfile + ".2");
    ASSERT_GT(grandchild, 0);
    ASSERT_GT(stubborn, 0);
    EXPECT_EQ(set.running(), 2u);
  }
  for (pid_t pid : {leader, grandchild, stubborn}) {
    EXPECT_EQ(::kill(pid, 0), -1) << pid;
    EXPECT_EQ(errno, ESRCH) << pid;
  }
}

TEST_P(ProcessSetTest, TimersFireInOrder) {
  ProcessSet set(GetParam());
  auto now = Clock::now();
  set.add_timer(now + 60ms, 3);
  set.add_timer(now + 20ms, 1);
  set.add_timer(now + 40ms, 2);
  set.add_timer(now + 40ms, 22);  // Same time: in the order added.
  set.add_timer(now - 1s, 0);     // Already due.
  auto fired = collect<TimerFired>(set, 5);
  std::vector<std::uint64_t> tokens;
  for (auto& f : fired) tokens.push_back(f.token);
  EXPECT_EQ(tokens, (std::vector<std::uint64_t>{0, 1, 2, 22, 3}));
  EXPECT_GE(ms_between(now, Clock::now()), 55);
}

TEST_P(ProcessSetTest, SigintAndSigtermArriveAsCountedInterrupts) {
  ProcessSet set(GetParam());
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  auto first = collect<Interrupted>(set, 1).at(0);
  EXPECT_EQ(first.signal, SIGINT);
  EXPECT_EQ(first.count, 1);
  ASSERT_EQ(::raise(SIGTERM), 0);
  auto second = collect<Interrupted>(set, 1).at(0);
  EXPECT_EQ(second.signal, SIGTERM);
  EXPECT_EQ(second.count, 2);
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  EXPECT_EQ(collect<Interrupted>(set, 1).at(0).count, 3);
}

TEST_P(ProcessSetTest, RestoresTheSignalMaskAndDropsUnreportedInterrupts) {
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  ASSERT_FALSE(sigismember(&before, SIGINT));
  {
    ProcessSet set(GetParam());
    sigset_t during;
    pthread_sigmask(SIG_SETMASK, nullptr, &during);
    EXPECT_TRUE(sigismember(&during, SIGINT));
    EXPECT_TRUE(sigismember(&during, SIGTERM));
    ::kill(::getpid(), SIGINT);  // Never waited for: must not kill the test binary later.
  }
  sigset_t after;
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  for (int signal : {SIGINT, SIGTERM, SIGCHLD}) {
    EXPECT_EQ(sigismember(&after, signal), sigismember(&before, signal)) << signal;
  }
}

TEST_P(ProcessSetTest, WaitReturnsNothingAtTheDeadline) {
  TempDir dir;
  ProcessSet set(GetParam());
  set.start(spec(1, {"sleep", "10"}, dir));
  auto before = Clock::now();
  auto events = set.wait(before + 50ms);
  EXPECT_TRUE(events.empty());
  EXPECT_GE(ms_between(before, Clock::now()), 50);
  EXPECT_LT(ms_between(before, Clock::now()), 1000);
  EXPECT_TRUE(set.wait(Clock::now() - 1s).empty());  // A past deadline polls.
}

// This process's CPU time, children excluded: what the executor itself costs.
double cpu_seconds() {
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  return static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
         static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
}

// Not a check: prints what the executor costs per task, to set beside bench/spawn_limit (which
// writes no logs). Every attempt appends to one log, so that the cost of creating files, which
// varies a lot with the disk, stays out; BATON_EXEC_BENCH_LOG_PER_ATTEMPT=1 gives each attempt
// its own log as baton does. BATON_EXEC_BENCH_TASKS changes the count (default 2000).
TEST_P(ProcessSetTest, ThroughputOfTrueTwoAtATime) {
  const char* count_text = std::getenv("BATON_EXEC_BENCH_TASKS");
  const std::uint64_t total = count_text ? std::strtoull(count_text, nullptr, 10) : 2000;
  const char* per_attempt_text = std::getenv("BATON_EXEC_BENCH_LOG_PER_ATTEMPT");
  const bool per_attempt = per_attempt_text && std::string(per_attempt_text) == "1";
  TempDir dir;
  ProcessSet set(GetParam());
  std::uint64_t started = 0, finished = 0, failed = 0;
  LaunchSpec s = spec(0, {"/bin/true"}, dir);
  auto launch = [&] {
    s.id = started++;
    if (per_attempt) {
      s.log_path = (dir.path() / "logs" / ("t" + std::to_string(s.id) + ".1.log")).string();
    }
    set.start(s);
  };
  const double cpu_before = cpu_seconds();
  const auto begin = Clock::now();
  while (started < std::min<std::uint64_t>(2, total)) launch();
  while (finished < total) {
    for (auto& event : set.wait()) {
      ++finished;
      auto* exited = std::get_if<AttemptExited>(&event);
      if (exited == nullptr || !exited->succeeded()) ++failed;
      if (started < total) launch();
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  const double cpu = cpu_seconds() - cpu_before;
  EXPECT_EQ(failed, 0u);
  const double n = static_cast<double>(total);
  std::printf(
      "[ bench    ] %llu x /bin/true, 2 at a time, %s: %.3f s, %.0f tasks/s, %.1f us/task, "
      "parent CPU %.1f us/task\n",
      static_cast<unsigned long long>(total), per_attempt ? "a log per attempt" : "one shared log",
      seconds, n / seconds, seconds * 1e6 / n, cpu * 1e6 / n);
}

}  // namespace
}  // namespace baton::exec
