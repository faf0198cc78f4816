// SPEC 3.3's breaker as a state machine, on a fake clock: every transition, stale results,
// half-open probing with more than one trial.
#include "engine/breaker/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace baton::engine {
namespace {

using std::chrono::milliseconds;

BreakerSpec spec(int threshold, int reset_ms, int half_open_max = 1) {
  BreakerSpec s;
  s.name = "payments";
  s.failure_threshold = threshold;
  s.reset_timeout = milliseconds(reset_ms);
  s.half_open_max = half_open_max;
  return s;
}

const Clock::time_point t0{};

TEST(CircuitBreaker, OpensAfterThresholdConsecutiveFailures) {
  CircuitBreaker b(spec(3, 1000));
  for (int i = 0; i < 2; ++i) {
    auto ticket = b.try_admit();
    ASSERT_TRUE(ticket);
    EXPECT_FALSE(b.record(*ticket, false, t0));
  }
  auto change = b.record(*b.try_admit(), false, t0 + milliseconds(5));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->from, BreakerState::kClosed);
  EXPECT_EQ(change->to, BreakerState::kOpen);
  EXPECT_EQ(change->why, "3 consecutive failed attempts");
  EXPECT_EQ(b.half_open_at(), t0 + milliseconds(1005));
  EXPECT_FALSE(b.try_admit());
}

TEST(CircuitBreaker, ASuccessResetsTheCount) {
  CircuitBreaker b(spec(2, 1000));
  EXPECT_FALSE(b.record(*b.try_admit(), false, t0));
  EXPECT_FALSE(b.record(*b.try_admit(), true, t0));
  EXPECT_FALSE(b.record(*b.try_admit(), false, t0));
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_TRUE(b.record(*b.try_admit(), false, t0));
  EXPECT_EQ(b.state(), BreakerState::kOpen);
}

TEST(CircuitBreaker, TurnsHalfOpenOnlyOnceTheResetTimeoutHasPassed) {
  CircuitBreaker b(spec(1, 1000));
  b.record(*b.try_admit(), false, t0);
  EXPECT_FALSE(b.on_reset_due(t0 + milliseconds(999)));
  auto change = b.on_reset_due(t0 + milliseconds(1000));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->to, BreakerState::kHalfOpen);
  EXPECT_EQ(change->why, "reset_timeout 1s passed");
  EXPECT_FALSE(b.on_reset_due(t0 + milliseconds(2000)));  // Already half-open.
}

TEST(CircuitBreaker, HalfOpenLetsHalfOpenMaxTrialsThroughAtOnce) {
  CircuitBreaker b(spec(1, 10, 2));
  b.record(*b.try_admit(), false, t0);
  b.on_reset_due(t0 + milliseconds(10));
  auto first = b.try_admit(), second = b.try_admit();
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->trial && second->trial);
  EXPECT_FALSE(b.try_admit());
  b.release(*second);  // Cancelled: its place is free again.
  EXPECT_TRUE(b.try_admit());
}

TEST(CircuitBreaker, ATrialSuccessClosesIt) {
  CircuitBreaker b(spec(1, 10));
  b.record(*b.try_admit(), false, t0);
  b.on_reset_due(t0 + milliseconds(10));
  auto change = b.record(*b.try_admit(), true, t0 + milliseconds(20));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->from, BreakerState::kHalfOpen);
  EXPECT_EQ(change->to, BreakerState::kClosed);
  EXPECT_TRUE(b.try_admit());
}

TEST(CircuitBreaker, ATrialFailureReopensItForAnotherResetTimeout) {
  CircuitBreaker b(spec(3, 100));
  for (int i = 0; i < 3; ++i) b.record(*b.try_admit(), false, t0);
  b.on_reset_due(t0 + milliseconds(100));
  auto change = b.record(*b.try_admit(), false, t0 + milliseconds(150));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->to, BreakerState::kOpen);
  EXPECT_EQ(change->why, "a trial attempt failed");
  EXPECT_EQ(b.half_open_at(), t0 + milliseconds(250));
}

TEST(CircuitBreaker, ResultsFromAnEarlierStateChangeNothing) {
  CircuitBreaker b(spec(1, 100));
  auto before = b.try_admit();  // Still running when the breaker opens.
  b.record(*b.try_admit(), false, t0);
  EXPECT_FALSE(b.record(*before, true, t0));
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  b.on_reset_due(t0 + milliseconds(100));
  EXPECT_FALSE(b.record(*before, false, t0 + milliseconds(101)));
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
}

}  // namespace
}  // namespace baton::engine
