// Running a Workflow (SPEC 7): the engine the `baton` command uses, with the same scheduling,
// failure handling, durable state and report. Synchronously (`run`) or in the background with a
// handle to wait for or cancel (`start`).
//
//   baton::Engine engine({.concurrency = 4});
//   baton::RunResult result = engine.run(wf);
//   if (!result.succeeded()) std::cerr << result.report();
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "baton/value.hpp"
#include "baton/workflow.hpp"

namespace baton {

/// A transition, as `baton run --progress json` prints it (SPEC 8).
struct RunEvent {
  /// run_started, task_started, task_succeeded, task_failed, task_retrying, task_skipped,
  /// task_cancelled, task_waiting, breaker, compensation_started, compensation_finished,
  /// run_finished.
  std::string event;
  std::string task;  ///< The task's path; the breaker's name for breaker events; empty for run
                     ///< events.
  int attempt = 0;
  std::string state;   ///< The task's state after the transition (SPEC 2.4); for run events, the
                       ///< run's: running, then succeeded, failed, rolled_back or cancelled.
  std::string reason;  ///< Why it failed, was skipped or waits; for breakers, "from -> to".
  std::chrono::system_clock::time_point at;
};

struct EngineOptions {
  /// Leaves running at once (`--jobs`). 0: the workflow's `concurrency`, else the CPUs.
  int concurrency = 0;
  /// Threads running callables. 0: as many as `concurrency`.
  int threads = 0;
  /// A folder for a durable SQLite store (SPEC 4: `baton runs`, `status`, `report`, `resume`
  /// see the run there). Empty: the run is kept in memory, its logs under a temporary folder.
  std::string state_dir = {};
  /// Called on the engine's thread for every transition; keep it short. Default: none.
  std::function<void(const RunEvent&)> on_event = {};
};

enum class RunStatus { kSucceeded, kFailed, kRolledBack, kCancelled };
std::string_view to_string(RunStatus status);

struct AttemptResult {
  int number = 0;
  std::chrono::system_clock::time_point start, end;
  int exit_code = -1;  ///< 0 for a callable that returned, 1 for one that threw.
  int signal = 0;
  bool timed_out = false;
  std::string error;  ///< An exception's message, or why it could not start.
  std::string log;    ///< The attempt's log file (callables: only if they logged).
};

struct TaskResult {
  std::string path;
  std::string state;  ///< SPEC 2.4: succeeded, failed, skipped, cancelled, compensated, ...
  std::string reason;
  std::vector<AttemptResult> attempts;
  std::map<std::string, std::string> outputs;

  bool succeeded() const { return state == "succeeded"; }
  /// The output `key` read as T; throws std::out_of_range if absent.
  template <typename T = std::string>
  T output(const std::string& key) const {
    return from_value<T>(outputs.at(key));
  }
};

enum class ReportFormat { kMarkdown, kJson, kHtml };

namespace detail {
struct RunRecord;
}

/// How a run ended: its status, every task (leaves, each fan-out instance once, in file order)
/// and the Orchestration Report.
class RunResult {
 public:
  explicit RunResult(std::shared_ptr<const detail::RunRecord> record);

  const std::string& id() const;
  RunStatus status() const;
  bool succeeded() const { return status() == RunStatus::kSucceeded; }
  std::chrono::system_clock::time_point started() const;
  std::chrono::system_clock::time_point ended() const;
  const std::vector<TaskResult>& tasks() const;
  /// The task at `path`; throws std::out_of_range if there is none.
  const TaskResult& task(std::string_view path) const;
  /// SPEC 6's report (Markdown), SPEC 8's JSON, or the self-contained HTML page.
  std::string report(ReportFormat format = ReportFormat::kMarkdown) const;

 private:
  std::shared_ptr<const detail::RunRecord> record_;
};

namespace detail {
struct RunThread;
}

/// A run going on in the background. Destroying it cancels the run and waits for it.
class RunHandle {
 public:
  explicit RunHandle(std::unique_ptr<detail::RunThread> thread);
  RunHandle(RunHandle&&) noexcept;
  RunHandle& operator=(RunHandle&&) noexcept;
  ~RunHandle();

  /// Stops the run as SIGINT stops `baton run` (SPEC 2.6): nothing more starts, commands get
  /// SIGTERM, callables see their token cancelled. Returns at once; wait() for the result.
  void cancel();
  /// True once the run has ended.
  bool done() const;
  /// Blocks until the run ends. May be called more than once.
  RunResult wait();

 private:
  std::unique_ptr<detail::RunThread> thread_;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  /// Runs `workflow` to its end on the calling thread. Throws std::invalid_argument (with every
  /// diagnostic) if the workflow is invalid, std::runtime_error if the store cannot be opened.
  /// While it runs, SIGINT and SIGTERM sent to this thread cancel the run, as in `baton run`.
  RunResult run(const Workflow& workflow);

  /// Runs `workflow` on a thread of its own. The workflow must outlive the run.
  RunHandle start(const Workflow& workflow);

 private:
  EngineOptions options_;
};

}  // namespace baton
