// The scheduler on a scripted executor: start order (SPEC 2.3), limits, trigger outcomes,
// failure modes (3.4), retries (3.1), dynamic fan-out and interruption — no processes, no sleeps.
#include "engine/scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "support/fake_executor.hpp"
#include "support/inline_workflow.hpp"

namespace baton::engine {
namespace {

using baton::testing::FakeExecutor;
using baton::testing::parse_workflow;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

struct Run {
  model::Workflow workflow;
  FakeExecutor executor;
  RunResult result;
  std::map<std::string, const Unit*> by_path;
  std::unique_ptr<Scheduler> scheduler;
  std::filesystem::path dir;

  Run() = default;
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  const Unit& unit(const std::string& path) const { return *by_path.at(path); }
};

std::unique_ptr<Run> prepare(const std::string& yaml, int jobs) {
  auto run = std::make_unique<Run>();
  run->workflow = parse_workflow(yaml);
  RunOptions options;
  options.jobs = jobs;
  options.run_id = "test";
  // A folder of its own per run: an outputs file left by an earlier run in this process would
  // be rewritten in place, which the outputs watch does not count as written.
  static int runs = 0;
  options.run_dir =
      std::filesystem::temp_directory_path() /
      ("baton-scheduler-test-" + std::to_string(::getpid()) + "-" + std::to_string(++runs));
  std::filesystem::remove_all(options.run_dir);
  run->dir = options.run_dir;
  options.workflow_dir = options.run_dir;
  run->scheduler = std::make_unique<Scheduler>(run->workflow, run->executor, options);
  return run;
}

void execute(Run& run) {
  run.result = run.scheduler->run();
  for (const auto& unit : run.scheduler->graph().units()) run.by_path[unit.path] = &unit;
}

std::unique_ptr<Run> run_workflow(const std::string& yaml, int jobs,
                                  std::function<void(FakeExecutor&)> script = {}) {
  auto run = prepare(yaml, jobs);
  if (script) script(run->executor);
  execute(*run);
  return run;
}

TEST(SchedulerOrder, DependentsStartAfterTheirUpstreams) {
  auto r = run_workflow(R"(
name: chain
tasks:
  - { id: c, run: x, needs: b }
  - { id: b, run: x, needs: a }
  - { id: a, run: x }
)",
                        2);
  EXPECT_THAT(r->executor.started, ElementsAre("a", "b", "c"));
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

TEST(SchedulerOrder, HigherPriorityThenLongerRemainingPathThenFileOrder) {
  auto r = run_workflow(R"(
name: order
tasks:
  - { id: plain, run: x }
  - { id: head, run: x }
  - { id: tail, run: x, needs: head, estimate: 10s }
  - { id: urgent, run: x, priority: 5 }
  - { id: plain2, run: x }
)",
                        1);
  // head carries 11s of remaining path; once it is done, tail (10s) outranks the 1s tasks.
  EXPECT_THAT(r->executor.started, ElementsAre("urgent", "head", "tail", "plain", "plain2"));
}

// Creating a log file costs 10-50 µs on ext4: the scheduler has the logs of the next starts made
// while it waits, so that none is made between one task's end and the next one's start.
TEST(SchedulerLogsAhead, EveryTaskThatWaitedForASlotFindsItsLogPrepared) {
  auto r = run_workflow(R"(
name: wide
tasks:
  - { id: a, run: x }
  - { id: b, run: x, priority: 1 }
  - { id: c, run: x }
  - { id: d, run: x, priority: 2 }
  - { id: e, run: x }
  - { id: f, run: x }
)",
                        2);
  EXPECT_THAT(r->executor.started, ElementsAre("d", "b", "a", "c", "e", "f"));
  // The first two start before anything waits; each later one waited for a slot.
  EXPECT_THAT(r->executor.log_was_prepared, ElementsAre(false, false, true, true, true, true));
  // Each guess was a task that did start next: no log was made for nothing.
  std::set<std::string> prepared(r->executor.prepared_logs.begin(),
                                 r->executor.prepared_logs.end());
  std::set<std::string> waited;
  for (std::size_t i = 2; i < r->executor.launches.size(); ++i) {
    waited.insert(r->executor.launches[i].log_path);
  }
  EXPECT_EQ(prepared, waited);
}

TEST(SchedulerLogsAhead, AChainsNextTaskFindsItsLogPrepared) {
  auto r = run_workflow(R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: b }
)",
                        2);
  EXPECT_THAT(r->executor.started, ElementsAre("a", "b", "c"));
  EXPECT_THAT(r->executor.log_was_prepared, ElementsAre(false, true, true));
}

TEST(SchedulerLimits, NeverMoreThanJobsRunningAndAllSlotsUsed) {
  auto r = run_workflow(R"(
name: wide
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
  - { id: c, run: x }
  - { id: d, run: x }
)",
                        3, [](FakeExecutor& e) { e.finish_per_wait = 1; });
  EXPECT_EQ(r->executor.max_running, 3u);
  EXPECT_EQ(r->result.peak_parallelism, 3);
}

TEST(SchedulerLimits, GroupConcurrencyAndPoolsSerialise) {
  auto r = run_workflow(R"(
name: limits
pools: { db: 1 }
tasks:
  - id: g
    concurrency: 1
    tasks: [ { id: a, run: x }, { id: b, run: x } ]
  - { id: p, run: x, pool: db }
  - { id: q, run: x, pool: db }
)",
                        8);
  EXPECT_EQ(r->executor.max_running, 2u);  // One of g, one of the pool.
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

TEST(SchedulerTriggers, FailureSkipsDependentsWithReasonAndAllDoneStillRuns) {
  auto r =
      run_workflow(R"(
name: triggers
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: b }
  - { id: cleanup, run: x, needs: a, trigger: all_done }
)",
                   2, [](FakeExecutor& e) {
                     e.exit_code = [](const std::string& task, int) { return task == "a" ? 3 : 0; };
                   });
  EXPECT_EQ(r->unit("a").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("a").reason, "exit 3");
  EXPECT_EQ(r->unit("b").reason, "upstream_failed: a");
  EXPECT_EQ(r->unit("c").reason, "upstream_failed: b");
  EXPECT_EQ(r->unit("cleanup").state, TaskState::kSucceeded);
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

TEST(SchedulerTriggers, IgnoredFailureLetsDependentsRunAndTheRunSucceed) {
  auto r =
      run_workflow(R"(
name: ignore
tasks:
  - { id: a, run: x, on_failure: ignore }
  - { id: b, run: x, needs: a }
)",
                   1, [](FakeExecutor& e) {
                     e.exit_code = [](const std::string& task, int) { return task == "a" ? 1 : 0; };
                   });
  EXPECT_TRUE(r->unit("a").failure_ignored);
  EXPECT_EQ(r->unit("b").state, TaskState::kSucceeded);
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

TEST(SchedulerFailureMode, StopStartsNothingNewButAlwaysTasks) {
  auto r =
      run_workflow(R"(
name: stop
failure_mode: stop
tasks:
  - { id: a, run: x }
  - { id: later, run: x }
  - { id: cleanup, run: x, needs: a, trigger: always }
)",
                   1, [](FakeExecutor& e) {
                     e.exit_code = [](const std::string& task, int) { return task == "a" ? 1 : 0; };
                   });
  EXPECT_THAT(r->executor.started, ElementsAre("a", "cleanup"));
  EXPECT_EQ(r->unit("later").state, TaskState::kPending);
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

TEST(SchedulerFailureMode, CancelTerminatesRunningSiblings) {
  auto r =
      run_workflow(R"(
name: cancel
failure_mode: cancel
tasks:
  - { id: a, run: x }
  - { id: slow, run: x }
)",
                   2, [](FakeExecutor& e) {
                     e.exit_code = [](const std::string& task, int) { return task == "a" ? 1 : 0; };
                   });
  EXPECT_THAT(r->executor.terminated, ElementsAre("slow"));
  EXPECT_EQ(r->unit("slow").state, TaskState::kCancelled);
}

TEST(SchedulerRetry, RetriesWithExponentialBackoffUntilSuccess) {
  auto r = run_workflow(R"(
name: retry
tasks:
  - id: flaky
    run: x
    retry: { max_attempts: 3, strategy: exponential, initial_interval: 100ms }
)",
                        1, [](FakeExecutor& e) {
                          e.exit_code = [](const std::string&, int attempt) {
                            return attempt < 3 ? 75 : 0;
                          };
                        });
  EXPECT_THAT(r->executor.started, ElementsAre("flaky", "flaky", "flaky"));
  EXPECT_EQ(r->unit("flaky").attempts.size(), 3u);
  EXPECT_EQ(r->unit("flaky").state, TaskState::kSucceeded);
  ASSERT_EQ(r->executor.timer_delays.size(), 2u);
  using std::chrono::milliseconds;
  EXPECT_NEAR(std::chrono::duration_cast<milliseconds>(r->executor.timer_delays[0]).count(), 100,
              20);
  EXPECT_NEAR(std::chrono::duration_cast<milliseconds>(r->executor.timer_delays[1]).count(), 200,
              20);
}

TEST(SchedulerRetry, NonRetryableExitCodeFailsAtOnce) {
  auto r = run_workflow(
      R"(
name: retry
tasks:
  - { id: t, run: x, retry: { max_attempts: 5, non_retryable_exit_codes: [2] } }
)",
      1, [](FakeExecutor& e) { e.exit_code = [](const std::string&, int) { return 2; }; });
  EXPECT_EQ(r->unit("t").attempts.size(), 1u);
  EXPECT_EQ(r->unit("t").state, TaskState::kFailed);
}

TEST(SchedulerFanOut, DynamicItemsComeFromTheSourceOutputAndFanIn) {
  auto r = run_workflow(
      R"(
name: dynamic
tasks:
  - { id: discover, run: x, outputs: [files] }
  - { id: process, foreach: { from: discover, output: files }, argv: [echo, "${{ item }}"] }
  - { id: merge, run: x, needs: process }
)",
      2, [](FakeExecutor& e) { e.outputs["discover"] = "files<<EOF\na.csv\nb.csv\nEOF\n"; });
  EXPECT_THAT(r->executor.started, ElementsAre("discover", "process[0]", "process[1]", "merge"));
  EXPECT_EQ(r->unit("process[1]").item, "b.csv");
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

TEST(SchedulerFanOut, JsonArrayItems) {
  auto r =
      run_workflow(R"(
name: dynamic
tasks:
  - { id: discover, run: x }
  - { id: process, foreach: { from: discover, output: list }, argv: [echo, "${{ item }}"] }
)",
                   1, [](FakeExecutor& e) { e.outputs["discover"] = "list=[\"x\", \"y z\"]\n"; });
  EXPECT_EQ(r->unit("process[1]").item, "y z");
}

TEST(SchedulerInterrupt, FirstInterruptTerminatesEverythingAndCancelsTheRun) {
  auto r = run_workflow(R"(
name: interrupt
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
)",
                        1, [](FakeExecutor& e) { e.interrupt_after_first_start = true; });
  EXPECT_THAT(r->executor.terminated, ElementsAre("a"));
  EXPECT_EQ(r->unit("a").state, TaskState::kCancelled);
  EXPECT_EQ(r->unit("b").state, TaskState::kPending);
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

}  // namespace
}  // namespace baton::engine
