// The terminal progress without a terminal: every line it writes, verbatim (tty_progress_format),
// and what LiveStatus draws, when, and how it counts, fed with hand-made events and with the
// events of a real scheduler run on a scripted executor.
#include "cli/tty_progress.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/tty_progress_format.hpp"
#include "engine/scheduler.hpp"
#include "support/fake_executor.hpp"
#include "support/inline_workflow.hpp"

namespace baton::cli {
namespace {

using engine::RunEvent;
using engine::RunEventKind;
using engine::TaskState;
using engine::Unit;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const Style kPlain = Style::with_colour(false);
const Style kColour = Style::with_colour(true);
const LogContext kContext{"RUN", " --state S"};

// ---- Clock and durations ---------------------------------------------------------------------

TEST(ClockText, MinutesAndSecondsThenHours) {
  EXPECT_EQ(clock_text(milliseconds(0)), "0:00");
  EXPECT_EQ(clock_text(milliseconds(42'999)), "0:42");
  EXPECT_EQ(clock_text(seconds(70)), "1:10");
  EXPECT_EQ(clock_text(seconds(3723)), "1:02:03");
}

TEST(DurationText, HundredthsUnderAMinuteThenAClock) {
  EXPECT_EQ(duration_text(milliseconds(1234)), "1.23s");
  EXPECT_EQ(duration_text(milliseconds(0)), "0.00s");
  EXPECT_EQ(duration_text(seconds(65)), "1:05");
}

// ---- The status line -------------------------------------------------------------------------

StatusView example_view() {
  StatusView v;
  v.done = 12;
  v.total = 40;
  v.running = 3;
  v.retrying = 1;
  v.failed = 1;
  v.elapsed = seconds(42);
  v.next_retry = milliseconds(2'500);
  return v;
}

TEST(Eta, IsThePaceSoFarAppliedToWhatIsLeft) {
  EXPECT_EQ(eta(example_view()), milliseconds(98'000));  // 42s × 28 / 12.
  StatusView none_done = example_view();
  none_done.done = 0;
  EXPECT_EQ(eta(none_done), std::nullopt);
  StatusView all_done = example_view();
  all_done.done = 40;
  EXPECT_EQ(eta(all_done), std::nullopt);
}

TEST(Eta, IsTheEstimateWhenThereIsOneEvenBeforeAnythingIsDone) {
  StatusView v = example_view();
  v.estimated_left = seconds(30);
  EXPECT_EQ(eta(v), seconds(30));
  v.done = 0;
  EXPECT_EQ(eta(v), seconds(30));
  v.done = 40;
  EXPECT_EQ(eta(v), std::nullopt);
}

TEST(StatusLine, ShowsCountsElapsedEtaAndTheNextRetry) {
  EXPECT_EQ(status_line(example_view(), 0, kPlain),
            "[12/40] 3 running · 1 retrying · 1 failed · 0:42 elapsed · ETA 1:38 · next retry "
            "in 3s");
}

TEST(StatusLine, AlwaysShowsRunningRetryingAndFailedAndTheOthersWhenThereAreAny) {
  StatusView v;
  v.total = 5;
  EXPECT_EQ(status_line(v, 0, kPlain), "[0/5] 0 running · 0 retrying · 0 failed · 0:00 elapsed");
  v.waiting = 1;
  v.compensating = 2;
  EXPECT_EQ(status_line(v, 0, kPlain),
            "[0/5] 0 running · 0 retrying · 0 failed · 1 waiting · 2 compensating · 0:00 elapsed");
}

TEST(StatusLine, DropsPartsFromTheEndToFitTheTerminal) {
  // 40 columns: 39 usable, so that the cursor never wraps to a line "\r\x1b[2K" cannot clear.
  EXPECT_EQ(status_line(example_view(), 40, kPlain), "[12/40] 3 running · 1 retrying");
  EXPECT_EQ(status_line(example_view(), 44, kPlain), "[12/40] 3 running · 1 retrying · 1 failed");
  EXPECT_EQ(status_line(example_view(), 5, kPlain), "[12/");
}

TEST(StatusLine, ColoursRetryingAndFailedOnlyWhenThereAreAny) {
  std::string line = status_line(example_view(), 0, kColour);
  EXPECT_THAT(line, HasSubstr("\x1b[1m[12/40]\x1b[0m"));
  EXPECT_THAT(line, HasSubstr("\x1b[33m1 retrying\x1b[0m"));
  EXPECT_THAT(line, HasSubstr("\x1b[31m1 failed\x1b[0m"));
  StatusView calm;
  EXPECT_THAT(status_line(calm, 0, kColour), HasSubstr(" · 0 failed · "));
}

TEST(StatusLine, ColourCodesTakeNoColumns) {
  EXPECT_EQ(status_line(example_view(), 44, kColour),
            "\x1b[1m[12/40]\x1b[0m 3 running · \x1b[33m1 retrying\x1b[0m · \x1b[31m1 "
            "failed\x1b[0m");
}

TEST(FinalLine, SaysHowTheRunEndedAndHowFarItGot) {
  StatusView v = example_view();
  v.done = 40;
  EXPECT_EQ(final_line(engine::RunStatus::kFailed, milliseconds(2'010), v, kPlain),
            "run failed in 2.01s · 40/40 done · 1 failed");
  v.failed = 0;
  EXPECT_EQ(final_line(engine::RunStatus::kSucceeded, seconds(75), v, kColour),
            "run \x1b[32msucceeded\x1b[0m in 1:15 · 40/40 done");
}

// ---- Log lines -------------------------------------------------------------------------------

const auto kT0 = std::chrono::system_clock::time_point(seconds(1'000'000));

engine::AttemptRecord attempt(int number, milliseconds took, std::string decision = {}) {
  engine::AttemptRecord a;
  a.number = number;
  a.start = kT0;
  a.end = kT0 + took;
  a.decision = std::move(decision);
  return a;
}

RunEvent event_of(RunEventKind kind, const Unit& unit) {
  RunEvent e;
  e.kind = kind;
  e.at = kT0 + seconds(5);
  e.unit = &unit;
  return e;
}

Unit leaf(std::string path, TaskState state, std::string reason = {}) {
  Unit u;
  u.path = std::move(path);
  u.state = state;
  u.reason = std::move(reason);
  return u;
}

TEST(LogLine, ASucceededTaskWithItsDurationAndAttemptIfRetried) {
  Unit u = leaf("build", TaskState::kSucceeded);
  u.attempts = {attempt(1, milliseconds(1'234))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSucceeded, u), 3, kContext, kPlain),
            "✓ build  1.23s");
  u.attempts = {attempt(1, milliseconds(5)), attempt(2, milliseconds(200))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSucceeded, u), 3, kContext, kPlain),
            "✓ build  0.20s (attempt 2 of 3)");
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSucceeded, u), 3, kContext, kColour),
            "\x1b[32m✓\x1b[0m build  0.20s (attempt 2 of 3)");
}

// SPEC 2.5: an instance is displayed with its item; an item's control bytes stay off the terminal.
TEST(LogLine, AFanOutInstanceShowsItsItem) {
  Unit u = leaf("build.compile[0]", TaskState::kSucceeded);
  u.item = "linux-amd64";
  u.attempts = {attempt(1, milliseconds(1'234))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSucceeded, u), 1, kContext, kPlain),
            "✓ build.compile[0] (linux-amd64)  1.23s");
  Unit failed = leaf("shard[1]", TaskState::kFailed, "exit 1");
  failed.item = "a\x1b[2Jb";
  EXPECT_EQ(shown_path(failed), "shard[1] (a\\x1b[2Jb)");
}

TEST(LogLine, AnApprovedGateWithItsVerdict) {
  Unit u = leaf("deploy", TaskState::kSucceeded, "approved by alice");
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSucceeded, u), 1, kContext, kPlain),
            "✓ deploy  approved by alice");
}

TEST(LogLine, AFailedTaskWithItsReasonDurationAndAttempts) {
  Unit u = leaf("test", TaskState::kFailed, "exit 1");
  u.attempts = {attempt(1, milliseconds(410), "not retried: max_attempts is 1")};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskFailed, u), 1, kContext, kPlain),
            "✗ test  exit 1  0.41s");
  u.reason = "exit 3";
  u.attempts = {attempt(1, milliseconds(5)), attempt(2, milliseconds(5)),
                attempt(3, milliseconds(410), "not retried: 3 of 3 attempts made")};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskFailed, u), 3, kContext, kColour),
            "\x1b[31m✗\x1b[0m test  exit 3  0.41s (attempt 3 of 3)");
}

TEST(LogLine, AFailureThatLeftAttemptsSaysWhyTheyWereNotMade) {
  Unit u = leaf("accounts", TaskState::kFailed, "exit 2");
  u.attempts = {attempt(1, milliseconds(10), "not retried: exit code 2 is non-retryable")};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskFailed, u), 3, kContext, kPlain),
            "✗ accounts  exit 2  0.01s (attempt 1 of 3; not retried: exit code 2 is "
            "non-retryable)");
}

TEST(LogLine, AnIgnoredFailureSaysSo) {
  Unit u = leaf("email", TaskState::kFailed, "exit 1");
  u.failure_ignored = true;
  u.attempts = {attempt(1, milliseconds(10))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskFailed, u), 1, kContext, kPlain),
            "✗ email  exit 1 (ignored)  0.01s");
}

TEST(LogLine, AResumedTaskCountsItsFreshBudgetAfterTheEarlierAttempts) {
  Unit u = leaf("flaky", TaskState::kSucceeded);
  u.attempt_base = 2;
  u.attempts = {attempt(1, milliseconds(1)), attempt(2, milliseconds(1)),
                attempt(3, milliseconds(20))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSucceeded, u), 2, kContext, kPlain),
            "✓ flaky  0.02s (attempt 3 of 4)");
}

TEST(LogLine, ARetryWithItsCauseAndCountdown) {
  // The engine's wording: the reason `CAUSE; attempt N of M in DELAY`, the decision `retry in
  // DELAY (attempt N of M)`.
  Unit u = leaf("fetch", TaskState::kRetrying, "exit 1; attempt 2 of 3 in 2s");
  u.attempts = {attempt(1, milliseconds(10), "retry in 2s (attempt 2 of 3)")};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskRetrying, u), 3, kContext, kPlain),
            "↻ fetch  exit 1, retry in 2s (attempt 2 of 3)");
  EXPECT_THAT(log_line(event_of(RunEventKind::kTaskRetrying, u), 3, kContext, kColour),
              StartsWith("\x1b[33m↻\x1b[0m fetch"));
}

TEST(LogLine, ACompensationRetryTakesTheCompensationsDecision) {
  Unit u = leaf("book", TaskState::kCompensating, "compensation exit 1; attempt 2 of 2 in 1s");
  u.attempts = {attempt(1, milliseconds(10))};
  u.compensations = {attempt(1, milliseconds(10), "retry in 1s (attempt 2 of 2)")};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskRetrying, u), 2, kContext, kPlain),
            "↻ book  compensation exit 1, retry in 1s (attempt 2 of 2)");
}

TEST(LogLine, AWaitingGatePrintsTheCommandsToType) {
  Unit u = leaf("regions[1].sign_off", TaskState::kWaiting, "waiting for approval");
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskWaiting, u), 1, kContext, kPlain),
            "⏸ regions[1].sign_off  waiting for approval: run `baton approve RUN "
            "'regions[1].sign_off' --state S` or `baton reject RUN 'regions[1].sign_off' --state "
            "S` in another shell");
}

TEST(LogLine, ATaskWaitingForABreakerSaysWhy) {
  Unit u = leaf("ship", TaskState::kWaiting, "breaker 'carrier' is open; it turns half-open in 1s");
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskWaiting, u), 1, kContext, kPlain),
            "⏸ ship  waiting: breaker 'carrier' is open; it turns half-open in 1s");
}

TEST(LogLine, SkipsCancellationsCompensationsAndBreakers) {
  Unit skipped = leaf("notify", TaskState::kSkipped, "upstream_failed: test");
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskSkipped, skipped), 1, kContext, kPlain),
            "- notify  skipped: upstream_failed: test");
  Unit cancelled = leaf("slow", TaskState::kCancelled, "cancelled");
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskCancelled, cancelled), 1, kContext, kPlain),
            "- slow  cancelled");
  Unit undone = leaf("reserve", TaskState::kCompensated);
  undone.compensations = {attempt(1, milliseconds(20))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kCompensationFinished, undone), 1, kContext, kPlain),
            "↩ reserve  compensated  0.02s");
  Unit not_undone = leaf("refund", TaskState::kCompensationFailed, "compensation exit 1");
  EXPECT_EQ(
      log_line(event_of(RunEventKind::kCompensationFinished, not_undone), 1, kContext, kPlain),
      "✗ refund  compensation exit 1");
  engine::BreakerTransition t{"payments", engine::BreakerState::kClosed,
                              engine::BreakerState::kOpen, kT0, "3 consecutive failures"};
  RunEvent breaker;
  breaker.kind = RunEventKind::kBreaker;
  breaker.transition = &t;
  EXPECT_EQ(log_line(breaker, 1, kContext, kPlain),
            "! breaker payments: closed → open (3 consecutive failures)");
}

TEST(LogLine, StartsHaveNone) {
  Unit u = leaf("build", TaskState::kRunning);
  u.attempts = {attempt(1, milliseconds(0))};
  EXPECT_EQ(log_line(event_of(RunEventKind::kTaskStarted, u), 1, kContext, kPlain), "");
  EXPECT_EQ(log_line(event_of(RunEventKind::kCompensationStarted, u), 1, kContext, kPlain), "");
}

// ---- LiveStatus ------------------------------------------------------------------------------

using LiveClock = LiveStatus::Clock;
const auto kStart = LiveClock::time_point(seconds(100));

// A run graph to move by hand: leaves a, b (needs a) and fan[0], fan[1].
struct Graph {
  model::Workflow workflow = baton::testing::parse_workflow(R"(
name: live
tasks:
  - {id: a, run: "true"}
  - {id: b, run: "true", needs: [a], retry: {max_attempts: 3, strategy: fixed, delay: 5s}}
  - {id: fan, run: "true", foreach: [x, y]}
)");
  engine::RunGraph graph{workflow};

  Unit& unit(const std::string& path) {
    for (auto& u : graph.units()) {
      if (u.path == path) return u;
    }
    throw std::runtime_error("no unit " + path);
  }
  // Moves `path` to `state` and returns the event that says so.
  RunEvent move(const std::string& path, TaskState state, RunEventKind kind) {
    Unit& u = unit(path);
    u.state = state;
    RunEvent e;
    e.kind = kind;
    e.at = kT0;
    e.unit = &u;
    e.graph = &graph;
    return e;
  }
};

TEST(LiveStatus, DrawsTheStatusLineWithEveryLeafCounted) {
  Graph g;
  LiveStatus live(kContext, kPlain, kStart);
  g.unit("a").attempts = {attempt(1, milliseconds(0))};
  live.apply(g.move("a", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  EXPECT_EQ(live.frame(kStart + seconds(1), 0),
            "[0/4] 1 running · 0 retrying · 0 failed · 0:01 elapsed");
}

TEST(LiveStatus, FinishedTasksScrollAboveTheStatusLine) {
  Graph g;
  LiveStatus live(kContext, kPlain, kStart);
  g.unit("a").attempts = {attempt(1, milliseconds(500))};
  live.apply(g.move("a", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  ASSERT_FALSE(live.frame(kStart, 0).empty());
  live.apply(g.move("a", TaskState::kSucceeded, RunEventKind::kTaskSucceeded), kStart);
  g.unit("fan[0]").attempts = {attempt(1, milliseconds(250))};
  live.apply(g.move("fan[0]", TaskState::kSucceeded, RunEventKind::kTaskSucceeded), kStart);
  EXPECT_EQ(live.frame(kStart + milliseconds(500), 0),
            "\r\x1b[2K✓ a  0.50s\n✓ fan[0] (x)  0.25s\n"
            "[2/4] 0 running · 0 retrying · 0 failed · 0:00 elapsed · ETA 0:01");
}

TEST(LiveStatus, TheFirstSuccessGivesARunWithoutEstimatesItsEtaAtOnce) {
  // No estimates and nothing succeeded: no figure. Once `a` succeeds in 1s, the three leaves
  // left are expected to take 1s each on one slot: 3s, counting down, not the pace of one task
  // (which would say 3s, then 4s, 5s… while nothing finishes).
  Graph g;
  LiveStatus live(kContext, kPlain, kStart);
  g.unit("a").attempts = {attempt(1, seconds(1))};
  live.apply(g.move("a", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  EXPECT_EQ(live.frame(kStart + milliseconds(500), 0),
            "[0/4] 1 running · 0 retrying · 0 failed · 0:00 elapsed");
  live.apply(g.move("a", TaskState::kSucceeded, RunEventKind::kTaskSucceeded), kStart + seconds(1));
  EXPECT_THAT(live.frame(kStart + seconds(1), 0), ::testing::EndsWith("0:01 elapsed · ETA 0:03"));
  EXPECT_THAT(live.frame(kStart + milliseconds(2500), 0),
              ::testing::EndsWith("0:02 elapsed · ETA 0:02"));
}

TEST(LiveStatus, RedrawsOnlyWhenTheScreenWouldChange) {
  // The frames come every kFrameInterval; most find nothing new and write nothing.
  Graph g;
  LiveStatus live(kContext, kPlain, kStart);
  live.apply(g.move("a", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  ASSERT_FALSE(live.frame(kStart, 0).empty());
  EXPECT_EQ(live.frame(kStart + milliseconds(100), 0), "");
  EXPECT_EQ(live.frame(kStart + milliseconds(900), 0), "");
  // The elapsed time shows whole seconds: the next one is worth a frame, event or not.
  EXPECT_EQ(live.frame(kStart + milliseconds(1'000), 0),
            "\r\x1b[2K[0/4] 1 running · 0 retrying · 0 failed · 0:01 elapsed");
  live.apply(g.move("fan[1]", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  EXPECT_THAT(live.frame(kStart + milliseconds(1'100), 0), HasSubstr("2 running"));
}

TEST(LiveStatus, CountsDownToTheSoonestRetry) {
  Graph g;
  LiveStatus live(kContext, kPlain, kStart);
  Unit& b = g.unit("b");
  b.reason = "exit 1; attempt 2 of 3 in 5s";
  b.attempts = {attempt(1, milliseconds(10), "retry in 5s (attempt 2 of 3)")};
  b.next_attempt_at = kT0 + seconds(5);  // The event happens at kT0.
  live.apply(g.move("b", TaskState::kRetrying, RunEventKind::kTaskRetrying), kStart);
  EXPECT_EQ(live.frame(kStart, 0),
            "↻ b  exit 1, retry in 5s (attempt 2 of 3)\n"
            "[0/4] 0 running · 1 retrying · 0 failed · 0:00 elapsed · next retry in 5s");
  EXPECT_THAT(live.frame(kStart + milliseconds(2'500), 0), HasSubstr("next retry in 3s"));
  live.apply(g.move("b", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  EXPECT_THAT(live.frame(kStart + seconds(3), 0), Not(HasSubstr("next retry")));
}

TEST(LiveStatus, CountsLeavesAResumedRunHadFinishedAsDone) {
  Graph g;
  g.unit("a").state = TaskState::kSucceeded;  // Restored: no event will say so.
  g.unit("fan[0]").state = TaskState::kSucceeded;
  LiveStatus live(kContext, kPlain, kStart);
  live.apply(g.move("b", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  StatusView v = live.view(kStart);
  EXPECT_EQ(v.done, 2u);
  EXPECT_EQ(v.total, 4u);
  EXPECT_EQ(v.running, 1u);
}

TEST(LiveStatus, ClearLeavesTheLogAndNoStatusLine) {
  Graph g;
  LiveStatus live(kContext, kPlain, kStart);
  live.apply(g.move("a", TaskState::kRunning, RunEventKind::kTaskStarted), kStart);
  ASSERT_FALSE(live.frame(kStart, 0).empty());
  g.unit("a").reason = "exit 1";
  g.unit("a").attempts = {attempt(1, milliseconds(30))};
  live.apply(g.move("a", TaskState::kFailed, RunEventKind::kTaskFailed), kStart);
  EXPECT_EQ(live.clear(), "\r\x1b[2K✗ a  exit 1  0.03s\n");
  EXPECT_EQ(live.clear(), "");  // Nothing on the line any more.
}

TEST(LiveStatus, InstancesOfADynamicFanOutJoinTheTotalWhenItExpands) {
  auto workflow = baton::testing::parse_workflow(R"(
name: dynamic
tasks:
  - {id: list, run: "true", outputs: [items]}
  - {id: each, run: "true", foreach: {from: list, output: items}}
)");
  engine::RunGraph graph(workflow);
  LiveStatus live(kContext, kPlain, kStart);
  auto event = [&](engine::UnitIndex u, TaskState state, RunEventKind kind) {
    graph.unit(u).state = state;
    RunEvent e;
    e.kind = kind;
    e.at = kT0;
    e.unit = &graph.unit(u);
    e.graph = &graph;
    live.apply(e, kStart);
  };
  engine::UnitIndex list = 0, each = 0;
  for (engine::UnitIndex u = 0; u < graph.units().size(); ++u) {
    if (graph.unit(u).path == "list") list = u;
    if (graph.unit(u).path == "each") each = u;
  }
  event(list, TaskState::kSucceeded, RunEventKind::kTaskSucceeded);
  EXPECT_EQ(live.view(kStart).total, 1u);
  auto instances = graph.expand(each, {"p", "q", "r"});
  event(instances[0], TaskState::kRunning, RunEventKind::kTaskStarted);
  EXPECT_EQ(live.view(kStart).total, 4u);
  EXPECT_EQ(live.view(kStart).done, 1u);
  EXPECT_EQ(live.view(kStart).running, 1u);
}

// The events of a real run: every one carries the graph, and at the end every leaf is done.
TEST(LiveStatus, FollowsARealRunToTheEnd) {
  auto workflow = baton::testing::parse_workflow(R"(
name: real
tasks:
  - {id: a, run: "true"}
  - {id: b, run: "true", needs: [a], retry: {max_attempts: 2, strategy: immediate}}
  - {id: c, run: "true", needs: [b]}
  - {id: d, run: "true", needs: [a], foreach: [x, y, z]}
)");
  baton::testing::FakeExecutor executor;
  executor.exit_code = [](const std::string& task, int attempt) {
    if (task == "b") return attempt == 1 ? 1 : 0;
    return task == "d[1]" ? 2 : 0;
  };
  engine::RunOptions options;
  options.jobs = 2;
  options.run_id = "test";
  options.run_dir = std::filesystem::temp_directory_path() /
                    ("baton-tty-progress-test-" + std::to_string(::getpid()));
  options.workflow_dir = options.run_dir;
  LiveStatus live(kContext, kPlain, kStart);
  bool every_event_has_the_graph = true;
  options.on_event = [&](const RunEvent& event) {
    every_event_has_the_graph = every_event_has_the_graph && event.graph != nullptr;
    live.apply(event, kStart);
  };
  engine::Scheduler scheduler(workflow, executor, options);
  scheduler.run();
  std::filesystem::remove_all(options.run_dir);
  EXPECT_TRUE(every_event_has_the_graph);
  StatusView v = live.view(kStart);
  EXPECT_EQ(v.total, 6u);
  EXPECT_EQ(v.done, 6u);
  EXPECT_EQ(v.failed, 1u);
  EXPECT_EQ(v.running + v.retrying + v.waiting + v.compensating, 0u);
  std::string log = live.clear();
  EXPECT_THAT(log, HasSubstr("↻ b  exit 1, retry in 0ms (attempt 2 of 2)\n"));
  EXPECT_THAT(log, HasSubstr("✓ b  "));
  EXPECT_THAT(log, HasSubstr("✗ d[1] (y)  exit 2"));
}

}  // namespace
}  // namespace baton::cli
