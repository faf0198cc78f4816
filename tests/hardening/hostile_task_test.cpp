// Hostile tasks (issue 8): a task that prints gigabytes, writes too many outputs or a FIFO
// instead of its outputs file, leaves children behind, closes its output, leaves its process
// group, or fork-bombs. None of it may hang baton, grow its memory, or leave a process running
// once baton has exited (SPEC 2.6).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "hardening/hostile.hpp"

namespace baton {
namespace {

using hostile::Measured;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Scratch;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

// baton's own footprint, whatever its tasks do.
constexpr long kFlatRssKb = 64 * 1024 + hostile::kSanitizerRssKb;

// `baton run` of `yaml` (written to the scratch folder) with plain progress.
Measured run(const Scratch& s, const std::string& yaml, std::vector<std::string> env = {}) {
  auto file = s.write_workflow(yaml);
  return hostile::baton(s.path(), {"run", file, "--state", s.state(), "--progress", "plain"}, env);
}

// The process ids a task wrote, one per line, to `name` in the scratch folder.
std::vector<pid_t> pids_in(const Scratch& s, const std::string& name) {
  std::vector<pid_t> pids;
  for (const auto& line : testing::split_lines(s.read(name))) {
    if (!line.empty()) pids.push_back(static_cast<pid_t>(std::stol(line)));
  }
  return pids;
}

// Every id in `pids` is gone (or a zombie, which is dead).
::testing::AssertionResult all_gone(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) {
    if (testing::process_alive(pid)) {
      return ::testing::AssertionFailure() << "process " << pid << " is still running";
    }
  }
  return ::testing::AssertionSuccess();
}

// No process carries the run's id any more: nothing of it outlived baton (SPEC 2.6).
::testing::AssertionResult nothing_left_of(const std::string& run_id) {
  if (run_id.empty()) return ::testing::AssertionFailure() << "no run id";
  auto left = hostile::processes_with("BATON_RUN_ID=" + run_id);
  if (left.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure() << left.size() << " processes of the run left:";
  for (pid_t pid : left) failure << " " << pid;
  return failure;
}

TEST(CliHostileTask, GigabyteOfOutputGoesToTheLogNotThroughBaton) {
  Scratch s;
  // Succeeding and failing: the report of a failure shows the log's last lines, which must not
  // mean reading a gigabyte (here on a single line) back.
  auto r = run(s, R"(name: flood
tasks:
  - id: flood
    run: head -c 1073741824 /dev/zero
  - id: after
    needs: [flood]
    run: echo after
  - id: flood_and_fail
    run: head -c 1073741824 /dev/zero; echo; echo the last words; exit 3
)");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  auto logs = s.logs();
  EXPECT_EQ(fs::file_size(logs / "flood.1.log"), 1u << 30);
  EXPECT_EQ(testing::read_file(logs / "after.1.log"), "after\n");
  EXPECT_THAT(testing::timeline_row(r.out, "flood_and_fail"), HasSubstr("failed")) << r.err;
  EXPECT_THAT(r.out, HasSubstr("the last words")) << "the log's tail is in the report";
  EXPECT_LT(r.max_rss_kb, kFlatRssKb) << r.describe();
  EXPECT_LT(r.elapsed, milliseconds(30'000)) << r.describe();
  std::cout << "[ measured ] 2 GiB of task output: " << r.elapsed.count() << " ms, baton "
            << r.max_rss_kb / 1024 << " MiB\n";
  fs::remove(logs / "flood.1.log");  // Two gigabytes of disk back at once.
  fs::remove(logs / "flood_and_fail.1.log");
}

TEST(CliHostileTask, OutputsOverTheLimitFailTheTaskClearly) {
  Scratch s;
  auto r = run(s, R"(name: outputs
tasks:
  - id: flood
    run: |
      printf 'blob=' > "$BATON_OUTPUT"
      head -c 2097152 /dev/zero | tr '\0' x >> "$BATON_OUTPUT"
  - id: after
    needs: [flood]
    run: echo never
  - id: fifo
    run: mkfifo "$BATON_OUTPUT"
  - id: big_value
    run: |
      printf 'blob=' > "$BATON_OUTPUT"
      head -c 200000 /dev/zero | tr '\0' x >> "$BATON_OUTPUT"
  - id: consumer
    needs: [big_value]
    run: echo "${#BATON_OUT_BIG_VALUE_BLOB}"
)");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_THAT(testing::timeline_row(r.out, "flood"),
              HasSubstr("failed — outputs are 2097157 bytes, more than the limit of 1 MiB"))
      << r.out;
  EXPECT_THAT(testing::timeline_row(r.out, "after"), HasSubstr("skipped")) << r.out;
  // A FIFO would block the open until a writer came: refused at once instead.
  EXPECT_THAT(testing::timeline_row(r.out, "fifo"),
              HasSubstr("is not a regular file ($BATON_OUTPUT must be one)"))
      << r.out;
  // Within the 1 MiB, but one environment variable may hold at most 128 KiB: the dependent
  // cannot start, and says why.
  EXPECT_THAT(testing::timeline_row(r.out, "big_value"), HasSubstr("succeeded")) << r.out;
  EXPECT_THAT(testing::timeline_row(r.out, "consumer"),
              HasSubstr("cannot run '/bin/sh': its arguments and environment are too big "
                        "('BATON_OUT_BIG_VALUE_BLOB' is 200025 bytes, more than the 131071 one "
                        "argument or variable may hold); pass big values in a file"))
      << r.out;
  EXPECT_LT(r.max_rss_kb, kFlatRssKb) << r.describe();
  EXPECT_LT(r.elapsed, milliseconds(10'000)) << r.describe();
}

// A NUL cannot travel in an argument or a variable: a value holding one would reach its
// dependents cut short while the store and the report show it whole. Refused, saying why.
TEST(CliHostileTask, OutputsAndItemsHoldingANulAreRefused) {
  Scratch s;
  std::ofstream(s.at("raw.out"), std::ios::binary) << std::string("k=a\0b\n", 6);
  std::ofstream(s.at("list.out")) << R"(items=["ok", "\u0000x"])"
                                  << "\n";
  auto r = run(s, R"(name: nul
tasks:
  - { id: raw, run: 'cat raw.out > "$BATON_OUTPUT"' }
  - { id: list, run: 'cat list.out > "$BATON_OUTPUT"' }
  - id: each
    foreach: { from: list, output: items }
    argv: [echo, "${{ item }}"]
)");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_THAT(testing::timeline_row(r.out, "raw"),
              HasSubstr("output 'k' holds a NUL byte, which no argument or environment variable "
                        "can carry"))
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("item 1 holds a NUL byte")) << r.out;
}

// Items and reasons come from tasks: a line break must not forge a line of the report (a ticked
// box, a heading), and an escape sequence must not reach the terminal that prints it.
TEST(CliHostileTask, LineBreaksAndEscapesFromTasksStayInsideTheirLine) {
  Scratch s;
  std::ofstream(s.at("list.out"))
      << R"(items=["a\n- [x] 9.9 forged\n### Next Steps", "\u001b]0;owned\u0007"])"
      << "\n";
  auto r = run(s, R"(name: forged
tasks:
  - { id: list, run: 'cat list.out > "$BATON_OUTPUT"' }
  - id: each
    foreach: { from: list, output: items }
    argv: ['true']
)");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_THAT(r.out, Not(HasSubstr("\n- [x] 9.9 forged"))) << r.out;
  EXPECT_EQ(r.out.find("\n### Next Steps"), r.out.rfind("\n### Next Steps"))
      << "one heading of that name starts a line\n"
      << r.out;
  EXPECT_THAT(r.out, HasSubstr(R"(a\n- [x] 9.9 forged\n### Next Steps)")) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "no escape sequence reaches the terminal";
  auto status = hostile::baton(s.path(), {"status", "last", "--state", s.state()});
  EXPECT_EQ(status.out.find('\x1b'), std::string::npos) << status.out;
  EXPECT_THAT(status.out, Not(HasSubstr("\n- [x] 9.9 forged"))) << status.out;
}

TEST(CliHostileTask, ChildrenLeftBehindDieWithTheirTask) {
  Scratch s;
  auto r = run(s, R"yaml(name: children
tasks:
  - id: parent
    run: |
      sleep 300 & echo $! >> children.pid
      sh -c 'sleep 301 & echo $! >> children.pid; sleep 302' & echo $! >> children.pid
      while [ "$(wc -l < children.pid)" -lt 3 ]; do sleep 0.01; done
      exit 0
  - id: check
    needs: [parent]
    run: |
      sleep 0.2
      for pid in $(cat children.pid); do
        if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' /proc/$pid/status; then
          echo "alive $pid"
        fi
      done > alive.txt
)yaml");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(pids_in(s, "children.pid").size(), 3u);
  // Killed with their task's process group when it exited, before its dependent started.
  EXPECT_EQ(s.read("alive.txt"), "");
  EXPECT_TRUE(all_gone(pids_in(s, "children.pid")));
  EXPECT_THAT(r.err, Not(HasSubstr("left running"))) << "nothing escaped the group";
}

TEST(CliHostileTask, ClosingItsOutputEarlyIsHarmless) {
  Scratch s;
  auto r = run(s, R"(name: closed
tasks:
  - id: closes_and_succeeds
    run: exec >&- 2>&-; sleep 0.2; exit 0
  - id: closes_and_writes
    run: exec 1>&-; echo lost; echo "to stderr" >&2; exit 4
  - id: after
    needs: [closes_and_succeeds]
    run: echo after
)");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_THAT(testing::timeline_row(r.out, "closes_and_succeeds"), HasSubstr("succeeded"));
  EXPECT_THAT(testing::timeline_row(r.out, "closes_and_writes"), HasSubstr("failed — exit 4"));
  EXPECT_THAT(testing::read_file(s.logs() / "closes_and_writes.1.log"), HasSubstr("to stderr"));
  EXPECT_EQ(testing::read_file(s.logs() / "after.1.log"), "after\n");
  EXPECT_LT(r.elapsed, milliseconds(10'000)) << r.describe();
}

// A process that leaves its task's process group (setsid, as a daemon does) escapes the kill
// of the group when its task ends. baton finds it when the run is over, by the BATON_RUN_ID it
// inherited or, if it cleared its environment too, as a descendant of baton (a subreaper, it
// inherits such orphans): none outlives baton. What baton cannot find: a process handed to
// another service (systemd-run, at, ssh), which is not its descendant.
TEST(CliHostileTask, ProcessesThatLeaveTheirGroupDoNotOutliveBaton) {
  Scratch s;
  auto r = run(s, R"(name: escape
tasks:
  - id: new_session
    run: setsid sleep 303 & echo $! >> escaped.pid; sleep 0.1
  - id: new_session_no_env
    run: setsid env -i sleep 304 & echo $! >> escaped.pid; sleep 0.1
  - id: daemon
    run: sh -c 'setsid sh -c "echo \$\$ >> escaped.pid; exec sleep 305" &'; sleep 0.1
  - id: later
    needs: [new_session, new_session_no_env, daemon]
    run: sleep 0.2
)");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  auto escaped = pids_in(s, "escaped.pid");
  EXPECT_EQ(escaped.size(), 3u) << s.read("escaped.pid");
  EXPECT_TRUE(all_gone(escaped));
  EXPECT_THAT(r.err, HasSubstr("killed 3 processes that tasks left running outside their process "
                               "groups"))
      << r.err;
  EXPECT_TRUE(nothing_left_of(hostile::run_id_in(r.out)));
  // They ran until the end of the run, not only until their task's end.
  EXPECT_THAT(testing::timeline_row(r.out, "later"), HasSubstr("succeeded"));
}

// A fork bomb is bounded by RLIMIT_NPROC, which the kernel does not apply to root: as root the
// bomb runs as a uid of its own (setpriv; not nobody, whom other containers on the machine may
// use, and RLIMIT_NPROC counts a user's processes in all of them), otherwise as this user with a
// limit a little above what the user runs here. Either way the bomb is also bounded by depth (at
// most 2^9 processes), so that nothing here can take the machine down. The task times out (or
// fails, when the limit leaves it no fork at all); killing its process group takes every process
// of the bomb, and nothing of the run is left once baton has exited.
TEST(CliHostileTask, ForkBombIsContainedAndCleanedUp) {
  Scratch s;
  fs::permissions(s.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  std::string prefix;
  if (hostile::is_root()) {
    ASSERT_EQ(std::system("command -v setpriv >/dev/null"), 0)
        << "setpriv (util-linux) is needed to run the fork bomb as nobody";
    prefix = "setpriv --reuid=61234 --regid=61234 --clear-groups ";
  }
  // How many processes the bomb's user has now, so that the limit leaves the bomb ~60 more.
  uid_t user = hostile::is_root() ? 61234 : ::getuid();
  std::size_t running = 0;
  for (const auto& dir : fs::directory_iterator("/proc")) {
    struct stat info {};
    if (::stat(dir.path().c_str(), &info) == 0 && info.st_uid == user &&
        dir.path().filename().string().find_first_not_of("0123456789") == std::string::npos) {
      ++running;
    }
  }
  std::string limit = std::to_string(running + 60);
  auto r = run(s, R"(name: bomb
tasks:
  - id: bomb
    cwd: /
    timeout: 2s
    kill_grace: 500ms
    env: { LIMIT: ")" +
                      limit + R"(" }
    run: |
      )" + prefix + R"(sh -c '
        ulimit -p "$LIMIT" 2>/dev/null || ulimit -u "$LIMIT"  # dash, bash
        bomb() { if [ "$1" -gt 0 ]; then bomb $(($1 - 1)) & bomb $(($1 - 1)) & fi; sleep 60; }
        bomb 8'
)");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_THAT(testing::timeline_row(r.out, "bomb"),
              ::testing::AnyOf(HasSubstr("timed out after 2s"), HasSubstr("failed — exit")))
      << r.out;
  // The limit bit: some forks were refused (dash says "Cannot fork").
  EXPECT_THAT(testing::read_file(s.logs() / "bomb.1.log"), HasSubstr("fork"))
      << "the process limit was not reached";
  EXPECT_TRUE(nothing_left_of(hostile::run_id_in(r.out)));
  EXPECT_LT(r.elapsed, milliseconds(15'000)) << r.describe();
  EXPECT_LT(r.max_rss_kb, kFlatRssKb) << r.describe();
}

}  // namespace
}  // namespace baton
