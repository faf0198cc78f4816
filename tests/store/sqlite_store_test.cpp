// The SQLite store on real files (SPEC 4): runs, batches and what reads them back, verdicts,
// history. The same batches kept in memory (CommittedTasks) are in committed_tasks_test.cpp, the
// schema and several processes on one file in sqlite_store_files_test.cpp.
#include "store/sqlite/sqlite_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "store/store_rows.hpp"
#include "support/run_process.hpp"

namespace baton::store {
namespace {

using baton::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using namespace test_rows;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Runs

TEST(StoreRuns, CreatedRunIsFoundByIdWithEveryField) {
  StoreFile file;
  auto store = file.open();
  auto run = run_row("20260101-000000-aaaa", 1'700'000'000'000);
  run.overrides = {"env.CI=1", "concurrency=8"};
  store->create_run(run);

  auto found = store->find_run(run.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(dump(*found), dump(run));
  EXPECT_FALSE(store->find_run("no-such-run").has_value());
}

TEST(StoreRuns, LastIsTheMostRecentlyStartedNotTheLastCreated) {
  StoreFile file;
  auto store = file.open();
  EXPECT_FALSE(store->find_run("last").has_value()) << "an empty store has no last run";
  store->create_run(run_row("b", 2000));
  store->create_run(run_row("c", 3000));
  store->create_run(run_row("a", 1000));

  auto last = store->find_run("last");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->id, "c");
}

TEST(StoreRuns, ListIsMostRecentFirstUpToTheLimit) {
  StoreFile file;
  auto store = file.open();
  for (int i : {3, 1, 4, 2, 5}) store->create_run(run_row("run" + std::to_string(i), i * 1000));

  std::vector<std::string> ids;
  for (const auto& run : store->list_runs(3)) ids.push_back(run.id);
  EXPECT_THAT(ids, ElementsAre("run5", "run4", "run3"));
  EXPECT_EQ(store->list_runs(100).size(), 5u);
}

TEST(StoreRuns, TheWorkflowTextIsWrittenOnceAndReadOnlyByFindRun) {
  StoreFile file;
  auto store = file.open();
  RunRow run = run_row("r", 1000);
  run.workflow_text = "name: release\ntasks:\n" + std::string(100'000, '#') + "\n";
  store->create_run(run);

  // Updates of the run's row (its end, a resume taking it over) leave the text as it was.
  RunRow resumed = run;
  resumed.status = "running";
  resumed.workflow_text.clear();
  ASSERT_TRUE(store->claim_run(resumed, run));
  Batch end;
  end.run = resumed;
  end.run->status = "succeeded";
  end.run->ended = 2000;
  store->write(end);

  auto found = store->find_run("r");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, "succeeded");
  EXPECT_EQ(found->workflow_text, run.workflow_text);
  EXPECT_EQ(store->find_run("last")->workflow_text, run.workflow_text);
  auto listed = store->list_runs(10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, "succeeded");
  EXPECT_EQ(listed[0].workflow_text, "") << "listing runs does not read their texts";
}

TEST(StoreRuns, ARunIsSeenByEveryOtherConnectionAtOnce) {
  StoreFile file;
  auto writer = file.open();
  auto reader = file.open();
  writer->create_run(run_row("shared", 1000));
  auto found = reader->find_run("shared");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, "running");
}

TEST(StoreRuns, StatusInABatchEndsTheRun) {
  StoreFile file;
  auto store = file.open();
  auto run = run_row("r", 1000);
  store->create_run(run);
  Batch batch;
  batch.tasks.push_back(task_row("a", "succeeded"));
  run.status = "succeeded";
  run.ended = 5000;
  run.pid = 0;
  run.pid_start = 0;
  batch.run = run;
  store->write(batch);

  auto found = store->find_run("r");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(dump(*found), dump(run));
}

TEST(StoreRuns, EndRunRecordsHowItEndedAndForgetsItsProcess) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("crashed", 1000));
  store->end_run("crashed", "cancelled", 9000);

  auto found = store->find_run("crashed");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, "cancelled");
  EXPECT_EQ(found->ended, 9000);
  EXPECT_EQ(found->pid, 0);
  EXPECT_EQ(found->pid_start, 0);
}

TEST(StoreRuns, EndRunCancelsTheTasksRecordedAsActive) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("crashed", 1000));
  Batch batch;
  batch.tasks = {task_row("ready", "ready"),          task_row("running", "running"),
                 task_row("retrying", "retrying"),    task_row("waiting", "waiting"),
                 task_row("undoing", "compensating"), task_row("done", "succeeded"),
                 task_row("broken", "failed"),        task_row("pending", "pending")};
  batch.tasks[6].reason = "exit 1";
  store->write(batch);
  store->end_run("crashed", "cancelled", 9000);

  std::vector<std::string> states;
  for (const auto& t : store->tasks("crashed")) {
    states.push_back(t.row.path + "=" + t.row.state + (t.row.reason.empty() ? "" : ": ") +
                     t.row.reason);
  }
  EXPECT_THAT(states, ElementsAre("ready=cancelled: cancelled", "running=cancelled: cancelled",
                                  "retrying=cancelled: cancelled", "waiting=cancelled: cancelled",
                                  "undoing=compensation_failed: compensation interrupted: its "
                                  "baton process was gone",
                                  "done=succeeded", "broken=failed: exit 1", "pending=pending"));
}

// Two `baton resume` of one run started at once: both saw the crashed baton's pid; only the
// first claim may take the run, so that no task runs twice.
TEST(StoreRuns, OnlyOneOfTwoProcessesClaimingARunAsTheySawItTakesIt) {
  StoreFile file;
  auto run = run_row("r", 1000);
  run.pid = 4242;  // The baton that crashed.
  file.open()->create_run(run);
  auto one = file.open(), two = file.open();
  const RunRow seen = *one->find_run("r");
  RunRow by_one = seen, by_two = seen;
  by_one.pid = 1111;
  by_two.pid = 2222;
  EXPECT_TRUE(one->claim_run(by_one, seen));
  EXPECT_FALSE(two->claim_run(by_two, seen));
  EXPECT_EQ(file.open()->find_run("r")->pid, 1111);
}

TEST(StoreRuns, ClaimRunTakesTheRunOverAndKeepsItsTasksInFirstRecordedOrder) {
  StoreFile file;
  auto run = run_row("r", 1000);
  {
    auto first = file.open();  // The session that crashed.
    first->create_run(run);
    Batch batch;
    batch.tasks = {task_row("x", "succeeded"), task_row("y", "running")};
    first->write(batch);
  }
  auto resumed = file.open();  // A later `baton resume`, another process.
  const RunRow seen = run;
  run.pid = 5151;
  run.pid_start = 1234;
  ASSERT_TRUE(resumed->claim_run(run, seen));
  Batch batch;
  batch.tasks = {task_row("z", "running"), task_row("y", "succeeded")};
  resumed->write(batch);

  auto found = resumed->find_run("r");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->pid, 5151);
  EXPECT_EQ(found->pid_start, 1234);
  auto tasks = resumed->tasks("r");
  EXPECT_THAT(paths_of(tasks), ElementsAre("x", "y", "z"));
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[1].row.state, "succeeded");
}

// ---------------------------------------------------------------------------------------------
// Batches

TEST(StoreBatch, WriteRoundTripsThroughTasks) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));

  Batch batch;
  auto deploy = task_row("deploy", "compensated");
  deploy.attempt_base = 2;
  auto shard = task_row("shards[1]", "failed");
  shard.reason = "exit 3";
  shard.failure_ignored = true;
  shard.item = "eu-west";
  shard.item_index = 1;
  auto skipped = task_row("notify", "skipped");
  skipped.reason = "upstream_failed: shards";
  skipped.skipped_upstream_failed = true;
  batch.tasks = {deploy, shard, skipped};

  auto failed = attempt_row("deploy", 1, 100, 200, 1);
  failed.decision = "retry in 1s (attempt 2 of 3)";
  auto timed_out = attempt_row("deploy", 2, 1200, 1300, -1);
  timed_out.signal = 15;
  timed_out.timed_out = true;
  auto succeeded = attempt_row("deploy", 3, 1400, 1500, 0);
  auto undo = attempt_row("deploy", 1, 2000, 2100, 0, StepKind::kCompensation);
  auto unstarted = attempt_row("shards[1]", 1, 0, 0, -1);
  unstarted.error = "cannot run 'nope': No such file or directory";
  batch.attempts = {succeeded, undo, failed, timed_out, unstarted};
  batch.outputs = {{"deploy", {{"url", "https://example.test"}, {"lines", "a\nb"}}}};
  store->write(batch);

  auto tasks = store->tasks("r");
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_THAT(paths_of(tasks), ElementsAre("deploy", "shards[1]", "notify"));
  EXPECT_EQ(dump(tasks[0].row), dump(deploy));
  EXPECT_EQ(dump(tasks[1].row), dump(shard));
  EXPECT_EQ(dump(tasks[2].row), dump(skipped));
  EXPECT_THAT(dump_all(tasks[0].attempts),
              ElementsAre(dump(failed), dump(timed_out), dump(succeeded)))
      << "attempts come back in number order";
  EXPECT_THAT(dump_all(tasks[0].compensations), ElementsAre(dump(undo)));
  EXPECT_THAT(dump_all(tasks[1].attempts), ElementsAre(dump(unstarted)));
  EXPECT_THAT(tasks[1].compensations, IsEmpty());
  EXPECT_THAT(tasks[2].attempts, IsEmpty());
  EXPECT_EQ(tasks[0].outputs, (std::map<std::string, std::string>{
                                  {"lines", "a\nb"}, {"url", "https://example.test"}}));
  EXPECT_THAT(tasks[1].outputs, IsEmpty());
}

TEST(StoreBatch, SettlingInTheBackgroundLeavesEveryRowReadableAndNoWalBehind) {
  StoreFile file;
  {
    auto store = file.open();
    store->create_run(run_row("r", 1000));
    for (int b = 0; b < 50; ++b) {  // 50 commits, as a run's turns make them.
      Batch batch;
      for (int i = 0; i < 10; ++i) {
        std::string path = "t" + std::to_string(b * 10 + i);
        batch.tasks.push_back(task_row(path, "succeeded"));
        batch.attempts.push_back(attempt_row(path, 1, 100, 200, 0));
      }
      store->write(batch);
    }
    store->settle_in_background();
    store->settle_in_background();   // Once is enough; again is harmless.
    auto tasks = store->tasks("r");  // Reading while the checkpoint runs.
    ASSERT_EQ(tasks.size(), 500u);
    EXPECT_EQ(tasks[499].row.path, "t499");
    EXPECT_THAT(dump_all(tasks[499].attempts),
                ElementsAre(dump(attempt_row("t499", 1, 100, 200, 0))));
  }
  EXPECT_FALSE(fs::exists(file.db() + "-wal")) << "the last connection to close removes the WAL";
  EXPECT_EQ(file.open()->tasks("r").size(), 500u);
}

TEST(StoreBatch, LaterBatchesUpdateTasksInPlaceKeepingTheOrderOfTheirFirstRecord) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  Batch first;
  first.tasks = {task_row("b", "running"), task_row("a", "pending")};
  first.attempts = {attempt_row("b", 1, 100, 0, -1)};  // Still running.
  store->write(first);
  Batch second;
  second.tasks = {task_row("c", "running"), task_row("a", "running"), task_row("b", "succeeded")};
  second.attempts = {attempt_row("b", 1, 100, 180, 0)};  // The same attempt, now ended.
  store->write(second);

  auto tasks = store->tasks("r");
  EXPECT_THAT(paths_of(tasks), ElementsAre("b", "a", "c"));
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].row.state, "succeeded");
  EXPECT_EQ(tasks[1].row.state, "running");
  EXPECT_THAT(dump_all(tasks[0].attempts), ElementsAre(dump(attempt_row("b", 1, 100, 180, 0))))
      << "an attempt written again replaces its earlier row";
}

TEST(StoreBatch, OutputsWrittenAgainReplaceTheirValues) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  Batch first;
  first.tasks = {task_row("a", "succeeded")};
  first.outputs = {{"a", {{"k", "old"}, {"keep", "1"}}}};
  store->write(first);
  Batch second;
  second.outputs = {{"a", {{"k", "new"}}}};
  store->write(second);

  auto tasks = store->tasks("r");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].outputs, (std::map<std::string, std::string>{{"k", "new"}, {"keep", "1"}}));
}

TEST(StoreBatch, BreakerTransitionsComeBackInTheOrderTheyHappened) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  std::vector<BreakerRow> transitions = {
      {"payments", "closed", "open", "3 consecutive failures", 100},
      {"payments", "open", "half_open", "reset_timeout 30s elapsed", 200},
      {"mail", "closed", "open", "1 consecutive failure", 150},
      {"payments", "half_open", "closed", "trial succeeded", 300},
  };
  Batch first;
  first.breakers = {transitions[0], transitions[1]};
  store->write(first);
  Batch second;
  second.breakers = {transitions[2], transitions[3]};
  store->write(second);

  EXPECT_EQ(dump_all(store->breakers("r")), dump_all(transitions));
  EXPECT_THAT(store->breakers("another"), IsEmpty());
}

TEST(StoreBatch, CountStatesCountsTheRunsTasksByState) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  Batch batch;
  batch.tasks = {task_row("a", "succeeded"), task_row("b", "succeeded"), task_row("c", "failed"),
                 task_row("d", "skipped")};
  store->write(batch);

  EXPECT_EQ(store->count_states("r"),
            (std::map<std::string, int>{{"failed", 1}, {"skipped", 1}, {"succeeded", 2}}));
  EXPECT_THAT(store->count_states("other"), IsEmpty());
}

TEST(StoreBatch, RunsKeepTheirOwnTasks) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("one", 1000));
  Batch batch;
  batch.tasks = {task_row("build", "succeeded")};
  batch.attempts = {attempt_row("build", 1, 10, 20, 0)};
  batch.outputs = {{"build", {{"k", "one"}}}};
  store->write(batch);
  store->create_run(run_row("two", 2000));
  batch.tasks = {task_row("build", "failed")};
  batch.attempts = {attempt_row("build", 1, 30, 40, 2)};
  batch.outputs = {};
  store->write(batch);

  auto one = store->tasks("one");
  auto two = store->tasks("two");
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(one[0].row.state, "succeeded");
  EXPECT_EQ(one[0].outputs.at("k"), "one");
  ASSERT_EQ(one[0].attempts.size(), 1u);
  EXPECT_EQ(one[0].attempts[0].exit_code, 0);
  EXPECT_EQ(two[0].row.state, "failed");
  EXPECT_THAT(two[0].outputs, IsEmpty());
  ASSERT_EQ(two[0].attempts.size(), 1u);
  EXPECT_EQ(two[0].attempts[0].exit_code, 2);
  EXPECT_THAT(store->tasks("three"), IsEmpty());
}

// write() binds a row's text without copying it; nothing may read it once the batch is gone
// (ASan and the values read back would both tell).
TEST(StoreBatch, RowsStayWholeAfterTheirBatchIsGone) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  const std::string long_path =
      "release.regions[eu-west-1].deploy-the-service-" + std::string(40, 'x');
  {
    Batch batch;
    auto task = task_row(long_path, "failed");
    task.reason = "exit 3: " + std::string(100, 'r');
    task.item = std::string(64, 'i');
    batch.tasks = {task};
    auto attempt = attempt_row(long_path, 1, 100, 200, 3);
    attempt.decision = "retry in 1s (attempt 2 of 3) " + std::string(50, 'd');
    batch.attempts = {attempt};
    batch.outputs = {{long_path, {{"key-" + std::string(30, 'k'), std::string(200, 'v')}}}};
    store->write(batch);
  }
  std::vector<std::string> noise(100, std::string(300, '#'));  // Reuses the freed memory.
  Batch later;
  later.outputs = {{"other", {{"k", "v"}}}};
  store->write(later);

  auto tasks = store->tasks("r");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].row.path, long_path);
  EXPECT_EQ(tasks[0].row.reason, "exit 3: " + std::string(100, 'r'));
  EXPECT_EQ(tasks[0].row.item, std::string(64, 'i'));
  ASSERT_EQ(tasks[0].attempts.size(), 1u);
  EXPECT_EQ(tasks[0].attempts[0].decision, "retry in 1s (attempt 2 of 3) " + std::string(50, 'd'));
  EXPECT_EQ(tasks[0].outputs.at("key-" + std::string(30, 'k')), std::string(200, 'v'));
}

TEST(StoreBatch, AnEmptyBatchChangesNothing) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  store->write(Batch{});
  EXPECT_THAT(store->tasks("r"), IsEmpty());
  EXPECT_EQ(store->find_run("r")->status, "running");
}

// ---------------------------------------------------------------------------------------------
// Approval verdicts (SPEC 3.6)

TEST(StoreVerdicts, AGateHasOneVerdictUntilItsRunTakesIt) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  EXPECT_TRUE(store->give_verdict("r", {"deploy.gate", true, "ann", 100}));
  EXPECT_FALSE(store->give_verdict("r", {"deploy.gate", false, "bob", 200}))
      << "a second verdict on the same gate is refused";

  auto untaken = store->untaken_verdicts("r");
  ASSERT_EQ(untaken.size(), 1u);
  EXPECT_EQ(untaken[0].path, "deploy.gate");
  EXPECT_TRUE(untaken[0].approved);
  EXPECT_EQ(untaken[0].by, "ann");
  EXPECT_EQ(untaken[0].at, 100);
  EXPECT_EQ(store->untaken_verdicts("r").size(), 1u) << "reading a verdict does not take it";
  EXPECT_FALSE(store->give_verdict("r", {"deploy.gate", false, "bob", 300}));
}

// A gate decided by its verdict, then started over by a resume (a rejected gate, say), waits
// for a new verdict: the taken one gives way to it.
TEST(StoreVerdicts, AVerdictTakenByItsGateGivesWayToANewOne) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  ASSERT_TRUE(store->give_verdict("r", {"gate", false, "ann", 1}));
  store->take_verdict("r", "gate");
  EXPECT_THAT(store->untaken_verdicts("r"), IsEmpty()) << "a verdict is taken once";
  ASSERT_TRUE(store->give_verdict("r", {"gate", true, "bob", 2}));
  auto again = store->untaken_verdicts("r");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].approved);
  EXPECT_EQ(again[0].by, "bob");
}

// Between the run taking a verdict and the resume that starts its gate over, the gate is
// decided: another verdict is refused, whatever `baton approve` read a moment before.
TEST(StoreVerdicts, ATakenVerdictStandsWhileItsGateIsDecided) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  const auto gate_state = [&](const std::string& state) {
    Batch batch;
    TaskRow row;
    row.path = "gate";
    row.state = state;
    batch.tasks.push_back(row);
    store->write(batch);
  };
  gate_state("waiting");
  ASSERT_TRUE(store->give_verdict("r", {"gate", false, "ann", 1}));
  gate_state("failed");
  store->take_verdict("r", "gate");
  EXPECT_FALSE(store->give_verdict("r", {"gate", true, "bob", 2}));
  gate_state("waiting");  // A resume started it over.
  EXPECT_TRUE(store->give_verdict("r", {"gate", true, "bob", 3}));
}

TEST(StoreVerdicts, EachRunSeesOnlyItsOwnVerdicts) {
  StoreFile file;
  auto store = file.open();
  store->create_run(run_row("r", 1000));
  store->create_run(run_row("other", 2000));
  ASSERT_TRUE(store->give_verdict("r", {"a", true, "ann", 1}));
  ASSERT_TRUE(store->give_verdict("r", {"b", false, "bob", 2}));
  ASSERT_TRUE(store->give_verdict("other", {"a", false, "cy", 3}));

  std::vector<std::string> paths;
  for (const auto& v : store->untaken_verdicts("r")) {
    paths.push_back(v.path + (v.approved ? " approved" : " rejected"));
  }
  EXPECT_THAT(paths, UnorderedElementsAre("a approved", "b rejected"));
  store->take_verdict("r", "a");
  auto left = store->untaken_verdicts("r");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].path, "b");

  auto others = store->untaken_verdicts("other");
  ASSERT_EQ(others.size(), 1u);
  EXPECT_EQ(others[0].by, "cy");
}

TEST(StoreVerdicts, AVerdictGivenFromAnotherConnectionReachesTheRun) {
  StoreFile file;
  auto run = file.open();
  auto approver = file.open();  // `baton approve` in another shell.
  run->create_run(run_row("r", 1000));
  ASSERT_TRUE(approver->give_verdict("r", {"gate", true, "ann", 1}));
  EXPECT_EQ(run->untaken_verdicts("r").size(), 1u);
  run->take_verdict("r", "gate");
  EXPECT_THAT(approver->untaken_verdicts("r"), IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// History (SPEC 2.3)

// One run of `workflow` in which `path` succeeded with an attempt lasting `duration` ms, after a
// failed attempt lasting `failed_duration` ms if that is not 0.
void record_history(Store& store, const std::string& id, const std::string& workflow,
                    Millis started, const std::string& path, const std::string& state,
                    Millis duration, Millis failed_duration = 0) {
  store.create_run(run_row(id, started, workflow));
  Batch batch;
  batch.tasks = {task_row(path, state)};
  int n = 1;
  if (failed_duration > 0) {
    batch.attempts.push_back(attempt_row(path, n++, started, started + failed_duration, 1));
  }
  batch.attempts.push_back(
      attempt_row(path, n, started + 10, started + 10 + duration, state == "failed" ? 1 : 0));
  // A long compensation never counts as the task's duration.
  batch.attempts.push_back(
      attempt_row(path, 1, started + 50'000, started + 90'000, 0, StepKind::kCompensation));
  store.write(batch);
}

TEST(StoreHistory, TypicalDurationIsTheMeanOfSucceededAttemptsOverTheLastTenRuns) {
  StoreFile file;
  auto store = file.open();
  // Twelve runs; the two oldest took far longer and are out of the window.
  for (int i = 1; i <= 12; ++i) {
    Millis duration = i <= 2 ? 1'000'000 : 10 * i;  // Runs 3..12: 30, 40, ..., 120 ms.
    // A failed attempt never counts, however long it took.
    record_history(*store, "run" + std::to_string(i), "release", i * 100'000, "build", "succeeded",
                   duration, i == 12 ? 500'000 : 0);
  }
  EXPECT_EQ(typical(*store, "release"), (std::map<std::string, Millis>{{"build", 75}}));
}

TEST(StoreHistory, OnlySucceededTasksOfTheSameWorkflowCount) {
  StoreFile file;
  auto store = file.open();
  record_history(*store, "a", "release", 100'000, "build", "succeeded", 100);
  record_history(*store, "b", "release", 200'000, "build", "succeeded", 300);
  record_history(*store, "c", "release", 300'000, "test", "failed", 5'000);
  record_history(*store, "d", "nightly", 400'000, "build", "succeeded", 9'000);

  EXPECT_EQ(typical(*store, "release"), (std::map<std::string, Millis>{{"build", 200}}));
  EXPECT_EQ(typical(*store, "nightly"), (std::map<std::string, Millis>{{"build", 9'000}}));
  EXPECT_THAT(store->typical_durations("unknown", kForever), IsEmpty());
}

TEST(StoreHistory, OnlyRunsThatStartedBeforeTheBoundCount) {
  // A run and its resumption see the past as it was when the run started: not themselves.
  StoreFile file;
  auto store = file.open();
  record_history(*store, "a", "release", 100'000, "build", "succeeded", 100);
  record_history(*store, "b", "release", 200'000, "build", "succeeded", 300);
  auto before_b = store->typical_durations("release", 200'000);
  EXPECT_EQ((std::map<std::string, Millis>{before_b.begin(), before_b.end()}),
            (std::map<std::string, Millis>{{"build", 100}}));
  EXPECT_THAT(store->typical_durations("release", 100'000), IsEmpty());
}

}  // namespace
}  // namespace baton::store
