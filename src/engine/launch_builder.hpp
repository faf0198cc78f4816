// One attempt of a leaf as a process to start (SPEC 2.1, 1.4): argv (the fast path or
// /bin/sh -c), the environment in its layers, the working directory, the log and outputs files,
// with every template expanded from the run's data.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/launch.hpp"
#include "engine/run_graph.hpp"
#include "engine/run_options.hpp"

namespace baton::engine {

struct PreparedLaunch {
  LaunchSpec spec;
  std::string output_file;  ///< $BATON_OUTPUT.
  std::string error;        ///< Non-empty if the attempt cannot start (a template).
};

/// Environments shared between attempts: baton's own (minus the names baton sets per attempt)
/// merged with a node's effective `env`, one per distinct settings object, built on
/// first use. Settings whose env holds templates are expanded per attempt instead.
class SharedEnvironments {
 public:
  explicit SharedEnvironments(const std::vector<std::string>& base_env);
  std::shared_ptr<const std::vector<std::string>> for_settings(const model::Settings& settings);
  const std::map<std::string, std::string>& base() const { return base_; }

 private:
  std::map<std::string, std::string> base_;
  // Keyed by the env a node ends up with, not by its settings: nodes with settings of their own
  // (a timeout, an estimate) each hold a merged copy, yet nearly all share one environment.
  std::map<model::EnvMap, std::shared_ptr<const std::vector<std::string>>> cache_;
};

/// What an attempt runs: the leaf's own command, or its `compensate` step (SPEC 3.5), which
/// sees the task's own outputs as BATON_OUT_* besides its upstreams' and has BATON_COMPENSATING=1.
enum class Step { kTask, kCompensation };

PreparedLaunch prepare_launch(const RunGraph& graph, UnitIndex leaf, int attempt,
                              const RunOptions& options, SharedEnvironments& environments,
                              Step step = Step::kTask);

/// Where an attempt's outputs go: RUN_DIR/outputs/PATH.ATTEMPT ($BATON_OUTPUT), or
/// PATH.compensate.ATTEMPT for a compensation.
std::string output_path(const RunOptions& options, const std::string& path, int attempt,
                        Step step = Step::kTask);

/// Where an attempt's log goes: RUN_DIR/logs/PATH.ATTEMPT.log, or PATH.compensate.ATTEMPT.log.
std::string log_path(const RunOptions& options, const std::string& path, int attempt,
                     Step step = Step::kTask);

}  // namespace baton::engine
