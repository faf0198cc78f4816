// End-to-end tests of `baton run`: retry policies and their backoff timing (SPEC 3.1), attempt
// timeouts with SIGTERM then SIGKILL, and deadlines over all attempts (1.2), as seen in the
// summary, in `--progress json` and in what the tasks themselves record.
#include <regex>

#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::events_of;
using baton::testing::gaps_ms;
using baton::testing::process_alive;
using baton::testing::progress_events;
using baton::testing::read_numbers;
using baton::testing::rfc3339_ms;
using nlohmann::json;

// Timing bounds: a wait is never shorter than announced (less 5 ms for the clocks' grain), and
// never much longer, with room for a loaded machine.
constexpr double kGrainMs = 5;
constexpr double kSlackMs = 400;

// The wait that a decision such as `retry in 50ms (attempt 2 of 4)` announces, in milliseconds,
// or -1 if it announces none.
int announced_ms(const json& event) {
  static const std::regex kRetryIn("^retry in ([0-9]+)ms \\(");
  std::smatch match;
  auto decision = event.value("decision", "");
  return std::regex_search(decision, match, kRetryIn) ? std::stoi(match[1]) : -1;
}

// The decisions of a task's task_retrying events, in order.
std::vector<std::string> retry_decisions(const std::vector<json>& events, std::string_view task) {
  std::vector<std::string> decisions;
  for (const auto& event : events_of(events, "task_retrying", task)) {
    decisions.push_back(event.value("decision", ""));
  }
  return decisions;
}

// The gaps between attempt starts are the waits, from below tightly and from above loosely.
void expect_gaps(const std::vector<double>& gaps, const std::vector<double>& waits,
                 const ProcessResult& r) {
  ASSERT_EQ(gaps.size(), waits.size()) << describe(r);
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    EXPECT_GE(gaps[i], waits[i] - kGrainMs) << "wait before attempt " << i + 2 << "\n"
                                            << describe(r);
    EXPECT_LT(gaps[i], waits[i] + kSlackMs) << "wait before attempt " << i + 2 << "\n"
                                            << describe(r);
  }
}

// ---------------------------------------------------------------------------------------------
// Backoff strategies (SPEC 3.1)

TEST(CliRunRetry, ExponentialBackoffDoublesTheWaitBeforeEachAttempt) {
  Scratch s;
  auto r = s.run(R"(name: exponential
tasks:
  - id: flaky
    retry: { strategy: exponential, max_attempts: 4, initial_interval: 50ms, backoff_coefficient: 2 }
    run: |
      date +%s%N >> starts
      echo $BATON_ATTEMPT >> attempts
      exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "flaky", "failed", "exit 1"));
  EXPECT_THAT(timeline_row(r.out, "flaky"), HasSubstr("(4 attempts)")) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n2\n3\n4\n");
  expect_gaps(gaps_ms(read_numbers(s.at("starts"))), {50, 100, 200}, r);
  auto events = progress_events(r.err);
  EXPECT_THAT(
      retry_decisions(events, "flaky"),
      ::testing::ElementsAre("retry in 50ms (attempt 2 of 4)", "retry in 100ms (attempt 3 of 4)",
                             "retry in 200ms (attempt 4 of 4)"))
      << describe(r);
  auto failed = events_of(events, "task_failed", "flaky");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("attempt", 0), 4);
  EXPECT_EQ(failed[0].value("decision", ""), "not retried: 4 of 4 attempts made");
  for (int attempt = 1; attempt <= 4; ++attempt) {
    EXPECT_TRUE(fs::exists(s.logs() / ("flaky." + std::to_string(attempt) + ".log")))
        << "attempt " << attempt << " has its own log";
  }
}

TEST(CliRunRetry, FixedWaitsTheSameDelayAndStopsAtTheFirstSuccess) {
  Scratch s;
  auto r = s.run(R"(name: fixed
tasks:
  - id: flaky
    retry: { strategy: fixed, delay: 80ms, max_attempts: 5 }
    run: |
      date +%s%N >> starts
      test $BATON_ATTEMPT -ge 3
  - { id: after, needs: flaky, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "flaky", "succeeded"));
  EXPECT_THAT(timeline_row(r.out, "flaky"), HasSubstr("(3 attempts)")) << describe(r);
  expect_gaps(gaps_ms(read_numbers(s.at("starts"))), {80, 80}, r);
  EXPECT_TRUE(s.exists("after.marker"));
}

TEST(CliRunRetry, ImmediateRetriesWithoutWaiting) {
  Scratch s;
  auto r = s.run(R"(name: immediate
tasks:
  - id: flaky
    retry: { strategy: immediate, max_attempts: 3 }
    run: |
      date +%s%N >> starts
      exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  expect_gaps(gaps_ms(read_numbers(s.at("starts"))), {0, 0}, r);
  EXPECT_THAT(
      retry_decisions(progress_events(r.err), "flaky"),
      ::testing::ElementsAre("retry in 0ms (attempt 2 of 3)", "retry in 0ms (attempt 3 of 3)"))
      << describe(r);
}

TEST(CliRunRetry, MaxIntervalCapsTheExponentialWait) {
  Scratch s;
  // Uncapped, the waits would be 40ms, 400ms, 4s.
  auto r = s.run(R"(name: capped
tasks:
  - id: flaky
    retry: { strategy: exponential, max_attempts: 4, initial_interval: 40ms, backoff_coefficient: 10, max_interval: 90ms }
    run: |
      date +%s%N >> starts
      exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(
      retry_decisions(progress_events(r.err), "flaky"),
      ::testing::ElementsAre("retry in 40ms (attempt 2 of 4)", "retry in 90ms (attempt 3 of 4)",
                             "retry in 90ms (attempt 4 of 4)"))
      << describe(r);
  expect_gaps(gaps_ms(read_numbers(s.at("starts"))), {40, 90, 90}, r);
}

TEST(CliRunRetry, JitterDrawsEachWaitWithinItsBounds) {
  Scratch s;
  // w = 60ms, j = 0.5: every wait in [30ms, 90ms]; with max_interval 45ms and j = 1, every wait
  // in [0, 45ms]: the cap applies to the jittered wait.
  auto r = s.run(R"(name: jitter
tasks:
  - id: spread
    retry: { strategy: fixed, delay: 60ms, jitter: 0.5, max_attempts: 6 }
    run: |
      date +%s%N >> spread.starts
      exit 1
  - id: capped
    retry: { strategy: fixed, delay: 40ms, jitter: 1, max_interval: 45ms, max_attempts: 6 }
    run: exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto events = progress_events(r.err);
  auto spread = events_of(events, "task_retrying", "spread");
  ASSERT_EQ(spread.size(), 5u) << describe(r);
  std::vector<double> waits;
  for (const auto& event : spread) {
    int wait = announced_ms(event);
    EXPECT_GE(wait, 30) << event.dump();
    EXPECT_LE(wait, 90) << event.dump();
    waits.push_back(wait);
  }
  EXPECT_NE(*std::min_element(waits.begin(), waits.end()),
            *std::max_element(waits.begin(), waits.end()))
      << "five draws from [30ms, 90ms] are not all equal\n"
      << describe(r);
  expect_gaps(gaps_ms(read_numbers(s.at("spread.starts"))), waits, r);
  auto capped = events_of(events, "task_retrying", "capped");
  ASSERT_EQ(capped.size(), 5u) << describe(r);
  for (const auto& event : capped) {
    EXPECT_GE(announced_ms(event), 0) << event.dump();
    EXPECT_LE(announced_ms(event), 45) << event.dump();
  }
}

// ---------------------------------------------------------------------------------------------
// Which failures are retried (SPEC 3.1)

TEST(CliRunRetry, NonRetryableExitCodeEndsTheTaskAtOnce) {
  Scratch s;
  auto r = s.run(R"(name: non-retryable
tasks:
  - id: task
    retry: { strategy: immediate, max_attempts: 5, non_retryable_exit_codes: [2, 64] }
    run: |
      echo $BATON_ATTEMPT >> attempts
      if [ $BATON_ATTEMPT -ge 2 ]; then exit 2; fi
      exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n2\n");
  EXPECT_TRUE(task_line(r, "task", "failed", "exit 2"));
  EXPECT_THAT(timeline_row(r.out, "task"), HasSubstr("(2 attempts)")) << describe(r);
  auto failed = events_of(progress_events(r.err), "task_failed", "task");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("reason", ""), "exit 2");
  EXPECT_EQ(failed[0].value("decision", ""), "not retried: exit code 2 is non-retryable");
}

TEST(CliRunRetry, RetryOnExitCodesRetriesOnlyThoseCodes) {
  Scratch s;
  auto r = s.run(R"(name: retry-on
tasks:
  - id: task
    retry: { strategy: immediate, max_attempts: 5, retry_on_exit_codes: [75] }
    run: |
      echo $BATON_ATTEMPT >> attempts
      if [ $BATON_ATTEMPT -ge 3 ]; then exit 3; fi
      exit 75
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n2\n3\n");
  EXPECT_TRUE(task_line(r, "task", "failed", "exit 3"));
  auto failed = events_of(progress_events(r.err), "task_failed", "task");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("decision", ""),
            "not retried: exit code 3 is not in retry_on_exit_codes");
}

TEST(CliRunRetry, IntegerShorthandSetsMaxAttemptsAndKeepsTheInheritedPolicy) {
  Scratch s;
  // `retry: 3` under defaults that retry at once and never on exit 9: three quick attempts, and
  // one attempt for exit 9. Alone, `retry: 3` waits the default 1s, which the deadline forbids.
  auto r = s.run(R"(name: shorthand
tasks:
  - id: g
    defaults:
      retry: { strategy: immediate, non_retryable_exit_codes: [9] }
    tasks:
      - { id: three, retry: 3, run: echo $BATON_ATTEMPT >> three.attempts; exit 1 }
      - { id: nine, retry: 3, run: echo $BATON_ATTEMPT >> nine.attempts; exit 9 }
  - { id: plain, retry: 3, deadline: 500ms, run: echo $BATON_ATTEMPT >> plain.attempts; exit 1 }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(1000)) << describe(r);
  EXPECT_EQ(s.read("three.attempts"), "1\n2\n3\n");
  EXPECT_EQ(s.read("nine.attempts"), "1\n");
  EXPECT_EQ(s.read("plain.attempts"), "1\n");
  auto events = progress_events(r.err);
  EXPECT_THAT(
      retry_decisions(events, "g.three"),
      ::testing::ElementsAre("retry in 0ms (attempt 2 of 3)", "retry in 0ms (attempt 3 of 3)"))
      << describe(r);
  auto plain = events_of(events, "task_failed", "plain");
  ASSERT_EQ(plain.size(), 1u) << describe(r);
  EXPECT_EQ(plain[0].value("decision", ""),
            "not retried: the next attempt, due in 1s, would start after the deadline (500ms)");
}

TEST(CliRunRetry, TimedOutAttemptIsRetriedByDefault) {
  Scratch s;
  auto r = s.run(R"(name: retry-timeout
tasks:
  - id: slow_once
    timeout: 100ms
    kill_grace: 50ms
    retry: { strategy: immediate, max_attempts: 2 }
    run: |
      echo $BATON_ATTEMPT >> attempts
      if [ $BATON_ATTEMPT -eq 1 ]; then sleep 5; fi
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n2\n");
  EXPECT_TRUE(task_line(r, "slow_once", "succeeded"));
  auto retrying = events_of(progress_events(r.err), "task_retrying", "slow_once");
  ASSERT_EQ(retrying.size(), 1u) << describe(r);
  EXPECT_EQ(retrying[0].value("reason", ""), "timed out after 100ms; attempt 2 of 2 in 0ms");
}

TEST(CliRunRetry, RetryOnTimeoutFalseEndsTheTaskAfterItsFirstTimeout) {
  Scratch s;
  auto r = s.run(R"(name: no-retry-timeout
tasks:
  - id: slow
    timeout: 100ms
    kill_grace: 50ms
    retry: { strategy: immediate, max_attempts: 3, retry_on_timeout: false }
    run: |
      echo $BATON_ATTEMPT >> attempts
      sleep 5
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n");
  EXPECT_TRUE(task_line(r, "slow", "failed", "timed out after 100ms"));
  auto failed = events_of(progress_events(r.err), "task_failed", "slow");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("decision", ""),
            "not retried: timeouts are not retried (retry_on_timeout: false)");
}

TEST(CliRunRetry, EveryDecisionIsAnEventInProgressJson) {
  Scratch s;
  auto r = s.run(R"(name: decisions
tasks:
  - id: flaky
    retry: { strategy: fixed, delay: 60ms, max_attempts: 3 }
    run: test $BATON_ATTEMPT -ge 2
  - id: doomed
    retry: { strategy: fixed, delay: 30ms, max_attempts: 2 }
    run: exit 1
  - { id: blocked, needs: doomed, run: "true" }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto events = progress_events(r.err);
  ASSERT_GE(events.size(), 2u) << describe(r);
  EXPECT_EQ(events.front().value("event", ""), "run_started");
  EXPECT_EQ(events.back().value("event", ""), "run_finished");
  EXPECT_EQ(events.back().value("status", ""), "failed");
  std::string run_id = events.front().value("run", "");
  EXPECT_FALSE(run_id.empty());
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Failed in ")) << describe(r);
  EXPECT_THAT(report_row(r.out, "Run"), StartsWith(run_id + ", started ")) << describe(r);
  for (const auto& event : events) {
    EXPECT_TRUE(event.contains("ts") && event.contains("event") && event.contains("run"))
        << event.dump();
    EXPECT_GE(rfc3339_ms(event.value("ts", "")), 0) << event.dump();
    EXPECT_EQ(event.value("run", ""), run_id) << event.dump();
    // SPEC 8's fixed fields are on every line, null where the event is not about a task.
    EXPECT_TRUE(event.contains("task") && event.contains("attempt")) << event.dump();
    auto kind = event.value("event", "");
    if (kind.rfind("task_", 0) != 0) {
      EXPECT_TRUE(event["task"].is_null() && event["attempt"].is_null()) << event.dump();
    } else if (!event["attempt"].is_null()) {
      EXPECT_GE(event["attempt"].get<int>(), 1) << event.dump();
    }
  }

  // Every retry says when, why and what was decided; the next attempt comes when announced.
  for (std::string_view task : {"flaky", "doomed"}) {
    auto retrying = events_of(events, "task_retrying", task);
    ASSERT_EQ(retrying.size(), 1u) << task << "\n" << describe(r);
    const auto& retry = retrying[0];
    EXPECT_EQ(retry.value("attempt", 0), 2) << "the attempt to come: " << retry.dump();
    int wait = task == "flaky" ? 60 : 30;
    EXPECT_EQ(retry.value("reason", ""), "exit 1; attempt 2 of " +
                                             std::to_string(task == "flaky" ? 3 : 2) + " in " +
                                             std::to_string(wait) + "ms")
        << retry.dump();
    EXPECT_EQ(retry.value("decision", ""), "retry in " + std::to_string(wait) +
                                               "ms (attempt 2 of " +
                                               std::to_string(task == "flaky" ? 3 : 2) + ")")
        << retry.dump();
    auto at = rfc3339_ms(retry.value("next_attempt_at", ""));
    auto ts = rfc3339_ms(retry.value("ts", ""));
    ASSERT_GE(at, 0) << retry.dump();
    // The event is sent just after the decision: on a loaded machine, a little later.
    EXPECT_GE(at - ts, wait - 50) << retry.dump();
    EXPECT_LE(at - ts, wait + 1) << retry.dump();
    auto started = events_of(events, "task_started", task);
    ASSERT_EQ(started.size(), 2u) << describe(r);
    EXPECT_EQ(started[1].value("attempt", 0), 2);
    EXPECT_GE(rfc3339_ms(started[1].value("ts", "")), at - 1) << started[1].dump();
  }
  auto succeeded = events_of(events, "task_succeeded", "flaky");
  ASSERT_EQ(succeeded.size(), 1u) << describe(r);
  EXPECT_EQ(succeeded[0].value("attempt", 0), 2);

  // The final failure says why it was not retried; its dependent's skip says why too.
  auto failed = events_of(events, "task_failed", "doomed");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("attempt", 0), 2);
  EXPECT_EQ(failed[0].value("reason", ""), "exit 1");
  EXPECT_EQ(failed[0].value("decision", ""), "not retried: 2 of 2 attempts made");
  auto skipped = events_of(events, "task_skipped", "blocked");
  ASSERT_EQ(skipped.size(), 1u) << describe(r);
  EXPECT_EQ(skipped[0].value("reason", ""), "upstream_failed: doomed");
  // A task that never made an attempt has none to name: null, never a 0 that no attempt has.
  EXPECT_TRUE(skipped[0]["attempt"].is_null()) << skipped[0].dump();
}

// ---------------------------------------------------------------------------------------------
// Timeouts: SIGTERM, then SIGKILL after kill_grace

TEST(CliRunRetry, AnIgnoredFailureSaysSoInProgressJson) {
  Scratch s;
  auto r = s.run(R"(name: ignored
tasks:
  - { id: lint, on_failure: ignore, run: exit 7 }
  - { id: broken, run: exit 3 }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto events = progress_events(r.err);
  auto ignored = events_of(events, "task_failed", "lint");
  ASSERT_EQ(ignored.size(), 1u) << describe(r);
  EXPECT_EQ(ignored[0].value("failure_ignored", false), true) << ignored[0].dump();
  auto failed = events_of(events, "task_failed", "broken");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_FALSE(failed[0].contains("failure_ignored")) << failed[0].dump();
}

TEST(CliRunTimeout, TermProofAttemptIsKilledAfterKillGraceAndEveryAttemptTimesOut) {
  Scratch s;
  auto r = s.run(R"(name: term-proof
tasks:
  - id: stubborn
    timeout: 100ms
    kill_grace: 100ms
    retry: { strategy: immediate, max_attempts: 2 }
    run: |
      trap '' TERM
      echo $$ >> pids
      sleep 5 &
      echo $! >> pids
      wait
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "stubborn", "failed", "timed out after 100ms"));
  EXPECT_THAT(timeline_row(r.out, "stubborn"), HasSubstr("(2 attempts)")) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(2 * 200 - 10)) << "each attempt ends only at SIGKILL";
  EXPECT_LT(s.elapsed, milliseconds(2 * 200 + 1500)) << describe(r);

  // Each attempt lasts timeout + kill_grace: SIGTERM is ignored, SIGKILL is not.
  auto events = progress_events(r.err);
  auto started = events_of(events, "task_started", "stubborn");
  auto retrying = events_of(events, "task_retrying", "stubborn");
  auto failed = events_of(events, "task_failed", "stubborn");
  ASSERT_EQ(started.size(), 2u) << describe(r);
  ASSERT_EQ(retrying.size(), 1u) << describe(r);
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  auto first = rfc3339_ms(retrying[0].value("ts", "")) - rfc3339_ms(started[0].value("ts", ""));
  auto second = rfc3339_ms(failed[0].value("ts", "")) - rfc3339_ms(started[1].value("ts", ""));
  EXPECT_GE(first, 200 - 2) << describe(r);
  EXPECT_LT(first, 200 + kSlackMs) << describe(r);
  EXPECT_GE(second, 200 - 2) << describe(r);
  EXPECT_LT(second, 200 + kSlackMs) << describe(r);
  EXPECT_EQ(retrying[0].value("reason", ""), "timed out after 100ms; attempt 2 of 2 in 0ms");
  EXPECT_EQ(failed[0].value("reason", ""), "timed out after 100ms");

  // The shell and its child of both attempts are gone.
  auto pids = read_numbers(s.at("pids"));
  EXPECT_EQ(pids.size(), 4u) << s.read("pids");
  for (auto pid : pids) {
    EXPECT_TRUE(wait_until_gone(static_cast<pid_t>(pid), milliseconds(500)))
        << "process " << pid << " outlived its attempt";
    if (process_alive(static_cast<pid_t>(pid))) kill(static_cast<pid_t>(pid), SIGKILL);
  }
}

// ---------------------------------------------------------------------------------------------
// Deadlines: the whole task, every attempt and wait included (SPEC 1.2, 3.1)

TEST(CliRunDeadline, StopsARunningAttemptAndRetriesNoMore) {
  Scratch s;
  auto r = s.run(R"(name: deadline-running
tasks:
  - id: long
    deadline: 200ms
    kill_grace: 100ms
    retry: { strategy: immediate, max_attempts: 3 }
    run: |
      trap '' TERM
      echo $BATON_ATTEMPT >> attempts
      echo $$ > pid
      sleep 5
      touch long.marker
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "long", "failed", "deadline 200ms exceeded during attempt 1"));
  EXPECT_EQ(s.read("attempts"), "1\n");
  EXPECT_FALSE(s.exists("long.marker"));
  EXPECT_GE(s.elapsed, milliseconds(300 - 10)) << "SIGKILL only after kill_grace";
  EXPECT_LT(s.elapsed, milliseconds(300 + 1500)) << describe(r);
  auto failed = events_of(progress_events(r.err), "task_failed", "long");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("decision", ""), "not retried: the deadline has passed");
  auto pid = static_cast<pid_t>(std::stol(trim(s.read("pid"))));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(500))) << "the attempt outlived its deadline";
  if (process_alive(pid)) kill(pid, SIGKILL);
}

TEST(CliRunDeadline, SchedulesNoAttemptThatWouldStartAfterIt) {
  Scratch s;
  // Attempts start at 0 and 250ms, each over in a few ms; a third would start at 500ms, past
  // the deadline. Every moment that matters is 150ms away from the deadline.
  auto r = s.run(R"(name: deadline-retries
tasks:
  - id: flaky
    deadline: 400ms
    retry: { strategy: fixed, delay: 250ms, max_attempts: 10 }
    run: |
      date +%s%N >> starts
      exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(400 + 1000)) << describe(r);
  // The last attempt's own failure ends the task: it was not cut short by the deadline.
  EXPECT_TRUE(task_line(r, "flaky", "failed", "exit 1"));
  auto starts = read_numbers(s.at("starts"));
  ASSERT_EQ(starts.size(), 2u) << describe(r);
  EXPECT_GE(static_cast<double>(starts[1] - starts[0]) / 1e6, 250 - kGrainMs) << describe(r);
  auto failed = events_of(progress_events(r.err), "task_failed", "flaky");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("decision", ""),
            "not retried: the next attempt, due in 250ms, would start after the deadline (400ms)");
}

TEST(CliRunDeadline, EndsUnlimitedRetries) {
  Scratch s;
  auto r = s.run(R"(name: deadline-unlimited
tasks:
  - id: forever
    deadline: 300ms
    retry: { strategy: fixed, delay: 20ms, max_attempts: 0 }
    run: |
      date +%s%N >> starts
      exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(300 - 40)) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(300 + 1000)) << describe(r);
  auto starts = read_numbers(s.at("starts"));
  EXPECT_GE(starts.size(), 3u) << describe(r);
  EXPECT_LT(static_cast<double>(starts.back() - starts.front()) / 1e6, 300);
  auto failed = events_of(progress_events(r.err), "task_failed", "forever");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  // Either no further attempt fitted, or the deadline came first (during the last attempt, or,
  // on a loaded machine, before the next one started).
  auto decision = failed[0].value("decision", "");
  auto reason = failed[0].value("reason", "");
  EXPECT_TRUE(decision ==
                  "not retried: the next attempt, due in 20ms, would start after the deadline "
                  "(300ms)" ||
              reason.rfind("deadline 300ms exceeded", 0) == 0)
      << failed[0].dump();
  auto retrying = events_of(progress_events(r.err), "task_retrying", "forever");
  ASSERT_FALSE(retrying.empty()) << describe(r);
  EXPECT_EQ(retrying[0].value("decision", ""), "retry in 20ms (attempt 2)")
      << "an unlimited budget has no 'of N'";
}

TEST(CliRunDeadline, EndsATaskWaitingForASlotAfterABackoffAndSaysItIsNotRetried) {
  Scratch s;
  // One job: `hog` takes the slot while `flaky` waits out its backoff, and keeps it past
  // `flaky`'s deadline. The retry announced earlier never happens: the final event must say so.
  auto r = s.run(R"(name: deadline-queued-retry
concurrency: 1
tasks:
  - id: flaky
    priority: 10
    deadline: 200ms
    retry: { strategy: fixed, delay: 50ms, max_attempts: 3 }
    run: echo $BATON_ATTEMPT >> attempts; exit 1
  - { id: hog, run: sleep 0.4 }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n");
  EXPECT_TRUE(task_line(r, "flaky", "failed", "deadline 200ms exceeded before a slot was free"));
  auto failed = events_of(progress_events(r.err), "task_failed", "flaky");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_THAT(failed[0].value("decision", ""), ::testing::StartsWith("not retried"))
      << "the task failed: its decision cannot be a retry\n"
      << failed[0].dump();
}

TEST(CliRunDeadline, CountsFromWhenTheTaskCouldFirstStart) {
  Scratch s;
  // `after` waits 300ms for its upstream, longer than its 200ms deadline, then runs well within
  // it; `queued` is ready at once but finds no free slot before its deadline, and never runs.
  auto r = s.run(R"(name: deadline-start
concurrency: 1
tasks:
  - { id: first, priority: 5, run: sleep 0.3 }
  - { id: after, needs: first, deadline: 200ms, run: sleep 0.02; touch after.marker }
  - { id: queued, deadline: 100ms, run: touch queued.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "after", "succeeded"));
  EXPECT_TRUE(s.exists("after.marker"));
  EXPECT_TRUE(task_line(r, "queued", "failed", "deadline 100ms exceeded before a slot was free"));
  EXPECT_FALSE(s.exists("queued.marker"));
}

}  // namespace
}  // namespace baton
