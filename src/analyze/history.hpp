// SPEC 2.3 and 5: durations of past runs of a workflow stand in for its tasks' `estimate`, so
// that critical paths, priorities and makespans follow what really happened.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "baton/policy.hpp"
#include "model/workflow.hpp"

namespace baton::analyze {

/// Sets the estimate of every leaf that has a recorded duration: `recorded` pairs task paths
/// (fan-out instances `shards[2]` count for their node `shards`, averaged) with durations.
/// Returns how many leaves took one.
int apply_history(model::Workflow& workflow,
                  const std::vector<std::pair<std::string, Duration>>& recorded);

}  // namespace baton::analyze
