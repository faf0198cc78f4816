// What the store keeps, as plain rows: runs, tasks, attempts (of tasks and of compensations),
// outputs, breaker transitions and approval verdicts (SPEC 4). Times are milliseconds since the
// Unix epoch; 0 means "not yet".
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::store {

using Millis = std::int64_t;
/// A time after every other: "no bound" where a time bounds a query.
inline constexpr Millis kForever = std::numeric_limits<Millis>::max();

struct RunRow {
  std::string id;
  std::string workflow;       ///< The workflow's `name`.
  std::string file;           ///< The workflow file as given to `baton run`.
  std::string workflow_text;  ///< What ran: resume reads the workflow from here.
  std::string status;         ///< SPEC 2.4's run states.
  Millis started = 0, ended = 0;
  std::int64_t pid = 0;        ///< The baton process running it (0 once it ended).
  std::int64_t pid_start = 0;  ///< That process's start time (clock ticks): guards pid reuse.
  std::string host;
  int jobs = 0;
  std::vector<std::string> overrides;  ///< `--set KEY=VALUE`, applied again on resume.
};

/// What an attempt row is of: the task's command, its compensation, or a span the task spent
/// waiting (an approval gate for its verdict, a task for an open breaker: no process, no log).
enum class StepKind { kTask, kCompensation, kWait };

struct AttemptRow {
  std::string path;
  StepKind step = StepKind::kTask;
  int number = 0;
  std::int64_t pid = 0;  ///< Also its process group.
  Millis start = 0, end = 0;
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  std::string log, error, decision;
};

struct TaskRow {
  std::string path;
  std::string state;
  std::string reason;
  bool failure_ignored = false;
  bool skipped_upstream_failed = false;
  std::string item;
  int item_index = -1;
  int attempt_base = 0;  ///< Attempts made before the latest resume.
};

/// A later row of the same task over `row`, as the store's upsert does: the path and the item of
/// an instance are fixed when it is first written.
inline void update_task_row(TaskRow& row, TaskRow&& later) {
  row.state = std::move(later.state);
  row.reason = std::move(later.reason);
  row.failure_ignored = later.failure_ignored;
  row.skipped_upstream_failed = later.skipped_upstream_failed;
  row.attempt_base = later.attempt_base;
}

struct BreakerRow {
  std::string breaker, from, to, why;
  Millis at = 0;
};

/// A verdict given by `baton approve` or `baton reject` (SPEC 3.6).
struct VerdictRow {
  std::string path;
  bool approved = false;
  std::string by;  ///< The user who gave it.
  Millis at = 0;
};

/// True for the recorded states of a gate that no verdict has decided: waiting for one, or not
/// reached yet. A gate in any other state takes no verdict (SqliteStore's give_verdict says the
/// same in SQL).
inline bool gate_undecided(std::string_view state) {
  return state == "waiting" || state == "pending" || state == "ready";
}

/// Everything one scheduler turn changed: written in one transaction.
struct Batch {
  std::vector<TaskRow> tasks;
  std::vector<AttemptRow> attempts;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> outputs;  ///< By path.
  std::vector<BreakerRow> breakers;
  std::optional<RunRow> run;  ///< Status and end, when they change.
  /// The last record of the run's journal (store/run_journal) this batch brings into the store,
  /// which the store notes with it; 0 for a batch written without a journal.
  std::int64_t journal_seq = 0;

  bool empty() const {
    return tasks.empty() && attempts.empty() && outputs.empty() && breakers.empty() && !run;
  }
};

/// A task as recorded, with its attempts and outputs: what status, resume and reports read.
struct TaskRecord {
  TaskRow row;
  std::vector<AttemptRow> attempts, compensations, waits;
  std::map<std::string, std::string> outputs;

  /// The rows of this kind: `attempts`, `compensations` or `waits`.
  std::vector<AttemptRow>& rows_of(StepKind step) {
    return step == StepKind::kTask ? attempts
                                   : (step == StepKind::kCompensation ? compensations : waits);
  }
};

}  // namespace baton::store
