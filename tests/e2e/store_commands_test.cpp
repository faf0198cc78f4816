// End-to-end tests of the commands that read a state folder's store (SPEC 4, 5): `baton runs`,
// `baton status` and `baton logs`, on finished runs, on runs going on in another process and on
// runs whose baton was killed. `baton cancel` and several processes on one store are in
// store_cancel_test.cpp.
#include "e2e/store_e2e.hpp"

namespace baton {
namespace {

using namespace store_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// ---------------------------------------------------------------------------------------------
// baton runs

TEST(CliRuns, SaysSoWhenNoRunIsRecorded) {
  Scratch s;
  auto r = baton_on(s, {"runs"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "No runs recorded yet in this state folder.\n");
}

TEST(CliRuns, CommandsThatReadRunsNeverCreateAStore) {
  Scratch s;  // A mistyped --state must not leave a store behind.
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"runs"},
                                             {"status"},
                                             {"report", "last"},
                                             {"logs", "last", "a"},
                                             {"cancel", "last"},
                                             {"approve", "last", "a"},
                                             {"resume", "last"}}) {
    auto r = baton_on(s, args);
    EXPECT_FALSE(fs::exists(s.state())) << args[0] << " created " << s.state();
    EXPECT_EQ(r.exit_code, args[0] == "runs" ? 0 : 2) << describe(r);
  }
}

TEST(CliRuns, ListsRunsNewestFirstWithTheirStatusAndTaskCounts) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: first
tasks:
  - { id: a, run: 'true' }
  - { id: b, run: 'true' }
  - { id: c, needs: [a, b], run: exit 1 }
)")
                .exit_code,
            1);
  ASSERT_EQ(s.run("name: second\ntasks:\n  - { id: a, run: 'true' }\n").exit_code, 0);

  auto r = baton_on(s, {"runs"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto lines = shapes(r.out);
  ASSERT_EQ(lines.size(), 3u) << describe(r);
  EXPECT_EQ(lines[0], "RUN WORKFLOW STARTED DURATION STATUS TASKS");
  static const std::regex kRow(R"([0-9]{8}-[0-9]{6}-[0-9a-f]+ (.*))");
  std::smatch row;
  ASSERT_TRUE(std::regex_match(lines[1], row, kRow)) << lines[1];
  EXPECT_EQ(row[1].str(), "second DATE T succeeded 1 succeeded");
  ASSERT_TRUE(std::regex_match(lines[2], row, kRow)) << lines[2];
  EXPECT_EQ(row[1].str(), "first DATE T failed 1 failed, 2 succeeded");
}

// A workflow's name may hold escape codes (a file from a pull request): every command that shows
// it writes them as text.
TEST(CliRuns, EscapeCodesInAWorkflowsNameNeverReachTheTerminal) {
  Scratch s;
  constexpr std::string_view kNamed =
      "name: \"e\\u001b[2Jvil\"\ntasks:\n  - { id: a, run: 'true' }\n";
  auto run = s.run(kNamed, {"--progress", "plain"});
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_THAT(run.err, HasSubstr("run e\\x1b[2Jvil started"));
  auto plan = baton_on(s, {"plan", s.at("wf.yaml").string()});
  for (const auto& r : {run, baton_on(s, {"runs"}), baton_on(s, {"status", "last"}), plan}) {
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << describe(r);
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << describe(r);
  }
  EXPECT_THAT(plan.out, HasSubstr("e\\x1b[2Jvil")) << describe(plan);
}

TEST(CliRuns, LimitListsOnlyTheNewest) {
  Scratch s;
  ASSERT_EQ(s.run("name: older\ntasks:\n  - { id: a, run: 'true' }\n").exit_code, 0);
  ASSERT_EQ(s.run("name: newer\ntasks:\n  - { id: a, run: 'true' }\n").exit_code, 0);
  auto r = baton_on(s, {"runs", "-n", "1"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto lines = shapes(r.out);
  ASSERT_EQ(lines.size(), 2u) << describe(r);
  EXPECT_THAT(lines[1], HasSubstr(" newer DATE "));
}

TEST(CliRuns, ShowsARunWhoseBatonIsGoneAsInterrupted) {
  Scratch s;
  KillAtExit leftovers;
  auto pid = crash_while_running(s);
  leftovers.add(pid);
  auto r = baton_on(s, {"runs"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto lines = shapes(r.out);
  ASSERT_EQ(lines.size(), 2u) << describe(r);
  EXPECT_THAT(lines[1], HasSubstr(" sleeper DATE T interrupted ")) << describe(r);
  // Its duration ends at the last thing it recorded: it does not grow while nothing runs.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto later = baton_on(s, {"runs"});
  EXPECT_EQ(later.out, r.out);
}

// ---------------------------------------------------------------------------------------------
// baton status

TEST(CliStatus, ShowsTheWorkflowTreeInFileOrderWithABoxPerLine) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: tree
concurrency: 1
breakers:
  pay: { failure_threshold: 1, reset_timeout: 10s }
tasks:
  - id: build
    tasks:
      - { id: compile, run: 'true' }
      - { id: test, needs: compile, retry: { max_attempts: 2, strategy: immediate }, run: 'test "$BATON_ATTEMPT" = 2' }
  - { id: charge, breaker: pay, needs: build, run: exit 1 }
  - { id: lint, run: exit 4, on_failure: ignore }
  - { id: publish, needs: charge, run: 'true' }
)")
                .exit_code,
            1);
  auto id = newest_run_id(s);
  auto r = baton_on(s, {"status", id});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(shapes(r.out),
              ElementsAre("Run " + id + " — tree — failed (started DATE, T)",  //
                          "[x] build succeeded",              // SPEC 2.4: derived from its tasks.
                          "[x] compile succeeded T",          //
                          "[x] test succeeded attempt 2, T",  //
                          "[!] charge failed exit 1 — T",     //
                          "[!] lint failed (ignored) exit 4 — T",  //
                          "[-] publish skipped upstream_failed: charge",
                          "breaker pay: closed -> open at DATE (1 consecutive failed attempt)"))
      << r.out;
  auto lines = split_lines(r.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_GT(lines[2].find("compile"), lines[1].find("build")) << "a group's tasks are indented";
}

TEST(CliStatus, DefaultsToTheNewestRun) {
  Scratch s;
  ASSERT_EQ(s.run("name: older\ntasks:\n  - { id: a, run: 'true' }\n").exit_code, 0);
  ASSERT_EQ(s.run("name: newer\ntasks:\n  - { id: b, run: 'true' }\n").exit_code, 0);
  auto r = baton_on(s, {"status"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(shapes(r.out),
              ElementsAre("Run " + newest_run_id(s) + " — newer — succeeded (started DATE, T)",
                          "[x] b succeeded T"));
}

TEST(CliStatus, ShowsARunInProgressInAnotherProcess) {
  Scratch s;
  // `slow` runs until the test creates `go` (5 s at most, so that nothing outlives a failure).
  BackgroundRun run(s, R"(name: live
tasks:
  - { id: done, run: 'true' }
  - id: slow
    run: 'touch started; for i in $(seq 500); do [ -f go ] && exit 0; sleep 0.01; done; exit 1'
  - { id: after, needs: slow, run: 'true' }
  - { id: gate, approval: true, needs: done }
)");
  ASSERT_TRUE(run.wait_for_progress("waiting    gate: ", kPatience)) << run.describe();
  ASSERT_TRUE(eventually([&] { return s.exists("started"); }, kPatience)) << run.describe();
  auto id = newest_run_id(s);
  wait_for_status(s, {"[~] gate", "[~] slow", "[x] done"}, kPatience, id);
  auto r = baton_on(s, {"status", id});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(shapes(r.out), ElementsAre("Run " + id + " — live — running (started DATE, T)",
                                         "[x] done succeeded T",  //
                                         "[~] slow running running",
                                         "[ ] after pending",  //
                                         "[~] gate waiting waiting for approval"))
      << r.out;

  std::ofstream(s.at("go")) << "";
  ASSERT_EQ(baton_on(s, {"approve", id, "gate"}).exit_code, 0);
  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << run.describe();
  EXPECT_EQ(*code, 0) << run.describe();
  r = baton_on(s, {"status", "last"});
  auto lines = shapes(r.out);
  ASSERT_EQ(lines.size(), 5u) << describe(r);
  EXPECT_EQ(lines[0], "Run " + id + " — live — succeeded (started DATE, T)");
  EXPECT_EQ(lines[3], "[x] after succeeded T");
}

TEST(CliStatus, AnIgnoredFailureIsMarkedFailedAndItsGroupDoneInOneColumn) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: marks
tasks:
  - id: checks
    tasks:
      - { id: lint, run: 'exit 4', on_failure: ignore }
      - { id: unit_tests_with_a_long_name, run: 'true' }
)")
                .exit_code,
            0);
  auto r = baton_on(s, {"status", "last"});
  EXPECT_THAT(shapes(r.out), ElementsAre(::testing::StartsWith("Run "), "[x] checks succeeded",
                                         "[!] lint failed (ignored) exit 4 — T",
                                         "[x] unit_tests_with_a_long_name succeeded T"))
      << r.out;
  // The state column starts at the same place on every line, group or task.
  auto lines = split_lines(r.out);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[1].find("succeeded"), lines[3].find("succeeded")) << r.out;
  EXPECT_EQ(lines[1].find("succeeded"), lines[2].find("failed")) << r.out;
}

TEST(CliStatus, ATaskWaitingForASlotIsReady) {
  Scratch s;
  // One slot: `first` holds it until the test creates `go` (5 s at most); `second` is ready.
  BackgroundRun run(s, R"(name: slot
concurrency: 1
tasks:
  - id: first
    run: 'touch started; for i in $(seq 500); do [ -f go ] && exit 0; sleep 0.01; done; exit 1'
  - { id: second, run: 'true' }
)");
  ASSERT_TRUE(eventually([&] { return s.exists("started"); }, kPatience)) << run.describe();
  auto id = newest_run_id(s);
  wait_for_status(s, {"[~] first", "[~] second"}, kPatience, id);
  auto r = baton_on(s, {"status", id});
  EXPECT_THAT(shapes(r.out), ElementsAre("Run " + id + " — slot — running (started DATE, T)",
                                         "[~] first running running", "[~] second ready"))
      << r.out;
  auto json = baton_on(s, {"report", id, "--format", "json"});
  EXPECT_THAT(json.out, HasSubstr("\"status\": \"ready\"")) << json.out;

  std::ofstream(s.at("go")) << "";
  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << run.describe();
  EXPECT_EQ(*code, 0) << run.describe();
}

TEST(CliStatus, WorksAfterACrash) {
  Scratch s;
  KillAtExit leftovers;
  auto pid = crash_while_running(s);
  leftovers.add(pid);
  auto id = newest_run_id(s);
  auto r = baton_on(s, {"status", id});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(shapes(r.out), ElementsAre("Run " + id + " — sleeper — interrupted (started DATE, T)",
                                         "[x] quick succeeded T",  //
                                         "[~] sleeper running running", "[ ] after pending"))
      << r.out;
}

TEST(CliStatus, AFanOutListsItsInstancesWithTheirItems) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: fan
tasks:
  - { id: prepare, run: 'true' }
  - { id: shards, foreach: [a, b], needs: prepare, argv: [test, "${{ item }}", "=", a] }
)")
                .exit_code,
            1);
  auto r = baton_on(s, {"status", "last"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto lines = shapes(r.out);
  ASSERT_EQ(lines.size(), 5u) << describe(r);
  EXPECT_EQ(lines[1], "[x] prepare succeeded T");
  EXPECT_EQ(lines[2], "[!] shards failed");
  EXPECT_EQ(lines[3], "[x] shards[0] (a) succeeded T");
  EXPECT_EQ(lines[4], "[!] shards[1] (b) failed exit 1 — T");
  auto raw = split_lines(r.out);
  EXPECT_GT(raw[3].find("shards[0]"), raw[2].find("shards")) << "instances are indented";
}

TEST(CliStatus, AFanOutListsItsInstancesInIndexOrder) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: wide
tasks:
  - { id: shards, foreach: [a, b, c, d, e, f, g, h, i, j, k, l], run: 'true' }
)")
                .exit_code,
            0);
  auto r = baton_on(s, {"status", "last"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  std::vector<std::string> listed;
  for (const auto& line : shapes(r.out)) {
    if (line.rfind("[x] shards[", 0) == 0) listed.push_back(line.substr(4, line.find(' ', 4) - 4));
  }
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) expected.push_back("shards[" + std::to_string(i) + "]");
  EXPECT_EQ(listed, expected) << r.out;
}

TEST(CliStatus, AFannedOutGroupListsEachInstancesTasksInFileOrder) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: regions
tasks:
  - id: regions
    foreach: [eu]
    tasks:
      - { id: package, run: 'true' }
      - { id: deploy, needs: package, run: 'true' }
)")
                .exit_code,
            0);
  auto r = baton_on(s, {"status", "last"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(shapes(r.out),
              ElementsAre(HasSubstr(" — regions — succeeded"), "[x] regions succeeded",
                          "[x] regions[0].package (eu) succeeded T",
                          "[x] regions[0].deploy (eu) succeeded T"))
      << r.out;
}

// Tasks that never started were never recorded; status lists them all the same, pending, in
// static and dynamic fan-outs alike, and their group is not done; `logs` says they never started.
TEST(CliStatus, TasksThatNeverStartedArePendingAndHoldTheirGroupBack) {
  Scratch s;
  auto r = s.run(R"(name: stopped
failure_mode: stop
tasks:
  - id: regions
    foreach: [eu, us]
    tasks:
      - { id: stage, run: 'sleep 0.1' }
      - { id: deploy, needs: stage, run: 'true' }
  - { id: list, run: 'echo "items=[\"a\"]" >> "$BATON_OUTPUT"' }
  - id: shards
    foreach: { from: list, output: items }
    tasks:
      - { id: copy, run: 'sleep 0.1' }
      - { id: check, needs: copy, run: 'true' }
  - { id: boom, run: 'sleep 0.05; exit 1' }
)",
                 {"--jobs", "5"});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  auto status = baton_on(s, {"status", "last"});
  EXPECT_EQ(status.exit_code, 0) << describe(status);
  auto lines = shapes(status.out);
  EXPECT_THAT(lines, Contains("[ ] regions pending")) << status.out;
  EXPECT_THAT(lines, Contains("[ ] regions[1].deploy (us) pending")) << status.out;
  EXPECT_THAT(lines, Contains("[ ] shards[0].check (a) pending")) << status.out;
  auto logs = baton_on(s, {"logs", "last", "regions[1].deploy"});
  EXPECT_EQ(logs.exit_code, 2) << describe(logs);
  EXPECT_THAT(logs.err, HasSubstr("regions[1].deploy has no attempts in run")) << logs.err;
  EXPECT_THAT(logs.err, HasSubstr("(pending: it never started)")) << logs.err;
}

TEST(CliStatus, AnUnknownRunExits2) {
  Scratch s;
  auto none = baton_on(s, {"status"});
  EXPECT_EQ(none.exit_code, 2) << describe(none);
  EXPECT_EQ(none.err, "baton status: no runs recorded yet in this state folder (see --state)\n");

  ASSERT_EQ(s.run("name: one\ntasks:\n  - { id: a, run: 'true' }\n").exit_code, 0);
  auto r = baton_on(s, {"status", "20000101-000000-0000"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err,
            "baton status: no run '20000101-000000-0000' in this state folder; `baton runs` lists "
            "them\n");
}

// ---------------------------------------------------------------------------------------------
// baton logs

constexpr std::string_view kLogged = R"(name: logged
tasks:
  - id: flaky
    retry: { max_attempts: 3, strategy: immediate }
    run: 'echo "attempt $BATON_ATTEMPT out"; echo "attempt $BATON_ATTEMPT err" >&2; test "$BATON_ATTEMPT" -ge 2'
  - { id: pay, run: 'echo paid', compensate: 'echo refund' }
  - { id: boom, needs: [flaky, pay], run: 'echo boom; exit 1' }
  - { id: gate, approval: true, needs: boom }
)";

TEST(CliLogs, PrintsTheLastAttemptByDefaultAndAnyAttemptOnRequest) {
  Scratch s;
  ASSERT_EQ(s.run(kLogged).exit_code, 1);
  auto last = baton_on(s, {"logs", "last", "flaky"});
  EXPECT_EQ(last.exit_code, 0) << describe(last);
  EXPECT_EQ(last.out, "attempt 2 out\nattempt 2 err\n");
  auto first = baton_on(s, {"logs", newest_run_id(s), "flaky", "--attempt", "1"});
  EXPECT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_EQ(first.out, "attempt 1 out\nattempt 1 err\n");
  EXPECT_EQ(baton_on(s, {"logs", "last", "boom"}).out, "boom\n");
}

TEST(CliLogs, PrintsACompensationsLog) {
  Scratch s;
  ASSERT_EQ(s.run(kLogged).exit_code, 1);
  auto r = baton_on(s, {"logs", "last", "pay", "--compensation"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "refund\n");
  EXPECT_EQ(baton_on(s, {"logs", "last", "pay"}).out, "paid\n");
}

// As in `needs`, a task's id alone will do where no other task's path ends with it.
TEST(CliLogs, ATasksIdAloneNamesItUnlessAnotherEndsWithIt) {
  Scratch s;
  ASSERT_EQ(s.run(R"(name: nested
tasks:
  - id: deploy
    tasks:
      - { id: migrate, run: 'echo migrated' }
      - { id: check, run: 'echo deploy check' }
  - id: verify
    tasks:
      - { id: check, run: 'echo verify check' }
)")
                .exit_code,
            0);
  auto r = baton_on(s, {"logs", "last", "migrate"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "migrated\n");
  auto ambiguous = baton_on(s, {"logs", "last", "check"});
  EXPECT_EQ(ambiguous.exit_code, 2) << describe(ambiguous);
  EXPECT_THAT(ambiguous.err, HasSubstr("deploy.check, verify.check")) << describe(ambiguous);
  EXPECT_EQ(baton_on(s, {"logs", "last", "verify.check"}).out, "verify check\n");
}

TEST(CliLogs, AnUnknownTaskExits2ListingTheRunsTasks) {
  Scratch s;
  ASSERT_EQ(s.run(kLogged).exit_code, 1);
  auto id = newest_run_id(s);
  auto r = baton_on(s, {"logs", "last", "nope"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_EQ(r.err,
            "baton logs: run " + id + " has no task 'nope'; its tasks: flaky, pay, boom, gate\n");
}

// Too many tasks to list: the nearest names instead, so a typo is still one step from the fix.
TEST(CliLogs, AnUnknownTaskOfALargeRunExits2WithTheNearestNames) {
  Scratch s;
  std::string yaml = "name: many\ntasks:\n";
  for (const char* id : {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                         "india", "juliet", "kilo", "shipping_dispatch"}) {
    yaml += std::string("  - { id: ") + id + ", run: 'true' }\n";
  }
  ASSERT_EQ(s.run(yaml).exit_code, 0);
  auto id = newest_run_id(s);
  auto r = baton_on(s, {"logs", "last", "shiping_dispatch"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err, "baton logs: run " + id +
                       " has no task 'shiping_dispatch' (did you mean 'shipping_dispatch'?)\n");
}

TEST(CliLogs, AnAttemptThatStartedNoProcessSaysWhyAndABadAttemptNumberIsNamed) {
  Scratch s;
  auto r = s.run(R"(name: no-process
tasks:
  - { id: a, cwd: no-such-folder, run: 'true' }
  - { id: b, argv: [echo, "${{ tasks.a.outputs.v }}"], trigger: all_done }
)");
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  auto cwd = baton_on(s, {"logs", "last", "a"});  // Its log file was opened, then chdir failed.
  EXPECT_EQ(cwd.exit_code, 0) << describe(cwd);
  EXPECT_THAT(cwd.err, HasSubstr("baton logs: attempt 1 of a started no process: cannot change "
                                 "to directory"))
      << describe(cwd);
  auto logs = baton_on(s, {"logs", "last", "b"});  // Its template had no value: no log at all.
  EXPECT_EQ(logs.exit_code, 2) << describe(logs);
  EXPECT_THAT(logs.err, HasSubstr("baton logs: attempt 1 of b started no process, so it has no "
                                  "log: template '${{ tasks.a.outputs.v }}' has no value"))
      << describe(logs);
  for (std::string bad : {"0", "-1", "abc"}) {
    auto wrong = baton_on(s, {"logs", "last", "a", "--attempt", bad});
    EXPECT_EQ(wrong.exit_code, 2) << describe(wrong);
    EXPECT_THAT(wrong.err, HasSubstr("an attempt number is 1 or more, got '" + bad + "'"))
        << describe(wrong);
  }
}

TEST(CliLogs, ATaskThatNeverStartedIsPendingAndAGroupHasNoLogOfItsOwn) {
  Scratch s;
  auto r = s.run(R"(name: held
failure_mode: stop
tasks:
  - { id: bad, run: exit 1 }
  - id: later
    needs: bad
    trigger: all_done
    tasks:
      - { id: step, run: 'true' }
)",
                 {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  auto id = newest_run_id(s);
  auto step = baton_on(s, {"logs", "last", "later.step"});
  EXPECT_EQ(step.exit_code, 2) << describe(step);
  EXPECT_EQ(step.err, "baton logs: later.step has no attempts in run " + id +
                          " (pending: it never started)\n");
  auto group = baton_on(s, {"logs", "last", "later"});
  EXPECT_EQ(group.exit_code, 2) << describe(group);
  EXPECT_EQ(group.err, "baton logs: later is a group: logs are its tasks'\n");
}

TEST(CliLogs, AFanOutNamesItsInstances) {
  Scratch s;
  auto r = s.run(R"(name: fan
tasks:
  - { id: stat, foreach: [a, "b c"], argv: [echo, "${{ item }}"] }
  - id: region
    foreach: [x, y]
    tasks:
      - { id: one, run: 'echo one' }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto fan = baton_on(s, {"logs", "last", "stat"});
  EXPECT_EQ(fan.exit_code, 2) << describe(fan);
  EXPECT_EQ(fan.err,
            "baton logs: stat runs as fan-out instances: logs are theirs (stat[0], stat[1])\n");
  auto inner = baton_on(s, {"logs", "last", "region.one"});
  EXPECT_EQ(inner.exit_code, 2) << describe(inner);
  EXPECT_EQ(inner.err,
            "baton logs: region.one runs as fan-out instances: logs are theirs "
            "(region[0].one, region[1].one)\n");
  auto instance = baton_on(s, {"logs", "last", "stat[1]"});
  EXPECT_EQ(instance.exit_code, 0) << describe(instance);
  EXPECT_EQ(instance.out, "b c\n");
}

TEST(CliLogs, AnUnknownAttemptExits2) {
  Scratch s;
  ASSERT_EQ(s.run(kLogged).exit_code, 1);
  auto id = newest_run_id(s);
  auto r = baton_on(s, {"logs", "last", "flaky", "--attempt", "5"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err, "baton logs: flaky has no attempt 5 (attempts 1 to 2)\n");
  auto none = baton_on(s, {"logs", "last", "gate"});
  EXPECT_EQ(none.exit_code, 2) << describe(none);
  EXPECT_EQ(none.err, "baton logs: gate has no attempts in run " + id +
                          " (skipped: upstream_failed: boom)\n");
  auto no_compensation = baton_on(s, {"logs", "last", "boom", "--compensation"});
  EXPECT_EQ(no_compensation.exit_code, 2) << describe(no_compensation);
}

}  // namespace
}  // namespace baton
