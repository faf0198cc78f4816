// The engine's Journal on a Store: collects the units a turn changed and commits them, with their
// new attempts, outputs and the breaker transitions, once per commit(): to the store in one
// transaction, or, given a RunJournal, to that file, and to the store on a thread of its own
// (store/batch_writer.hpp) when the loop waits.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/journal.hpp"
#include "engine/scheduler.hpp"
#include "store/batch_writer.hpp"
#include "store/committed_tasks.hpp"
#include "store/merged_batch.hpp"
#include "store/store.hpp"

namespace baton::store {

/// Milliseconds since the Unix epoch, as the store keeps times; 0 for an unset time.
Millis to_millis(std::chrono::system_clock::time_point t);

class RunRecorder : public engine::Journal {
 public:
  /// `run` is the run's row as created; its status and end are written by finish().
  /// With a `journal` (Store::open_journal()), a commit is an append to it, and the store gets
  /// the commits in one transaction, on a thread of its own, handed over by before_wait(): the
  /// loop starts what a commit allowed first, and does not wait for the store. The store is
  /// then that thread's until wait_for_store(). Without a journal, a commit is a transaction of
  /// the store, on the caller's thread.
  RunRecorder(Store& store, RunRow run, std::unique_ptr<RunJournal> journal = nullptr);

  void unit_changed(const engine::RunGraph& graph, engine::UnitIndex unit) override;
  void breaker_changed(const engine::BreakerTransition& transition) override;
  /// Writes every change but two kinds that nothing depends on (SPEC 4's rule is about
  /// outcomes), which follow in later commits:
  /// - leaves that have only become ready (never started): at most kReadyRowsPerCommit of
  ///   those per commit; 10,000 in one transaction held the loop ~20 ms with its slots idle;
  /// - an attempt decided this turn and not started yet (no pid): the scheduler commits just
  ///   before starting it, and it is written once started, with its pid, so a chain writes a
  ///   task's rows once, not twice. Held back once only: an in-process attempt has no pid.
  void commit() override;
  bool pending() const override { return !dirty_.empty() || !breakers_.empty(); }
  /// Hands what was committed to the journal and is not in the store yet over to the store's
  /// thread, as one transaction, at most once per kStoreInterval and only once the previous one
  /// is written; returns when it must be called again if it left some for later. Writes it
  /// here, before returning, if an approval gate's state is among it (another shell acts on
  /// that), or if the journal is due to start over. Throws what the store's thread failed with.
  std::optional<engine::Clock::time_point> before_wait() override;
  /// How long a commit may stay in the journal alone (what `baton status` in another shell may
  /// lag behind, with kCommitInterval). A chain commits every few hundred µs: a transaction per
  /// commit cost ~40 µs of CPU each, on the core the next task was starting on.
  static constexpr std::chrono::milliseconds kStoreInterval{100};
  /// How soon before_wait() asks to be called again while the store's thread is still writing.
  static constexpr std::chrono::milliseconds kBusyRetry{5};
  static constexpr std::size_t kReadyRowsPerCommit = 500;

  /// Returns once the store holds everything handed to its thread, so that the caller may use
  /// the store itself (verdicts of approval gates): a Store is used by one thread at a time.
  /// Throws what the store's thread failed with.
  void wait_for_store();

  /// The run decided the gate at `path` by its verdict: marks the verdict taken
  /// (Store::take_verdict) right after the gate's new state is in the store, never before, so
  /// that `baton approve` in another shell finds either the verdict not taken yet or the gate
  /// decided, and refuses a second one either way.
  void verdict_taken(std::string path);

  /// Writes what is left, here, and records how the run ended.
  void finish(const engine::RunResult& result);

  /// From now on also keeps in memory what it commits, on top of `earlier` (what the store held
  /// of the run before: a resumed run's first sessions), for take_committed().
  void keep_committed(std::vector<TaskRecord> earlier);
  /// The run's tasks as the store now holds them (Store::tasks()), if keep_committed() was
  /// called; empty otherwise.
  std::vector<TaskRecord> take_committed() {
    return committed_ ? committed_->take() : std::vector<TaskRecord>{};
  }

 private:
  /// The rows of the changes recorded so far, but those held back (see commit()).
  Batch collect_changes(std::size_t ready_rows, bool hold_starts);
  void write_to_store(Batch batch);
  /// Writes what the journal holds and the store does not, here, once the store's thread is
  /// done; the journal may then start over.
  void write_unsettled_now();
  /// Marks the verdicts of gates just written here as taken.
  void mark_verdicts_taken();

  Store& store_;
  RunRow run_;
  const engine::RunGraph* graph_ = nullptr;
  std::vector<engine::UnitIndex> dirty_;
  std::vector<char> is_dirty_;
  std::vector<char> start_held_;  ///< Per unit: its unstarted attempt was held back once.
  /// Per unit: attempts already written as ended (those are never written again).
  std::vector<std::size_t> attempts_final_, compensations_final_, waits_final_;
  std::vector<BreakerRow> breakers_;  ///< Transitions since the last commit.
  std::unique_ptr<RunJournal> journal_;
  MergedBatch unsettled_;  ///< Committed to the journal, not yet written to the store.
  engine::Clock::time_point last_store_write_{};
  bool gate_changed_ = false;                ///< An approval gate's row is among the unsettled.
  std::vector<std::string> verdicts_taken_;  ///< Gates whose rows are not in the store yet.
  std::optional<CommittedTasks> committed_;
  /// With a journal. Last: it is stopped first, while what its thread uses is still there.
  std::unique_ptr<BatchWriter> writer_;
};

}  // namespace baton::store
