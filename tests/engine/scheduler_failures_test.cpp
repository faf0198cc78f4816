// What follows a failed attempt, through the scheduler on a scripted executor: retry decisions
// (SPEC 3.1), deadlines, circuit breakers (3.3) and saga compensation (3.5). Deadline and
// breaker tests run the fake in real time with timers of tens of milliseconds, because the
// scheduler reads those from steady_clock; every other test runs without sleeping.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/scheduler.hpp"
#include "support/fake_executor.hpp"
#include "support/inline_workflow.hpp"

namespace baton::engine {
namespace {

using baton::testing::FakeExecutor;
using baton::testing::parse_workflow;
using std::chrono::milliseconds;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

std::string describe(const BreakerTransition& t) {
  return fmt::format("{}: {} -> {} ({})", t.breaker, to_string(t.from), to_string(t.to), t.why);
}

// A run of an inline workflow on the fake, with every RunEvent written down as it happened.
struct Run {
  model::Workflow workflow;
  FakeExecutor executor;
  RunResult result;
  std::unique_ptr<Scheduler> scheduler;
  std::filesystem::path run_dir;
  /// "task_started a", "breaker api: closed -> open (3 consecutive failed attempts)", ...
  std::vector<std::string> events;
  /// The unit's reason when each event was emitted ("" for breaker events).
  std::vector<std::string> event_reasons;
  std::map<std::string, const Unit*> by_path;

  ~Run() {
    std::error_code ec;
    std::filesystem::remove_all(run_dir, ec);
  }
  const Unit& unit(const std::string& path) const { return *by_path.at(path); }
  std::vector<std::string> breaker_events() const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.rfind("breaker ", 0) == 0) out.push_back(e.substr(8));
    }
    return out;
  }
  std::vector<std::string> transitions() const {
    std::vector<std::string> out;
    for (const auto& t : result.breaker_transitions) out.push_back(describe(t));
    return out;
  }
  std::string reason_at(const std::string& event) const {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i] == event) return event_reasons[i];
    }
    return "(no event '" + event + "')";
  }
  std::vector<std::string> decisions(const std::string& path) const {
    std::vector<std::string> out;
    for (const auto& a : unit(path).attempts) out.push_back(a.decision);
    return out;
  }
};

std::unique_ptr<Run> run_workflow(const std::string& yaml, int jobs,
                                  const std::function<void(FakeExecutor&)>& script = {}) {
  auto run = std::make_unique<Run>();
  run->workflow = parse_workflow(yaml);
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  run->run_dir = std::filesystem::temp_directory_path() /
                 fmt::format("baton-failures-test-{}-{}.{}", ::getpid(), test->test_suite_name(),
                             test->name());
  std::filesystem::remove_all(run->run_dir);
  RunOptions options;
  options.jobs = jobs;
  options.run_id = "test";
  options.run_dir = run->run_dir;
  options.workflow_dir = run->run_dir;
  options.on_event = [r = run.get()](const RunEvent& e) {
    if (e.kind == RunEventKind::kBreaker) {
      r->events.push_back("breaker " + describe(*e.transition));
      r->event_reasons.emplace_back();
    } else {
      r->events.push_back(fmt::format("{} {}", to_string(e.kind), e.unit->path));
      r->event_reasons.push_back(e.unit->reason);
    }
  };
  run->scheduler = std::make_unique<Scheduler>(run->workflow, run->executor, options);
  if (script) script(run->executor);
  run->result = run->scheduler->run();
  for (const auto& unit : run->scheduler->graph().units()) run->by_path[unit.path] = &unit;
  return run;
}

auto fails_always(int code = 1) {
  return [code](const std::string&, int) { return code; };
}

auto lasts(std::map<std::string, int> ms) {
  return [ms = std::move(ms)](const std::string& task, int) -> Clock::duration {
    auto it = ms.find(task);
    return it == ms.end() ? Clock::duration(0) : milliseconds(it->second);
  };
}

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
