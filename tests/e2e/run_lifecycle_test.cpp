// End-to-end tests of `baton run`: the dry run, interruption and cleanup (SPEC 2.6: no child
// outlives baton), and every example in examples/ running to exit 0.
#include <nlohmann/json.hpp>

#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// ---------------------------------------------------------------------------------------------
// Dry run

TEST(CliRunDryRun, PrintsLeavesInStartOrderAndRunsNothing) {
  Scratch s;
  auto r = s.run(R"(name: dry
tasks:
  - { id: later, needs: first, run: touch later.marker }
  - { id: first, run: touch first.marker }
  - { id: fan, foreach: [u, v], needs: later, argv: [touch, "fan.${{ item }}"] }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(s.exists("first.marker"));
  EXPECT_FALSE(s.exists("later.marker"));
  EXPECT_FALSE(s.exists("fan.u"));
  auto first = line_index(r.out, "first");
  auto later = line_index(r.out, "later");
  auto fan = line_index(r.out, "fan[1]");
  ASSERT_GE(first, 0) << describe(r);
  ASSERT_GE(later, 0) << describe(r);
  ASSERT_GE(fan, 0) << describe(r);
  EXPECT_LT(first, later) << describe(r);
  EXPECT_LT(later, fan) << describe(r);
}

TEST(CliRunDryRun, ListsTasksThatUseOutputTemplatesAndTheirDependents) {
  Scratch s;
  auto r = s.run(R"(name: dry-templates
tasks:
  - { id: a, run: echo k=1 >> "$BATON_OUTPUT" }
  - { id: c, argv: [touch, "c.${{ tasks.a.outputs.k }}"] }
  - { id: d, needs: c, run: touch d.marker }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(s.exists("d.marker"));
  auto a = line_index(r.out, "a");
  auto c = line_index(r.out, "c");
  auto d = line_index(r.out, "d");
  ASSERT_GE(a, 0) << describe(r);
  EXPECT_GT(c, a) << "c would run after a, whose output it reads\n" << describe(r);
  EXPECT_GT(d, c) << describe(r);
}

TEST(CliRunDryRun, ListsWhatFollowsADynamicFanOverPromisedOutputs) {
  Scratch s;
  auto r = s.run(R"(name: dry-dynamic
tasks:
  - { id: discover, outputs: [files], run: echo x >> found }
  - { id: process, foreach: { from: discover, output: files }, argv: [touch, "${{ item }}"] }
  - { id: merge, needs: process, run: touch merge.marker }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(s.exists("found"));
  EXPECT_FALSE(s.exists("merge.marker"));
  auto discover = line_index(r.out, "discover");
  auto merge = line_index(r.out, "merge");
  ASSERT_GE(discover, 0) << describe(r);
  EXPECT_GT(merge, discover) << "the items are unknown, but merge would still run\n" << describe(r);
  // Its instances are unknown before the run: one line stands for them all, as in `baton plan`.
  EXPECT_THAT(r.out, HasSubstr("   2. process[*]\n")) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("3 tasks would run, a [*] one once per item of a fan-out known "
                               "only at run time"))
      << describe(r);
}

TEST(CliRunDryRun, StaticInstancesAfterADynamicFanOutKeepTheirItems) {
  Scratch s;
  auto r = s.run(R"(name: dry-items
tasks:
  - { id: src, outputs: [l], run: echo l=a >> "$BATON_OUTPUT" }
  - { id: dyn, foreach: { from: src, output: l }, run: "true" }
  - { id: after, needs: dyn, foreach: [x, y], run: "true" }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("   2. dyn[*]\n")) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("   3. after[0] (x)\n")) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("   4. after[1] (y)\n")) << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Interruption and cleanup (SPEC 2.6)

struct Interrupted {
  std::optional<int> exit_code;
  milliseconds after_signal{0};
};

// Starts `baton run` on `yaml` in the background, waits (at most 5 s) until every file of
// `ready` exists, sends `signal` (twice if `twice`, 100 ms apart) and waits at most 5 s for it.
Interrupted run_and_interrupt(Scratch& s, std::string_view yaml,
                              const std::vector<std::string>& ready, int signal,
                              bool twice = false) {
  auto file = s.write_workflow(yaml);
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  auto all_ready = [&] {
    return std::all_of(ready.begin(), ready.end(),
                       [&](const std::string& f) { return s.exists(f) && !s.read(f).empty(); });
  };
  while (!all_ready() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  Interrupted result;
  if (!all_ready()) {
    ADD_FAILURE() << "the tasks did not start\n--- stdout\n"
                  << s.read("baton.out") << "--- stderr\n"
                  << s.read("baton.err");
    return result;
  }
  auto start = Clock::now();
  baton.signal(signal);
  if (twice) {
    std::this_thread::sleep_for(milliseconds(100));
    baton.signal(signal);
  }
  result.exit_code = baton.wait_for(milliseconds(5000));
  result.after_signal = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return result;
}

pid_t read_pid(const Scratch& s, const std::string& name) {
  auto text = trim(s.read(name));
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

// Kills what a failed test may have left behind, so that it does not outlive the test.
void kill_leftovers(const std::vector<pid_t>& pids) {
  for (auto pid : pids) {
    if (baton::testing::process_alive(pid)) kill(pid, SIGKILL);
  }
}

constexpr std::string_view kFamily = R"(name: family
defaults: { kill_grace: 200ms }
tasks:
  - id: parent
    run: |
      sleep 30 &
      echo $! > grandchild
      echo $$ > pid
      wait
  - { id: after, needs: parent, run: touch after.marker }
)";

TEST(CliRunInterrupt, SigintExits130QuicklyAndLeavesNoProcessBehind) {
  Scratch s;
  auto result = run_and_interrupt(s, kFamily, {"pid", "grandchild"}, SIGINT);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGINT";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the task " << pid << " outlived baton";
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)))
      << "the task's child " << grandchild << " outlived baton";
  EXPECT_FALSE(s.exists("after.marker")) << "an interrupted run starts nothing more";
  EXPECT_THAT(s.read("baton.out"), HasSubstr("cancelled"));
  kill_leftovers({pid, grandchild});
}

TEST(CliRunInterrupt, SigtermExits130AndLeavesNoProcessBehind) {
  Scratch s;
  auto result = run_and_interrupt(s, kFamily, {"pid", "grandchild"}, SIGTERM);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGTERM";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200)));
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)));
  kill_leftovers({pid, grandchild});
}

// The terminal or the SSH connection went away: SIGHUP stops the run as SIGTERM does, rather than
// kill baton and leave its tasks (each in a process group of its own) running.
TEST(CliRunInterrupt, SighupStopsTheRunAndLeavesNoProcessBehind) {
  Scratch s;
  auto result = run_and_interrupt(s, kFamily, {"pid", "grandchild"}, SIGHUP);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGHUP";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200)));
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)));
  EXPECT_THAT(s.read("baton.out"), HasSubstr("cancelled"));
  kill_leftovers({pid, grandchild});
}

// `baton run … 2>&1 | head -1`: the reader of the progress goes away. The run goes on to its
// end, with its report, instead of dying of SIGPIPE with its tasks running.
TEST(CliRunInterrupt, AReaderOfTheProgressThatGoesAwayDoesNotStopTheRun) {
  Scratch s;
  auto file = s.write_workflow(R"(name: unread
tasks:
  - { id: a, run: 'sleep 0.2' }
  - { id: b, needs: a, run: 'sleep 0.2; touch b.marker' }
)");
  auto r = baton::testing::run_process(
      {"sh", "-c",
       "{ \"$0\" run \"$1\" --state \"$2\" --progress plain 2>&1 >/dev/null; "
       "echo $? > \"$3\"; } | head -c 1 >/dev/null",
       BATON_BINARY, file, s.state(), s.at("rc").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(trim(s.read("rc")), "0") << "baton must finish the run";
  EXPECT_TRUE(s.exists("b.marker"));
  ASSERT_EQ(s.runs().size(), 1u);
  EXPECT_TRUE(fs::exists(s.runs()[0] / "report.md"));
}

// `baton run FILE --progress plain 2>&1 | slow-reader`: a reader that does not read for 4 s, by
// which time ~200 KB of progress (1500 tasks) has filled the pipe. Returns baton's exit code.
std::string run_with_a_reader_that_does_not_read(Scratch& s, const std::string& file) {
  auto r = baton::testing::run_process(
      {"sh", "-c",
       "{ \"$0\" run \"$1\" --state \"$2\" --progress plain --jobs 2 2>&1 >/dev/null; "
       "echo $? > \"$3\"; } | { sleep 4; cat >/dev/null; }",
       BATON_BINARY, file, s.state(), s.at("rc").string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  return trim(s.read("rc"));
}

std::string quick_tasks(int count, std::string_view indent) {
  std::string yaml;
  for (int i = 0; i < count; ++i) {
    yaml += std::string(indent) + "- { id: quick_task_with_a_rather_long_name_" +
            std::to_string(i) + ", run: 'true' }\n";
  }
  return yaml;
}

// The entry of `path` in the last run's report.json.
nlohmann::json task_entry(Scratch& s, std::string_view path) {
  auto json = nlohmann::json::parse(baton_on(s, {"report", "last", "--format", "json"}).out);
  for (const auto& task : json["tasks"]) {
    if (task["path"] == path) return task;
  }
  return nullptr;
}

// A reader that does not read holds the progress, not the run: the task's 1.5 s timeout is kept.
TEST(CliRunInterrupt, AReaderThatDoesNotReadTheProgressDoesNotHoldTheRun) {
  Scratch s;
  auto file = s.write_workflow(
      "name: unread\ntasks:\n"
      "  - { id: long, run: 'sleep 8', timeout: 1500ms, kill_grace: 50ms }\n" +
      quick_tasks(1500, "  "));
  EXPECT_EQ(run_with_a_reader_that_does_not_read(s, file), "1") << "the run failed by the timeout";
  auto task = task_entry(s, "long");
  ASSERT_FALSE(task.is_null());
  ASSERT_EQ(task["attempts"].size(), 1u) << task.dump();
  EXPECT_EQ(task["attempts"][0]["timed_out"], true) << task.dump();
  EXPECT_LT(task["attempts"][0]["duration_s"].get<double>(), 3.0)
      << "the timeout waited for the reader: " << task.dump();
}

// Nor does a gate's line, the commands that decide it, hold the run: its 300 ms timeout is kept.
TEST(CliRunInterrupt, AReaderThatDoesNotReadTheProgressDoesNotHoldAGate) {
  Scratch s;
  auto file = s.write_workflow("name: unread-gate\ntasks:\n  - id: quick\n    tasks:\n" +
                               quick_tasks(1500, "      ") +
                               "  - { id: gate, approval: true, timeout: 300ms, needs: quick }\n");
  EXPECT_EQ(run_with_a_reader_that_does_not_read(s, file), "1") << "the gate failed by its timeout";
  auto gate = task_entry(s, "gate");
  ASSERT_FALSE(gate.is_null());
  EXPECT_EQ(gate["status"], "failed") << gate["reason"];
  ASSERT_EQ(gate["waits"].size(), 1u) << gate["waits"].dump();
  EXPECT_LT(gate["waits"][0]["duration_s"].get<double>(), 2.0)
      << "the gate's timeout waited for the reader: " << gate["waits"].dump();
}

TEST(CliRunInterrupt, ATaskIgnoringSigtermIsKilledAfterKillGrace) {
  Scratch s;
  auto result = run_and_interrupt(s, R"(name: stubborn
tasks:
  - id: stubborn
    kill_grace: 100ms
    run: |
      trap "" TERM
      sleep 30 &
      echo $! > grandchild
      echo $$ > pid
      wait
)",
                                  {"pid", "grandchild"}, SIGINT);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGINT";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the task " << pid << " outlived baton";
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)));
  kill_leftovers({pid, grandchild});
}

// `signal` (twice, if `twice`) to a run whose task ignores SIGTERM and has a long kill_grace:
// only killing at once lets baton exit within a second.
void expect_killed_at_once(int signal, bool twice) {
  Scratch s;
  auto result = run_and_interrupt(s, R"(name: impatient
tasks:
  - id: stubborn
    kill_grace: 20s
    run: |
      trap "" TERM
      echo $$ > pid
      sleep 30
)",
                                  {"pid"}, signal, twice);
  auto pid = read_pid(s, "pid");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after " << strsignal(signal);
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the task " << pid << " outlived baton";
  kill_leftovers({pid});
}

TEST(CliRunInterrupt, SecondSigintKillsAtOnce) { expect_killed_at_once(SIGINT, /*twice=*/true); }

// Ctrl-\ (SIGQUIT) would, left to its default, kill baton and leave its tasks (in process
// groups of their own) running: it stops the run at once, as a second Ctrl-C does.
TEST(CliRunInterrupt, SigquitKillsTheTasksAtOnce) {
  expect_killed_at_once(SIGQUIT, /*twice=*/false);
}

// SIGUSR2 and SIGALRM, which baton does not use, stop the run as SIGTERM does, instead of
// killing baton and leaving its tasks.
TEST(CliRunInterrupt, SignalsBatonDoesNotUseStopTheRunCleanly) {
  for (int signal : {SIGUSR2, SIGALRM}) {
    Scratch s;
    auto result = run_and_interrupt(s, R"(name: stray
tasks:
  - { id: a, run: 'echo $$ > pid; exec sleep 30' }
)",
                                    {"pid"}, signal);
    auto pid = read_pid(s, "pid");
    ASSERT_TRUE(result.exit_code.has_value()) << strsignal(signal);
    EXPECT_EQ(*result.exit_code, 130) << strsignal(signal) << s.read("baton.err");
    EXPECT_TRUE(wait_until_gone(pid, milliseconds(500))) << strsignal(signal);
    EXPECT_THAT(s.read("baton.out"), HasSubstr("cancelled")) << strsignal(signal);
    kill_leftovers({pid});
  }
}

// The state letter of /proc/PID/stat ('T' stopped, 'S' sleeping, ...), or 0 if it is gone.
char process_state(pid_t pid) {
  auto text = exec::read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  auto paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() ? 0 : text[paren + 2];
}

// Waits up to `limit` until `pid` is stopped.
bool wait_until_stopped(pid_t pid, milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (process_state(pid) != 'T') {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// Is every process of process group `group` stopped? A shell that is starting a command waits
// for it in vfork ('D') while its child, stopped before it could exec, holds the stop.
bool group_stopped(pid_t group) {
  bool any_stopped = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto text = exec::read_proc_file(entry.path().string() + "/stat");
    auto paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(text.substr(paren + 2));
    char state = 0;
    pid_t parent = 0, pgrp = 0;
    fields >> state >> parent >> pgrp;
    if (pgrp != group || state == 'Z' || state == 'X') continue;
    if (state != 'T' && state != 'D') return false;
    any_stopped = any_stopped || state == 'T';
  }
  return any_stopped;
}

bool wait_until_group_stopped(pid_t group, milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (!group_stopped(group)) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// Ctrl-Z suspends the run, as it would a make: the task stops with baton (it is in a session of
// its own, which the terminal's SIGTSTP does not reach), goes on when baton is continued, and
// the time it was stopped does not count toward its timeout. The task ticks until the test lets
// it end, so it is surely running when the run is suspended, however slow the machine.
TEST(CliRunInterrupt, CtrlZSuspendsTheTasksWithBatonAndTheirTimeoutsWait) {
  Scratch s;
  auto file = s.write_workflow(R"(name: suspend
tasks:
  - id: tick
    timeout: 800ms
    run: |
      echo $$ > pid
      while [ ! -e go ]; do echo t >> ticks; sleep 0.02; done
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  while (!(s.exists("ticks") && !s.read("pid").empty()) && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  const pid_t task = read_pid(s, "pid");
  ASSERT_GT(task, 0) << "the task did not start\n" << s.read("baton.err");
  baton.signal(SIGTSTP);
  ASSERT_TRUE(wait_until_stopped(baton.pid(), milliseconds(2000))) << "baton did not stop";
  EXPECT_TRUE(wait_until_group_stopped(task, milliseconds(2000)))
      << "the task ran on without baton";
  const auto ticks = s.read("ticks");
  std::this_thread::sleep_for(milliseconds(1100));  // Longer than the task's timeout.
  EXPECT_EQ(s.read("ticks"), ticks) << "the task ticked while the run was suspended";
  EXPECT_EQ(process_state(baton.pid()), 'T');

  std::ofstream(s.at("go")).put('\n');
  baton.signal(SIGCONT);
  auto exit_code = baton.wait_for(milliseconds(5000));
  ASSERT_TRUE(exit_code.has_value()) << "baton did not go on after SIGCONT";
  // 0: the task went on, saw `go` and ended, within a timeout the pause did not count toward.
  EXPECT_EQ(*exit_code, 0) << "the pause counted toward the timeout?\n" << s.read("baton.out");
  kill_leftovers({task});
}

// nohup's point is that the end of the terminal session does not end the command: a baton
// started with SIGHUP ignored goes on (without nohup, SIGHUP stops the run, as above).
TEST(CliRunInterrupt, UnderNohupSighupDoesNotStopTheRun) {
  Scratch s;
  auto file = s.write_workflow(R"(name: nohup
tasks:
  - { id: a, run: 'echo $$ > pid; sleep 0.3; touch done' }
  - { id: b, needs: a, run: touch b.marker }
)");
  BackgroundProcess baton({"nohup", BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  while (s.read("pid").empty() && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  ASSERT_FALSE(s.read("pid").empty()) << "the task did not start\n" << s.read("baton.err");
  baton.signal(SIGHUP);
  auto exit_code = baton.wait_for(milliseconds(5000));
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0) << s.read("baton.out") << s.read("baton.err");
  EXPECT_TRUE(s.exists("b.marker"));
}

TEST(CliRunInterrupt, ABackgroundChildOfAFinishedTaskDoesNotOutliveBaton) {
  Scratch s;
  auto r = s.run(R"(name: daemon
tasks:
  - { id: a, run: sleep 30 & echo $! > bg }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto bg = read_pid(s, "bg");
  ASSERT_GT(bg, 0);
  EXPECT_TRUE(wait_until_gone(bg, milliseconds(200)))
      << "the task's child " << bg << " outlived baton";
  kill_leftovers({bg});
}

// ---------------------------------------------------------------------------------------------
// Examples

class CliRunExample : public ::testing::TestWithParam<std::string> {};

TEST_P(CliRunExample, RunsWithExit0) {
  Scratch s;
  auto file = kSourceDir + "/examples/" + GetParam() + ".yaml";
  // The examples keep their workspaces under $TMPDIR: this test's folder.
  auto r = run_process({BATON_BINARY, "run", file, "--state", s.state()}, {},
                       {"NO_COLOR=1", "TMPDIR=" + s.path().string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/examples")) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(CliRun, CliRunExample, ::testing::ValuesIn(example_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace baton
