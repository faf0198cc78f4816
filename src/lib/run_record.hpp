// What a finished library run leaves: its tasks as results, and what the report needs (the
// store it was recorded in and the workflow it ran).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "baton/engine.hpp"
#include "lib/local_executor.hpp"
#include "model/workflow.hpp"
#include "store/store.hpp"

namespace baton::detail {

struct WorkflowState;

struct RunRecord {
  std::string id;
  RunStatus status = RunStatus::kFailed;
  std::chrono::system_clock::time_point started, ended;
  std::vector<TaskResult> tasks;  ///< Not changed once the run is over.
  std::shared_ptr<store::Store> store;
  std::string state_flag;  ///< " --state DIR" in the commands the report prints.

  /// The workflow it ran, as the report reads it. A run that took the lean way
  /// (FastGraph::lean) never built it: it is built on first use, from any thread.
  const model::Workflow& workflow() const;
  void set_workflow(model::Workflow workflow) { workflow_ = std::move(workflow); }
  model::Workflow& own_workflow() { return workflow_; }  ///< While the run records history.
  /// For a lean run: the workflow's own values and its needs, which with the tasks' paths (in
  /// order, as they were added) make the WorkflowState it ran again.
  void set_lean_source(model::Workflow top, std::vector<std::pair<std::uint32_t, std::uint32_t>> needs);

  /// The task at `path`, or null. Its index is built on the first lookup, from any thread:
  /// many runs are only asked for their status, and a million-task run would pay for it.
  const TaskResult* find_task(std::string_view path) const {
    std::call_once(indexed_, [this] {
      task_index_.reserve(tasks.size());
      for (std::size_t i = 0; i < tasks.size(); ++i) task_index_.emplace(tasks[i].path, i);
    });
    auto it = task_index_.find(path);
    return it == task_index_.end() ? nullptr : &tasks[it->second];
  }

 private:
  struct LeanSource {
    model::Workflow top;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> needs;
  };
  std::unique_ptr<LeanSource> lean_;
  mutable std::once_flag built_;
  mutable model::Workflow workflow_;
  mutable std::once_flag indexed_;
  mutable std::unordered_map<std::string_view, std::size_t> task_index_;  ///< Into `tasks`.
};

/// Runs `workflow` on the calling thread. `cancel` stops it from another thread.
std::shared_ptr<const RunRecord> run_workflow(const WorkflowState& workflow,
                                              const EngineOptions& options,
                                              std::shared_ptr<lib::CancelSignal> cancel);

}  // namespace baton::detail
