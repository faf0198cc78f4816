// Where the scheduler makes its run durable (SPEC 4): told of every change, asked to commit once
// per turn — after the turn's events are applied and its new attempts are decided, before any of
// them is started — so that a dependent never starts before its upstream's success is committed,
// and a run costs one transaction per turn, not one per task. The store implements it
// (store/run_recorder); the engine knows nothing of SQL.
#pragma once

#include "engine/run_event.hpp"
#include "engine/run_graph.hpp"

namespace baton::engine {

class Journal {
 public:
  virtual ~Journal() = default;
  /// A unit's state, reason, attempts or outputs changed.
  virtual void unit_changed(const RunGraph& graph, UnitIndex unit) = 0;
  virtual void breaker_changed(const BreakerTransition& transition) = 0;
  /// Makes every change recorded so far durable. Throws if the store cannot be written.
  virtual void commit() = 0;
};

}  // namespace baton::engine
