// What follows a failed attempt, through the scheduler on a scripted executor: retry decisions
// (SPEC 3.1), deadlines and circuit breakers (3.3); compensator_test.cpp has the sagas (3.5).
// Deadline and breaker tests run the fake in real time with timers of tens of milliseconds,
// because the scheduler reads those from steady_clock; every other test runs without sleeping.
#include "engine/failure_fixture.hpp"

namespace baton::engine {
namespace {

using namespace failure_tests;  // NOLINT(google-build-using-namespace): the tests' vocabulary.

// ---- Retry decisions (SPEC 3.1) --------------------------------------------------------------

TEST(SchedulerRetryDecision, EveryFailedAttemptSaysWhatFollowedIt) {
  auto r = run_workflow(R"(
name: retry
tasks:
  - { id: t, run: x, retry: { max_attempts: 3, strategy: fixed, delay: 200ms } }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(); });
  EXPECT_THAT(r->decisions("t"),
              ElementsAre("retry in 200ms (attempt 2 of 3)", "retry in 200ms (attempt 3 of 3)",
                          "not retried: 3 of 3 attempts made"));
  EXPECT_EQ(r->unit("t").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("t").reason, "exit 1");
  EXPECT_EQ(r->reason_at("task_retrying t"), "exit 1; attempt 2 of 3 in 200ms");
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

TEST(SchedulerRetryDecision, ASucceededAttemptHasNoDecisionAndClearsTheReason) {
  auto r = run_workflow(
      R"(
name: retry
tasks:
  - { id: t, run: x, retry: { max_attempts: 3, strategy: fixed, delay: 200ms } }
)",
      1, [](FakeExecutor& e) { e.exit_code = [](const std::string&, int n) { return n == 1; }; });
  EXPECT_THAT(r->decisions("t"), ElementsAre("retry in 200ms (attempt 2 of 3)", ""));
  EXPECT_EQ(r->unit("t").state, TaskState::kSucceeded);
  EXPECT_EQ(r->unit("t").reason, "");
  EXPECT_THAT(r->events, ElementsAre("task_started t", "task_retrying t", "task_started t",
                                     "task_succeeded t"));
}

TEST(SchedulerRetryDecision, TheDefaultPolicyMakesOneAttempt) {
  auto r = run_workflow(R"(
name: retry
tasks:
  - { id: t, run: x }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(4); });
  EXPECT_THAT(r->decisions("t"), ElementsAre("not retried: max_attempts is 1"));
  EXPECT_EQ(r->unit("t").reason, "exit 4");
}

TEST(SchedulerRetryDecision, ANonRetryableExitCodeEndsTheTaskAtOnce) {
  auto r = run_workflow(R"(
name: retry
tasks:
  - { id: t, run: x, retry: { max_attempts: 5, non_retryable_exit_codes: [2, 3] } }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(3); });
  EXPECT_THAT(r->decisions("t"), ElementsAre("not retried: exit code 3 is non-retryable"));
  EXPECT_THAT(r->executor.started, ElementsAre("t"));
  EXPECT_THAT(r->executor.timer_delays, IsEmpty());
}

TEST(SchedulerRetryDecision, OnlyExitCodesInRetryOnExitCodesAreRetried) {
  auto r = run_workflow(
      R"(
name: retry
tasks:
  - { id: t, run: x, retry: { max_attempts: 5, strategy: immediate, retry_on_exit_codes: [75] } }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string&, int n) { return n == 1 ? 75 : 1; };
      });
  EXPECT_THAT(r->decisions("t"),
              ElementsAre("retry in 0ms (attempt 2 of 5)",
                          "not retried: exit code 1 is not in retry_on_exit_codes"));
  EXPECT_EQ(r->unit("t").reason, "exit 1");
}

TEST(SchedulerRetryDecision, UnlimitedAttemptsGoOnUntilTheNextWouldStartAfterTheDeadline) {
  // Attempts at about 0, 40, 80 and 120 ms; a fifth, due at 160 ms, would pass the 140 ms deadline.
  auto r = run_workflow(R"(
name: retry
tasks:
  - id: t
    run: x
    deadline: 140ms
    retry: { max_attempts: 0, strategy: fixed, delay: 40ms }
)",
                        1, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = fails_always();
                        });
  EXPECT_THAT(r->decisions("t"),
              ElementsAre("retry in 40ms (attempt 2)", "retry in 40ms (attempt 3)",
                          "retry in 40ms (attempt 4)",
                          "not retried: the next attempt, due in 40ms, would start after the "
                          "deadline (140ms)"));
  EXPECT_EQ(r->unit("t").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("t").reason, "exit 1");
}

TEST(SchedulerRetryDecision, ARetryDueAfterTheDeadlineIsNotScheduled) {
  auto r = run_workflow(R"(
name: retry
tasks:
  - { id: t, run: x, deadline: 50ms, retry: { max_attempts: 3, strategy: fixed, delay: 1s } }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(); });
  EXPECT_THAT(r->decisions("t"),
              ElementsAre("not retried: the next attempt, due in 1s, would start after the "
                          "deadline (50ms)"));
  EXPECT_EQ(r->unit("t").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("t").reason, "exit 1");
  EXPECT_EQ(r->executor.timer_delays.size(), 1u);  // The deadline's; no backoff.
  EXPECT_THAT(r->events, Not(Contains("task_retrying t")));
}

// ---- Deadlines -------------------------------------------------------------------------------

TEST(SchedulerDeadline, ARunningAttemptIsTerminatedAndTheTaskFails) {
  auto r = run_workflow(R"(
name: deadline
tasks:
  - { id: t, run: x, deadline: 30ms, retry: { max_attempts: 3, strategy: immediate } }
)",
                        1, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.duration = lasts({{"t", 10'000}});
                        });
  EXPECT_THAT(r->executor.terminated, ElementsAre("t"));
  const Unit& t = r->unit("t");
  EXPECT_EQ(t.state, TaskState::kFailed);
  EXPECT_EQ(t.reason, "deadline 30ms exceeded during attempt 1");
  ASSERT_EQ(t.attempts.size(), 1u);
  EXPECT_TRUE(t.attempts[0].timed_out);
  EXPECT_EQ(t.attempts[0].signal, SIGTERM);
  EXPECT_EQ(t.attempts[0].decision, "not retried: the deadline has passed");
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

TEST(SchedulerDeadline, TheReasonNamesTheAttemptItStopped) {
  auto r = run_workflow(R"(
name: deadline
tasks:
  - { id: t, run: x, deadline: 60ms, retry: { max_attempts: 3, strategy: fixed, delay: 10ms } }
)",
                        1, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string&, int n) { return n == 1 ? 1 : 0; };
                          e.duration = [](const std::string&, int n) -> Clock::duration {
                            return n == 1 ? milliseconds(0) : milliseconds(10'000);
                          };
                        });
  EXPECT_EQ(r->unit("t").reason, "deadline 60ms exceeded during attempt 2");
  EXPECT_THAT(r->decisions("t"), ElementsAre("retry in 10ms (attempt 2 of 3)",
                                             "not retried: the deadline has passed"));
}

TEST(SchedulerDeadline, ExpiresWhileWaitingToRetry) {
  // The fake fires timers in the order they were set, so the deadline (set when the task became
  // ready) comes before the backoff's end: as if the backoff's timer were late.
  auto r = run_workflow(R"(
name: deadline
tasks:
  - { id: t, run: x, deadline: 10s, retry: { max_attempts: 3, strategy: fixed, delay: 1s } }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(); });
  const Unit& t = r->unit("t");
  EXPECT_EQ(t.state, TaskState::kFailed);
  EXPECT_EQ(t.reason, "deadline 10s exceeded while waiting to retry");
  EXPECT_THAT(r->decisions("t"), ElementsAre("not retried: the deadline has passed"));
  EXPECT_THAT(r->executor.started, ElementsAre("t"));
  EXPECT_THAT(r->events, ElementsAre("task_started t", "task_retrying t", "task_failed t"));
}

TEST(SchedulerDeadline, ExpiresWhileItsBreakerIsOpen) {
  auto r = run_workflow(R"(
name: deadline
breakers:
  api: { failure_threshold: 1, reset_timeout: 10s, on_open: wait }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: t, run: x, breaker: api, deadline: 30ms }
)",
                        1, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string& task, int) { return task == "trip"; };
                        });
  const Unit& t = r->unit("t");
  EXPECT_EQ(t.state, TaskState::kFailed);
  EXPECT_EQ(t.reason, "deadline 30ms exceeded while its breaker was open");
  EXPECT_THAT(t.attempts, IsEmpty());
  EXPECT_THAT(r->executor.started, ElementsAre("trip"));
  EXPECT_THAT(r->events, ElementsAre("task_started trip",
                                     "breaker api: closed -> open (1 consecutive failed "
                                     "attempt)",
                                     "task_failed trip", "task_waiting t", "task_failed t"));
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

TEST(SchedulerDeadline, ExpiresBeforeASlotIsFree) {
  auto r = run_workflow(R"(
name: deadline
tasks:
  - { id: long, run: x }
  - { id: t, run: x, deadline: 30ms }
)",
                        1, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.duration = lasts({{"long", 80}});
                        });
  EXPECT_EQ(r->unit("t").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("t").reason, "deadline 30ms exceeded before a slot was free");
  EXPECT_THAT(r->unit("t").attempts, IsEmpty());
  EXPECT_THAT(r->executor.started, ElementsAre("long"));
  EXPECT_EQ(r->unit("long").state, TaskState::kSucceeded);
}

TEST(SchedulerDeadline, ExpiresWhileHeldBackByAPool) {
  auto r = run_workflow(R"(
name: deadline
pools: { db: 1 }
tasks:
  - { id: long, run: x, pool: db }
  - { id: t, run: x, pool: db, deadline: 30ms }
)",
                        4, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.duration = lasts({{"long", 80}});
                        });
  EXPECT_EQ(r->unit("t").reason, "deadline 30ms exceeded before a slot was free");
  EXPECT_THAT(r->executor.started, ElementsAre("long"));
}

TEST(SchedulerDeadline, StartsWhenTheTaskBecomesReady) {
  // b's 40 ms run from when a ends (60 ms), not from the start of the run.
  auto r = run_workflow(R"(
name: deadline
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a, deadline: 40ms }
)",
                        1, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.duration = lasts({{"a", 60}, {"b", 10}});
                        });
  EXPECT_EQ(r->unit("b").state, TaskState::kSucceeded);
  EXPECT_THAT(r->executor.terminated, IsEmpty());
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

// ---- Circuit breakers (SPEC 3.3) -------------------------------------------------------------

TEST(SchedulerBreaker, OpensAfterThresholdConsecutiveFailuresAcrossTasks) {
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 3, reset_timeout: 10s }
tasks:
  - { id: t1, run: x, breaker: api }
  - { id: t2, run: x, breaker: api }
  - { id: t3, run: x, breaker: api }
  - { id: t4, run: x, breaker: api, retry: 5 }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(); });
  EXPECT_THAT(r->executor.started, ElementsAre("t1", "t2", "t3"));
  EXPECT_THAT(r->transitions(), ElementsAre("api: closed -> open (3 consecutive failed attempts)"));
  EXPECT_EQ(r->unit("t4").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("t4").reason, "circuit_open: breaker 'api' is open");
  EXPECT_THAT(r->unit("t4").attempts, IsEmpty());
}

TEST(SchedulerBreaker, ASuccessResetsTheCountOfConsecutiveFailures) {
  auto r = run_workflow(
      R"(
name: breaker
breakers:
  api: { failure_threshold: 2, reset_timeout: 10s }
tasks:
  - { id: t1, run: x, breaker: api }
  - { id: t2, run: x, breaker: api }
  - { id: t3, run: x, breaker: api }
)",
      1, [](FakeExecutor& e) {
        e.exit_code = [](const std::string& task, int) { return task == "t2" ? 0 : 1; };
      });
  EXPECT_THAT(r->executor.started, ElementsAre("t1", "t2", "t3"));
  EXPECT_THAT(r->transitions(), IsEmpty());
}

TEST(SchedulerBreaker, ABreakerInDefaultsBindsEveryLeaf) {
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 1, reset_timeout: 10s }
defaults: { breaker: api }
tasks:
  - { id: t1, run: x }
  - { id: t2, run: x }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(); });
  EXPECT_THAT(r->executor.started, ElementsAre("t1"));
  EXPECT_EQ(r->unit("t2").reason, "circuit_open: breaker 'api' is open");
}

TEST(SchedulerBreaker, OnOpenFailStopsARetryingTaskWithNoFurtherAttempt) {
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 2, reset_timeout: 10s, on_open: fail }
tasks:
  - { id: t, run: x, breaker: api, retry: { max_attempts: 5, strategy: immediate } }
)",
                        1, [](FakeExecutor& e) { e.exit_code = fails_always(); });
  EXPECT_THAT(r->executor.started, ElementsAre("t", "t"));
  EXPECT_EQ(r->unit("t").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("t").reason, "circuit_open: breaker 'api' is open");
  EXPECT_THAT(r->transitions(), ElementsAre("api: closed -> open (2 consecutive failed attempts)"));
}

TEST(SchedulerBreaker, OnOpenWaitHoldsTheTaskUntilHalfOpenThenItsTrialCloses) {
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 1, reset_timeout: 30ms, on_open: wait }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: w, run: x, breaker: api, needs: trip }
)",
                        2, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string& task, int) { return task == "trip"; };
                        });
  EXPECT_THAT(r->reason_at("task_waiting w"),
              StartsWith("breaker 'api' is open; it turns half-open in "));
  EXPECT_THAT(r->reason_at("task_waiting w"), EndsWith("ms"));
  EXPECT_THAT(
      r->events,
      ElementsAre("task_started trip", "breaker api: closed -> open (1 consecutive failed attempt)",
                  "task_failed trip", "task_waiting w",
                  "breaker api: open -> half_open (reset_timeout 30ms passed)", "task_started w",
                  "breaker api: half_open -> closed (a trial attempt "
                  "succeeded)",
                  "task_succeeded w"));
  EXPECT_EQ(r->unit("w").state, TaskState::kSucceeded);
  EXPECT_EQ(r->unit("w").reason, "");
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

TEST(SchedulerBreaker, HalfOpenLetsHalfOpenMaxTrialsStartAtOnceAndTheRestAfterItCloses) {
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 1, reset_timeout: 30ms, half_open_max: 2, on_open: wait }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: w1, run: x, breaker: api, needs: trip }
  - { id: w2, run: x, breaker: api, needs: trip }
  - { id: w3, run: x, breaker: api, needs: trip }
  - { id: w4, run: x, breaker: api, needs: trip }
)",
                        8, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string& task, int) { return task == "trip"; };
                          e.duration = lasts({{"w1", 10}, {"w2", 10}, {"w3", 10}, {"w4", 10}});
                        });
  EXPECT_THAT(
      r->events,
      ElementsAre("task_started trip", "breaker api: closed -> open (1 consecutive failed attempt)",
                  "task_failed trip", "task_waiting w1", "task_waiting w2", "task_waiting w3",
                  "task_waiting w4", "breaker api: open -> half_open (reset_timeout 30ms passed)",
                  "task_started w1", "task_started w2",
                  "breaker api: half_open -> closed (a trial attempt succeeded)",
                  "task_succeeded w1", "task_started w3", "task_started w4", "task_succeeded w2",
                  "task_succeeded w3", "task_succeeded w4"));
  // The two trials ran side by side; the others, still waiting (only as many tasks as there
  // are trial places are woken, longest waiting first), started once the breaker closed.
  EXPECT_THAT(r->executor.started, ElementsAre("trip", "w1", "w2", "w3", "w4"));
  EXPECT_EQ(r->executor.running_at_start[2], 2u);
  // w2's success, admitted as a trial before the breaker closed, changed nothing.
  EXPECT_EQ(r->transitions().size(), 3u);
  EXPECT_EQ(r->result.status, RunStatus::kSucceeded);
}

TEST(SchedulerBreaker, AFailedTrialReopensTheBreaker) {
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 1, reset_timeout: 20ms, on_open: wait }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - id: w
    run: x
    breaker: api
    needs: trip
    retry: { max_attempts: 2, strategy: fixed, delay: 1ms }
)",
                        2, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string& task, int n) {
                            return task == "trip" || n == 1;
                          };
                        });
  EXPECT_THAT(r->transitions(),
              ElementsAre("api: closed -> open (1 consecutive failed attempt)",
                          "api: open -> half_open (reset_timeout 20ms passed)",
                          "api: half_open -> open (a trial attempt failed)",
                          "api: open -> half_open (reset_timeout 20ms passed)",
                          "api: half_open -> closed (a trial attempt succeeded)"));
  EXPECT_EQ(r->breaker_events(), r->transitions());
  EXPECT_THAT(r->executor.started, ElementsAre("trip", "w", "w"));
  EXPECT_EQ(r->unit("w").state, TaskState::kSucceeded);
  // After the failed trial, the retry found the breaker open again and waited.
  EXPECT_THAT(r->events, Contains("task_retrying w"));
  EXPECT_EQ(std::count(r->events.begin(), r->events.end(), "task_waiting w"), 2);
}

TEST(SchedulerBreaker, AttemptsAdmittedBeforeItOpenedAreNoTrials) {
  // ok and bad started while the breaker was closed and end after it turned half-open: neither
  // closes nor reopens it.
  auto r = run_workflow(
      R"(
name: breaker
breakers:
  api: { failure_threshold: 1, reset_timeout: 20ms }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: ok, run: x, breaker: api }
  - { id: bad, run: x, breaker: api, on_failure: ignore }
)",
      3, [](FakeExecutor& e) {
        e.real_time = true;
        e.exit_code = [](const std::string& task, int) { return task == "ok" ? 0 : 1; };
        e.duration = lasts({{"ok", 50}, {"bad", 60}});
      });
  EXPECT_THAT(r->transitions(), ElementsAre("api: closed -> open (1 consecutive failed attempt)",
                                            "api: open -> half_open (reset_timeout 20ms passed)"));
  EXPECT_EQ(r->unit("ok").state, TaskState::kSucceeded);
  EXPECT_EQ(r->unit("bad").state, TaskState::kFailed);
}

TEST(SchedulerBreaker, OnOpenFailTurnsAwayATaskWhenTheTrialsAreTaken) {
  // gate keeps a and b back until the breaker is half-open; a takes the one trial.
  auto r = run_workflow(R"(
name: breaker
breakers:
  api: { failure_threshold: 1, reset_timeout: 20ms }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: gate, run: x }
  - { id: a, run: x, breaker: api, needs: gate }
  - { id: b, run: x, breaker: api, needs: gate }
)",
                        4, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string& task, int) { return task == "trip"; };
                          e.duration = lasts({{"gate", 40}, {"a", 10}});
                        });
  EXPECT_EQ(r->unit("a").state, TaskState::kSucceeded);
  EXPECT_EQ(r->unit("b").state, TaskState::kFailed);
  EXPECT_EQ(r->unit("b").reason, "circuit_open: breaker 'api' is half-open");
  EXPECT_THAT(r->unit("b").attempts, IsEmpty());
  EXPECT_THAT(r->breaker_events(),
              ElementsAre("api: closed -> open (1 consecutive failed attempt)",
                          "api: open -> half_open (reset_timeout 20ms passed)",
                          "api: half_open -> closed (a trial attempt succeeded)"));
}

TEST(SchedulerBreaker, ACancelledTrialFreesItsPlaceForAWaitingTask) {
  // gate holds trial, cleanup and killer back until the breaker is half-open. trial takes the
  // one trial place and cleanup waits; killer's failure cancels trial (failure_mode: cancel),
  // which gives the place back; cleanup (trigger: always) may still start, and should.
  auto r = run_workflow(R"(
name: breaker
failure_mode: cancel
breakers:
  api: { failure_threshold: 1, reset_timeout: 20ms, on_open: wait }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: gate, run: x }
  - { id: trial, run: x, breaker: api, needs: gate }
  - { id: cleanup, run: x, breaker: api, needs: gate, trigger: always }
  - { id: killer, run: x, needs: gate }
)",
                        8, [](FakeExecutor& e) {
                          e.real_time = true;
                          e.exit_code = [](const std::string& task, int) {
                            return task == "trip" || task == "killer";
                          };
                          e.duration = lasts({{"gate", 40}, {"trial", 10'000}, {"killer", 20}});
                        });
  EXPECT_EQ(r->unit("trial").state, TaskState::kCancelled);
  EXPECT_EQ(r->reason_at("task_waiting cleanup"),
            "breaker 'api' is half-open and its trial attempts are taken");
  EXPECT_EQ(r->unit("cleanup").state, TaskState::kSucceeded);
  EXPECT_EQ(r->result.status, RunStatus::kFailed);
}

// ---- Interruption of held tasks (SPEC 2.6) ---------------------------------------------------

TEST(SchedulerInterruptHeld, CancelsATaskWaitingForItsBreaker) {
  auto r = run_workflow(R"(
name: interrupt
breakers:
  api: { failure_threshold: 1, reset_timeout: 10s, on_open: wait }
tasks:
  - { id: trip, run: x, breaker: api, on_failure: ignore }
  - { id: w, run: x, breaker: api, needs: trip }
)",
                        1, [](FakeExecutor& e) {
                          e.exit_code = [](const std::string& task, int) { return task == "trip"; };
                          e.interrupt_at_wait = 2;  // After trip's exit.
                        });
  EXPECT_EQ(r->unit("w").state, TaskState::kCancelled);
  EXPECT_EQ(r->unit("w").reason, "cancelled");
  EXPECT_THAT(r->unit("w").attempts, IsEmpty());
  std::vector<std::string> tail(r->events.end() - 2, r->events.end());
  EXPECT_THAT(tail, ElementsAre("task_waiting w", "task_cancelled w"));
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

TEST(SchedulerInterruptHeld, CancelsATaskWaitingToRetry) {
  auto r = run_workflow(R"(
name: interrupt
tasks:
  - { id: t, run: x, retry: { max_attempts: 3, strategy: fixed, delay: 1s } }
)",
                        1, [](FakeExecutor& e) {
                          e.exit_code = fails_always();
                          e.interrupt_at_wait = 2;  // After the first attempt's exit.
                        });
  EXPECT_EQ(r->unit("t").state, TaskState::kCancelled);
  EXPECT_EQ(r->unit("t").attempts.size(), 1u);
  EXPECT_THAT(r->events, ElementsAre("task_started t", "task_retrying t", "task_cancelled t"));
  EXPECT_EQ(r->result.status, RunStatus::kCancelled);
}

}  // namespace
}  // namespace baton::engine
