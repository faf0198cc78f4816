// One named circuit breaker of SPEC 3.3, as a pure state machine: the scheduler asks it before
// each attempt of a task bound to it and tells it every result; time comes from the caller, so
// every transition is tested without clocks.
//
//   closed --failure_threshold consecutive failed attempts--> open
//   open --reset_timeout passed--> half-open   (the caller's timer calls on_reset_due)
//   half-open --a trial attempt succeeds--> closed
//   half-open --a trial attempt fails--> open
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "baton/policy.hpp"
#include "engine/launch.hpp"

namespace baton::engine {

enum class BreakerState { kClosed, kOpen, kHalfOpen };
/// `closed`, `open`, `half_open`.
std::string_view to_string(BreakerState state);

struct BreakerChange {
  BreakerState from = BreakerState::kClosed;
  BreakerState to = BreakerState::kClosed;
  std::string why;  ///< "3 consecutive failed attempts", "reset_timeout 30s passed", ...
};

/// Held by an attempt the breaker let through; its result is reported with it.
struct BreakerTicket {
  std::uint64_t generation = 0;  ///< The breaker state it was admitted in.
  bool trial = false;            ///< A half-open probe.
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(BreakerSpec spec) : spec_(std::move(spec)) {}

  const BreakerSpec& spec() const { return spec_; }
  BreakerState state() const { return state_; }
  /// While half-open: how many more trial attempts may start now.
  int free_trials() const { return spec_.half_open_max - trials_in_flight_; }
  /// While open: when it turns half-open.
  Clock::time_point half_open_at() const { return half_open_at_; }

  /// A ticket if an attempt may start now: always when closed, up to `half_open_max` trials at
  /// once when half-open, never when open.
  std::optional<BreakerTicket> try_admit();

  /// The result of an attempt admitted with `ticket`. Results of attempts admitted in an earlier
  /// state (say, still running when the breaker opened) change nothing.
  std::optional<BreakerChange> record(const BreakerTicket& ticket, bool succeeded,
                                      Clock::time_point now);

  /// An admitted attempt ended without a verdict (cancelled): its trial place is free again.
  void release(const BreakerTicket& ticket);

  /// Open and `now` is past half_open_at(): turns half-open. Otherwise nothing (a timer set for
  /// an earlier opening).
  std::optional<BreakerChange> on_reset_due(Clock::time_point now);

 private:
  BreakerChange move_to(BreakerState to, std::string why, Clock::time_point now);

  BreakerSpec spec_;
  BreakerState state_ = BreakerState::kClosed;
  int consecutive_failures_ = 0;
  int trials_in_flight_ = 0;
  std::uint64_t generation_ = 0;  ///< Bumped by every transition.
  Clock::time_point half_open_at_{};
};

}  // namespace baton::engine
