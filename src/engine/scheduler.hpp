// EXECUTE: the scheduler loop (SPEC 2, 3.2, 3.4). It owns all run state and follows Ninja's
// Builder::Build: fill free slots with the best ready tasks -> wait for the next executor event
// -> apply it (which may make dependents ready or skip them) -> repeat until nothing can run.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/executor.hpp"
#include "engine/launch_builder.hpp"
#include "engine/run_graph.hpp"
#include "engine/run_options.hpp"
#include "model/workflow.hpp"

namespace baton::engine {

enum class RunStatus { kRunning, kSucceeded, kFailed, kRolledBack, kCancelled };
std::string_view to_string(RunStatus status);

struct RunResult {
  RunStatus status = RunStatus::kRunning;
  std::chrono::system_clock::time_point started, ended;
  int peak_parallelism = 0;
};

class Scheduler {
 public:
  Scheduler(const model::Workflow& workflow, Executor& executor, RunOptions options);

  /// Runs the workflow to its end; returns how it ended.
  RunResult run();

  const RunGraph& graph() const { return graph_; }

 private:
  // Readiness.
  void evaluate(UnitIndex u);
  void open(UnitIndex u);
  void open_dynamic_fanout(UnitIndex u);
  void skip_subtree(UnitIndex u, const std::string& reason, bool upstream_failed);
  void finish(UnitIndex u);
  void drain();
  Outcome outcome(UnitIndex u) const;

  // Starting and limits.
  void start_ready();
  bool admit(UnitIndex leaf) const;
  void take_limits(UnitIndex leaf, int sign);
  void start(UnitIndex leaf);

  // Executor events.
  void on_event(const Event& event);
  void on_exit(UnitIndex leaf, const AttemptExited& exited);
  void on_spawn_failed(UnitIndex leaf, const std::string& message);
  void on_interrupt(const Interrupted& interrupted);
  void fail_leaf(UnitIndex leaf, std::string reason);
  /// After a failed attempt: schedules the next one if the retry policy allows; true if so.
  bool retry_later(UnitIndex leaf, const std::string& reason, int exit_code, bool timed_out);
  void on_timer(std::uint64_t token);
  void set_leaf_state(UnitIndex leaf, TaskState state);

  RunGraph graph_;
  Executor& executor_;
  RunOptions options_;
  SharedEnvironments environments_;
  std::vector<Duration> remaining_;  ///< Per model node: longest remaining chain (SPEC 2.3).
  struct ReadyOrder {
    const Scheduler* scheduler;
    bool operator()(UnitIndex a, UnitIndex b) const;
  };
  std::vector<UnitIndex> ready_;     ///< A heap in ReadyOrder.
  std::vector<UnitIndex> held_;      ///< Ready but held back by a group, fan-out or pool limit.
  std::vector<UnitIndex> worklist_;  ///< Units to evaluate or finish, drained iteratively.
  std::map<std::string, int> pool_in_use_;
  int running_ = 0;
  int retrying_ = 0;  ///< Leaves waiting out a backoff: the run is not over while any do.
  std::mt19937_64 random_{std::random_device{}()};
  bool stopping_ = false;   ///< failure_mode stop/cancel: start only `always` tasks.
  bool cancelled_ = false;  ///< SIGINT/SIGTERM: start nothing more.
  bool failed_ = false;
  RunResult result_;
};

}  // namespace baton::engine
