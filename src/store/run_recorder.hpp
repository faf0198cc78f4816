// The engine's Journal on a Store: collects the units a turn changed and commits them, with their
// new attempts, outputs and the breaker transitions, once per commit(): to the store in one
// transaction, or, given a RunJournal, to that file, and to the store when the loop waits.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "engine/journal.hpp"
#include "engine/scheduler.hpp"
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
  /// the commits in one transaction in before_wait(): the loop starts what a commit allowed
  /// first. Without one, a commit is a transaction of the store.
  RunRecorder(Store& store, RunRow run, std::unique_ptr<RunJournal> journal = nullptr)
      : store_(store), run_(std::move(run)), journal_(std::move(journal)) {}

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
  /// Writes to the store what was committed to the journal and is not there yet, in one
  /// transaction, at most once per kStoreInterval unless an approval gate's state is among it;
  /// returns when it must be called again if it left some for later.
  std::optional<engine::Clock::time_point> before_wait() override;
  /// How long a commit may stay in the journal alone (what `baton status` in another shell may
  /// lag behind, with kCommitInterval). A chain commits every few hundred µs: a transaction per
  /// commit cost ~40 µs of CPU each, on the core the next task was starting on.
  static constexpr std::chrono::milliseconds kStoreInterval{100};
  static constexpr std::size_t kReadyRowsPerCommit = 500;

  /// Writes what is left and records how the run ended.
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
  bool gate_changed_ = false;  ///< An approval gate's row is among the unsettled.
  std::optional<CommittedTasks> committed_;
};

}  // namespace baton::store
