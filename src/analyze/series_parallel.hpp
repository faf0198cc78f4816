// Series-parallel recognition of the partial order a Dag induces: the test behind the
// `fan-out/fan-in` strategy of `baton plan` (SPEC section 5).
#pragma once

#include <span>

#include "analyze/dag.hpp"

namespace baton::analyze {

/// True if the partial order that `dag` induces on `vertices` (all vertices if empty) is
/// series-parallel: built from single vertices by series and parallel composition; equivalently
/// its transitive reduction is vertex series-parallel, i.e. it has no induced N (a<c, b<c, b<d
/// with a, d incomparable).
///
/// The answer is about the order, not the edge list: transitive edges (a->b, b->c, a->c) do not
/// change it. For a subset, only edges with both ends in `vertices` count; paths through vertices
/// outside it are not followed.
///
/// Requires: every id in `vertices` < dag.size(); duplicates are ignored. The empty order (an
/// empty dag) is series-parallel. Cost: O((V + E) * d), d the nesting depth of the decomposition
/// (at most 3 for chains, fork-joins and layered graphs). Thread safety: a pure function.
bool is_series_parallel(const Dag& dag, std::span<const Vertex> vertices = {});

}  // namespace baton::analyze
