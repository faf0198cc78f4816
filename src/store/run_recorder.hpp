// The engine's Journal on a Store: collects the units a turn changed and writes them, with their
// new attempts, outputs and the breaker transitions, in one transaction per commit().
#pragma once

#include <optional>
#include <vector>

#include "engine/journal.hpp"
#include "engine/scheduler.hpp"
#include "store/committed_tasks.hpp"
#include "store/store.hpp"

namespace baton::store {

/// Milliseconds since the Unix epoch, as the store keeps times; 0 for an unset time.
Millis to_millis(std::chrono::system_clock::time_point t);

class RunRecorder : public engine::Journal {
 public:
  /// `run` is the run's row as created; its status and end are written by finish().
  RunRecorder(Store& store, RunRow run) : store_(store), run_(std::move(run)) {}

  void unit_changed(const engine::RunGraph& graph, engine::UnitIndex unit) override;
  void breaker_changed(const engine::BreakerTransition& transition) override;
  /// Writes every change but two kinds that nothing depends on (SPEC 4's rule is about
  /// outcomes), which follow in later commits:
  /// - leaves that have only become ready (never started): at most kReadyRowsPerCommit of
  ///   those per commit; 10,000 in one transaction held the loop ~20 ms with its slots idle;
  /// - an attempt decided this turn and not started yet (no pid): the scheduler commits just
  ///   before starting it, and it is written once started, with its pid, so a chain writes a
  ///   task's rows once, not twice. Held back once only: an in-process attempt has no pid.
  void commit() override { write_changes(kReadyRowsPerCommit, /*hold_starts=*/true); }
  bool pending() const override { return !dirty_.empty() || !pending_.empty(); }
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
  void write_changes(std::size_t ready_rows, bool hold_starts);

  Store& store_;
  RunRow run_;
  const engine::RunGraph* graph_ = nullptr;
  std::vector<engine::UnitIndex> dirty_;
  std::vector<char> is_dirty_;
  std::vector<char> start_held_;  ///< Per unit: its unstarted attempt was held back once.
  /// Per unit: attempts already written as ended (those are never written again).
  std::vector<std::size_t> attempts_final_, compensations_final_, waits_final_;
  Batch pending_;
  std::optional<CommittedTasks> committed_;
};

}  // namespace baton::store
