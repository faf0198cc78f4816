// Executor timers carry one 64-bit token; the scheduler's say what is due and for which unit or
// breaker, so that one timer source serves backoffs, deadlines and breaker resets.
#pragma once

#include <cstdint>

namespace baton::engine {

enum class TimerKind : std::uint32_t {
  kRetry = 1,         ///< A leaf's backoff is over.
  kDeadline = 2,      ///< A leaf's deadline has come.
  kBreakerReset = 3,  ///< A breaker's reset_timeout has passed.
  kCompensationRetry = 4,
  kApprovalTimeout = 5,  ///< An approval gate's `timeout` has passed.
  kVerdictPoll = 6,      ///< Time to look for verdicts again (RunOptions::verdict_poll).
};

struct TimerToken {
  TimerKind kind;
  std::uint32_t index;  ///< A unit, or a breaker.

  std::uint64_t encode() const { return (std::uint64_t(kind) << 32) | index; }
  static TimerToken decode(std::uint64_t token) {
    return {static_cast<TimerKind>(token >> 32), static_cast<std::uint32_t>(token)};
  }
};

}  // namespace baton::engine
