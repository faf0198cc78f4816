// What the fast path's run (fast_path.cpp) and its record (fast_path_record.cpp) share: the
// nodes' states and what each means to the engine's rules, and what a worker keeps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "engine/task_state.hpp"
#include "engine/trigger.hpp"
#include "lib/fast_path.hpp"

namespace baton::detail::fast {

// A node's state (FastGraph::Node::state). On a group, the two first skips mean skipped before it
// opened (its subtree inherits the skip, as engine::Scheduler::skip_subtree does).
enum State : std::uint8_t {
  kPending,
  kSucceeded,
  kFailed,
  kSkippedUpstreamFailed,  // An upstream failed: counts as a failure downstream.
  kSkippedNotMet,          // all_success not met: an upstream was skipped.
  kSkippedDerived,         // A group that opened and whose children were all skipped.
  kCancelled,
  kOpened,  // A group whose children are under way.
};

inline bool skipped_before_opening(std::uint8_t state) {
  return state == kSkippedUpstreamFailed || state == kSkippedNotMet;
}

inline engine::Outcome outcome_of(std::uint8_t state) {
  switch (state) {
    case kSucceeded:
      return engine::Outcome::kSucceeded;
    case kFailed:
    case kSkippedUpstreamFailed:
    case kCancelled:
      return engine::Outcome::kFailed;
    case kSkippedNotMet:
    case kSkippedDerived:
      return engine::Outcome::kSkipped;
    default:
      return engine::Outcome::kUnfinished;
  }
}

inline engine::ChildState child_state_of(std::uint8_t state) {
  switch (state) {
    case kSucceeded:
      return {engine::TaskState::kSucceeded, false, false};
    case kFailed:
      return {engine::TaskState::kFailed, false, false};
    case kSkippedUpstreamFailed:
      return {engine::TaskState::kSkipped, false, true};
    case kSkippedNotMet:
    case kSkippedDerived:
      return {engine::TaskState::kSkipped, false, false};
    case kCancelled:
      return {engine::TaskState::kCancelled, false, false};
    default:
      return {engine::TaskState::kRunning, false, false};
  }
}

inline std::string_view state_name(std::uint8_t state) {
  switch (state) {
    case kSucceeded:
      return "succeeded";
    case kFailed:
      return "failed";
    case kSkippedUpstreamFailed:
    case kSkippedNotMet:
    case kSkippedDerived:
      return "skipped";
    case kCancelled:
      return "cancelled";
    default:
      return "pending";
  }
}

}  // namespace baton::detail::fast

namespace baton::detail {

struct FastRun::Worker {
  StealDeque deque;
  std::size_t index = 0;
  std::size_t finished = 0;  ///< Nodes finished and not yet added to finished_.
  std::vector<Failure> failures;
  std::vector<std::pair<std::uint32_t, std::string>> logs;  ///< Tasks that logged, and where.
  std::thread thread;
};

}  // namespace baton::detail
