// SPEC 2.4's derived state of a group, from the states of the leaves recorded under it: what
// `baton status` shows on a group's line and the JSON report's `groups[]`.
#pragma once

#include <string>
#include <vector>

#include "store/records.hpp"

namespace baton::report {

/// SPEC 2.4: `failed` if a leaf failed and was not ignored (a failed compensation counts);
/// else `running` if a leaf is still active; else `skipped` if every leaf was skipped; else
/// `succeeded`. Where SPEC is silent: no leaf recorded yet is `pending`; a leaf not started
/// yet makes the group `running` while the run goes on (`run_live`) and `pending` once it has
/// stopped (held back, or never reached); `cancelled` if a leaf was cancelled; `compensated`
/// if a leaf's success was undone.
std::string group_state(const std::vector<const store::TaskRow*>& leaves, bool run_live);

}  // namespace baton::report
