// End-to-end tests of `baton resume` (SPEC 4): succeeded tasks never run again and their
// outputs still reach their dependents; other tasks start over with their attempt numbers
// continuing and a fresh retry budget; the run's `--set` overrides and its dynamic fan-out
// instances are those of the first session; and the runs that cannot be resumed say why.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/run_e2e.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/store_support.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::only_run_id;
using baton::testing::query_column;
using baton::testing::query_value;
using baton::testing::resume;
using baton::testing::store_file;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// The numbers of the task's recorded attempts, in order.
std::vector<std::string> attempt_numbers(const Scratch& s, const std::string& path) {
  return query_column(store_file(s),
                      "SELECT n FROM attempts WHERE step = 0 AND path = '" + path + "' ORDER BY n");
}

std::string run_status(const Scratch& s) {
  return query_value(store_file(s), "SELECT status FROM runs");
}

// ---------------------------------------------------------------------------------------------
// What runs again, and how

constexpr std::string_view kMissingMarker = R"(name: resumable
tasks:
  - { id: a, run: 'echo a >> a.count; echo k=hello >> "$BATON_OUTPUT"' }
  - { id: b, needs: a, run: 'echo "$BATON_ATTEMPT" >> b.attempts; test -f fixed' }
  - { id: c, needs: [a, b], run: 'echo "$BATON_OUT_A_K" > c.out' }
  - id: d
    needs: b
    env: { FROM_A: "${{ tasks.a.outputs.k }}" }
    run: 'echo "$FROM_A" > d.out'
)";

TEST(CliRunResume, FixedTaskStartsOverAsAttempt2AndSucceededTasksDoNotRunAgain) {
  Scratch s;
  auto first = s.run(kMissingMarker);
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  ASSERT_EQ(s.read("a.count"), "a\n");
  ASSERT_EQ(s.read("b.attempts"), "1\n");
  ASSERT_FALSE(s.exists("c.out")) << describe(first);

  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("a.count"), "a\n") << "a succeeded in the first session";
  EXPECT_EQ(s.read("b.attempts"), "1\n2\n") << "b's attempt numbers continue";
  EXPECT_TRUE(task_line(r, "b", "succeeded"));
  EXPECT_TRUE(task_line(r, "c", "succeeded"));
  auto logs = s.logs();
  EXPECT_TRUE(fs::exists(logs / "b.1.log")) << "the first session's log is kept";
  EXPECT_TRUE(fs::exists(logs / "b.2.log"));
  EXPECT_FALSE(fs::exists(logs / "a.2.log"));
  EXPECT_THAT(attempt_numbers(s, "b"), ElementsAre("1", "2"));
  EXPECT_THAT(attempt_numbers(s, "a"), ElementsAre("1"));
  EXPECT_EQ(run_status(s), "succeeded");
}

TEST(CliRunResume, OutputsRecordedInTheFirstSessionReachDependentsAfterResume) {
  Scratch s;
  auto first = s.run(kMissingMarker);
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("c.out"), "hello\n") << "as BATON_OUT_A_K";
  EXPECT_EQ(s.read("d.out"), "hello\n") << "as ${{ tasks.a.outputs.k }}";
}

TEST(CliRunResume, EachResumedTaskGetsAFreshBudgetOfMaxAttempts) {
  Scratch s;
  auto yaml = R"(name: budget
defaults: { retry: { max_attempts: 2, strategy: immediate } }
tasks:
  - id: flaky
    run: 'echo "$BATON_ATTEMPT" >> flaky.attempts; test -f fixed && test "$BATON_ATTEMPT" -ge 4'
  - { id: broken, run: 'echo "$BATON_ATTEMPT" >> broken.attempts; exit 1' }
)";
  auto first = s.run(yaml);
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  ASSERT_EQ(s.read("flaky.attempts"), "1\n2\n");
  ASSERT_EQ(s.read("broken.attempts"), "1\n2\n");

  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, only_run_id(s));
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(s.read("flaky.attempts"), "1\n2\n3\n4\n")
      << "two more attempts, not what was left of the first budget (none)";
  EXPECT_EQ(s.read("broken.attempts"), "1\n2\n3\n4\n") << "two more attempts, and no third";
  EXPECT_TRUE(task_line(r, "flaky", "succeeded"));
  EXPECT_TRUE(task_line(r, "broken", "failed"));
  EXPECT_EQ(run_status(s), "failed");

  auto again = resume(s, "last", {"--progress", "json"});
  EXPECT_EQ(again.exit_code, 1) << describe(again);
  EXPECT_EQ(s.read("flaky.attempts"), "1\n2\n3\n4\n");
  EXPECT_EQ(s.read("broken.attempts"), "1\n2\n3\n4\n5\n6\n");
  // The numbers go on and the fresh budget ends at 6, in every event and decision.
  auto events = baton::testing::progress_events(again.err);
  auto retrying = baton::testing::events_of(events, "task_retrying", "broken");
  ASSERT_EQ(retrying.size(), 1u) << describe(again);
  EXPECT_EQ(retrying[0].value("decision", ""), "retry in 0ms (attempt 6 of 6)") << describe(again);
  EXPECT_EQ(retrying[0].value("attempt", 0), 6) << "the attempt to come";
  auto started = baton::testing::events_of(events, "task_started", "broken");
  ASSERT_EQ(started.size(), 2u) << describe(again);
  EXPECT_EQ(started[0].value("attempt", 0), 5);
  EXPECT_EQ(started[1].value("attempt", 0), 6);
  auto failed = baton::testing::events_of(events, "task_failed", "broken");
  ASSERT_EQ(failed.size(), 1u) << describe(again);
  EXPECT_EQ(failed[0].value("decision", ""), "not retried: 6 of 6 attempts made");
  for (int n = 1; n <= 6; ++n) {
    EXPECT_TRUE(fs::exists(s.logs() / ("broken." + std::to_string(n) + ".log"))) << n;
  }
}

TEST(CliRunResume, TheMakespanRunsFromTheRunsFirstStart) {
  Scratch s;
  auto first = s.run("name: later\ntasks:\n  - { id: t, run: 'test -f fixed' }\n");
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last", {"--progress", "json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto finished = baton::testing::progress_events(r.err).back();
  ASSERT_EQ(finished.value("event", ""), "run_finished") << describe(r);
  // SPEC 6: the run's end minus its start, the time between the sessions included.
  EXPECT_GE(finished.value("makespan_s", 0.0), 0.4) << describe(r);
  auto report = nlohmann::json::parse(baton_on(s, {"report", "last", "--format", "json"}).out);
  // SPEC 8 names one makespan: the progress event gives the report's, to the millisecond.
  EXPECT_DOUBLE_EQ(finished.value("makespan_s", 0.0), report["run"]["makespan_s"].get<double>());
}

// A chain that ran in two sessions: each task's duration is its last session's, so the longest
// chain can never outlast the run (critical-path efficiency ≤ 100%), whatever the gap between.
TEST(CliRunResume, TheTimeBetweenSessionsIsNoPartOfATasksDuration) {
  Scratch s;
  // a is undone (so it runs again after the resume); c's undo fails, so the run is `failed`,
  // not `rolled_back`, and can be resumed.
  auto first = s.run(R"(name: gap
tasks:
  - { id: a, run: 'sleep 0.02', compensate: 'true' }
  - { id: b, needs: a, run: 'sleep 0.02; test -f fixed' }
  - { id: c, run: 'true', compensate: 'exit 1' }
)");
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto report = nlohmann::json::parse(baton_on(s, {"report", "last", "--format", "json"}).out);
  EXPECT_GE(report["run"]["makespan_s"].get<double>(), 0.5);
  EXPECT_LE(report["metrics"]["critical_path_efficiency"].get<double>(), 1.0) << report.dump(2);
  for (const auto& task : report["tasks"]) {
    EXPECT_LT(task["duration_s"].get<double>(), 0.4) << task.dump(2);
  }
}

TEST(CliRunResume, SkippedAndCancelledTasksStartOver) {
  Scratch s;
  auto file = s.write_workflow(R"(name: interrupted
defaults: { kill_grace: 200ms }
tasks:
  - id: slow
    run: 'echo "$BATON_ATTEMPT" >> slow.attempts; test "$BATON_ATTEMPT" -ge 2 || sleep 30'
  - { id: after, needs: slow, run: 'echo ran >> after.count' }
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  while (!(s.exists("slow.attempts") && !s.read("slow.attempts").empty()) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(s.exists("slow.attempts")) << s.read("baton.err");
  baton.signal(SIGINT);
  auto code = baton.wait_for(milliseconds(5000));
  ASSERT_EQ(code, std::optional<int>(130)) << s.read("baton.out") << s.read("baton.err");
  ASSERT_EQ(run_status(s), "cancelled");

  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("slow.attempts"), "1\n2\n");
  EXPECT_EQ(s.read("after.count"), "ran\n");
  EXPECT_EQ(run_status(s), "succeeded");
}

// What starts over is pending again as soon as the resume takes the run, not still skipped for
// a reason that no longer holds while its upstream runs again.
TEST(CliRunResume, WhatStartsOverIsPendingFromTheResumesStart) {
  Scratch s;
  auto first = s.run(R"(name: stale
tasks:
  - id: b
    run: 'test -f fixed && touch b.started && while [ ! -f release ]; do sleep 0.02; done'
  - { id: c, needs: b, run: "true" }
)");
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  ASSERT_EQ(query_value(store_file(s), "SELECT state FROM tasks WHERE path = 'c'"), "skipped");
  std::ofstream(s.at("fixed")).put('\n');
  BackgroundProcess baton({BATON_BINARY, "resume", "last", "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  while (!s.exists("b.started") && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(s.exists("b.started")) << s.read("baton.err");
  // The store is written on a thread of its own, a moment after the task starts.
  auto b_state = [&s] {
    return query_value(store_file(s), "SELECT state FROM tasks WHERE path = 'b'");
  };
  while (b_state() != "running" && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  auto status =
      run_process({BATON_BINARY, "status", "last", "--state", s.state()}, {}, {"NO_COLOR=1"});
  std::ofstream(s.at("release")).put('\n');
  EXPECT_EQ(status.exit_code, 0) << describe(status);
  EXPECT_THAT(status.out, ::testing::MatchesRegex("(.|\n)*c +pending(.|\n)*")) << describe(status);
  EXPECT_THAT(status.out, Not(HasSubstr("upstream_failed"))) << describe(status);
  ASSERT_EQ(baton.wait_for(milliseconds(10000)), std::optional<int>(0)) << s.read("baton.err");
  EXPECT_EQ(query_value(store_file(s), "SELECT state FROM tasks WHERE path = 'c'"), "succeeded");
}

TEST(CliRunResume, ATaskWhoseCompensationFailedKeepsItsSuccessAndCompensatedOnesStartOver) {
  // SPEC 4: a task whose success was committed never runs again. `charge` succeeded and its
  // refund failed, so the charge stands: a resume must not charge again. `reserve` was
  // released (compensated), so it is reserved again before `ship` goes on.
  Scratch s;
  auto r = s.run(R"(name: saga
tasks:
  - id: reserve
    run: echo reserve >> ledger
    compensate: echo release >> ledger
  - id: charge
    needs: reserve
    run: echo charge >> ledger
    compensate: test -f refund.fixed && echo refund >> ledger
  - id: hold
    needs: charge
    run: echo hold >> ledger
    compensate: echo unhold >> ledger
  - { id: ship, needs: hold, run: test -f ship.fixed && echo ship >> ledger }
)");
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  ASSERT_EQ(s.read("ledger"), "reserve\ncharge\nhold\nunhold\n") << describe(r);
  EXPECT_TRUE(task_line(r, "charge", "compensation_failed")) << describe(r);
  EXPECT_TRUE(task_line(r, "hold", "compensated")) << describe(r);
  ASSERT_EQ(run_status(s), "failed");

  std::ofstream(s.at("ship.fixed")).close();
  auto resumed = resume(s, "last");
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(s.read("ledger"), "reserve\ncharge\nhold\nunhold\nhold\nship\n")
      << "charge and reserve are not run again; hold, which was undone, is";
  EXPECT_EQ(attempt_numbers(s, "charge"), std::vector<std::string>{"1"});
  EXPECT_EQ(attempt_numbers(s, "hold"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(
      query_value(store_file(s), "SELECT state || '|' || reason FROM tasks WHERE path = 'charge'"),
      "succeeded|");
  EXPECT_EQ(query_value(store_file(s), "SELECT reason FROM tasks WHERE path = 'reserve'"), "")
      << "what the rollback said of reserve is history";
  EXPECT_EQ(run_status(s), "succeeded");
}

// SPEC 4: logs are never overwritten, compensation logs included; and the report tells each
// compensation by its own outcome, not by the state its task reached after the resume.
TEST(CliRunResume, CompensationAttemptsGoOnNumberingAndKeepTheirOutcome) {
  Scratch s;
  constexpr std::string_view kSaga = R"(name: undo-twice
tasks:
  - { id: a, run: 'true', compensate: 'echo "undo $BATON_ATTEMPT" >> undo.log; echo undone' }
  - { id: c, run: 'true', compensate: 'exit 1' }
  - { id: b, needs: a, run: 'test -f fixed' }
)";
  auto first = s.run(kSaga);
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  auto again = resume(s, "last");  // b fails again: a is compensated a second time.
  ASSERT_EQ(again.exit_code, 1) << describe(again);
  EXPECT_EQ(query_column(store_file(s),
                         "SELECT n FROM attempts WHERE step = 1 AND path = 'a' ORDER BY n"),
            (std::vector<std::string>{"1", "2"}));
  auto logs = s.runs()[0] / "logs";
  EXPECT_EQ(baton::testing::read_file(logs / "a.compensate.1.log"), "undone\n");
  EXPECT_EQ(baton::testing::read_file(logs / "a.compensate.2.log"), "undone\n");

  std::ofstream(s.at("fixed")) << "";
  auto done = resume(s, "last");
  ASSERT_EQ(done.exit_code, 0) << describe(done);
  auto as_stored = baton_on(s, {"report", "last", "--format", "json"}).out;
  // The report the resume wrote from what it kept in memory is the one the store gives back.
  EXPECT_EQ(baton::testing::read_file(s.runs()[0] / "report.json"), as_stored);
  auto report = nlohmann::json::parse(as_stored);
  std::map<std::string, std::string> outcome;
  for (const auto& entry : report["compensations"]) outcome[entry["path"]] = entry["status"];
  // Both tasks end `succeeded` (a ran again; c kept its success), their compensations not.
  EXPECT_EQ(outcome, (std::map<std::string, std::string>{{"a", "compensated"},
                                                         {"c", "compensation_failed"}}));
  EXPECT_EQ(report["metrics"]["compensations_succeeded"], 1) << report["metrics"].dump(2);
  EXPECT_EQ(report["metrics"]["compensations_failed"], 1) << report["metrics"].dump(2);
}

TEST(CliRunResume, SetOverridesGivenToRunAreAppliedAgain) {
  Scratch s;
  auto yaml = R"(name: overrides
env: { X: "0" }
tasks:
  - { id: t, run: 'echo "$X" >> seen; test -f fixed' }
)";
  auto first = s.run(yaml, {"--set", "env.X=1"});
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  ASSERT_EQ(s.read("seen"), "1\n");

  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("seen"), "1\n1\n");
}

TEST(CliRunResume, DynamicFanOutResumesWithTheSameInstances) {
  Scratch s;
  auto yaml = R"yaml(name: fan
tasks:
  - { id: discover, run: 'echo run >> discover.count; echo "files=$(cat items.json)" >> "$BATON_OUTPUT"' }
  - id: process
    foreach: { from: discover, output: files }
    run: 'echo "$BATON_TASK $BATON_ITEM $BATON_ATTEMPT" >> process.log; test "$BATON_ITEM" != y || test -f fixed'
  - { id: merge, needs: process, run: 'echo merged >> merge.count' }
)yaml";
  std::ofstream(s.at("items.json")) << R"(["x", "y", "z"])";
  auto first = s.run(yaml);
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  ASSERT_THAT(split_lines(s.read("process.log")),
              UnorderedElementsAre("process[0] x 1", "process[1] y 1", "process[2] z 1"));

  // Were discover to run again, it would fan out over other items.
  std::ofstream(s.at("items.json")) << R"(["p", "q"])";
  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("discover.count"), "run\n");
  auto lines = split_lines(s.read("process.log"));
  ASSERT_EQ(lines.size(), 4u) << s.read("process.log");
  EXPECT_EQ(lines[3], "process[1] y 2") << "only the failed instance runs again, with its item";
  EXPECT_EQ(s.read("merge.count"), "merged\n");
  EXPECT_TRUE(task_line(r, "process[2]", "succeeded"));
}

TEST(CliRunResume, DynamicFanOutSkippedAfterItsSourceFailedExpandsOnResume) {
  Scratch s;
  auto yaml = R"yaml(name: fan
tasks:
  - { id: discover, run: 'test -f fixed && echo "files=[\"x\", \"y\"]" >> "$BATON_OUTPUT"' }
  - id: process
    foreach: { from: discover, output: files }
    run: 'echo "$BATON_ITEM" >> process.log'
  - { id: merge, needs: process, run: 'echo merged >> merge.count' }
)yaml";
  auto first = s.run(yaml);
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  // The fan-out never had items: it is one skipped task, in the report and in status.
  EXPECT_TRUE(task_line(first, "process", "skipped", "upstream_failed: discover"));
  EXPECT_TRUE(task_line(first, "merge", "skipped", "upstream_failed: process"));
  auto status = baton_on(s, {"status", "last"});
  EXPECT_THAT(status.out,
              ::testing::ContainsRegex(R"(\[-\] process +skipped +upstream_failed: discover)"))
      << describe(status);
  EXPECT_FALSE(s.exists("process.log"));

  std::ofstream(s.at("fixed")) << "";
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(split_lines(s.read("process.log")), UnorderedElementsAre("x", "y"));
  EXPECT_TRUE(task_line(r, "process[0]", "succeeded"));
  EXPECT_TRUE(task_line(r, "process[1]", "succeeded"));
  EXPECT_EQ(s.read("merge.count"), "merged\n");
  EXPECT_TRUE(timeline_row(r.out, "process").empty())
      << "the fan-out's row from the first session is not listed beside its instances\n"
      << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Runs that cannot be resumed, and runs with nothing to resume

TEST(CliRunResume, RolledBackRunIsRefusedWithExit2) {
  Scratch s;
  auto first = s.run(R"(name: saga
tasks:
  - { id: book, run: 'echo booked >> book.count', compensate: 'echo undone >> book.undo' }
  - { id: pay, needs: book, run: 'exit "$CODE"' }
)",
                     {"--set", "env.CODE=3"});
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  ASSERT_EQ(run_status(s), "rolled_back");
  auto id = only_run_id(s);

  // The new run it suggests is the report's: with the run's own overrides.
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err, "baton resume: run " + id +
                       " was rolled back: its compensations undid what it did, so there is "
                       "nothing to resume; start a new run with `baton run " +
                       s.at("wf.yaml").string() + " --set env.CODE=3 --state " + s.state() + "`\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(s.read("book.count"), "booked\n");
  EXPECT_EQ(s.read("book.undo"), "undone\n");
  EXPECT_EQ(run_status(s), "rolled_back");
}

TEST(CliRunResume, SucceededRunHasNothingToResumeAndExits0) {
  Scratch s;
  auto first = s.run("name: done\ntasks:\n  - { id: t, run: 'echo ran >> t.count' }\n");
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  auto id = only_run_id(s);

  auto r = resume(s, id);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "run " + id + " succeeded: nothing to resume\n");
  EXPECT_EQ(s.read("t.count"), "ran\n");
}

TEST(CliRunResume, UnknownRunExits2) {
  Scratch s;
  auto first = s.run("name: one\ntasks:\n  - { id: t, run: 'true' }\n");
  ASSERT_EQ(first.exit_code, 0) << describe(first);

  auto r = resume(s, "20990101-000000-dead");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err,
            "baton resume: no run '20990101-000000-dead' in this state folder; `baton runs` "
            "lists them\n");
}

TEST(CliRunResume, LastInAnEmptyStateExits2) {
  Scratch s;
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err, "baton resume: no runs recorded yet in this state folder (see --state)\n");
}

TEST(CliRunResume, RunWhoseBatonIsStillAliveIsRefused) {
  Scratch s;
  auto file = s.write_workflow(R"(name: busy
defaults: { kill_grace: 200ms }
tasks:
  - { id: slow, run: 'echo started > started; sleep 30' }
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  while (!s.exists("started") && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(s.exists("started")) << s.read("baton.err");
  auto id = only_run_id(s);

  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err, "baton resume: run " + id + " is still running (baton pid " +
                       std::to_string(baton.pid()) + "); stop it first with `baton cancel " + id +
                       " --state " + s.state() + "`\n")
      << "the command as it must be typed";
  EXPECT_TRUE(baton::testing::process_alive(baton.pid())) << "resume leaves the run alone";
  baton.signal(SIGINT);
  EXPECT_EQ(baton.wait_for(milliseconds(5000)), std::optional<int>(130));
}

TEST(CliRunResume, StoreOfANewerBatonIsRefusedWithAClearMessage) {
  Scratch s;
  auto first = s.run("name: one\ntasks:\n  - { id: t, run: 'true' }\n");
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  {
    auto db = baton::testing::open_database(store_file(s));
    db.exec("PRAGMA user_version = " + std::to_string(store::sqlite::latest_schema_version() + 1));
  }
  auto r = resume(s, "last");
  EXPECT_NE(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("the store was written by a newer baton")) << describe(r);
}

}  // namespace
}  // namespace baton
