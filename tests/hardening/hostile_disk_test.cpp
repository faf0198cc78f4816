// A disk that fills up under a run (issue 8): baton stops with a message that names the file it
// could not write, the store stays intact (SQLite rolls the transaction back), and `baton
// resume` completes the run once there is room. Two ways to fill it: a file-size limit on baton
// (RLIMIT_FSIZE: works anywhere, the store's write fails with EFBIG), and a real 1 MB tmpfs
// (ENOSPC) in a mount namespace of the test's own, where the kernel allows one.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>

#include <fstream>
#include <string>

#include "hardening/hostile.hpp"

namespace baton {
namespace {

using hostile::Launch;
using hostile::Measured;
using ::testing::HasSubstr;
using testing::Scratch;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

// `produce` writes a 100 KB output once (while MARKER exists), which the store cannot take;
// started again on resume, it writes nothing, and `after` runs.
constexpr const char* kBigOutputWorkflow = R"(name: fsize
tasks:
  - id: produce
    run: |
      ulimit -f unlimited
      if [ -e MARKER ]; then
        rm MARKER
        printf 'blob=' > "$BATON_OUTPUT"
        head -c 100000 /dev/zero | tr '\0' x >> "$BATON_OUTPUT"
      fi
  - id: after
    needs: [produce]
    run: echo after
)";

std::string integrity(const fs::path& db) {
  SQLite::Database store(db.string(), SQLite::OPEN_READWRITE);
  return store.execAndGet("PRAGMA integrity_check").getString();
}

TEST(CliHostileDisk, StoreThatCannotGrowStopsTheRunCleanlyAndItResumes) {
  Scratch s;
  // A first run creates the store, so that the limit bites on this run's writes, not on the
  // schema's.
  auto one = s.write_workflow("name: one\ntasks: [{id: a, run: \"true\"}]\n");
  auto first = hostile::baton(s.path(), {"run", one, "--state", s.state(), "--quiet"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  auto file = s.write_workflow(kBigOutputWorkflow);
  std::ofstream(s.at("MARKER")) << "";

  Launch launch;
  launch.argv = {BATON_BINARY, "run", file, "--state", s.state(), "--progress", "plain"};
  launch.output_dir = s.path();
  // No file may grow past 64 KiB: the run's journal, where a commit goes first, cannot take
  // the 100 kB output.
  launch.file_size_limit = 64 * 1024;
  auto r = hostile::run_measured(launch);
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  auto run_id = testing::newest_run_id(s);
  auto db = fs::path(s.state()) / "baton.db";
  auto journal = fs::path(s.state()) / "runs" / run_id / "journal";
  EXPECT_THAT(hostile::line_with(r.err, "stopped"),
              HasSubstr("baton: run " + run_id + " stopped: cannot write the journal " +
                        journal.string() + ": File too large"))
      << r.describe();
  EXPECT_FALSE(s.exists("after.1.log")) << "nothing starts once the store cannot be written";
  EXPECT_EQ(integrity(db), "ok");

  auto status = testing::baton_on(s, {"status", run_id});
  EXPECT_EQ(status.exit_code, 0) << testing::describe(status);
  auto resumed = testing::baton_on(s, {"resume", run_id, "--progress", "plain"});
  EXPECT_EQ(resumed.exit_code, 0) << testing::describe(resumed);
  EXPECT_EQ(testing::read_file(fs::path(s.state()) / "runs" / run_id / "logs" / "after.1.log"),
            "after\n");
  EXPECT_EQ(integrity(db), "ok");
}

// In a child process: a mount namespace (a user namespace too when not root) with a 1 MB tmpfs
// on the state folder. There baton runs a workflow that fills the disk; the state folder is
// copied out as the failure left it; the filler is deleted and the run resumed; copied out
// again. Exit status: 0 when all that ran (the results are in files), 77 when the namespace or
// the mount was refused.
int run_on_small_tmpfs(const Scratch& s, const std::string& workflow) {
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid != 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // The child: one-threaded (a fork of the test runner), so it may allocate.
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  bool in_namespace = ::unshare(CLONE_NEWNS) == 0;
  if (!in_namespace && ::unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0) {
    std::ofstream("/proc/self/setgroups") << "deny";
    std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
    std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
    in_namespace = true;
  }
  const std::string state = s.state();
  fs::create_directories(state);
  if (!in_namespace || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      ::mount("tmpfs", state.c_str(), "tmpfs", 0, "size=1m") != 0) {
    ::_exit(77);
  }
  auto baton = [&](std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), BATON_BINARY);
    Launch launch;
    launch.argv = std::move(args);
    launch.output_dir = s.path();
    auto m = hostile::run_measured(launch);
    std::ofstream(s.at(name + ".exit")) << m.exit_code;
    std::ofstream(s.at(name + ".err")) << m.err;
    std::ofstream(s.at(name + ".out")) << m.out;
  };
  baton({"run", workflow, "--state", state, "--progress", "plain"}, "run");
  fs::copy(state, s.at("after-failure"), fs::copy_options::recursive);
  fs::remove(fs::path(state) / "filler");
  baton({"resume", "last", "--state", state, "--progress", "plain"}, "resume");
  fs::copy(state, s.at("after-resume"), fs::copy_options::recursive);
  ::_exit(0);
}

TEST(CliHostileDisk, FullFileSystemStopsTheRunCleanlyAndItResumes) {
  Scratch s;
  std::ofstream(s.at("MARKER")) << "";
  auto file = s.write_workflow(R"(name: full
tasks:
  - id: fill
    run: |
      if [ -e MARKER ]; then rm MARKER; head -c 2000000 /dev/zero > "$FILLER"; fi
      true
  - id: after
    needs: [fill]
    run: echo after
)");
  ::setenv("FILLER", (fs::path(s.state()) / "filler").c_str(), 1);
  int status = run_on_small_tmpfs(s, file);
  ::unsetenv("FILLER");
  if (status == 77) {
    GTEST_SKIP() << "no mount namespace here (neither root nor user namespaces): a full disk is "
                    "covered by StoreThatCannotGrowStopsTheRunCleanlyAndItResumes only";
  }
  ASSERT_EQ(status, 0);
  EXPECT_EQ(s.read("run.exit"), "1") << s.read("run.err");
  auto run_line = hostile::line_with(s.read("run.err"), "stopped");
  EXPECT_THAT(run_line, HasSubstr(" stopped: cannot write the journal " + s.state() + "/runs/"))
      << s.read("run.err");
  EXPECT_THAT(run_line, HasSubstr("/journal: No space left on device")) << s.read("run.err");
  EXPECT_EQ(integrity(s.at("after-failure") / "baton.db"), "ok");
  EXPECT_EQ(s.read("resume.exit"), "0") << s.read("resume.err") << s.read("resume.out");
  EXPECT_THAT(s.read("resume.out"), HasSubstr("| after | succeeded")) << s.read("resume.out");
  EXPECT_EQ(integrity(s.at("after-resume") / "baton.db"), "ok");
}

}  // namespace
}  // namespace baton
