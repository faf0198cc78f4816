#include "engine/run_event.hpp"

namespace baton::engine {

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
