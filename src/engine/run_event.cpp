#include "engine/run_event.hpp"

#include "engine/run_graph.hpp"

namespace baton::engine {

const std::vector<AttemptRecord>& event_attempts(const RunEvent& event) {
  const Unit& unit = *event.unit;
  bool compensation = event.kind == RunEventKind::kCompensationStarted ||
                      event.kind == RunEventKind::kCompensationFinished ||
                      unit.state == TaskState::kCompensating;
  return compensation ? unit.compensations : unit.attempts;
}

int event_attempt(const RunEvent& event) {
  if (!event.unit) return 0;
  const auto& attempts = event_attempts(event);
  int attempt = attempts.empty() ? 0 : attempts.back().number;
  return event.kind == RunEventKind::kTaskRetrying ? attempt + 1 : attempt;
}

std::string_view to_string(RunEventKind kind) {
  switch (kind) {
    case RunEventKind::kTaskStarted:
      return "task_started";
    case RunEventKind::kTaskSucceeded:
      return "task_succeeded";
    case RunEventKind::kTaskFailed:
      return "task_failed";
    case RunEventKind::kTaskRetrying:
      return "task_retrying";
    case RunEventKind::kTaskWaiting:
      return "task_waiting";
    case RunEventKind::kTaskSkipped:
      return "task_skipped";
    case RunEventKind::kTaskCancelled:
      return "task_cancelled";
    case RunEventKind::kBreaker:
      return "breaker";
    case RunEventKind::kCompensationStarted:
      return "compensation_started";
    case RunEventKind::kCompensationFinished:
      return "compensation_finished";
  }
  return "?";
}

}  // namespace baton::engine
