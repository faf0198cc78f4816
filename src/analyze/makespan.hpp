// Estimated makespan (SPEC 5): list scheduling of the leaf DAG on N jobs with the scheduler's own
// priority (SPEC 2.3: priority, then remaining critical path, then file order).
#pragma once

#include <vector>

#include "analyze/leaf_graph.hpp"

namespace baton::analyze {

struct ScheduleEstimate {
  Duration makespan{0};
  /// Per limit of the graph: how many times it held back a ready task while a job was free.
  std::vector<std::size_t> held_back;
};

/// Simulates the run with every task taking its estimate. With `honour_limits` false, group
/// concurrency, max_parallel and pools are ignored (to see what they cost). O((V + E) log V).
ScheduleEstimate simulate_schedule(const LeafGraph& graph, const std::vector<Duration>& remaining,
                                   int jobs, bool honour_limits);

}  // namespace baton::analyze
