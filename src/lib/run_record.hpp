// What a finished library run leaves: its tasks as results, and what the report needs (the
// store it was recorded in and the workflow it ran).
#pragma once

#include <functional>
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
  std::shared_ptr<store::Store> store;
  std::string state_flag;  ///< " --state DIR" in the commands the report prints.

  /// The workflow it ran, as the report reads it. A run that took the lean way
  /// (FastGraph::lean) never built it: it is built on first use, from any thread.
  const model::Workflow& workflow() const;
  void set_workflow(model::Workflow workflow) { workflow_ = std::move(workflow); }
  model::Workflow& own_workflow() { return workflow_; }  ///< While the run records history.
  /// For a lean run: the workflow's own values and its needs, which with the tasks' paths (in
  /// order, as they were added) make the WorkflowState it ran again.
  void set_lean_source(model::Workflow top,
                       std::vector<std::pair<std::uint32_t, std::uint32_t>> needs);

  /// Every leaf's result, in file order; not changed once the run is over. A fast-path run
  /// makes them on first use, from any thread (see defer_tasks).
  const std::vector<TaskResult>& tasks() const {
    std::call_once(filled_, [this] {
      if (fill_) fill_(tasks_);
      fill_ = nullptr;  // What it kept of the run is no longer needed.
    });
    return tasks_;
  }
  /// The results, for the engine's way, which writes them as the run ends.
  std::vector<TaskResult>& own_tasks() { return tasks_; }
  /// The results made by `fill` when first asked: a TaskResult is ~270 bytes with its attempt,
  /// more than running an empty task costs, and many runs are only asked for their status.
  void defer_tasks(std::function<void(std::vector<TaskResult>&)> fill) { fill_ = std::move(fill); }

  /// The task at `path`, or null. Its index is built on the first lookup, from any thread:
  /// many runs are only asked for their status, and a million-task run would pay for it.
  const TaskResult* find_task(std::string_view path) const {
    const auto& all = tasks();
    std::call_once(indexed_, [this, &all] {
      task_index_.reserve(all.size());
      for (std::size_t i = 0; i < all.size(); ++i) task_index_.emplace(all[i].path, i);
    });
    auto it = task_index_.find(path);
    return it == task_index_.end() ? nullptr : &all[it->second];
  }

 private:
  struct LeanSource {
    model::Workflow top;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> needs;
  };
  std::unique_ptr<LeanSource> lean_;
  mutable std::once_flag built_;
  mutable model::Workflow workflow_;
  mutable std::vector<TaskResult> tasks_;
  mutable std::function<void(std::vector<TaskResult>&)> fill_;
  mutable std::once_flag filled_;
  mutable std::once_flag indexed_;
  mutable std::unordered_map<std::string_view, std::size_t> task_index_;  ///< Into `tasks`.
};

/// Runs `workflow` on the calling thread. `cancel` stops it from another thread.
std::shared_ptr<const RunRecord> run_workflow(const WorkflowState& workflow,
                                              const EngineOptions& options,
                                              std::shared_ptr<lib::CancelSignal> cancel);

}  // namespace baton::detail
