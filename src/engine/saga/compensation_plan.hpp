// The order of SPEC 3.5: which succeeded tasks get compensated, and which compensations each
// waits for — those of its nearest succeeded dependents that have a `compensate` step, passing
// over dependents without one. Waiting for the nearest ones is enough: they wait for theirs.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/run_graph.hpp"

namespace baton::engine {

struct CompensationPlan {
  /// Leaves that succeeded (not ignored failures) and have `compensate`, the last to finish
  /// first: the order to start them in when several may go (a saga undoes newest first).
  std::vector<UnitIndex> steps;
  /// Per step: the steps that must finish first (indices into `steps`).
  std::vector<std::vector<std::size_t>> waits_for;
};

CompensationPlan plan_compensations(const RunGraph& graph);

}  // namespace baton::engine
