// The engine's Journal on a Store: collects the units a turn changed and writes them, with their
// new attempts, outputs and the breaker transitions, in one transaction per commit().
#pragma once

#include <vector>

#include "engine/journal.hpp"
#include "engine/scheduler.hpp"
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
  void commit() override;
  bool pending() const override { return !dirty_.empty() || !pending_.empty(); }

  /// Records how the run ended.
  void finish(const engine::RunResult& result);

 private:
  Store& store_;
  RunRow run_;
  const engine::RunGraph* graph_ = nullptr;
  std::vector<engine::UnitIndex> dirty_;
  std::vector<char> is_dirty_;
  /// Per unit: attempts already written as ended (those are never written again).
  std::vector<std::size_t> attempts_final_, compensations_final_, waits_final_;
  Batch pending_;
};

}  // namespace baton::store
