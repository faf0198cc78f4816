// The metrics of SPEC 6 on runs written by hand, each value computed by hand in the comments.
#include "report/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/recorded_run.hpp"

namespace baton::report {
namespace {

using testing::attempt;
using ::testing::ElementsAre;
using testing::ignored;
using ::testing::Pair;
using testing::RecordedRun;
using testing::task;
using testing::transition;

TEST(Metrics, ForkJoinEfficienciesFollowTheDefinitions) {
  // a [0, 1s] and b [0, 2s] side by side, then c [2s, 3s]; the run lasts 3s.
  RecordedRun run{
      R"(name: fork
tasks:
  - { id: a, run: "true" }
  - { id: b, run: "true" }
  - { id: c, needs: [a, b], run: "true" }
)",
      "succeeded",
      3000,
      {task("a", "succeeded", {attempt(1, 0, 1000)}), task("b", "succeeded", {attempt(1, 0, 2000)}),
       task("c", "succeeded", {attempt(1, 2000, 3000)})}};
  auto m = run.metrics();
  EXPECT_EQ(m.tasks_completed, 3u);
  EXPECT_EQ(m.tasks_total, 3u);
  EXPECT_EQ(m.makespan, 3000);
  EXPECT_EQ(m.work, 4000);  // 1s + 2s + 1s.
  EXPECT_EQ(m.peak_parallelism, 2);
  ASSERT_TRUE(m.parallel_efficiency);
  EXPECT_DOUBLE_EQ(*m.parallel_efficiency, 4000.0 / (3000.0 * 2));  // 0.667
  EXPECT_EQ(m.critical_path, 3000);                                 // b (2s) + c (1s).
  EXPECT_THAT(m.critical_path_tasks, ElementsAre("b", "c"));
  EXPECT_DOUBLE_EQ(*m.critical_path_efficiency, 1.0);
  EXPECT_DOUBLE_EQ(*m.speedup, 4000.0 / 3000.0);  // 1.33
  EXPECT_EQ(m.retries, 0);
}

TEST(Metrics, RetriesAndTheirBackoffLieOnTheCriticalPath) {
  // flaky: three attempts of 100ms with 400ms waits ([0, 1.1s]); next [1.1s, 1.6s]; side
  // [0, 1.2s] alongside. The chain flaky -> next spans the whole 1.6s run.
  RecordedRun run{
      R"(name: retries
tasks:
  - { id: flaky, retry: 3, run: "true" }
  - { id: next, needs: flaky, run: "true" }
  - { id: side, run: "true" }
)",
      "succeeded",
      1600,
      {task("flaky", "succeeded",
            {attempt(1, 0, 100, 1, "retry in 400ms (attempt 2 of 3)"),
             attempt(2, 500, 600, 1, "retry in 400ms (attempt 3 of 3)"), attempt(3, 1000, 1100)}),
       task("next", "succeeded", {attempt(1, 1100, 1600)}),
       task("side", "succeeded", {attempt(1, 0, 1200)})}};
  auto m = run.metrics();
  EXPECT_EQ(m.work, 2000);  // 3 × 100ms + 500ms + 1200ms.
  EXPECT_EQ(m.peak_parallelism, 2);
  EXPECT_DOUBLE_EQ(*m.parallel_efficiency, 2000.0 / (1600.0 * 2));  // 0.625
  EXPECT_EQ(m.critical_path, 1600);  // flaky's span (1.1s, waits included) + next (0.5s).
  EXPECT_THAT(m.critical_path_tasks, ElementsAre("flaky", "next"));
  EXPECT_DOUBLE_EQ(*m.critical_path_efficiency, 1.0);
  EXPECT_DOUBLE_EQ(*m.speedup, 1.25);
  EXPECT_EQ(m.retries, 2);
  EXPECT_THAT(m.retries_by_task, ElementsAre(Pair("flaky", 2)));
}

// d (one_success) started when fast ended, while slow still ran: slow -> d is no chain, since d
// did not wait for slow. The longest chain is fast -> d: 0.1s + 0.3s, within the 0.4s run.
TEST(Metrics, AnUpstreamATaskDidNotWaitForIsNoLinkOfTheChain) {
  RecordedRun run{
      R"(name: first-wins
tasks:
  - { id: fast, run: "true" }
  - { id: slow, run: "true" }
  - { id: d, needs: [fast, slow], trigger: one_success, run: "true" }
)",
      "succeeded",
      400,
      {task("fast", "succeeded", {attempt(1, 0, 100)}),
       task("slow", "succeeded", {attempt(1, 0, 300)}),
       task("d", "succeeded", {attempt(1, 100, 400)})}};
  auto m = run.metrics();
  EXPECT_EQ(m.critical_path, 400);
  EXPECT_THAT(m.critical_path_tasks, ElementsAre("fast", "d"));
  EXPECT_DOUBLE_EQ(*m.critical_path_efficiency, 1.0);
}

// a's first attempt was cut short by a crash (restored with its end at its start), then a resume
// ran it again 5s later: a's duration is its second attempt's, not the gap.
TEST(Metrics, TheTimeBetweenSessionsIsNoTasksWork) {
  RecordedRun run{
      R"(name: crashed
tasks:
  - { id: a, run: "true" }
  - { id: b, needs: a, run: "true" }
)",
      "succeeded",
      5600,
      {task("a", "succeeded", {attempt(1, 0, 0), attempt(2, 5000, 5300)}),
       task("b", "succeeded", {attempt(1, 5300, 5600)})}};
  auto m = run.metrics();
  EXPECT_EQ(m.critical_path, 600);  // a 0.3s + b 0.3s.
  EXPECT_EQ(task_duration(run.report().tasks[0], run.report().end_time()), 300);
}

TEST(Metrics, CompletedCountsTasksWhoseOwnStepSucceededEvenIfCompensatedLater) {
  auto compensated = task("c", "compensated", {attempt(1, 0, 10)});
  compensated.compensations = {attempt(1, 50, 60)};
  auto undo_failed = task("cf", "compensation_failed", {attempt(1, 0, 10)}, "compensation exit 4");
  undo_failed.compensations = {attempt(1, 50, 70, 4)};
  RecordedRun run{R"(name: completed
tasks:
  - { id: s, run: "true" }
  - { id: c, run: "true", compensate: "true" }
  - { id: cf, run: "true", compensate: "true" }
  - { id: i, run: "false", on_failure: ignore }
  - { id: f, run: "false" }
  - { id: k, needs: f, run: "true" }
  - { id: p, run: "true" }
)",
                  "failed",
                  100,
                  {task("s", "succeeded", {attempt(1, 0, 10)}), compensated, undo_failed,
                   ignored("i", {attempt(1, 0, 10, 1)}, "exit 1"),
                   task("f", "failed", {attempt(1, 0, 10, 1)}, "exit 1"),
                   task("k", "skipped", {}, "upstream_failed: f")}};
  auto m = run.metrics();
  EXPECT_EQ(m.tasks_total, 7u) << "p was never recorded, yet it is a task of the run";
  EXPECT_EQ(m.tasks_completed, 3u) << "s, c and cf; not the ignored failure";
  EXPECT_EQ(m.ignored_failures, 1);
  EXPECT_EQ(m.compensations, 2);
  EXPECT_EQ(m.compensations_succeeded, 1);
  EXPECT_EQ(m.compensations_failed, 1);
  EXPECT_EQ(m.work, 50) << "compensation attempts are not counted as work";
}

TEST(Metrics, PeakParallelismComesFromTheAttemptsIntervals) {
  // a [0, 100] then b [100, 200] back to back never overlap; c [50, 150] overlaps both; d
  // [60, 70] makes three at once.
  RecordedRun run{
      R"(name: peak
tasks:
  - { id: a, run: "true" }
  - { id: b, run: "true" }
  - { id: c, run: "true" }
  - { id: d, run: "true" }
)",
      "succeeded",
      200,
      {task("a", "succeeded", {attempt(1, 0, 100)}), task("b", "succeeded", {attempt(1, 100, 200)}),
       task("c", "succeeded", {attempt(1, 50, 150)}),
       task("d", "succeeded", {attempt(1, 60, 70)})}};
  EXPECT_EQ(run.metrics().peak_parallelism, 3);
  run.tasks.pop_back();
  run.tasks.pop_back();
  EXPECT_EQ(run.metrics().peak_parallelism, 1) << "back-to-back attempts are not parallel";
}

TEST(Metrics, AChainOfSubMillisecondTasksIsNeverParallel) {
  // `true` takes less than the clock's grain: a ends at 10 and b starts at 10; b lasts 0 ms,
  // c starts at 10 too. One at a time (was: a peak of 2, halving the parallel efficiency).
  RecordedRun run{
      R"(name: quick
tasks:
  - { id: a, run: "true" }
  - { id: b, needs: a, run: "true" }
  - { id: c, needs: b, run: "true" }
  - { id: d, needs: c, run: "true" }
)",
      "succeeded",
      12,
      {task("a", "succeeded", {attempt(1, 9, 10)}), task("b", "succeeded", {attempt(1, 10, 10)}),
       task("c", "succeeded", {attempt(1, 10, 11)}), task("d", "succeeded", {attempt(1, 11, 11)})}};
  EXPECT_EQ(run.metrics().peak_parallelism, 1);
  // An instant inside another attempt still counts beside it.
  run.tasks.push_back(task("e", "succeeded", {attempt(1, 5, 12)}));
  EXPECT_EQ(run.metrics().peak_parallelism, 2);
}

TEST(Metrics, ARunWhoseBatonCrashedEndsAtTheLastTimeItRecorded) {
  // b was running when baton died; the last thing recorded is a breaker opening at 700ms.
  RecordedRun run{
      R"(name: crashed
breakers:
  pay: { failure_threshold: 1 }
tasks:
  - { id: a, run: "true" }
  - { id: b, needs: a, breaker: pay, run: "true" }
)",
      "running",
      -1,
      {task("a", "succeeded", {attempt(1, 0, 500)}), task("b", "running", {attempt(1, 500, -1)})},
      {transition("pay", "closed", "open", 700, "1 consecutive failed attempt")}};
  run.now = 60'000;  // Much later: a crashed run does not grow with the clock.
  auto report = run.report();
  EXPECT_TRUE(report.interrupted);
  auto m = compute_metrics(report);
  EXPECT_EQ(m.makespan, 700);
  EXPECT_EQ(m.work, 700);  // a 500ms, b's open attempt until 700ms.
  EXPECT_EQ(m.peak_parallelism, 1);
  EXPECT_DOUBLE_EQ(*m.parallel_efficiency, 1.0);
  EXPECT_EQ(m.breaker_trips, 1);
  EXPECT_EQ(m.tasks_completed, 1u);
}

TEST(Metrics, ARunStillGoingRunsUntilNow) {
  RecordedRun run{R"(name: live
tasks:
  - { id: a, run: "sleep 10" }
)",
                  "running",
                  -1,
                  {task("a", "running", {attempt(1, 0, -1)})}};
  run.process_alive = true;
  run.now = 1000;
  auto m = run.metrics();
  EXPECT_EQ(m.makespan, 1000);
  EXPECT_EQ(m.work, 1000);
  EXPECT_DOUBLE_EQ(*m.speedup, 1.0);
}

TEST(Metrics, EfficienciesAreUndefinedForAnInstantRun) {
  RecordedRun run{"name: instant\ntasks:\n  - { id: gate, approval: true }\n",
                  "succeeded",
                  0,
                  {task("gate", "succeeded", {}, "approved by alice")}};
  auto m = run.metrics();
  EXPECT_EQ(m.makespan, 0);
  EXPECT_FALSE(m.parallel_efficiency);
  EXPECT_FALSE(m.critical_path_efficiency);
  EXPECT_FALSE(m.speedup);
  EXPECT_EQ(m.tasks_completed, 1u);
}

TEST(Metrics, AnAttemptWithoutARecordedStartCountsForNothing) {
  // Resume numbers an attempt found only as a log file; it has no times.
  store::AttemptRow lost;
  lost.number = 1;
  RecordedRun run{"name: lost\ntasks:\n  - { id: a, run: 'true' }\n",
                  "succeeded",
                  300,
                  {task("a", "succeeded", {lost, attempt(2, 100, 300)})}};
  auto m = run.metrics();
  EXPECT_EQ(m.work, 200);
  EXPECT_EQ(m.critical_path, 200);
  EXPECT_EQ(m.peak_parallelism, 1);
}

}  // namespace
}  // namespace baton::report
