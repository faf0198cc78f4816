// What a run tells its observers (progress output now, the store and the report later): one
// event per leaf transition, breaker transition and compensation, as SPEC 8's `--progress json`
// names them. The details live in the unit the event points at (its state, reason, attempts and
// each attempt's retry decision), so an event costs no copies.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/breaker/circuit_breaker.hpp"

namespace baton::engine {

struct Unit;
class RunGraph;

enum class RunEventKind {
  kTaskStarted,
  kTaskSucceeded,
  kTaskFailed,
  kTaskRetrying,  ///< The unit's `next_attempt_at` says when.
  kTaskWaiting,   ///< Held by an open breaker (`on_open: wait`).
  kTaskSkipped,
  kTaskCancelled,
  kBreaker,
  kCompensationStarted,
  kCompensationFinished,
};

/// `task_started`, ..., `compensation_finished` (SPEC 8).
std::string_view to_string(RunEventKind kind);

struct RunEvent;
struct AttemptRecord;
/// The attempts an event is about: the unit's compensations for a compensation event (or while
/// it compensates), else its attempts. Requires a unit.
const std::vector<AttemptRecord>& event_attempts(const RunEvent& event);
/// The attempt an event is about, as SPEC 8's `attempt` field gives it: the attempt's own number
/// (numbers go on across a resume, SPEC 4), the compensation's for a compensation event, and the
/// one due next for `task_retrying`; 0 before any.
int event_attempt(const RunEvent& event);

/// A breaker's change of state, as recorded for the report.
struct BreakerTransition {
  std::string breaker;
  BreakerState from = BreakerState::kClosed;
  BreakerState to = BreakerState::kClosed;
  std::chrono::system_clock::time_point at;
  std::string why;
};

struct RunEvent {
  RunEventKind kind = RunEventKind::kTaskStarted;
  std::chrono::system_clock::time_point at;
  const Unit* unit = nullptr;                     ///< The leaf; null for `breaker`.
  const BreakerTransition* transition = nullptr;  ///< `breaker` only.
  /// Every unit of the run, as of this event, for observers that count them (the live status
  /// line's done/total); `unit` is one of them. Valid only during the call.
  const RunGraph* graph = nullptr;
};

}  // namespace baton::engine
