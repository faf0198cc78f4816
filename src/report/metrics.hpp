// The numbers of SPEC 6's Outcomes, defined once for the Markdown and the JSON report (see
// docs/reports.md for the definitions and the choices made where SPEC is silent).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/run_report.hpp"

namespace baton::report {

struct Metrics {
  /// Leaves (each fan-out instance once) whose own step succeeded: `succeeded`, and the
  /// succeeded tasks a saga later compensated (`compensating`, `compensated`,
  /// `compensation_failed`). An ignored failure is not completed: it is counted apart.
  std::size_t tasks_completed = 0;
  std::size_t tasks_total = 0;
  /// The run's end minus its start (RunReport::end_time: for a run still going, now; for one
  /// whose baton stopped without ending it, the latest time it recorded).
  Millis makespan = 0;
  /// Σ of the durations of every task attempt (compensations excluded: they undo work).
  Millis work = 0;
  /// The most task attempts running at one moment, from the attempts' recorded intervals.
  int peak_parallelism = 0;
  /// The longest dependency chain of actual task durations (a task's duration: its first
  /// attempt's start to its last attempt's end, retries and backoff waits included).
  Millis critical_path = 0;
  std::vector<std::string> critical_path_tasks;  ///< In execution order.
  /// work ÷ (makespan × peak_parallelism); nullopt if that is 0.
  std::optional<double> parallel_efficiency;
  /// critical_path ÷ makespan; nullopt if the makespan is 0.
  std::optional<double> critical_path_efficiency;
  /// work ÷ makespan; nullopt if the makespan is 0.
  std::optional<double> speedup;
  /// Attempts that a retry policy followed with another (decision `retry in …`).
  int retries = 0;
  std::vector<std::pair<std::string, int>> retries_by_task;  ///< File order; only tasks > 0.
  int timed_out_attempts = 0;
  int breaker_trips = 0;  ///< Transitions to `open`.
  /// Tasks whose compensation ran, and how those ended.
  int compensations = 0, compensations_succeeded = 0, compensations_failed = 0;
  int ignored_failures = 0;
};

/// An attempt's duration; an attempt without an end (running, or cut short by a crash) lasts
/// until `until` (the run's end_time); one that never recorded its start, 0.
Millis attempt_duration(const store::AttemptRow& attempt, Millis until);

/// When a task first started or began to wait (a gate, or for an open breaker); 0 if never.
Millis first_start(const Task& task);

/// When the task's last session began and ended: its first attempt's (or wait's) start there and
/// its last one's end (`until` for one still going); {0, 0} if it never started.
std::pair<Millis, Millis> session_span(const Task& task, Millis until);

/// A task's duration: from its first attempt or wait to the end of its last (0 without any), so
/// that a gate's wait for its verdict counts on the critical path; after a resume, of the last
/// session that ran it only. Task time for parallel efficiency is its attempts' alone: a wait
/// holds no slot.
Millis task_duration(const Task& task, Millis until);

/// The number of attempts of `task` that its retry policy followed with another.
int retries_of(const Task& task);

Metrics compute_metrics(const RunReport& report);

}  // namespace baton::report
