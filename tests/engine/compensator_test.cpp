// Saga compensation (SPEC 3.5) through the scheduler on a scripted executor: order,
// parallelism, retries, failures, interruption.
#include "engine/failure_fixture.hpp"

namespace baton::engine {
namespace {

using namespace failure_tests;  // NOLINT(google-build-using-namespace): the tests' vocabulary.

// ---- Saga compensation (SPEC 3.5) ------------------------------------------------------------

TEST(SchedulerSaga, CompensatesSucceededTasksInReverseDependencyOrder) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
  - { id: c, run: x, needs: b, compensate: undo }
  - { id: boom, run: x, needs: c }
)",
      4, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
      });
  EXPECT_THAT(r->executor.started, ElementsAre("a", "b", "c", "boom", "c (compensate)",
                                               "b (compensate)", "a (compensate)"));
  for (const char* path : {"a", "b", "c"}) {
    EXPECT_EQ(r->unit(path).state, TaskState::kCompensated) << path;
    ASSERT_EQ(r->unit(path).compensations.size(), 1u) << path;
  }
  EXPECT_THAT(r->unit("c").compensations[0].log_path, EndsWith("/logs/c.compensate.1.log"));
  EXPECT_EQ(r->unit("boom").state, TaskState::kFailed);
  EXPECT_EQ(r->result.status, RunStatus::kRolledBack);
  EXPECT_EQ(r->result.saga.steps, 3);
  EXPECT_EQ(r->result.saga.compensated, 3);
  std::vector<std::string> tail(r->events.end() - 6, r->events.end());
  EXPECT_THAT(tail, ElementsAre("compensation_started c", "compensation_finished c",
                                "compensation_started b", "compensation_finished b",
                                "compensation_started a", "compensation_finished a"));
}

TEST(SchedulerSaga, ACompensationSeesItsTasksOutputsAndBatonCompensating) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: create-order, run: x, compensate: undo }
  - { id: boom, run: x, needs: create-order }
)",
      1, [](FakeExecutor& e) {
        e.outputs["create-order"] = "id=42\n";
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
      });
  ASSERT_EQ(r->executor.started.size(), 3u);
  EXPECT_EQ(r->executor.started[2], "create-order (compensate)");
  const auto& env = r->executor.launches[2].env;
  EXPECT_THAT(env, Contains("BATON_COMPENSATING=1"));
  EXPECT_THAT(env, Contains("BATON_OUT_CREATE_ORDER_ID=42"));
  EXPECT_THAT(env, Contains("BATON_TASK=create-order"));
  EXPECT_THAT(env, Contains("BATON_ATTEMPT=1"));
  EXPECT_THAT(r->executor.launches[0].env, Not(Contains("BATON_COMPENSATING=1")));
  EXPECT_EQ(r->result.status, RunStatus::kRolledBack);
}

TEST(SchedulerSaga, IndependentCompensationsRunInParallelUpToJobs) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: p, run: x, compensate: undo }
  - { id: q, run: x, compensate: undo }
  - { id: r, run: x, compensate: undo }
  - { id: boom, run: x }
)",
      2, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
      });
  EXPECT_EQ(r->executor.max_running_compensations, 2u);
  std::vector<std::string> compensations(r->executor.started.begin() + 4,
                                         r->executor.started.end());
  EXPECT_THAT(compensations,
              UnorderedElementsAre("p (compensate)", "q (compensate)", "r (compensate)"));
  EXPECT_EQ(r->result.status, RunStatus::kRolledBack);
}

TEST(SchedulerSaga, BranchesOverlapWhileEachChainKeepsItsOrder) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: x1, run: x, compensate: undo }
  - { id: x2, run: x, needs: x1, compensate: undo }
  - { id: y1, run: x, compensate: undo }
  - { id: y2, run: x, needs: y1, compensate: undo }
  - { id: boom, run: x, needs: [x2, y2] }
)",
      4, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
      });
  const auto& s = r->executor.started;
  ASSERT_EQ(s.size(), 9u);
  EXPECT_THAT(std::vector<std::string>(s.begin() + 5, s.begin() + 7),
              UnorderedElementsAre("x2 (compensate)", "y2 (compensate)"));
  EXPECT_THAT(std::vector<std::string>(s.begin() + 7, s.end()),
              UnorderedElementsAre("x1 (compensate)", "y1 (compensate)"));
  EXPECT_EQ(r->executor.running_at_start[6], 2u);  // The second tail started beside the first.
  EXPECT_EQ(r->executor.max_running_compensations, 2u);
  EXPECT_EQ(r->result.status, RunStatus::kRolledBack);
}

TEST(SchedulerSaga, AFailedCompensationIsRetriedThenLeavesItsUpstreamUncompensated) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo, retry: { max_attempts: 2, strategy: immediate } }
  - { id: boom, run: x, needs: b }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) {
          return task == "boom" || task == "b (compensate)" ? 1 : 0;
        };
      });
  EXPECT_THAT(r->executor.started,
              ElementsAre("a", "b", "boom", "b (compensate)", "b (compensate)"));
  const Unit& b = r->unit("b");
  EXPECT_EQ(b.state, TaskState::kCompensationFailed);
  EXPECT_EQ(b.reason, "compensation exit 1");
  ASSERT_EQ(b.compensations.size(), 2u);
  EXPECT_EQ(b.compensations[0].decision, "retry in 0ms (attempt 2 of 2)");
  EXPECT_EQ(b.compensations[1].decision, "not retried: 2 of 2 attempts made");
  EXPECT_THAT(b.compensations[1].log_path, EndsWith("/logs/b.compensate.2.log"));
  const Unit& a = r->unit("a");
  EXPECT_EQ(a.state, TaskState::kSucceeded);
  EXPECT_EQ(a.reason, "not compensated: the compensation of b failed");
  EXPECT_THAT(a.compensations, IsEmpty());
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
  EXPECT_EQ(r->result.saga.steps, 2);
  EXPECT_EQ(r->result.saga.compensated, 0);
  std::vector<std::string> tail(r->events.end() - 4, r->events.end());
  EXPECT_THAT(tail, ElementsAre("compensation_started b", "task_retrying b",
                                "compensation_started b", "compensation_finished b"));
}

TEST(SchedulerSaga, OneFailedCompensationMakesTheRunFailedNotRolledBack) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: p, run: x, compensate: undo }
  - { id: q, run: x, compensate: undo }
  - { id: boom, run: x }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) {
          return task == "boom" || task == "p (compensate)" ? 1 : 0;
        };
      });
  EXPECT_EQ(r->unit("p").state, TaskState::kCompensationFailed);
  EXPECT_EQ(r->unit("q").state, TaskState::kCompensated);
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
  EXPECT_EQ(r->result.saga.steps, 2);
  EXPECT_EQ(r->result.saga.compensated, 1);
}

TEST(SchedulerSaga, NothingIsCompensatedWhenTheRunSucceeds) {
  auto r = run_workflow(R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
)",
                        2);
  EXPECT_THAT(r->executor.started, ElementsAre("a", "b"));
  EXPECT_EQ(r->unit("a").state, TaskState::kSucceeded);
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
  EXPECT_EQ(r->result.saga.steps, 0);
}

TEST(SchedulerSaga, AFailedRunWithNothingToCompensateIsFailed) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x }
  - { id: boom, run: x, needs: a, compensate: undo }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
      });
  EXPECT_THAT(r->executor.started, ElementsAre("a", "boom"));
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
  EXPECT_EQ(r->result.saga.steps, 0);
}

TEST(SchedulerSaga, OnlySucceededTasksAreCompensated) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: ok, run: x, compensate: undo }
  - { id: boom, run: x, needs: ok, compensate: undo }
  - { id: skipped, run: x, needs: boom, compensate: undo }
  - { id: ignored, run: x, on_failure: ignore, compensate: undo }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) {
          return task == "boom" || task == "ignored" ? 1 : 0;
        };
      });
  // boom goes before ignored: it heads the longer remaining path (SPEC 2.3).
  EXPECT_THAT(r->executor.started, ElementsAre("ok", "boom", "ignored", "ok (compensate)"));
  EXPECT_EQ(r->unit("skipped").state, TaskState::kSkipped);
  EXPECT_EQ(r->unit("ignored").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("boom").state, TaskState::kFailed);
  EXPECT_EQ(r->result.status, RunStatus::kRolledBack);
}

TEST(SchedulerSaga, TasksCancelledByFailureModeCancelAreNotCompensated) {
  auto r = run_workflow(
      R"(
name: saga
failure_mode: cancel
tasks:
  - { id: early, run: x, compensate: undo }
  - { id: boom, run: x }
  - { id: late, run: x, compensate: undo }
)",
      2, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
      });
  EXPECT_THAT(r->executor.started, ElementsAre("early", "boom", "late", "early (compensate)"));
  EXPECT_EQ(r->unit("late").state, TaskState::kCancelled);
  EXPECT_EQ(r->unit("early").state, TaskState::kCompensated);
  EXPECT_EQ(r->result.status, RunStatus::kRolledBack);
}

TEST(SchedulerSaga, AnInterruptDuringCompensationCancelsTheRun) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
  - { id: boom, run: x, needs: b }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "boom" ? 1 : 0; };
        e.interrupt_after_starts = 4;  // a, b, boom, then b's compensation.
      });
  EXPECT_THAT(r->executor.started, ElementsAre("a", "b", "boom", "b (compensate)"));
  EXPECT_THAT(r->executor.terminated, ElementsAre("b (compensate)"));
  const Unit& b = r->unit("b");
  EXPECT_EQ(b.state, TaskState::kCompensationFailed);
  EXPECT_EQ(b.reason, "compensation interrupted: the run was cancelled");
  ASSERT_EQ(b.compensations.size(), 1u);
  EXPECT_EQ(b.compensations[0].decision, "not retried: the run was cancelled");
  EXPECT_EQ(r->unit("a").state, TaskState::kSucceeded);
  EXPECT_EQ(r->unit("a").reason, "not compensated: the run was cancelled");
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

TEST(SchedulerSaga, AnInterruptDuringABackoffEndsThatCompensation) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo, retry: { max_attempts: 3, strategy: fixed, delay: 1s } }
  - { id: boom, run: x, needs: a }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) {
          return task == "boom" || task == "a (compensate)" ? 1 : 0;
        };
        // Waits: a's exit, boom's, the first compensation's (it fails: a 1s backoff), then this.
        e.interrupt_at_wait = 4;
      });
  const Unit& a = r->unit("a");
  EXPECT_EQ(a.state, TaskState::kCompensationFailed);
  EXPECT_EQ(a.reason, "compensation interrupted: the run was cancelled");
  ASSERT_EQ(a.compensations.size(), 1u);
  EXPECT_EQ(a.compensations[0].decision, "not retried: the run was cancelled");
  EXPECT_THAT(r->executor.started, ElementsAre("a", "boom", "a (compensate)"));
  EXPECT_THAT(r->executor.terminated, IsEmpty());
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

TEST(SchedulerSaga, AnInterruptKeepsTheReasonOfTasksBlockedByAFailedCompensation) {
  // Compensations b and p run side by side; b's fails, which leaves a uncompensated; then the
  // interrupt comes while p's runs. a was left by b's failure, not by the cancellation.
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
  - { id: p, run: x, compensate: undo }
  - { id: boom, run: x, needs: b }
)",
      2, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) {
          return task == "boom" || task == "b (compensate)" ? 1 : 0;
        };
        e.interrupt_at_wait = 6;  // Waits: a, p, b, boom, b's compensation; then this.
      });
  EXPECT_THAT(r->executor.started,
              ElementsAre("a", "p", "b", "boom", "b (compensate)", "p (compensate)"));
  EXPECT_EQ(r->unit("b").state, TaskState::kCompensationFailed);
  EXPECT_EQ(r->unit("p").state, TaskState::kCompensationFailed);
  EXPECT_EQ(r->unit("p").reason, "compensation interrupted: the run was cancelled");
  EXPECT_EQ(r->unit("a").state, TaskState::kSucceeded);
  EXPECT_EQ(r->unit("a").reason, "not compensated: the compensation of b failed");
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

TEST(SchedulerSaga, UnlimitedRetriesOfAFailingCompensationEnd) {
  // max_attempts 0 is allowed because the deadline bounds the task; its compensation takes the
  // same policy and must be bounded too, not retried for ever.
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - id: a
    run: x
    deadline: 50ms
    retry: { max_attempts: 0, strategy: fixed, delay: 5ms }
    compensate: undo
  - { id: boom, run: x, needs: a }
)",
      1, [](FakeExecutor& e) {
        e.real_time = true;
        e.max_starts = 200;
        e.exit_code = [](const std::string& task, int) {
          return task == "boom" || task == "a (compensate)" ? 1 : 0;
        };
      });
  EXPECT_EQ(r->unit("a").state, TaskState::kCompensationFailed);
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

TEST(SchedulerSaga, AnInterruptBeforeTheSagaMeansNoCompensation) {
  auto r = run_workflow(
      R"(
name: saga
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
)",
      1, [](FakeExecutor& e) { e.interrupt_after_starts = 2; });
  EXPECT_THAT(r->executor.started, ElementsAre("a", "b"));
  EXPECT_EQ(r->unit("a").state, TaskState::kSucceeded);
  EXPECT_THAT(r->unit("a").compensations, IsEmpty());
  EXPECT_EQ(r->unit("b").state, TaskState::kCancelled);
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

}  // namespace
}  // namespace baton::engine
