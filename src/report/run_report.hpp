// REPORT, first step: one recorded run as plain data, read back from the store (the run row, its
// tasks with their attempts, compensations and outputs, its breaker transitions) together with
// the workflow text it recorded (names, levels, domains, dependencies, phases, the plan). Every
// rendering (Markdown, JSON, and HTML through the JSON) is a function of this model, so they all
// say the same thing. Works on a finished run, on one still going in another process and on one
// whose baton crashed.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyze/plan.hpp"
#include "model/workflow.hpp"
#include "store/store.hpp"

namespace baton::report {

using store::Millis;

/// One leaf task of the run: a model leaf, or one instance of a fan-out (`shards[2]`).
struct Task {
  std::string path;  ///< Instance path, as recorded: `build.compile`, `regions[1].deploy`.
  model::NodeIndex node = model::kNoNode;  ///< The model leaf (or fan-out); kNoNode if unknown.
  std::string name;                        ///< The node's `name` (default: its id).
  std::string level;                       ///< epic, story, task or subtask.
  std::string domain;                      ///< Empty if none.
  std::size_t phase = 0;                   ///< Index into RunReport::phases.
  bool recorded = false;                   ///< False: the run never reached it.
  std::string state = "pending";           ///< SPEC 2.4's state name.
  std::string reason;
  bool failure_ignored = false;
  bool skipped_upstream_failed = false;
  std::string item;  ///< A fan-out instance's item; empty otherwise.
  int item_index = -1;
  bool gate = false;                      ///< An approval gate.
  std::vector<std::string> dependencies;  ///< Paths of the tasks it waited for directly.
  std::vector<store::AttemptRow> attempts, compensations;
  /// The spans it spent waiting: a gate for its verdict, a task for an open breaker.
  std::vector<store::AttemptRow> waits;
  std::map<std::string, std::string> outputs;

  /// "shards[2] (c)" for an instance (SPEC 2.5: displayed with its item), else the path.
  std::string label() const;
  /// The reason, with the number of attempts behind a failure: `exit 3 after 3 attempts`.
  std::string detail() const;
  /// `failed (ignored)` for an ignored failure, else the state.
  std::string state_text() const;
  /// The task's own step succeeded: succeeded, or compensating, compensated or
  /// compensation_failed (only a succeeded task is compensated).
  bool completed() const;
  bool failed() const { return state == "failed" && !failure_ignored; }
  /// How its compensation ended: the task's own state while it is in the saga, else (a task
  /// compensated in a session before a resume, which then ran again) read from its last
  /// compensation attempt: `compensated` or `compensation_failed`. Empty if never compensated.
  std::string compensation_state() const;
  /// Why its compensation failed, or empty.
  std::string compensation_reason() const;
};

/// A section of the Task Hierarchy: a top-level group, a run of top-level leaves between
/// groups, or (for a workflow without top-level groups) one stage.
struct Phase {
  std::string title;
  std::vector<std::size_t> tasks;  ///< Indices into RunReport::tasks, in file order.
};

struct RunReport {
  store::RunRow run;
  /// The run is recorded as running but the baton process running it is gone (crashed, killed,
  /// or on a machine that restarted): `baton resume` continues it.
  bool interrupted = false;
  std::string state_flag;  ///< " --state DIR" for commands printed, or empty for the default.
  /// In a state folder that `baton` commands read. A library run kept in memory is not: its
  /// report prints no command on it.
  bool stored = true;

  /// As recorded, with its `--set` overrides; or ReportContext::workflow, borrowed (not copied:
  /// 10,000 tasks took 3 ms), which must then outlive the report.
  std::shared_ptr<const model::Workflow> workflow;
  std::shared_ptr<const analyze::Plan> plan;   ///< Of `workflow`, for the run's jobs.
  std::size_t group_counts[4] = {0, 0, 0, 0};  ///< Group instances per level (epic … subtask).

  std::vector<Task> tasks;  ///< File order; a fan-out's instances in item order.
  std::vector<Phase> phases;
  std::vector<store::BreakerRow> breakers;

  /// When the report was made (the clock, or ReportContext::now).
  Millis now = 0;

  /// Where the run stands in time: its end; for a run still going, now; for one whose baton
  /// stopped without ending it, the latest time it recorded (an attempt's start or end, a
  /// breaker transition).
  Millis end_time() const;
  /// Is the run over (succeeded, failed, rolled back or cancelled)?
  bool ended() const { return run.status != "running"; }
  /// A command on this run, as a user types it: `baton VERB ID ARGS --state DIR`.
  std::string command(const std::string& verb, const std::string& args = {}) const;
  /// Leaf counts per level of the run (fan-out instances each once).
  std::size_t leaf_count(Level level) const;
};

/// What a report needs besides the store.
struct ReportContext {
  std::string state_flag;  ///< See RunReport::state_flag.
  bool stored = true;      ///< See RunReport::stored.
  /// Whether the process recorded as running the run is still that process.
  bool process_alive = false;
  /// The time of the report, in ms since the epoch; 0: the system clock's.
  Millis now = 0;
  /// Applies the run's `--set` overrides to its workflow; returns an error message or empty.
  std::function<std::string(model::Workflow&, const std::vector<std::string>&)> apply_overrides;
  /// The workflow the run ran, when the caller still has it (a run that just ended, the C++
  /// library, whose workflows have no text): used instead of the recorded text. Default: none.
  const model::Workflow* workflow = nullptr;
  /// Past durations (SPEC 2.3) for the workflow read from the recorded text, as the run took
  /// them when it started; read_run_report fills them from the store.
  std::vector<std::pair<std::string, Duration>> history;
  /// The plan of `workflow`, if the caller made it already (a run makes it while it starts):
  /// used if it is for the run's jobs, else made again.
  std::shared_ptr<const analyze::Plan> plan;
};

/// The recorded run as a report: `tasks` and `breakers` as the store holds them.
RunReport make_run_report(store::RunRow run, std::vector<store::TaskRecord> tasks,
                          std::vector<store::BreakerRow> breakers, const ReportContext& context);

/// Reads the run from `store` and builds its report.
RunReport read_run_report(store::Store& store, const store::RunRow& run,
                          const ReportContext& context);

/// A word for a POSIX shell, to print in a command the user may paste: as it is if it holds
/// nothing the shell would interpret, else in single quotes (`'/srv/my state'`).
std::string shell_quote(const std::string& word);

/// ` --state DIR` for the commands a report prints: DIR absolute and normalised (`./st/` is
/// `/home/me/st`, however the option was spelled), quoted for a shell.
std::string state_flag(const std::filesystem::path& state_dir);

/// A task's path as a shell word: `regions[0].sign_off` would be a glob to zsh.
std::string shell_word(const std::string& path);

}  // namespace baton::report
