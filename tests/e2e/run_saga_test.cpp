// End-to-end tests of `baton run`: saga compensation (SPEC 3.5): the order and parallelism of
// compensations, their retries, timeouts, environment and logs, how a failed compensation
// leaves what waits for it, the run's final status, and SIGINT during compensation (2.6).
#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::events_of;
using baton::testing::gaps_ms;
using baton::testing::process_alive;
using baton::testing::progress_events;
using baton::testing::read_numbers;
using nlohmann::json;

constexpr double kGrainMs = 5;
constexpr double kSlackMs = 400;

// When a compensation ran, from the two times it appended to its file.
struct Interval {
  std::int64_t start = 0, end = 0;
  bool overlaps(const Interval& other) const { return start < other.end && other.start < end; }
};

Interval interval(const Scratch& s, const std::string& name) {
  auto times = read_numbers(s.at(name));
  EXPECT_EQ(times.size(), 2u) << name << ": '" << s.read(name) << "'";
  if (times.size() != 2) return {};
  return {times[0], times[1]};
}

// The tasks named by the events of this kind, in order.
std::vector<std::string> tasks_of(const std::vector<json>& events, std::string_view kind) {
  std::vector<std::string> tasks;
  for (const auto& event : events_of(events, kind)) tasks.push_back(event.value("task", ""));
  return tasks;
}

pid_t read_pid(const Scratch& s, const std::string& name) {
  auto text = trim(s.read(name));
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

// ---------------------------------------------------------------------------------------------
// Order and parallelism

TEST(CliRunSaga, CompensatesInReverseDependencyOrderPassingOverTasksWithoutCompensate) {
  Scratch s;
  auto r = s.run(R"(name: saga-order
concurrency: 4
tasks:
  - id: reserve
    run: "true"
    compensate: date +%s%N >> reserve.t; sleep 0.03; date +%s%N >> reserve.t
  - { id: audit, needs: reserve, run: "true" }
  - id: charge
    needs: audit
    run: "true"
    compensate: date +%s%N >> charge.t; sleep 0.03; date +%s%N >> charge.t
  - { id: ship, needs: charge, run: exit 3, compensate: touch ship.comp }
  - { id: notify, needs: ship, run: "true", compensate: touch notify.comp }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r) << "a rolled-back run exits 1";
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Rolled back in ")) << describe(r);
  EXPECT_TRUE(task_line(r, "reserve", "compensated"));
  EXPECT_TRUE(task_line(r, "charge", "compensated"));
  EXPECT_TRUE(task_line(r, "audit", "succeeded")) << "nothing to undo";
  EXPECT_TRUE(task_line(r, "ship", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "notify", "skipped", "upstream_failed: ship"));
  EXPECT_FALSE(s.exists("ship.comp")) << "a failed task has nothing to undo";
  EXPECT_FALSE(s.exists("notify.comp")) << "a skipped task has nothing to undo";
  auto reserve = interval(s, "reserve.t");
  auto charge = interval(s, "charge.t");
  EXPECT_GE(reserve.start, charge.end) << "reserve is undone after charge, which needs it";

  auto events = progress_events(r.err);
  EXPECT_THAT(tasks_of(events, "compensation_started"),
              ::testing::ElementsAre("charge", "reserve"));
  auto finished = events_of(events, "compensation_finished");
  ASSERT_EQ(finished.size(), 2u) << describe(r);
  for (const auto& event : finished) {
    EXPECT_EQ(event.value("status", ""), "compensated") << event.dump();
    EXPECT_EQ(event.value("compensation", false), true) << event.dump();
  }
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().value("event", ""), "run_finished");
  EXPECT_EQ(events.back().value("status", ""), "rolled_back");
}

constexpr std::string_view kDiamond = R"(name: saga-diamond
tasks:
  - { id: a, run: "true", compensate: date +%s%N >> a.t; sleep 0.05; date +%s%N >> a.t }
  - { id: b, needs: a, run: "true", compensate: date +%s%N >> b.t; sleep 0.1; date +%s%N >> b.t }
  - { id: c, needs: a, run: "true", compensate: date +%s%N >> c.t; sleep 0.1; date +%s%N >> c.t }
  - { id: bad, needs: [b, c], run: exit 3 }
)";

TEST(CliRunSaga, IndependentCompensationsRunInParallel) {
  Scratch s;
  auto r = s.run(kDiamond, {"--jobs", "4"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Rolled back in ")) << describe(r);
  auto a = interval(s, "a.t");
  auto b = interval(s, "b.t");
  auto c = interval(s, "c.t");
  EXPECT_TRUE(b.overlaps(c)) << "b and c are undone at the same time\n" << describe(r);
  EXPECT_GE(a.start, std::max(b.end, c.end)) << describe(r);
}

TEST(CliRunSaga, CompensationsTakeNoMoreThanTheJobs) {
  Scratch s;
  auto r = s.run(kDiamond, {"--jobs", "1"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Rolled back in ")) << describe(r);
  auto a = interval(s, "a.t");
  auto b = interval(s, "b.t");
  auto c = interval(s, "c.t");
  EXPECT_FALSE(b.overlaps(c)) << "one job: one compensation at a time\n" << describe(r);
  EXPECT_GE(a.start, std::max(b.end, c.end)) << describe(r);
}

TEST(CliRunSaga, CancelModeStillCompensatesButOnlySucceededTasks) {
  Scratch s;
  auto r = s.run(R"(name: saga-cancel
concurrency: 4
failure_mode: cancel
tasks:
  - { id: done, run: "true", compensate: touch done.comp }
  - { id: long, needs: done, kill_grace: 100ms, run: sleep 5, compensate: touch long.comp }
  - { id: bad, needs: done, run: sleep 0.05; exit 3, compensate: touch bad.comp }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Rolled back in ")) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(2000)) << describe(r);
  EXPECT_TRUE(task_line(r, "long", "cancelled"));
  EXPECT_TRUE(task_line(r, "done", "compensated"));
  EXPECT_TRUE(s.exists("done.comp"));
  EXPECT_FALSE(s.exists("long.comp")) << "a cancelled task has nothing to undo";
  EXPECT_FALSE(s.exists("bad.comp"));
}

TEST(CliRunSaga, SucceededRunCompensatesNothing) {
  Scratch s;
  auto r = s.run(R"(name: saga-none
tasks:
  - { id: a, run: "true", compensate: touch a.comp }
  - { id: ignored, needs: a, on_failure: ignore, run: exit 3, compensate: touch ignored.comp }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "succeeded"));
  EXPECT_FALSE(s.exists("a.comp"));
  EXPECT_FALSE(s.exists("ignored.comp"));
  EXPECT_THAT(events_of(progress_events(r.err), "compensation_started"), IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// Failed compensations, retries, timeouts

TEST(CliRunSaga, FailedCompensationFailsTheRunAndLeavesWhatWaitsForItUncompensated) {
  Scratch s;
  auto r = s.run(R"(name: saga-broken
concurrency: 4
tasks:
  - { id: a, run: "true", compensate: touch a.comp }
  - { id: b, needs: a, run: "true", compensate: echo refusing; exit 4 }
  - { id: other, run: "true", compensate: touch other.comp }
  - { id: bad, needs: b, run: exit 3 }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Failed in ")) << describe(r);
  EXPECT_TRUE(task_line(r, "b", "compensation_failed", "compensation exit 4"));
  EXPECT_TRUE(task_line(r, "a", "succeeded", "not compensated: the compensation of b failed"));
  EXPECT_FALSE(s.exists("a.comp"));
  EXPECT_TRUE(task_line(r, "other", "compensated")) << "an independent compensation still runs";
  EXPECT_TRUE(s.exists("other.comp"));
  EXPECT_THAT(read_file(s.logs() / "b.compensate.1.log"), HasSubstr("refusing"));

  auto events = progress_events(r.err);
  EXPECT_THAT(events_of(events, "compensation_started", "a"), IsEmpty());
  auto b = events_of(events, "compensation_finished", "b");
  ASSERT_EQ(b.size(), 1u) << describe(r);
  EXPECT_EQ(b[0].value("status", ""), "compensation_failed");
  EXPECT_EQ(b[0].value("reason", ""), "compensation exit 4");
  EXPECT_EQ(b[0].value("decision", ""), "not retried: max_attempts is 1");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().value("status", ""), "failed");
}

TEST(CliRunSaga, CompensationRetriesWithTheTasksRetryPolicy) {
  Scratch s;
  auto r = s.run(R"(name: saga-retry
tasks:
  - id: a
    run: echo $BATON_ATTEMPT >> run.attempts
    retry: { strategy: fixed, delay: 50ms, max_attempts: 3 }
    compensate: date +%s%N >> undo.starts; test $BATON_ATTEMPT -ge 3
  - { id: bad, needs: a, run: exit 3 }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Rolled back in ")) << describe(r);
  EXPECT_EQ(s.read("run.attempts"), "1\n") << "the task itself ran once";
  EXPECT_TRUE(task_line(r, "a", "compensated"));
  auto starts = read_numbers(s.at("undo.starts"));
  ASSERT_EQ(starts.size(), 3u) << describe(r);
  for (double gap : gaps_ms(starts)) {
    EXPECT_GE(gap, 50 - kGrainMs) << describe(r);
    EXPECT_LT(gap, 50 + kSlackMs) << describe(r);
  }
  for (int n = 1; n <= 3; ++n) {
    EXPECT_TRUE(fs::exists(s.logs() / ("a.compensate." + std::to_string(n) + ".log")))
        << "compensation attempt " << n << " has its own log";
  }
  auto events = progress_events(r.err);
  auto retrying = events_of(events, "task_retrying", "a");
  ASSERT_EQ(retrying.size(), 2u) << describe(r);
  EXPECT_EQ(retrying[0].value("decision", ""), "retry in 50ms (attempt 2 of 3)");
  EXPECT_EQ(retrying[1].value("decision", ""), "retry in 50ms (attempt 3 of 3)");
  for (const auto& event : retrying) {
    EXPECT_EQ(event.value("compensation", false), true) << event.dump();
    EXPECT_TRUE(event.contains("next_attempt_at")) << event.dump();
  }
  std::vector<int> started;
  for (const auto& event : events_of(events, "compensation_started", "a")) {
    started.push_back(event.value("attempt", 0));
  }
  EXPECT_THAT(started, ::testing::ElementsAre(1, 2, 3)) << "one event per attempt";
}

TEST(CliRunSaga, CompensationTimeoutKillsATermProofUndo) {
  Scratch s;
  auto r = s.run(R"(name: saga-timeout
tasks:
  - id: a
    run: "true"
    timeout: 100ms
    kill_grace: 50ms
    compensate: trap '' TERM; echo $$ > undo.pid; sleep 5; touch undo.done
  - { id: bad, needs: a, run: exit 3 }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Failed in ")) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "compensation_failed", "compensation timed out after 100ms"));
  EXPECT_GE(s.elapsed, milliseconds(150 - 10)) << "SIGKILL only after kill_grace";
  EXPECT_LT(s.elapsed, milliseconds(150 + 1500)) << describe(r);
  EXPECT_FALSE(s.exists("undo.done"));
  auto pid = read_pid(s, "undo.pid");
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(500))) << "the compensation outlived its timeout";
  if (process_alive(pid)) kill(pid, SIGKILL);
}

// ---------------------------------------------------------------------------------------------
// What a compensation sees

TEST(CliRunSaga, CompensationSeesItsTasksOutputsAndLogsApart) {
  Scratch s;
  auto r = s.run(R"(name: saga-env
tasks:
  - id: make-vm
    run: |
      echo "vm-id=vm-42" >> "$BATON_OUTPUT"
      echo "[$BATON_COMPENSATING]" > run.env
      echo creating
    compensate: |
      echo "deleting $BATON_OUT_MAKE_VM_VM_ID"
      echo "$BATON_COMPENSATING $BATON_OUT_MAKE_VM_VM_ID $BATON_TASK $BATON_ATTEMPT" > undo.env
  - { id: bad, needs: make-vm, run: exit 3 }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "make-vm", "compensated"));
  EXPECT_EQ(s.read("run.env"), "[]\n") << "the task itself is not compensating";
  EXPECT_EQ(s.read("undo.env"), "1 vm-42 make-vm 1\n");
  EXPECT_THAT(read_file(s.logs() / "make-vm.1.log"), HasSubstr("creating"));
  EXPECT_THAT(read_file(s.logs() / "make-vm.compensate.1.log"), HasSubstr("deleting vm-42"));
  EXPECT_THAT(read_file(s.logs() / "make-vm.1.log"), Not(HasSubstr("deleting")));
}

// The undo step's argv may name the task's own outputs: they are known when it runs, and a
// template is no shell string (SPEC 1.4), so the value reaches it as one argument.
TEST(CliRunSaga, CompensationArgvTemplatesItsTasksOwnOutputs) {
  Scratch s;
  auto r = s.run(R"(name: saga-template
tasks:
  - id: make-vm
    run: echo "vm-id=vm 7; rm -rf x" >> "$BATON_OUTPUT"
    compensate: [sh, -c, 'printf "%s|" "$@" > undo.args', sh, "${{ tasks.make-vm.outputs.vm-id }}"]
  - { id: bad, needs: make-vm, run: exit 3 }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "make-vm", "compensated")) << describe(r);
  EXPECT_EQ(s.read("undo.args"), "vm 7; rm -rf x|");
}

// ---------------------------------------------------------------------------------------------
// Interruption during compensation (SPEC 2.6, 3.4)

TEST(CliRunSaga, SigintDuringCompensationStopsItAndExits130) {
  Scratch s;
  auto file = s.write_workflow(R"(name: saga-interrupt
tasks:
  - { id: a, run: "true", compensate: touch a.comp }
  - id: b
    needs: a
    run: "true"
    kill_grace: 100ms
    compensate: trap '' TERM; echo $$ > undo.pid; sleep 5; touch undo.done
  - { id: bad, needs: b, run: exit 3 }
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state(), "--progress", "json"},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  while (read_pid(s, "undo.pid") == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  auto pid = read_pid(s, "undo.pid");
  ASSERT_GT(pid, 0) << "the compensation did not start\n"
                    << s.read("baton.out") << s.read("baton.err");
  auto signalled = Clock::now();
  baton.signal(SIGINT);
  auto exit_code = baton.wait_for(milliseconds(5000));
  auto after = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled);
  ASSERT_TRUE(exit_code.has_value()) << "baton did not exit after SIGINT";
  auto out = s.read("baton.out");
  EXPECT_EQ(*exit_code, 130) << out << s.read("baton.err");
  EXPECT_GE(after, milliseconds(100 - 10)) << "SIGKILL only after kill_grace";
  EXPECT_LT(after, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the compensation outlived baton";
  if (process_alive(pid)) kill(pid, SIGKILL);
  EXPECT_FALSE(s.exists("undo.done"));
  EXPECT_FALSE(s.exists("a.comp")) << "a cancelled run starts nothing more, compensations included";
  EXPECT_THAT(report_row(out, "Result"), StartsWith("Cancelled in "));
  ProcessResult r{*exit_code, out, s.read("baton.err")};
  EXPECT_TRUE(task_line(r, "a", "succeeded", "not compensated: the run was cancelled"));
  EXPECT_TRUE(task_line(r, "b", "compensation_failed", "the run was cancelled"));
  auto events = progress_events(r.err);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().value("event", ""), "run_finished");
  EXPECT_EQ(events.back().value("status", ""), "cancelled");
}

TEST(CliRunSaga, UnlimitedRetriesOfAFailingCompensationEnd) {
  Scratch s;
  // max_attempts 0 is allowed because the deadline bounds the task; its compensation, which
  // takes the same retry policy, must be bounded too rather than retried forever.
  auto file = s.write_workflow(R"(name: saga-unlimited
tasks:
  - id: a
    run: "true"
    deadline: 300ms
    retry: { strategy: fixed, delay: 20ms, max_attempts: 0 }
    compensate: exit 1
  - { id: bad, needs: a, run: exit 3 }
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto exit_code = baton.wait_for(milliseconds(2500));
  if (!exit_code) {
    auto logs = s.logs();
    auto count = logs.empty() ? 0 : std::distance(fs::directory_iterator(logs), {});
    FAIL() << "baton still retries the compensation after 2.5s: " << count << " logs so far";
  }
  EXPECT_EQ(*exit_code, 1) << s.read("baton.out") << s.read("baton.err");
  ProcessResult r{*exit_code, s.read("baton.out"), s.read("baton.err")};
  EXPECT_TRUE(task_line(r, "a", "compensation_failed"));
}

}  // namespace
}  // namespace baton
