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

/// Which limits (group concurrency, max_parallel, pools) a simulation honours: all of them,
/// none (to see what they cost), or one (to see what that one costs).
struct LimitChoice {
  enum class Mode { kAll, kNone, kOne };
  Mode mode = Mode::kAll;
  std::uint32_t one = 0;

  static LimitChoice all() { return {}; }
  static LimitChoice none() { return {Mode::kNone, 0}; }
  static LimitChoice only(std::uint32_t limit) { return {Mode::kOne, limit}; }
  bool honours(std::uint32_t limit) const {
    return mode == Mode::kAll || (mode == Mode::kOne && limit == one);
  }
};

/// Simulates the run with every task taking its estimate. O((V + E) log V).
ScheduleEstimate simulate_schedule(const LeafGraph& graph, const std::vector<Duration>& remaining,
                                   int jobs, LimitChoice limits = LimitChoice::all());

}  // namespace baton::analyze
