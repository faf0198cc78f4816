// Trigger rules (SPEC 3.2): given how a node's direct upstreams turned out so far, should it
// wait, run, or be skipped (and why)? A pure function, so the scheduler's hardest rule is
// tested without processes or clocks.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "baton/policy.hpp"
#include "engine/task_state.hpp"

namespace baton::engine {

struct UpstreamOutcome {
  Outcome outcome = Outcome::kUnfinished;
  std::string_view path;  ///< Named in a skip reason.
};

struct TriggerDecision {
  enum class Kind { kWait, kRun, kSkip };
  Kind kind = Kind::kWait;
  std::string reason;            ///< With kSkip: `upstream_failed: a` or `trigger_rule: X not met`.
  bool upstream_failed = false;  ///< With kSkip: the skip counts as a failure downstream.
};

/// `one_success` and `one_failed` fire as soon as one upstream qualifies; every other rule waits
/// until all upstreams are finished. A node without upstreams runs whatever its rule.
TriggerDecision evaluate_trigger(TriggerRule rule, std::span<const UpstreamOutcome> upstreams);

}  // namespace baton::engine
