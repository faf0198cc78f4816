// End-to-end tests of `baton run`: trigger rules and skip propagation (SPEC 3.2), failure
// modes (3.4), exit codes, failures to start and timeouts.
#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// ---------------------------------------------------------------------------------------------
// Trigger rules and propagation (SPEC 3.2)

TEST(CliRunTrigger, AllSuccessSkipsDependentsOfAFailureWithTheReason) {
  Scratch s;
  auto r = s.run(R"(name: skip
tasks:
  - { id: a, run: exit 3 }
  - { id: b, needs: a, run: touch b.marker }
  - { id: c, needs: b, run: touch c.marker }
  - { id: ok, run: touch ok.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "b", "skipped", "upstream_failed: a"));
  EXPECT_TRUE(task_line(r, "c", "skipped", "upstream_failed: b"));
  EXPECT_TRUE(task_line(r, "ok", "succeeded"));
  EXPECT_FALSE(s.exists("b.marker"));
  EXPECT_FALSE(s.exists("c.marker"));
  EXPECT_TRUE(s.exists("ok.marker"));
}

TEST(CliRunTrigger, AllDoneRunsAfterAFailureAndAfterAnUpstreamFailedSkip) {
  Scratch s;
  auto r = s.run(R"(name: all-done
tasks:
  - { id: a, run: exit 3 }
  - { id: b, needs: a, run: touch b.marker }
  - { id: report, needs: [a, b], trigger: all_done, run: touch report.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "report", "succeeded"));
  EXPECT_TRUE(s.exists("report.marker"));
}

TEST(CliRunTrigger, OneFailedFiresWithoutWaitingForTheOthers) {
  Scratch s;
  auto r = s.run(R"(name: one-failed
concurrency: 4
tasks:
  - { id: bad, run: sleep 0.02; exit 3 }
  - { id: slow, run: sleep 0.4; date +%s%N > slow.end }
  - { id: react, needs: [bad, slow], trigger: one_failed, run: date +%s%N > react.start }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "react", "succeeded"));
  ASSERT_TRUE(s.exists("react.start") && s.exists("slow.end")) << describe(r);
  EXPECT_LT(std::stoll(s.read("react.start")), std::stoll(s.read("slow.end")));
}

TEST(CliRunTrigger, OneFailedOnAGroupOrFanOutFiresAtItsFirstFailedChild) {
  // SPEC 2.4: a group is failed once a child failed, even while others run; SPEC 3.2: a group
  // upstream counts as one, with its derived state, and one_failed fires at once.
  Scratch s;
  auto r = s.run(R"(name: group-one-failed
concurrency: 6
tasks:
  - id: checks
    tasks:
      - { id: fast, run: sleep 0.02; exit 1 }
      - { id: slow, run: sleep 0.5; date +%s%N > slow.end }
  - id: shards
    foreach: ["0.02", "0.5"]
    argv: [sh, -c, 'sleep "$1"; test "$1" = 0.5 && date +%s%N > shard.end', sh, "${{ item }}"]
  - { id: page, needs: checks, trigger: one_failed, run: date +%s%N > page.start }
  - { id: alert, needs: shards, trigger: one_failed, run: date +%s%N > alert.start }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  ASSERT_TRUE(s.exists("page.start") && s.exists("slow.end")) << describe(r);
  EXPECT_LT(std::stoll(s.read("page.start")), std::stoll(s.read("slow.end"))) << describe(r);
  ASSERT_TRUE(s.exists("alert.start") && s.exists("shard.end")) << describe(r);
  EXPECT_LT(std::stoll(s.read("alert.start")), std::stoll(s.read("shard.end"))) << describe(r);
}

TEST(CliRunTrigger, OneFailedIsSkippedWhenNothingFailed) {
  Scratch s;
  auto r = s.run(R"(name: one-failed-not
tasks:
  - { id: a, run: "true" }
  - { id: react, needs: a, trigger: one_failed, run: touch react.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r) << "a skip never fails the run by itself";
  EXPECT_TRUE(task_line(r, "react", "skipped", "trigger_rule: one_failed not met"));
  EXPECT_FALSE(s.exists("react.marker"));
}

TEST(CliRunTrigger, OneSuccessFiresWithoutWaitingForTheOthers) {
  Scratch s;
  auto r = s.run(R"(name: one-success
concurrency: 4
tasks:
  - { id: quick, run: sleep 0.02 }
  - { id: slow, run: sleep 0.4; date +%s%N > slow.end }
  - { id: react, needs: [quick, slow], trigger: one_success, run: date +%s%N > react.start }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  ASSERT_TRUE(s.exists("react.start") && s.exists("slow.end")) << describe(r);
  EXPECT_LT(std::stoll(s.read("react.start")), std::stoll(s.read("slow.end")));
}

TEST(CliRunTrigger, AllFailedRunsOnlyWhenEveryUpstreamFailed) {
  Scratch s;
  auto r = s.run(R"(name: all-failed
tasks:
  - { id: ok, run: "true" }
  - { id: bad1, run: exit 1 }
  - { id: bad2, run: exit 2 }
  - { id: when_ok, needs: ok, trigger: all_failed, run: touch when_ok.marker }
  - { id: when_bad, needs: [bad1, bad2], trigger: all_failed, run: touch when_bad.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "when_ok", "skipped", "trigger_rule: all_failed not met"));
  EXPECT_TRUE(task_line(r, "when_bad", "succeeded"));
  EXPECT_FALSE(s.exists("when_ok.marker"));
  EXPECT_TRUE(s.exists("when_bad.marker"));
}

TEST(CliRunTrigger, AllFailedSkipAloneDoesNotFailTheRun) {
  Scratch s;
  auto r = s.run(R"(name: all-failed-skip
tasks:
  - { id: ok, run: "true" }
  - { id: on_error, needs: ok, trigger: all_failed, run: touch marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "on_error", "skipped", "trigger_rule: all_failed not met"));
}

TEST(CliRunTrigger, NoneFailedMinOneSuccessJoinsABranch) {
  Scratch s;
  // `rollback` is skipped (its rule is not met: not an upstream failure), `deploy` succeeds;
  // the join runs. A join over skips only is skipped; over a failure, skipped upstream_failed.
  auto r = s.run(R"(name: branch
tasks:
  - { id: check, run: "true" }
  - { id: rollback, needs: check, trigger: all_failed, run: touch rollback.marker }
  - { id: deploy, needs: check, run: touch deploy.marker }
  - { id: join, needs: [rollback, deploy], trigger: none_failed_min_one_success, run: touch join.marker }
  - { id: lonely, needs: rollback, trigger: none_failed_min_one_success, run: touch lonely.marker }
  - { id: relaxed, needs: [rollback, deploy], trigger: none_failed, run: touch relaxed.marker }
  - { id: strict, needs: [rollback, deploy], run: touch strict.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "rollback", "skipped", "trigger_rule: all_failed not met"));
  EXPECT_TRUE(task_line(r, "join", "succeeded"));
  EXPECT_TRUE(s.exists("join.marker"));
  EXPECT_TRUE(
      task_line(r, "lonely", "skipped", "trigger_rule: none_failed_min_one_success not met"));
  EXPECT_TRUE(task_line(r, "relaxed", "succeeded"));
  EXPECT_TRUE(task_line(r, "strict", "skipped", "trigger_rule: all_success not met"));
  EXPECT_FALSE(s.exists("strict.marker"));
}

TEST(CliRunTrigger, NoneFailedMinOneSuccessIsSkippedAfterAFailure) {
  Scratch s;
  auto r = s.run(R"(name: branch-fail
tasks:
  - { id: a, run: exit 4 }
  - { id: b, run: "true" }
  - { id: join, needs: [a, b], trigger: none_failed_min_one_success, run: touch join.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "join", "skipped", "upstream_failed: a"));
  EXPECT_FALSE(s.exists("join.marker"));
}

TEST(CliRunTrigger, AlwaysRunsAfterAFailure) {
  Scratch s;
  auto r = s.run(R"(name: always
tasks:
  - { id: a, run: exit 3 }
  - { id: cleanup, needs: a, trigger: always, run: touch cleanup.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "cleanup", "succeeded"));
  EXPECT_TRUE(s.exists("cleanup.marker"));
}

TEST(CliRunTrigger, GroupUpstreamCountsWithItsDerivedState) {
  Scratch s;
  auto r = s.run(R"(name: group-up
tasks:
  - id: g
    tasks:
      - { id: ok, run: "true" }
      - { id: bad, run: exit 5 }
  - { id: after, needs: g, run: touch after.marker }
  - { id: on_fail, needs: g, trigger: one_failed, run: touch on_fail.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "g.bad", "failed", "exit 5"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed"));
  EXPECT_TRUE(s.exists("on_fail.marker"));
  EXPECT_FALSE(s.exists("after.marker"));
}

TEST(CliRunTrigger, GroupTriggerAppliesToTheGroupAndOnFailureIsInherited) {
  Scratch s;
  auto r = s.run(R"(name: group-rules
tasks:
  - id: lenient
    on_failure: ignore
    tasks:
      - { id: bad, run: exit 2 }
  - { id: after_lenient, needs: lenient, run: touch after_lenient.marker }
  - { id: a, run: exit 1 }
  - id: report
    needs: a
    trigger: all_done
    tasks:
      - { id: r1, run: touch r1.marker }
      - { id: r2, needs: r1, run: touch r2.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "lenient.bad", "failed", "ignored"));
  EXPECT_TRUE(s.exists("after_lenient.marker"));
  EXPECT_TRUE(task_line(r, "report.r1", "succeeded"));
  EXPECT_TRUE(task_line(r, "report.r2", "succeeded"));
  EXPECT_TRUE(s.exists("r2.marker"));
}

TEST(CliRunTrigger, IgnoredFailureLetsDependentsRunAndTheRunSucceed) {
  Scratch s;
  auto r = s.run(R"(name: ignore
tasks:
  - { id: a, run: exit 3, on_failure: ignore }
  - { id: b, needs: a, run: touch b.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "ignored"));
  EXPECT_TRUE(task_line(r, "b", "succeeded"));
  EXPECT_TRUE(s.exists("b.marker"));
}

// ---------------------------------------------------------------------------------------------
// Failure modes (SPEC 3.4)

TEST(CliRunFailureMode, StopStartsNothingNewButAlwaysTasksAndLetsRunningOnesFinish) {
  Scratch s;
  // Two jobs: `a` (highest priority) and `running` start; `a` fails while `running` sleeps;
  // `later` would take the freed slot but must not start; `running` finishes; `cleanup` runs.
  auto r = s.run(R"(name: stop
concurrency: 2
failure_mode: stop
tasks:
  - { id: a, priority: 10, run: sleep 0.02; exit 3 }
  - { id: running, priority: 5, run: sleep 0.2; touch running.marker }
  - { id: later, run: touch later.marker }
  - { id: cleanup, needs: a, trigger: always, run: touch cleanup.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "running", "succeeded"));
  EXPECT_TRUE(s.exists("running.marker"));
  EXPECT_FALSE(s.exists("later.marker")) << describe(r);
  EXPECT_FALSE(has_word(timeline_row(r.out, "later"), "succeeded")) << describe(r);
  // Its log was made ahead while both slots were taken; it never started, so it is gone.
  EXPECT_TRUE(fs::exists(s.logs() / "running.1.log"));
  EXPECT_FALSE(fs::exists(s.logs() / "later.1.log")) << describe(r);
  EXPECT_TRUE(task_line(r, "cleanup", "succeeded"));
  EXPECT_TRUE(s.exists("cleanup.marker"));
}

TEST(CliRunFailureMode, ContinueKeepsRunningIndependentTasks) {
  Scratch s;
  auto r = s.run(R"(name: continue
concurrency: 1
tasks:
  - { id: a, priority: 10, run: exit 3 }
  - { id: independent, run: touch independent.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "independent", "succeeded"));
  EXPECT_TRUE(s.exists("independent.marker"));
}

TEST(CliRunFailureMode, CancelCancelsALongRunningSiblingQuickly) {
  Scratch s;
  auto r = s.run(R"(name: cancel
concurrency: 2
failure_mode: cancel
tasks:
  - { id: a, run: sleep 0.05; exit 3 }
  - { id: long, kill_grace: 100ms, run: sleep 5; touch long.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(2500)) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "long", "cancelled"));
  EXPECT_FALSE(s.exists("long.marker"));
}

TEST(CliRunFailureMode, AnAlwaysCleanupRunsEvenIfWhatItNeedsIsHeldBack) {
  // SPEC 3.4: stop "starts nothing new except tasks whose trigger is always (the cleanup steps)".
  // `later` is held back once `long` ends; the cleanup after it must not wait for it forever.
  for (std::string mode : {"stop", "cancel"}) {
    Scratch s;
    auto r = s.run(R"(name: held
tasks:
  - { id: bad, run: sleep 0.1; exit 1 }
  - { id: long, kill_grace: 100ms, run: sleep 0.4 }
  - { id: later, needs: long, run: touch later.marker }
  - { id: cleanup, needs: later, trigger: always, run: touch cleanup.marker }
)",
                   {"--set", "failure_mode=" + mode});
    EXPECT_EQ(r.exit_code, 1) << mode << "\n" << describe(r);
    EXPECT_TRUE(s.exists("cleanup.marker")) << mode << "\n" << describe(r);
    EXPECT_FALSE(s.exists("later.marker")) << mode;
    EXPECT_TRUE(task_line(r, "later", "pending")) << mode << ": not started, resumable\n"
                                                  << describe(r);
  }
}

TEST(CliRunFailureMode, AnAlwaysCleanupWaitsForWorkUpstreamOfWhatIsHeldBack) {
  // SPEC 3.2: `always` waits until every upstream is terminal. `deploy` will never start, but
  // `build`, which it waits for, is still running: the cleanup must not pull things from
  // under it.
  for (std::string mode : {"stop", "cancel"}) {
    Scratch s;
    auto r = s.run(R"(name: cleanup-waits
concurrency: 4
tasks:
  - { id: bad, run: exit 1 }
  - id: stage
    tasks:
      - { id: build, kill_grace: 100ms, run: sleep 0.3; date +%s%N > build.end }
  - { id: deploy, needs: stage.build, run: touch deploy.marker }
  - id: later
    needs: deploy
    tasks:
      - { id: notify, run: touch notify.marker }
  - { id: cleanup, needs: [bad, later.notify], trigger: always, run: date +%s%N > cleanup.start }
)",
                   {"--set", "failure_mode=" + mode});
    EXPECT_EQ(r.exit_code, 1) << mode << "\n" << describe(r);
    ASSERT_TRUE(s.exists("cleanup.start")) << mode << "\n" << describe(r);
    EXPECT_FALSE(s.exists("deploy.marker")) << mode;
    EXPECT_FALSE(s.exists("notify.marker")) << mode;
    if (mode == "stop") {  // Under cancel, `build` is cancelled instead of finishing.
      ASSERT_TRUE(s.exists("build.end")) << describe(r);
      EXPECT_GT(std::stoll(s.read("cleanup.start")), std::stoll(s.read("build.end")))
          << describe(r);
    }
  }
}

TEST(CliRunFailureMode, UnderCancelAnAlwaysTaskWaitsForItsUpstreamToHaveStopped) {
  Scratch s;  // `long` takes 0.2s to stop after SIGTERM: the cleanup starts after that.
  auto r = s.run(R"(name: cancel-waits
failure_mode: cancel
concurrency: 4
tasks:
  - { id: bad, run: sleep 0.05; exit 1 }
  - id: long
    kill_grace: 2s
    argv: [sh, -c, 'trap "sleep 0.2; touch long.ended; exit 3" TERM; sleep 5 & wait']
  - { id: cleanup, needs: long, trigger: always, run: 'test -e long.ended && touch cleanup.ok' }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "long", "cancelled")) << describe(r);
  EXPECT_TRUE(s.exists("cleanup.ok")) << describe(r);
}

TEST(CliRunFailureMode, AStoppingRunOpensAGroupForTheCleanupStepInIt) {
  Scratch s;  // SPEC 3.4: stop starts nothing new except `always` tasks, wherever they are.
  auto r = s.run(R"(name: group-cleanup
failure_mode: stop
concurrency: 4
tasks:
  - { id: bad, run: sleep 0.05; exit 1 }
  - { id: long, run: sleep 0.2 }
  - id: g
    needs: long
    tasks:
      - { id: work, run: touch work.marker }
      - { id: tidy, trigger: always, run: touch tidy.marker }
  - { id: after, needs: g.tidy, trigger: always, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(s.exists("tidy.marker")) << describe(r);
  EXPECT_TRUE(s.exists("after.marker")) << describe(r);
  EXPECT_FALSE(s.exists("work.marker")) << describe(r);
}

TEST(CliRunFailureMode, TasksHeldBackAfterABackoffOrABreakerAreRecordedAsPending) {
  Scratch s;  // docs/failure-handling.md: such a task goes back to `pending`, in the store too.
  auto r = s.run(R"(name: held
failure_mode: stop
breakers:
  api: { failure_threshold: 1, reset_timeout: 10s, on_open: wait }
tasks:
  - { id: bad, run: sleep 0.2; exit 1 }
  - { id: flaky, run: exit 1, retry: { strategy: fixed, delay: 5s, max_attempts: 3 } }
  - { id: trip, breaker: api, on_failure: ignore, run: exit 1 }
  - { id: call, breaker: api, needs: trip, run: 'true' }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(4000)) << "nothing waits out the 5s backoff or the breaker";
  auto status = baton::testing::baton_on(s, {"status", "last"});
  EXPECT_THAT(status.out, ::testing::ContainsRegex("\\] flaky +pending +not started: the run is "
                                                   "stopping after a failure"))
      << status.out;
  EXPECT_THAT(status.out, ::testing::ContainsRegex("\\] call +pending +not started")) << status.out;
}

TEST(CliRunFailureMode, CancelLeavesWhatWaitedForACancelledTaskPending) {
  Scratch s;  // docs/running.md: "Tasks that never started stay pending".
  auto r = s.run(R"(name: cancel
failure_mode: cancel
tasks:
  - { id: a, run: sleep 0.05; exit 3 }
  - { id: long, kill_grace: 100ms, run: sleep 5 }
  - { id: after, needs: long, run: 'true' }
  - { id: dependent, needs: a, run: 'true' }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "long", "cancelled"));
  EXPECT_TRUE(task_line(r, "after", "pending")) << describe(r);
  EXPECT_TRUE(task_line(r, "dependent", "skipped", "upstream_failed: a"))
      << "a failure still skips its dependents";
}

// ---------------------------------------------------------------------------------------------
// Exit codes, failures to start, timeouts

TEST(CliRunExit, SucceededRunExits0AndQuietPrintsNothing) {
  Scratch s;
  constexpr std::string_view kOk = "name: ok\ntasks:\n  - { id: a, run: echo hi }\n";
  auto r = s.run(kOk);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "succeeded"));
  r = s.run(kOk, {"--quiet"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "") << describe(r);
}

TEST(CliRunExit, FailedTaskExits1WithItsExitCode) {
  Scratch s;
  auto r = s.run("name: bad\ntasks:\n  - { id: a, run: exit 3 }\n");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
}

TEST(CliRunExit, InvalidWorkflowExits2AndRunsNothing) {
  Scratch s;
  auto r = s.run("name: invalid\ntasks:\n  - { id: a, run: touch a.marker, needz: [b] }\n");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("needz"));
  EXPECT_FALSE(s.exists("a.marker"));
}

TEST(CliRunExit, UsageErrorsExit2) {
  Scratch s;
  auto file = s.write_workflow("name: ok\ntasks:\n  - { id: a, run: touch a.marker }\n");
  auto state = s.state();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run"},
           {"run", (s.path() / "missing.yaml").string(), "--state", state},
           {"run", file, "--state", state, "--jobs", "many"},
           {"run", file, "--state", state, "--progress", "fancy"},
           {"run", file, "--state", state, "--no-such-option"},
       }) {
    auto r = run_process([&] {
      std::vector<std::string> argv{BATON_BINARY};
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    }());
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << "\n" << describe(r);
  }
  EXPECT_FALSE(s.exists("a.marker"));
}

TEST(CliRunExit, MissingProgramFailsTheTaskWithAClearReason) {
  Scratch s;
  auto r = s.run(R"(name: missing
tasks:
  - { id: plain, run: baton-e2e-no-such-program --flag }
  - { id: vector, argv: [/nonexistent/baton-e2e-prog, x] }
  - { id: after, needs: plain, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "plain", "failed"));
  EXPECT_TRUE(task_line(r, "vector", "failed"));
  EXPECT_THAT(r.out + r.err, HasSubstr("baton-e2e-no-such-program"));
  EXPECT_THAT(r.out + r.err, HasSubstr("/nonexistent/baton-e2e-prog"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: plain"));
}

TEST(CliRunExit, ARunStringWithoutAShellEndsAsTheShellWouldIfItsProgramCannotRun) {
  Scratch s;  // SPEC 2.1: run directly "with the same result": exit 127 or 126, as /bin/sh.
  std::ofstream(s.at("data.txt")) << "not a program\n";
  auto r = s.run(R"(name: same-result
defaults: { retry: { strategy: immediate, max_attempts: 2, non_retryable_exit_codes: [127] } }
tasks:
  - { id: direct, run: baton-e2e-no-such-program --flag }
  - { id: shell, run: 'baton-e2e-no-such-program --flag;' }
  - { id: denied, run: ./data.txt }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  for (std::string_view task : {"direct", "shell"}) {
    EXPECT_TRUE(task_line(r, task, "failed", "exit 127")) << task << "\n" << describe(r);
    EXPECT_THAT(timeline_row(r.out, task), Not(HasSubstr("attempts"))) << "127 is non-retryable";
  }
  EXPECT_THAT(read_file(s.logs() / "direct.1.log"),
              HasSubstr("baton-e2e-no-such-program: not found"));
  EXPECT_TRUE(task_line(r, "denied", "failed", "exit 126")) << describe(r);
}

TEST(CliRunExit, ARunStringWithoutAShellRunsAScriptWithoutShebangAsTheShellWould) {
  Scratch s;  // SPEC 2.1 "the same result": /bin/sh and execvp run such a file with /bin/sh.
  auto write_script = [&](const std::string& name, const std::string& text) {
    std::ofstream(s.at(name)) << text;
    fs::permissions(s.at(name), fs::perms::owner_all);
  };
  write_script("greet.sh", "echo \"hello $1\" > greeted\n");
  write_script("lost.sh", "no-such-command-anywhere\n");
  write_script("binary", std::string("\x7f"
                                     "ELF\2\1\1",
                                     7) +
                             std::string(8, '\0'));
  auto r = s.run(R"(name: no-shebang
tasks:
  - { id: greet, run: ./greet.sh world }
  - { id: lost, run: ./lost.sh }
  - { id: binary, run: ./binary }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "greet", "succeeded")) << describe(r);
  EXPECT_EQ(s.read("greeted"), "hello world\n");
  EXPECT_TRUE(task_line(r, "lost", "failed", "exit 127")) << describe(r);
  EXPECT_THAT(read_file(s.logs() / "lost.1.log"), HasSubstr("not found"));
  EXPECT_TRUE(task_line(r, "binary", "failed", "exit 126")) << "sh does not read binaries";
  EXPECT_THAT(read_file(s.logs() / "binary.1.log"), HasSubstr("Exec format error"));
}

TEST(CliRunExit, SignalledTaskFailsNamingTheSignal) {
  Scratch s;
  auto r = s.run("name: killed\ntasks:\n  - { id: a, run: kill -9 $$ }\n");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "signal 9"));
}

TEST(CliRunExit, MissingWorkingDirectoryFailsTheTaskNamingIt) {
  Scratch s;
  auto r = s.run("name: nowhere\ntasks:\n  - { id: a, cwd: nowhere, run: touch a.marker }\n");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "nowhere"));
  EXPECT_FALSE(s.exists("a.marker"));
}

TEST(CliRunLogs, LargeOutputGoesStraightToTheLogFile) {
  Scratch s;
  auto r = s.run("name: loud\ntasks:\n  - { id: loud, run: head -c 5000000 /dev/zero }\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(fs::file_size(runs[0] / "logs" / "loud.1.log"), 5000000u);
  EXPECT_LT(r.out.size() + r.err.size(), 10000u);
}

TEST(CliRunTimeout, KillsAnAttemptThatOutlivesItsTimeout) {
  Scratch s;
  auto r = s.run(R"(name: timeout
tasks:
  - { id: slow, timeout: 200ms, run: sleep 10 }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(200));
  EXPECT_LT(s.elapsed, milliseconds(3000)) << describe(r);
  EXPECT_TRUE(task_line(r, "slow", "failed", "time"));
}

TEST(CliRunTimeout, SigkillsATaskIgnoringSigtermAfterKillGrace) {
  Scratch s;
  auto r = s.run(R"(name: stubborn
tasks:
  - id: stubborn
    timeout: 200ms
    kill_grace: 100ms
    run: trap "" TERM; echo $$ > pid; sleep 10
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(280)) << "SIGKILL only after kill_grace";
  EXPECT_LT(s.elapsed, milliseconds(3000)) << describe(r);
  EXPECT_TRUE(task_line(r, "stubborn", "failed"));
  auto pid = std::stoi(s.read("pid"));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(500)));
}

}  // namespace
}  // namespace baton
