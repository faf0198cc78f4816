// The states of SPEC 2.4: a leaf's lifecycle, a group's state derived from its children, and
// what a finished node looks like to the trigger rules of its dependents (SPEC 3.2).
#pragma once

#include <span>
#include <string_view>

namespace baton::engine {

enum class TaskState {
  kPending,
  kReady,
  kRunning,
  kRetrying,  ///< Waiting out a backoff.
  kWaiting,   ///< An approval gate, or an open breaker with `on_open: wait`.
  kSucceeded,
  kFailed,
  kSkipped,
  kCancelled,
  kCompensating,
  kCompensated,
  kCompensationFailed,
};

/// The state names of SPEC 2.4, as reports and JSON spell them (`compensation_failed`).
std::string_view to_string(TaskState state);

/// No transition leaves these (compensation aside, which follows the run, not the task).
bool is_terminal(TaskState state);

/// A node as its dependents' trigger rules see it: an ignored failure counts as a success, a
/// skip caused by a failed upstream counts as a failure (Airflow's `upstream_failed`), a
/// cancellation as a failure.
enum class Outcome { kUnfinished, kSucceeded, kFailed, kSkipped };

/// What a child contributes to its group's derived state.
struct ChildState {
  TaskState state = TaskState::kPending;
  bool failure_ignored = false;          ///< `on_failure: ignore`.
  bool skipped_upstream_failed = false;  ///< Skipped because an upstream failed.
};

Outcome outcome_of(const ChildState& node);

/// SPEC 2.4: failed if a child failed and was not ignored; else running while a child is
/// active; else skipped if every child was skipped; else succeeded.
TaskState derive_group_state(std::span<const ChildState> children);

}  // namespace baton::engine
