// The task whose failure would skip the most others (a risk in `baton plan`): the leaf with the
// most transitive dependents.
#pragma once

#include <optional>
#include <vector>

#include "analyze/dag.hpp"

namespace baton::analyze {

struct BlastRadius {
  Vertex task = 0;
  std::size_t dependents = 0;
  bool exact = true;  ///< False if the search stopped at its work budget (a lower bound then).
};

/// Counting every vertex's descendants exactly costs O(V·E), so this searches smartly: the
/// maximum is always at a source, sources are tried in order of a cheap upper bound, 64 at a
/// time in one O(V + E) pass, and the search stops once no remaining bound can beat the best
/// count, or after about 20 passes.
/// Returns nullopt if no leaf has a dependent.
std::optional<BlastRadius> largest_blast_radius(const Dag& dag, const std::vector<Vertex>& topo);

}  // namespace baton::analyze
