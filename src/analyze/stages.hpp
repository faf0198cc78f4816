// Stages and the critical path (SPEC 5): leaves grouped by longest-path depth, and the longest
// chain by estimated duration.
#pragma once

#include <vector>

#include "analyze/dag.hpp"
#include "baton/policy.hpp"

namespace baton::analyze {

/// stages[k]: the leaves whose longest chain of upstream leaves has k links. O(V + E).
std::vector<std::vector<Vertex>> compute_stages(const Dag& dag, const std::vector<Vertex>& topo);

/// For each vertex, the longest duration of a chain that starts with it (itself included): the
/// "remaining critical path" the scheduler ranks by (SPEC 2.3). O(V + E).
std::vector<Duration> remaining_path(const Dag& dag, const std::vector<Vertex>& topo,
                                     const std::vector<Duration>& durations);

struct CriticalPath {
  std::vector<Vertex> tasks;  ///< In execution order.
  Duration duration{0};
};

/// The longest chain by duration; among equals, the one that starts first in file order.
CriticalPath critical_path(const Dag& dag, const std::vector<Duration>& remaining);

}  // namespace baton::analyze
