#include "engine/breaker/circuit_breaker.hpp"

#include <fmt/format.h>

#include "model/duration.hpp"

namespace baton::engine {

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "?";
}

std::optional<BreakerTicket> CircuitBreaker::try_admit() {
  switch (state_) {
    case BreakerState::kClosed:
      return BreakerTicket{generation_, false};
    case BreakerState::kOpen:
      return std::nullopt;
    case BreakerState::kHalfOpen:
      if (trials_in_flight_ >= spec_.half_open_max) return std::nullopt;
      ++trials_in_flight_;
      return BreakerTicket{generation_, true};
  }
  return std::nullopt;
}

std::optional<BreakerChange> CircuitBreaker::record(const BreakerTicket& ticket, bool succeeded,
                                                    Clock::time_point now) {
  if (ticket.generation != generation_) return std::nullopt;
  if (state_ == BreakerState::kHalfOpen) {
    --trials_in_flight_;
    if (succeeded) return move_to(BreakerState::kClosed, "a trial attempt succeeded", now);
    return move_to(BreakerState::kOpen, "a trial attempt failed", now);
  }
  if (state_ != BreakerState::kClosed) return std::nullopt;
  if (succeeded) {
    consecutive_failures_ = 0;
    return std::nullopt;
  }
  if (++consecutive_failures_ < spec_.failure_threshold) return std::nullopt;
  return move_to(BreakerState::kOpen,
                 fmt::format("{} consecutive failed attempt{}", consecutive_failures_,
                             consecutive_failures_ == 1 ? "" : "s"),
                 now);
}

void CircuitBreaker::release(const BreakerTicket& ticket) {
  if (ticket.trial && ticket.generation == generation_ && state_ == BreakerState::kHalfOpen) {
    --trials_in_flight_;
  }
}

std::optional<BreakerChange> CircuitBreaker::on_reset_due(Clock::time_point now) {
  if (state_ != BreakerState::kOpen || now < half_open_at_) return std::nullopt;
  return move_to(
      BreakerState::kHalfOpen,
      fmt::format("reset_timeout {} passed", model::format_duration(spec_.reset_timeout)), now);
}

BreakerChange CircuitBreaker::move_to(BreakerState to, std::string why, Clock::time_point now) {
  BreakerChange change{state_, to, std::move(why)};
  state_ = to;
  ++generation_;
  consecutive_failures_ = 0;
  trials_in_flight_ = 0;
  if (to == BreakerState::kOpen) half_open_at_ = now + spec_.reset_timeout;
  return change;
}

}  // namespace baton::engine
