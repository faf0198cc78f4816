// What a finished library run leaves: its tasks as results, and what the report needs (the
// store it was recorded in and the workflow it ran).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "baton/engine.hpp"
#include "model/workflow.hpp"
#include "lib/local_executor.hpp"
#include "store/store.hpp"

namespace baton::detail {

struct WorkflowState;

struct RunRecord {
  std::string id;
  RunStatus status = RunStatus::kFailed;
  std::chrono::system_clock::time_point started, ended;
  std::vector<TaskResult> tasks;
  std::unordered_map<std::string, std::size_t> task_index;  ///< By path.
  model::Workflow workflow;
  std::shared_ptr<store::Store> store;
  std::string state_flag;  ///< " --state DIR" in the commands the report prints.
};

/// Runs `workflow` on the calling thread. `cancel` stops it from another thread.
std::shared_ptr<const RunRecord> run_workflow(const WorkflowState& workflow,
                                              const EngineOptions& options,
                                              std::shared_ptr<lib::CancelSignal> cancel);

}  // namespace baton::detail
