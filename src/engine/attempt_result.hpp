// How an ended attempt is written down and described, the same for a task and a compensation.
#pragma once

#include <optional>
#include <string>

#include "baton/policy.hpp"
#include "engine/launch.hpp"
#include "engine/run_graph.hpp"

namespace baton::engine {

/// Copies the exit status and the end time into `record`.
void record_exit(AttemptRecord& record, const AttemptExited& exited);

/// "exit 3", "killed by signal 9", "timed out after 2s".
std::string describe_exit(const AttemptExited& exited, std::optional<Duration> timeout);

}  // namespace baton::engine
