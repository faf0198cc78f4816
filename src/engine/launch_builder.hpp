// One attempt of a leaf as a process to start (SPEC 2.1, 1.4): argv (the fast path or
// /bin/sh -c), the environment in its layers, the working directory, the log and outputs files,
// with every template expanded from the run's data.
#pragma once

#include <filesystem>
#include <string>

#include "engine/launch.hpp"
#include "engine/run_graph.hpp"
#include "engine/run_options.hpp"

namespace baton::engine {

struct PreparedLaunch {
  LaunchSpec spec;
  std::filesystem::path output_file;  ///< $BATON_OUTPUT.
  std::string error;                  ///< Non-empty if the attempt cannot start (a template).
};

PreparedLaunch prepare_launch(const RunGraph& graph, UnitIndex leaf, int attempt,
                              const RunOptions& options);

/// Where an attempt's log goes: RUN_DIR/logs/PATH.ATTEMPT.log.
std::filesystem::path log_path(const RunOptions& options, const std::string& path, int attempt);

}  // namespace baton::engine
