// The RunRecorder between the real scheduler (on a FakeExecutor) and a real SQLite store, which
// a wrapper watches and can break: every transition reaches the store before anything that
// depends on it starts (SPEC 4), one transaction per scheduler turn, each ended attempt once;
// and a store that fails a commit stops the run before the next start.
#include "store/run_recorder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/scheduler.hpp"
#include "support/fake_executor.hpp"
#include "support/inline_workflow.hpp"
#include "support/run_process.hpp"

namespace baton::store {
namespace {

using baton::testing::FakeExecutor;
using baton::testing::parse_workflow;
using baton::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A Store that forwards to a real one and remembers every batch, with how many attempts the
// executor had started when it was written; and fails the first write that `fail_when` picks,
// as a full disk would (LevelDB's fault_injection_test does this to its Env).
class WatchedStore : public Store {
 public:
  struct Write {
    Batch batch;
    std::size_t starts_before = 0;
  };

  WatchedStore(std::unique_ptr<Store> inner, const FakeExecutor& executor)
      : inner_(std::move(inner)), executor_(executor) {}

  std::vector<Write> writes;
  std::function<bool(const Batch&)> fail_when;
  std::function<void(const Batch&)> before_write;  ///< Called first, on the writing thread.
  std::function<void(const std::string& path)> before_take;  ///< Of take_verdict.

  void create_run(const RunRow& run) override { inner_->create_run(run); }
  void write(const Batch& batch) override {
    if (before_write) before_write(batch);
    if (fail_when && fail_when(batch)) {
      fail_when = nullptr;  // Only once.
      throw std::runtime_error("disk full");
    }
    inner_->write(batch);
    writes.push_back({batch, executor_.start_count});  // On the recorder's writer thread.
  }
  bool claim_run(const RunRow& run, const RunRow& as_seen) override {
    return inner_->claim_run(run, as_seen);
  }
  std::optional<RunRow> find_run(std::string_view id) override { return inner_->find_run(id); }
  std::vector<RunRow> list_runs(int limit) override { return inner_->list_runs(limit); }
  std::vector<TaskRecord> tasks(std::string_view run) override { return inner_->tasks(run); }
  std::vector<BreakerRow> breakers(std::string_view run) override { return inner_->breakers(run); }
  std::map<std::string, int> count_states(std::string_view run) override {
    return inner_->count_states(run);
  }
  void end_run(std::string_view run, const std::string& status, Millis ended) override {
    inner_->end_run(run, status, ended);
  }
  bool give_verdict(std::string_view run, const VerdictRow& verdict) override {
    return inner_->give_verdict(run, verdict);
  }
  std::vector<VerdictRow> untaken_verdicts(std::string_view run) override {
    return inner_->untaken_verdicts(run);
  }
  void take_verdict(std::string_view run, const std::string& path) override {
    if (before_take) before_take(path);
    inner_->take_verdict(run, path);
  }
  std::vector<std::pair<std::string, Millis>> typical_durations(std::string_view workflow,
                                                                Millis started_before) override {
    return inner_->typical_durations(workflow, started_before);
  }
  std::unique_ptr<RunJournal> open_journal() override { return inner_->open_journal(); }
  void recover(std::string_view run) override { inner_->recover(run); }

  /// The index of the first write that recorded `path` in `state`, or -1.
  int first_write_with(const std::string& path, const std::string& state) const {
    for (std::size_t w = 0; w < writes.size(); ++w) {
      for (const auto& t : writes[w].batch.tasks) {
        if (t.path == path && t.state == state) return static_cast<int>(w);
      }
    }
    return -1;
  }

 private:
  std::unique_ptr<Store> inner_;
  const FakeExecutor& executor_;
};

constexpr const char* kChainOfThree = R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: b }
)";

// A workflow run by the real scheduler on a FakeExecutor, recorded into a watched SQLite store.
struct RecordedRun {
  TempDir dir;
  model::Workflow workflow;
  FakeExecutor executor;
  std::unique_ptr<WatchedStore> store;
  RunRow row;
  engine::RunResult result;
  RunRecorder* recorder = nullptr;  ///< While run() runs.

  explicit RecordedRun(const std::string& yaml) : workflow(parse_workflow(yaml)) {
    auto opened = open_sqlite_store((dir.path() / "state").string());
    if (!opened) throw std::runtime_error(opened.error().message);
    store = std::make_unique<WatchedStore>(std::move(*opened), executor);
    row.id = "run1";
    row.workflow = workflow.name;
    row.status = "running";
    row.started = 1000;
    row.pid = 4242;
    row.pid_start = 77;
    store->create_run(row);
  }

  std::filesystem::path journal_path() const {
    return dir.path() / "state" / "runs" / row.id / "journal";
  }

  // Runs it to the end with `jobs` slots, as run_session does (with the store's journal, if
  // `journaled`), approval gates' verdicts included.
  void run(int jobs, bool journaled = false) {
    engine::RunOptions options;
    options.jobs = jobs;
    options.run_id = row.id;
    options.run_dir = dir.path() / "state" / "runs" / row.id;
    options.workflow_dir = dir.path();
    RunRecorder run_recorder(*store, row, journaled ? store->open_journal() : nullptr);
    recorder = &run_recorder;
    options.journal = &run_recorder;
    options.verdicts = [this, &run_recorder] {
      run_recorder.wait_for_store();
      std::vector<engine::Verdict> verdicts;
      for (auto& v : store->untaken_verdicts(row.id))
        verdicts.push_back({v.path, v.approved, v.by});
      return verdicts;
    };
    options.verdict_taken = [&run_recorder](const std::string& path) {
      run_recorder.verdict_taken(path);
    };
    engine::Scheduler scheduler(workflow, executor, options);
    result = scheduler.run();
    run_recorder.finish(result);
    recorder = nullptr;
  }

  // What the store holds of the run now, once the recorder's writer thread is done with it.
  std::vector<TaskRecord> stored_tasks() {
    if (recorder) recorder->wait_for_store();
    return store->tasks("run1");
  }
};

// `baton approve` in another shell refuses a second verdict because the first is not taken yet
// or because the gate is decided: never may it find the verdict taken and the gate still
// recorded as waiting.
TEST(StoreRecorder, AVerdictIsTakenOnlyOnceItsGatesDecisionIsInTheStore) {
  for (bool journaled : {false, true}) {
    RecordedRun r(R"(
name: gated
tasks:
  - { id: build, run: x }
  - { id: ship, approval: true, needs: build }
  - { id: deploy, run: x, needs: ship }
)");
    ASSERT_TRUE(r.store->give_verdict("run1", {"ship", true, "ann", 1}));
    std::vector<std::string> gate_state_when_taken;
    r.store->before_take = [&](const std::string& path) {
      for (const auto& task : r.store->tasks("run1")) {
        if (task.row.path == path) gate_state_when_taken.push_back(task.row.state);
      }
    };
    r.run(1, journaled);
    ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded) << "journaled " << journaled;
    EXPECT_THAT(gate_state_when_taken, ElementsAre("succeeded")) << "journaled " << journaled;
    EXPECT_THAT(r.store->untaken_verdicts("run1"), IsEmpty());
    EXPECT_FALSE(r.store->give_verdict("run1", {"ship", false, "bob", 2}))
        << "the gate is decided: no verdict replaces the one it took";
  }
}

TEST(StoreRecorder, NoTaskStartsBeforeTheSuccessOfItsUpstreamsIsCommitted) {
  RecordedRun r(R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: fan, foreach: [p, q], run: x, needs: a }
  - { id: c, run: x, needs: [b, fan] }
)");
  r.run(2);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  const std::map<std::string, std::vector<std::string>> upstreams = {
      {"b", {"a"}}, {"fan[0]", {"a"}}, {"fan[1]", {"a"}}, {"c", {"b", "fan[0]", "fan[1]"}}};
  for (std::size_t i = 0; i < r.executor.started.size(); ++i) {
    const auto& task = r.executor.started[i];
    auto it = upstreams.find(task);
    if (it == upstreams.end()) continue;
    for (const auto& up : it->second) {
      int w = r.store->first_write_with(up, "succeeded");
      ASSERT_GE(w, 0) << up << "'s success was never written";
      EXPECT_LE(r.store->writes[static_cast<std::size_t>(w)].starts_before, i)
          << task << " started before " << up << "'s success was committed";
    }
  }
}

TEST(StoreRecorder, AnAttemptIsWrittenOnlyOnceItHasStarted) {
  // The commit before a start carries the upstream's outcome, not the start itself: a running
  // row is written after the executor has started the attempt (with its pid, for a process).
  RecordedRun r(R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: other, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: b }
)");
  r.run(2);  // One ends per wait, the earliest started first: a, other, b, c.
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  int running_rows = 0;
  for (const auto& w : r.store->writes) {
    for (const auto& t : w.batch.tasks) {
      if (t.state != "running") continue;
      ++running_rows;
      auto started = r.executor.started.begin() + static_cast<std::ptrdiff_t>(w.starts_before);
      EXPECT_NE(std::find(r.executor.started.begin(), started, t.path), started)
          << t.path << " was written as running before it started";
    }
  }
  EXPECT_GT(running_rows, 0) << "a task still running at a commit is written as running";
  EXPECT_EQ(r.store->count_states("run1"), (std::map<std::string, int>{{"succeeded", 4}}));
}

TEST(StoreRecorder, OneSchedulerTurnIsOneTransactionNotOnePerTask) {
  std::string yaml = "name: wide\ntasks:\n";
  for (int i = 0; i < 40; ++i) yaml += "  - { id: t" + std::to_string(i) + ", run: x }\n";
  RecordedRun r(yaml);
  r.executor.finish_per_wait = 40;  // Every attempt ends in the same turn.
  r.run(40);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  // 80 transitions: the turn that starts them all, the turn that sees them end, the run's end.
  EXPECT_LE(r.store->writes.size(), 4u);
  EXPECT_EQ(r.store->count_states("run1"), (std::map<std::string, int>{{"succeeded", 40}}));
}

TEST(StoreRecorder, LeavesThatOnlyBecameReadyAreWrittenAFewHundredACommit) {
  constexpr std::size_t kLeaves = 1200;
  std::string yaml = "name: wide\ntasks:\n";
  for (std::size_t i = 0; i < kLeaves; ++i) {
    yaml += "  - { id: t" + std::to_string(i) + ", run: x }\n";
  }
  RecordedRun r(yaml);
  engine::RunGraph graph(r.workflow);
  RunRecorder recorder(*r.store, r.row);
  std::vector<engine::UnitIndex> leaves;
  for (engine::UnitIndex u = 0; u < graph.units().size(); ++u) {
    if (graph.unit(u).kind == engine::UnitKind::kLeaf) leaves.push_back(u);
  }
  ASSERT_EQ(leaves.size(), kLeaves);
  for (engine::UnitIndex u : leaves) {
    graph.unit(u).state = engine::TaskState::kReady;
    recorder.unit_changed(graph, u);
  }
  // One started and failed, waiting to be retried: its attempt is written at once.
  graph.unit(leaves.back()).attempts.push_back({.number = 1, .exit_code = 1});
  graph.unit(leaves[0]).state = engine::TaskState::kSucceeded;  // An outcome: never deferred.

  recorder.commit();
  auto states = r.store->count_states("run1");
  EXPECT_EQ(states["succeeded"], 1);
  EXPECT_EQ(states["ready"], static_cast<int>(RunRecorder::kReadyRowsPerCommit) + 1);
  EXPECT_TRUE(recorder.pending());
  recorder.commit();
  EXPECT_EQ(r.store->count_states("run1")["ready"],
            static_cast<int>(2 * RunRecorder::kReadyRowsPerCommit) + 1);
  recorder.commit();
  EXPECT_EQ(r.store->count_states("run1")["ready"], static_cast<int>(kLeaves) - 1);
  EXPECT_FALSE(recorder.pending());
}

TEST(StoreRecorder, FinishWritesTheReadyLeavesLeft) {
  std::string yaml = "name: wide\ntasks:\n";
  for (int i = 0; i < 700; ++i) yaml += "  - { id: t" + std::to_string(i) + ", run: x }\n";
  RecordedRun r(yaml);
  engine::RunGraph graph(r.workflow);
  RunRecorder recorder(*r.store, r.row);
  for (engine::UnitIndex u = 0; u < graph.units().size(); ++u) {
    if (graph.unit(u).kind != engine::UnitKind::kLeaf) continue;
    graph.unit(u).state = engine::TaskState::kReady;
    recorder.unit_changed(graph, u);
  }
  engine::RunResult result;
  result.status = engine::RunStatus::kCancelled;
  recorder.finish(result);
  EXPECT_EQ(r.store->count_states("run1"), (std::map<std::string, int>{{"ready", 700}}));
  EXPECT_FALSE(recorder.pending());
}

TEST(StoreRecorder, EachEndedAttemptIsWrittenOnce) {
  RecordedRun r(R"(
name: retries
tasks:
  - { id: flaky, run: x, retry: { max_attempts: 3, strategy: immediate } }
  - { id: after, run: x, needs: flaky }
)");
  r.executor.exit_code = [](const std::string& task, int attempt) {
    return task == "flaky" && attempt < 3 ? 1 : 0;
  };
  r.run(1);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  std::map<std::string, int> ended_writes;
  for (const auto& w : r.store->writes) {
    for (const auto& a : w.batch.attempts) {
      if (a.end != 0) ++ended_writes[a.path + "." + std::to_string(a.number)];
    }
  }
  EXPECT_EQ(ended_writes, (std::map<std::string, int>{
                              {"after.1", 1}, {"flaky.1", 1}, {"flaky.2", 1}, {"flaky.3", 1}}));
  auto tasks = r.store->tasks("run1");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].row.path, "flaky");
  ASSERT_EQ(tasks[0].attempts.size(), 3u);
  EXPECT_EQ(tasks[0].attempts[0].exit_code, 1);
  EXPECT_EQ(tasks[0].attempts[2].exit_code, 0);
  EXPECT_THAT(tasks[0].attempts[0].decision, ::testing::HasSubstr("retry"));
}

TEST(StoreRecorder, OutputsOfASucceededTaskAreRecordedWithIt) {
  RecordedRun r(R"(
name: outputs
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
)");
  r.executor.outputs["a"] = "version=1.2.3\nnotes<<EOF\nline one\nline two\nEOF\n";
  r.run(1);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  int w = r.store->first_write_with("a", "succeeded");
  ASSERT_GE(w, 0);
  const auto& batch = r.store->writes[static_cast<std::size_t>(w)].batch;
  ASSERT_EQ(batch.outputs.size(), 1u) << "the outputs travel in the same transaction";
  EXPECT_EQ(batch.outputs[0].first, "a");
  auto tasks = r.store->tasks("run1");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].outputs, (std::map<std::string, std::string>{{"notes", "line one\nline two"},
                                                                  {"version", "1.2.3"}}));
  EXPECT_THAT(tasks[1].outputs, IsEmpty());
}

TEST(StoreRecorder, FinishRecordsHowTheRunEndedAndForgetsItsProcess) {
  RecordedRun r("name: failing\ntasks:\n  - { id: a, run: x }\n");
  r.executor.exit_code = [](const std::string&, int) { return 2; };
  r.run(1);
  auto run = r.store->find_run("run1");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, "failed");
  EXPECT_GT(run->ended, 0);
  EXPECT_EQ(run->pid, 0);
  EXPECT_EQ(run->pid_start, 0);
  auto tasks = r.store->tasks("run1");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].row.state, "failed");
}

TEST(StoreRecorder, AFailedCommitStopsTheRunBeforeAnythingThatDependsOnIt) {
  RecordedRun r(R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
)");
  r.store->fail_when = [](const Batch& batch) {  // The commit of a's success.
    return std::any_of(batch.tasks.begin(), batch.tasks.end(),
                       [](const TaskRow& t) { return t.path == "a" && t.state == "succeeded"; });
  };
  EXPECT_THROW(r.run(1), std::runtime_error);
  EXPECT_THAT(r.executor.started, ElementsAre("a")) << "b started on an uncommitted success";
  for (const auto& task : r.store->tasks("run1")) {
    EXPECT_NE(task.row.state, "succeeded") << task.row.path << ": the failed commit left a trace";
  }
}

// With a journal (as `baton run` writes), a commit is an append to it: the rule of SPEC 4 holds
// of the journal, and the store gets the commits when the loop waits, in one transaction each.
TEST(StoreRecorder, WithAJournalNoTaskStartsBeforeItsUpstreamsSuccessIsInTheJournal) {
  RecordedRun r(R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: fan, foreach: [p, q], run: x, needs: b }
  - { id: c, run: x, needs: [fan] }
)");
  const std::map<std::string, std::vector<std::string>> upstreams = {
      {"b", {"a"}}, {"fan[0]", {"b"}}, {"fan[1]", {"b"}}, {"c", {"fan[0]", "fan[1]"}}};
  int checked = 0;
  r.executor.on_start = [&](const std::string& task) {
    auto it = upstreams.find(task);
    if (it == upstreams.end()) return;
    std::set<std::string> succeeded;
    for (const auto& record : read_journal(r.journal_path())) {
      for (const auto& t : record.batch.tasks) {
        if (t.state == "succeeded") succeeded.insert(t.path);
      }
    }
    for (const auto& t : r.stored_tasks()) {
      if (t.row.state == "succeeded") succeeded.insert(t.row.path);
    }
    for (const auto& up : it->second) {
      EXPECT_TRUE(succeeded.count(up)) << task << " started before " << up << "'s success was "
                                       << "committed to the journal or the store";
      ++checked;
    }
  };
  r.run(1, /*journaled=*/true);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  EXPECT_EQ(checked, 5);
  EXPECT_EQ(r.store->count_states("run1"), (std::map<std::string, int>{{"succeeded", 5}}));
  EXPECT_FALSE(std::filesystem::exists(r.journal_path())) << "the run is over: its journal goes";
}

// A compensation is an undo with effects outside baton (a refund): once it may have begun, a
// crash must leave the run knowing it, or resume would take the task for untouched and the run
// could succeed with its charge refunded. So `compensating` is committed before the process
// starts, as an upstream's success is before its dependent's.
TEST(StoreRecorder, WithAJournalNoCompensationStartsBeforeItsTaskIsCommittedAsCompensating) {
  RecordedRun r(R"(
name: saga
tasks:
  - { id: charge, run: x, compensate: x }
  - { id: reserve, run: x, compensate: x, needs: charge }
  - { id: ship, run: x, needs: reserve }
)");
  r.executor.exit_code = [](const std::string& task, int) { return task == "ship" ? 1 : 0; };
  int checked = 0;
  r.executor.on_start = [&](const std::string& task) {
    if (!task.ends_with(" (compensate)")) return;
    const std::string path = task.substr(0, task.size() - std::string(" (compensate)").size());
    std::string state;  // The last one committed, to the journal or the store.
    for (const auto& t : r.stored_tasks()) {
      if (t.row.path == path) state = t.row.state;
    }
    for (const auto& record : read_journal(r.journal_path())) {
      for (const auto& t : record.batch.tasks) {
        if (t.path == path) state = t.state;
      }
    }
    EXPECT_EQ(state, "compensating") << path << "'s undo started before it was committed";
    ++checked;
  };
  r.run(1, /*journaled=*/true);
  EXPECT_EQ(r.result.status, engine::RunStatus::kRolledBack);
  EXPECT_EQ(checked, 2);
}

TEST(StoreRecorder, WithAJournalTheStoreGetsTheCommitsWhileTheLoopWaitsNotBeforeTheStart) {
  RecordedRun r(kChainOfThree);
  r.executor.real_time = true;  // b runs long enough for the store to catch up meanwhile.
  r.executor.duration = [](const std::string& task, int) {
    return task == "b" ? std::chrono::milliseconds(10 * RunRecorder::kStoreInterval)
                       : engine::Clock::duration(0);
  };
  r.run(1, /*journaled=*/true);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  // a's success reaches the store after b has started, and long before the run's end.
  int w = r.store->first_write_with("a", "succeeded");
  ASSERT_GE(w, 0);
  const auto& write = r.store->writes[static_cast<std::size_t>(w)];
  EXPECT_EQ(write.starts_before, 2u) << "the store's transaction came before b's start";
  EXPECT_FALSE(write.batch.run.has_value()) << "it waited for the run's end";
  // Each write carries the journal's mark, rising.
  std::int64_t mark = 0;
  for (const auto& each : r.store->writes) {
    if (each.batch.journal_seq == 0) continue;  // The run's end, with nothing journaled since.
    EXPECT_GT(each.batch.journal_seq, mark);
    mark = each.batch.journal_seq;
  }
  EXPECT_GT(mark, 0);
  EXPECT_EQ(r.store->count_states("run1"), (std::map<std::string, int>{{"succeeded", 3}}));
}

// The store's transaction is written on a thread of its own: tasks go on starting while it is
// written, and what the run committed meanwhile reaches the store in the next one.
TEST(StoreRecorder, WithAJournalTasksStartWhileTheStoreIsWritten) {
  RecordedRun r(kChainOfThree);
  std::atomic<bool> held = false;
  std::atomic<bool> released_by_c = false;
  r.store->before_write = [&, hold = true](const Batch&) mutable {
    if (!std::exchange(hold, false)) return;  // Holds the first write only.
    held = true;
    // Until c has started: the executor counts a start once its on_start has run, so this
    // reads the count itself rather than being woken from on_start.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (r.executor.start_count < 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    released_by_c = r.executor.start_count >= 3;
  };
  r.run(1, /*journaled=*/true);
  ASSERT_EQ(r.result.status, engine::RunStatus::kSucceeded);
  EXPECT_TRUE(held) << "the store was written before the loop waited";
  EXPECT_TRUE(released_by_c) << "c did not start while the store's first write was held";
  EXPECT_EQ(r.store->count_states("run1"), (std::map<std::string, int>{{"succeeded", 3}}));
  EXPECT_FALSE(r.store->writes.front().batch.run.has_value())
      << "the first write waited for the run's end";
}

// A store that fails on its thread stops the run at the next commit, before anything that
// commit allows starts; what was committed stays in the journal, for resume.
TEST(StoreRecorder, WithAJournalAStoreThatFailsOnItsThreadStopsTheRun) {
  RecordedRun r(kChainOfThree);
  r.executor.real_time = true;  // b outlasts the store's write of a's end, even on a slow host.
  r.executor.duration = [](const std::string& task, int) {
    return task == "b" ? std::chrono::milliseconds(10 * RunRecorder::kStoreInterval)
                       : engine::Clock::duration(0);
  };
  r.store->fail_when = [](const Batch&) { return true; };  // The first write.
  EXPECT_THROW(r.run(1, /*journaled=*/true), std::runtime_error);
  EXPECT_THAT(r.executor.started, ElementsAre("a", "b"))
      << "a write after a's end failed, and c started all the same";
  EXPECT_TRUE(std::filesystem::exists(r.journal_path())) << "the journal was lost";
}

}  // namespace
}  // namespace baton::store
