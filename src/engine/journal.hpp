// Where the scheduler makes its run durable (SPEC 4): told of every change, asked to commit at
// most once per turn — after the turn's events are applied and its new attempts are decided,
// before any of them is started, whenever one of them depends on an outcome not yet committed —
// so that a dependent never starts before its upstream's success is committed. Changes nothing
// waits for are committed within kCommitInterval instead, so a run of independent tasks costs a
// few transactions a second, not one per task. The store implements it (store/run_recorder);
// the engine knows nothing of SQL.
#pragma once

#include <chrono>
#include <optional>

#include "engine/launch.hpp"
#include "engine/run_event.hpp"
#include "engine/run_graph.hpp"

namespace baton::engine {

/// How long a change nothing waits for may stay uncommitted (what `baton status` in another
/// shell may lag behind).
inline constexpr std::chrono::milliseconds kCommitInterval{100};

class Journal {
 public:
  virtual ~Journal() = default;
  /// A unit's state, reason, attempts or outputs changed.
  virtual void unit_changed(const RunGraph& graph, UnitIndex unit) = 0;
  virtual void breaker_changed(const BreakerTransition& transition) = 0;
  /// Makes every change recorded so far durable, except that the rows of leaves that have
  /// only become ready (never started) may follow in later commits: nothing waits for those.
  /// Throws if the store cannot be written.
  virtual void commit() = 0;
  /// True if changes are recorded and not yet committed.
  virtual bool pending() const = 0;
  /// The loop has started what this turn's commit allowed and is about to wait: work that makes
  /// commits visible to other processes, and that nothing in this run waits for, goes here.
  /// Returns when the loop should call it again at the latest (its wait ends then), if ever.
  virtual std::optional<Clock::time_point> before_wait() { return std::nullopt; }
};

}  // namespace baton::engine
