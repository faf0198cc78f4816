// The live status line's ETA (SPEC 5): the time a run has left, from its tasks' estimates and
// history rather than from the pace so far alone.
#pragma once

#include <chrono>
#include <optional>

#include "engine/run_graph.hpp"

namespace baton::cli {

/// The time left before every leaf of `graph` is done, as of `now`, with `jobs` slots: the larger
/// of the longest remaining chain and the remaining work spread over the slots (what `baton plan`
/// calls the makespan estimate; pools and group limits are left out). A leaf is expected to take
/// its `estimate`, which the run command set from past runs of the workflow where the file gives
/// none (SPEC 2.3), else the mean duration of the leaves that succeeded so far in this run; a
/// running one has that minus how long it has run, a retrying one waits out its backoff first,
/// and a gate waiting for a verdict counts nothing (no one can say when a person answers).
/// Nullopt when some leaf left has no estimate and none has succeeded yet. O(units + edges).
std::optional<std::chrono::milliseconds> time_left(const engine::RunGraph& graph, int jobs,
                                                   std::chrono::system_clock::time_point now);

}  // namespace baton::cli
