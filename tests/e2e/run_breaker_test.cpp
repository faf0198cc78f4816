// End-to-end tests of `baton run`: circuit breakers (SPEC 3.3): when they open, what `on_open:
// fail` and `on_open: wait` do to the tasks bound to them, half-open trials under concurrency,
// and how every transition is reported (summary lines and `breaker` events).
#include <regex>

#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::events_of;
using baton::testing::progress_events;
using baton::testing::read_numbers;
using nlohmann::json;

constexpr double kGrainMs = 5;
constexpr double kSlackMs = 400;

// The breaker transitions of `events`, in order, as "from -> to (why)".
std::vector<std::string> transitions(const std::vector<json>& events) {
  std::vector<std::string> found;
  for (const auto& event : events_of(events, "breaker")) {
    found.push_back(event.value("from", "") + " -> " + event.value("to", "") + " (" +
                    event.value("why", "") + ")");
  }
  return found;
}

// The breaker transitions the report's Outcomes list (`  - breaker NAME: FROM -> TO at
// HH:MM:SS.mmm (WHY)`), with the time replaced by `T` once it has been checked to have that shape.
std::vector<std::string> breaker_lines(const ProcessResult& r) {
  static const std::regex kTime(" at [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} \\(");
  std::vector<std::string> found;
  for (const auto& line : split_lines(r.out)) {
    if (line.rfind("  - breaker ", 0) != 0) continue;
    EXPECT_TRUE(std::regex_search(line, kTime)) << "no time of day in '" << line << "'";
    found.push_back(std::regex_replace(line, kTime, " at T ("));
  }
  return found;
}

// The position in `events` of the first event of this kind (for this task, if given), or -1.
int position(const std::vector<json>& events, std::string_view kind, std::string_view task = {},
             std::string_view to = {}) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].value("event", "") != kind) continue;
    if (!task.empty() && events[i].value("task", "") != task) continue;
    if (!to.empty() && events[i].value("to", "") != to) continue;
    return static_cast<int>(i);
  }
  return -1;
}

double ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Opening, and on_open: fail

TEST(CliRunBreaker, OpensAtTheThresholdAndThenFailsItsTasksWithoutStartingThem) {
  Scratch s;
  auto r = s.run(R"(name: breaker-fail
concurrency: 1
breakers:
  pay: { failure_threshold: 2, reset_timeout: 10s, on_open: fail }
tasks:
  - { id: a, breaker: pay, priority: 3, run: exit 1 }
  - { id: b, breaker: pay, priority: 2, run: exit 1 }
  - { id: c, breaker: pay, priority: 1, retry: { strategy: immediate, max_attempts: 3 }, run: touch c.marker }
  - { id: free, run: touch free.marker }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(2000)) << "the run does not wait for the breaker to reset";
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 1"));
  EXPECT_TRUE(task_line(r, "b", "failed", "exit 1"));
  EXPECT_TRUE(task_line(r, "c", "failed", "circuit_open: breaker 'pay' is open"));
  EXPECT_FALSE(s.exists("c.marker"));
  EXPECT_FALSE(fs::exists(s.logs() / "c.1.log")) << "c never started";
  EXPECT_TRUE(task_line(r, "free", "succeeded")) << "a task bound to no breaker runs";
  EXPECT_THAT(breaker_lines(r),
              ::testing::ElementsAre("  - breaker pay: closed -> open at T (2 consecutive failed "
                                     "attempts)"))
      << describe(r);

  auto events = progress_events(r.err);
  EXPECT_THAT(transitions(events),
              ::testing::ElementsAre("closed -> open (2 consecutive failed attempts)"));
  EXPECT_THAT(events_of(events, "task_started", "c"), IsEmpty());
  int opened = position(events, "breaker");
  EXPECT_LT(position(events, "task_started", "b"), opened) << describe(r);
  EXPECT_LT(opened, position(events, "task_failed", "c")) << describe(r);
  auto c = events_of(events, "task_failed", "c");
  ASSERT_EQ(c.size(), 1u) << describe(r);
  EXPECT_EQ(c[0].value("reason", ""), "circuit_open: breaker 'pay' is open");
}

TEST(CliRunBreaker, OnlyConsecutiveFailedAttemptsCount) {
  Scratch s;
  auto r = s.run(R"(name: breaker-consecutive
concurrency: 1
breakers:
  pay: { failure_threshold: 2, on_open: fail }
tasks:
  - { id: f1, breaker: pay, priority: 4, run: exit 1 }
  - { id: ok, breaker: pay, priority: 3, run: "true" }
  - { id: f2, breaker: pay, priority: 2, run: exit 1 }
  - { id: last, breaker: pay, priority: 1, run: touch last.marker }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "last", "succeeded"));
  EXPECT_TRUE(s.exists("last.marker"));
  EXPECT_THAT(breaker_lines(r), IsEmpty()) << describe(r);
  EXPECT_THAT(transitions(progress_events(r.err)), IsEmpty());
}

TEST(CliRunBreaker, OpenBreakerEndsARetryingTaskWithoutAnotherAttempt) {
  Scratch s;
  // The task's own second attempt opens the breaker: its third attempt must not start, and the
  // final event must not announce a retry that never happens.
  auto r = s.run(R"(name: breaker-retry
breakers:
  pay: { failure_threshold: 2, reset_timeout: 10s, on_open: fail }
tasks:
  - id: charge
    breaker: pay
    retry: { strategy: fixed, delay: 20ms, max_attempts: 4 }
    run: echo $BATON_ATTEMPT >> attempts; exit 1
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(s.read("attempts"), "1\n2\n");
  EXPECT_TRUE(task_line(r, "charge", "failed", "circuit_open"));
  auto events = progress_events(r.err);
  EXPECT_EQ(events_of(events, "task_started", "charge").size(), 2u) << describe(r);
  auto failed = events_of(events, "task_failed", "charge");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_THAT(failed[0].value("reason", ""), ::testing::StartsWith("circuit_open"));
  EXPECT_THAT(failed[0].value("decision", ""), ::testing::StartsWith("not retried"))
      << "the task failed: its decision cannot be a retry\n"
      << failed[0].dump();
}

// ---------------------------------------------------------------------------------------------
// on_open: wait, half-open trials

TEST(CliRunBreaker, OnOpenWaitHoldsATaskUntilHalfOpenAndItsSuccessClosesTheBreaker) {
  Scratch s;
  auto r = s.run(R"(name: breaker-wait
breakers:
  pay: { failure_threshold: 1, reset_timeout: 200ms, on_open: wait }
tasks:
  - { id: trip, breaker: pay, on_failure: ignore, run: date +%s%N > trip.end; exit 1 }
  - { id: held, needs: trip, breaker: pay, run: date +%s%N > held.start }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Succeeded in ")) << describe(r);
  EXPECT_TRUE(task_line(r, "held", "succeeded"));
  auto trip_end = read_numbers(s.at("trip.end"));
  auto held_start = read_numbers(s.at("held.start"));
  ASSERT_EQ(trip_end.size(), 1u);
  ASSERT_EQ(held_start.size(), 1u);
  EXPECT_GE(ms_between(trip_end[0], held_start[0]), 200 - kGrainMs) << describe(r);
  EXPECT_LT(ms_between(trip_end[0], held_start[0]), 200 + kSlackMs) << describe(r);

  EXPECT_THAT(breaker_lines(r),
              ::testing::ElementsAre(
                  "  - breaker pay: closed -> open at T (1 consecutive failed attempt)",
                  "  - breaker pay: open -> half_open at T (reset_timeout 200ms passed)",
                  "  - breaker pay: half_open -> closed at T (a trial attempt succeeded)"))
      << describe(r);
  auto events = progress_events(r.err);
  EXPECT_THAT(transitions(events),
              ::testing::ElementsAre("closed -> open (1 consecutive failed attempt)",
                                     "open -> half_open (reset_timeout 200ms passed)",
                                     "half_open -> closed (a trial attempt succeeded)"));
  auto waiting = events_of(events, "task_waiting", "held");
  ASSERT_EQ(waiting.size(), 1u) << describe(r);
  EXPECT_THAT(waiting[0].value("reason", ""),
              HasSubstr("breaker 'pay' is open; it turns half-open in "));
  // open, held waits, half-open, held starts, closed: in this order.
  std::vector<int> order{
      position(events, "breaker", {}, "open"), position(events, "task_waiting", "held"),
      position(events, "breaker", {}, "half_open"), position(events, "task_started", "held"),
      position(events, "breaker", {}, "closed")};
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()) && order.front() >= 0)
      << ::testing::PrintToString(order) << "\n"
      << describe(r);
}

TEST(CliRunBreaker, HalfOpenLetsAtMostHalfOpenMaxTrialsRunAtOnce) {
  Scratch s;
  auto r = s.run(R"(name: breaker-trials
breakers:
  pay: { failure_threshold: 1, reset_timeout: 200ms, half_open_max: 2, on_open: wait }
defaults: { breaker: pay }
tasks:
  - { id: trip, on_failure: ignore, run: date +%s%N > trip.end; exit 1 }
  - { id: w1, needs: trip, run: date +%s%N >> w1.t; sleep 0.15; date +%s%N >> w1.t }
  - { id: w2, needs: trip, run: date +%s%N >> w2.t; sleep 0.15; date +%s%N >> w2.t }
  - { id: w3, needs: trip, run: date +%s%N >> w3.t; sleep 0.15; date +%s%N >> w3.t }
  - { id: w4, needs: trip, run: date +%s%N >> w4.t; sleep 0.15; date +%s%N >> w4.t }
)",
                 {"--progress", "json", "--jobs", "4"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto trip_end = read_numbers(s.at("trip.end"));
  ASSERT_EQ(trip_end.size(), 1u);
  struct Interval {
    std::int64_t start, end;
  };
  std::vector<Interval> runs;
  for (const char* name : {"w1.t", "w2.t", "w3.t", "w4.t"}) {
    auto t = read_numbers(s.at(name));
    ASSERT_EQ(t.size(), 2u) << name << "\n" << describe(r);
    runs.push_back({t[0], t[1]});
    EXPECT_GE(ms_between(trip_end[0], t[0]), 200 - kGrainMs) << name << " started while open";
  }
  std::sort(runs.begin(), runs.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  // Two trials at once; the others only once a trial has ended (and closed the breaker).
  EXPECT_LT(runs[1].start, runs[0].end) << "the two trials run at the same time\n" << describe(r);
  auto first_end = std::min(runs[0].end, runs[1].end);
  EXPECT_GE(runs[2].start, first_end) << "a third task ran during half-open\n" << describe(r);
  EXPECT_GE(runs[3].start, first_end) << describe(r);

  auto events = progress_events(r.err);
  EXPECT_THAT(transitions(events),
              ::testing::ElementsAre("closed -> open (1 consecutive failed attempt)",
                                     "open -> half_open (reset_timeout 200ms passed)",
                                     "half_open -> closed (a trial attempt succeeded)"));
  int half_open = position(events, "breaker", {}, "half_open");
  int closed = position(events, "breaker", {}, "closed");
  ASSERT_GE(half_open, 0) << describe(r);
  ASSERT_GT(closed, half_open) << describe(r);
  int trials = 0;
  for (int i = half_open; i < closed; ++i) {
    if (events[i].value("event", "") == "task_started") ++trials;
  }
  EXPECT_EQ(trials, 2) << describe(r);
}

TEST(CliRunBreaker, FailedTrialReopensTheBreakerForAnotherResetTimeout) {
  Scratch s;
  // Whichever task runs first fails (it makes the lock); the others succeed.
  auto r = s.run(R"(name: breaker-reopen
breakers:
  pay: { failure_threshold: 1, reset_timeout: 150ms, half_open_max: 1, on_open: wait }
defaults: { breaker: pay, on_failure: ignore }
tasks:
  - { id: trip, run: exit 1 }
  - id: w1
    needs: trip
    run: date +%s%N >> starts; if mkdir first.lock 2>/dev/null; then exit 1; fi
  - id: w2
    needs: trip
    run: date +%s%N >> starts; if mkdir first.lock 2>/dev/null; then exit 1; fi
  - id: w3
    needs: trip
    run: date +%s%N >> starts; if mkdir first.lock 2>/dev/null; then exit 1; fi
)",
                 {"--progress", "json", "--jobs", "4"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(transitions(progress_events(r.err)),
              ::testing::ElementsAre("closed -> open (1 consecutive failed attempt)",
                                     "open -> half_open (reset_timeout 150ms passed)",
                                     "half_open -> open (a trial attempt failed)",
                                     "open -> half_open (reset_timeout 150ms passed)",
                                     "half_open -> closed (a trial attempt succeeded)"))
      << describe(r);
  EXPECT_EQ(breaker_lines(r).size(), 5u) << describe(r);
  auto starts = read_numbers(s.at("starts"));
  ASSERT_EQ(starts.size(), 3u) << describe(r);
  EXPECT_GE(ms_between(starts[0], starts[1]), 150 - kGrainMs)
      << "the second trial waits out another reset_timeout\n"
      << describe(r);
  EXPECT_LT(ms_between(starts[0], starts[1]), 150 + kSlackMs) << describe(r);
}

TEST(CliRunBreaker, OnOpenFailFailsTasksBeyondTheTrialsWhileHalfOpen) {
  Scratch s;
  // The breaker is half-open (after 100ms) when `gate` ends (after 250ms): of t1 and t2, one is
  // the trial and the other is turned away.
  auto r = s.run(R"(name: breaker-half-open-fail
concurrency: 4
breakers:
  pay: { failure_threshold: 1, reset_timeout: 100ms, half_open_max: 1, on_open: fail }
tasks:
  - { id: trip, breaker: pay, on_failure: ignore, run: exit 1 }
  - { id: gate, run: sleep 0.25 }
  - { id: t1, needs: gate, breaker: pay, run: sleep 0.05 }
  - { id: t2, needs: gate, breaker: pay, run: sleep 0.05 }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  bool t1_trial = has_word(timeline_row(r.out, "t1"), "succeeded");
  auto trial = t1_trial ? "t1" : "t2";
  auto turned_away = t1_trial ? "t2" : "t1";
  EXPECT_TRUE(task_line(r, trial, "succeeded"));
  EXPECT_TRUE(task_line(r, turned_away, "failed", "circuit_open: breaker 'pay' is half-open"));
  EXPECT_THAT(transitions(progress_events(r.err)),
              ::testing::ElementsAre("closed -> open (1 consecutive failed attempt)",
                                     "open -> half_open (reset_timeout 100ms passed)",
                                     "half_open -> closed (a trial attempt succeeded)"))
      << describe(r);
}

TEST(CliRunBreaker, DeadlineEndsAWaitForAnOpenBreaker) {
  Scratch s;
  auto r = s.run(R"(name: breaker-deadline
breakers:
  pay: { failure_threshold: 1, reset_timeout: 10s, on_open: wait }
tasks:
  - { id: trip, breaker: pay, on_failure: ignore, run: exit 1 }
  - { id: held, needs: trip, breaker: pay, deadline: 150ms, run: touch held.marker }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(150)) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(2000)) << describe(r);
  EXPECT_TRUE(task_line(r, "held", "failed", "deadline 150ms exceeded while its breaker was open"));
  EXPECT_FALSE(s.exists("held.marker"));
  auto events = progress_events(r.err);
  EXPECT_EQ(events_of(events, "task_waiting", "held").size(), 1u) << describe(r);
  EXPECT_THAT(events_of(events, "task_started", "held"), IsEmpty());
}

}  // namespace
}  // namespace baton
