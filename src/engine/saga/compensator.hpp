// The saga phase of SPEC 3.5: once a failed run has settled, run the `compensate` step of every
// task that succeeded, in reverse dependency order, as parallel as that order and the run's
// job count allow, each with its task's retry policy and timeout. A compensation that fails
// (after its retries) leaves the tasks it guards uncompensated: undoing an upstream while a
// dependent's undo has failed could make things worse (Temporal's Saga stops at the first
// failure by default, too). SIGINT or SIGTERM stops it as SPEC 2.6 stops a run.
#pragma once

#include <functional>
#include <random>
#include <vector>

#include "engine/executor.hpp"
#include "engine/launch_builder.hpp"
#include "engine/run_event.hpp"
#include "engine/run_graph.hpp"
#include "engine/run_options.hpp"
#include "engine/saga/compensation_plan.hpp"

namespace baton::engine {

struct SagaOutcome {
  int steps = 0;        ///< Tasks that had a compensation to run.
  int compensated = 0;  ///< Compensations that succeeded.
  bool interrupted = false;
  /// The run is `rolled_back`: at least one compensation ran and every one succeeded.
  bool rolled_back() const { return steps > 0 && compensated == steps && !interrupted; }
};

class Compensator {
 public:
  Compensator(RunGraph& graph, Executor& executor, const RunOptions& options,
              SharedEnvironments& environments, std::function<void(RunEventKind, UnitIndex)> emit);

  SagaOutcome run();

 private:
  enum class StepEnd { kCompensated, kFailed, kNotRun };

  void start(std::size_t step);
  void on_event(const Event& event);
  void on_exit(UnitIndex leaf, bool succeeded, std::string reason, int exit_code, bool timed_out);
  void end_step(std::size_t step, StepEnd how, const std::string& blocked_reason);
  void interrupt(const Interrupted& interrupted);
  void set_state(UnitIndex leaf, TaskState state);

  RunGraph& graph_;
  Executor& executor_;
  const RunOptions& options_;
  SharedEnvironments& environments_;
  std::function<void(RunEventKind, UnitIndex)> emit_;
  CompensationPlan plan_;
  std::vector<std::size_t> step_of_unit_;           ///< Unit -> step, or kNone.
  std::vector<std::vector<std::size_t>> unblocks_;  ///< Step -> steps waiting for it.
  std::vector<std::size_t> waiting_for_;            ///< Step -> unfinished blockers.
  std::vector<std::string> blocked_by_;             ///< Step -> a failed blocker's reason.
  std::vector<Clock::time_point> first_start_;      ///< Step -> its first attempt's start.
  std::vector<std::size_t> ready_;                  ///< A min-heap of step indices.
  int running_ = 0;
  int retrying_ = 0;
  bool interrupted_ = false;
  std::mt19937_64 random_{std::random_device{}()};
  SagaOutcome outcome_;
};

}  // namespace baton::engine
