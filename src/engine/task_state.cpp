#include "engine/task_state.hpp"

#include <algorithm>

namespace baton::engine {

std::string_view to_string(TaskState state) {
  switch (state) {
    case TaskState::kPending:
      return "pending";
    case TaskState::kReady:
      return "ready";
    case TaskState::kRunning:
      return "running";
    case TaskState::kRetrying:
      return "retrying";
    case TaskState::kWaiting:
      return "waiting";
    case TaskState::kSucceeded:
      return "succeeded";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kSkipped:
      return "skipped";
    case TaskState::kCancelled:
      return "cancelled";
    case TaskState::kCompensating:
      return "compensating";
    case TaskState::kCompensated:
      return "compensated";
    case TaskState::kCompensationFailed:
      return "compensation_failed";
  }
  return "?";
}

bool is_terminal(TaskState state) {
  switch (state) {
    case TaskState::kSucceeded:
    case TaskState::kFailed:
    case TaskState::kSkipped:
    case TaskState::kCancelled:
    case TaskState::kCompensated:
    case TaskState::kCompensationFailed:
      return true;
    default:
      return false;
  }
}

Outcome outcome_of(const ChildState& node) {
  switch (node.state) {
    case TaskState::kSucceeded:
    case TaskState::kCompensating:  // It succeeded; its undo is the run's business.
    case TaskState::kCompensated:
    case TaskState::kCompensationFailed:
      return Outcome::kSucceeded;
    case TaskState::kFailed:
      return node.failure_ignored ? Outcome::kSucceeded : Outcome::kFailed;
    case TaskState::kCancelled:
      return Outcome::kFailed;
    case TaskState::kSkipped:
      return node.skipped_upstream_failed ? Outcome::kFailed : Outcome::kSkipped;
    default:
      return Outcome::kUnfinished;
  }
}

TaskState derive_group_state(std::span<const ChildState> children) {
  auto any = [&](auto predicate) {
    return std::any_of(children.begin(), children.end(), predicate);
  };
  auto all = [&](auto predicate) {
    return std::all_of(children.begin(), children.end(), predicate);
  };
  if (any([](const ChildState& c) {
        return c.state == TaskState::kFailed && !c.failure_ignored;
      })) {
    return TaskState::kFailed;
  }
  if (any([](const ChildState& c) {
        return !is_terminal(c.state) && c.state != TaskState::kCompensating;
      })) {
    return TaskState::kRunning;
  }
  if (all([](const ChildState& c) { return c.state == TaskState::kSkipped; }))
    return TaskState::kSkipped;
  return TaskState::kSucceeded;
}

}  // namespace baton::engine
