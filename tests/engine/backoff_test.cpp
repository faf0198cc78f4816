// SPEC 3.1's waits and retry decisions, exactly.
#include "engine/retry/backoff.hpp"

#include <gtest/gtest.h>

namespace baton::engine {
namespace {

using std::chrono::milliseconds;

RetryPolicy exponential(int initial_ms, double coefficient) {
  RetryPolicy p;
  p.strategy = RetryStrategy::kExponential;
  p.initial_interval = milliseconds(initial_ms);
  p.backoff_coefficient = coefficient;
  return p;
}

TEST(ExponentialBackoff, MultipliesByTheCoefficientEachTime) {
  auto p = exponential(100, 2.0);
  EXPECT_EQ(retry_delay(p, 1, 0.5), milliseconds(100));
  EXPECT_EQ(retry_delay(p, 2, 0.5), milliseconds(200));
  EXPECT_EQ(retry_delay(p, 4, 0.5), milliseconds(800));
}

TEST(ExponentialBackoff, CapsAtMaxIntervalDefaultingToHundredTimesTheBase) {
  auto p = exponential(100, 10.0);
  EXPECT_EQ(retry_delay(p, 5, 0.5), milliseconds(10'000));
  p.max_interval = milliseconds(250);
  EXPECT_EQ(retry_delay(p, 2, 0.5), milliseconds(250));
}

TEST(ExponentialBackoff, DefaultsAreOneSecondAndTwo) {
  RetryPolicy p;
  EXPECT_EQ(retry_delay(p, 1, 0.0), milliseconds(1000));
  EXPECT_EQ(retry_delay(p, 3, 0.0), milliseconds(4000));
}

TEST(FixedAndImmediate, WaitTheDelayOrNothing) {
  RetryPolicy fixed;
  fixed.strategy = RetryStrategy::kFixed;
  fixed.delay = milliseconds(300);
  EXPECT_EQ(retry_delay(fixed, 1, 0.5), milliseconds(300));
  EXPECT_EQ(retry_delay(fixed, 7, 0.5), milliseconds(300));
  RetryPolicy immediate;
  immediate.strategy = RetryStrategy::kImmediate;
  EXPECT_EQ(retry_delay(immediate, 3, 0.5), milliseconds(0));
}

TEST(DefaultStrategy, IsFixedWhenOnlyADelayIsGivenElseExponential) {
  RetryPolicy delay_only;  // `retry: {max_attempts: 2, delay: 100ms}`, as Airflow's retry_delay.
  delay_only.delay = milliseconds(100);
  EXPECT_EQ(delay_only.effective_strategy(), RetryStrategy::kFixed);
  EXPECT_EQ(retry_delay(delay_only, 1, 0.5), milliseconds(100));
  EXPECT_EQ(retry_delay(delay_only, 4, 0.5), milliseconds(100));
  RetryPolicy both = delay_only;  // An exponential field makes it exponential, as before.
  both.initial_interval = milliseconds(50);
  EXPECT_EQ(both.effective_strategy(), RetryStrategy::kExponential);
  EXPECT_EQ(retry_delay(both, 2, 0.5), milliseconds(100));
  EXPECT_EQ(RetryPolicy{}.effective_strategy(), RetryStrategy::kExponential);
  RetryPolicy said = delay_only;  // A strategy written wins.
  said.strategy = RetryStrategy::kImmediate;
  EXPECT_EQ(retry_delay(said, 1, 0.5), milliseconds(0));
}

TEST(Jitter, DrawsUniformlyAroundTheWaitAndIsCappedToo) {
  auto p = exponential(1000, 2.0);
  p.jitter = 0.5;
  EXPECT_EQ(retry_delay(p, 1, 0.0), milliseconds(500));
  EXPECT_EQ(retry_delay(p, 1, 0.5), milliseconds(1000));
  EXPECT_EQ(retry_delay(p, 1, 0.999), milliseconds(1499));
  p.max_interval = milliseconds(1200);
  EXPECT_EQ(retry_delay(p, 1, 0.999), milliseconds(1200));
}

TEST(ShouldRetry, CountsEveryAttemptIncludingTheFirst) {
  RetryPolicy p;
  p.max_attempts = 3;
  EXPECT_TRUE(decide_retry(p, 1, {1, false}).retry);
  EXPECT_TRUE(decide_retry(p, 2, {1, false}).retry);
  EXPECT_FALSE(decide_retry(p, 3, {1, false}).retry);
  EXPECT_FALSE(decide_retry(RetryPolicy{}, 1, {1, false}).retry);  // Default: one attempt.
}

TEST(ShouldRetry, ZeroMeansUnlimited) {
  RetryPolicy p;
  p.max_attempts = 0;
  EXPECT_TRUE(decide_retry(p, 1000, {1, false}).retry);
}

TEST(ShouldRetry, ExitCodeFilters) {
  RetryPolicy p;
  p.max_attempts = 5;
  p.non_retryable_exit_codes = std::vector<int>{2};
  EXPECT_FALSE(decide_retry(p, 1, {2, false}).retry);
  EXPECT_TRUE(decide_retry(p, 1, {3, false}).retry);
  p.retry_on_exit_codes = std::vector<int>{75};
  EXPECT_FALSE(decide_retry(p, 1, {3, false}).retry);
  EXPECT_TRUE(decide_retry(p, 1, {75, false}).retry);
}

TEST(ShouldRetry, TimeoutsRetryUnlessTurnedOff) {
  RetryPolicy p;
  p.max_attempts = 2;
  EXPECT_TRUE(decide_retry(p, 1, {-1, true}).retry);
  p.retry_on_timeout = false;
  EXPECT_FALSE(decide_retry(p, 1, {-1, true}).retry);
}

TEST(DecideRetry, SaysWhyNot) {
  RetryPolicy p;
  EXPECT_EQ(decide_retry(p, 1, {1, false}).why_not, "max_attempts is 1");
  p.max_attempts = 3;
  EXPECT_EQ(decide_retry(p, 3, {1, false}).why_not, "3 of 3 attempts made");
  p.non_retryable_exit_codes = std::vector<int>{2};
  EXPECT_EQ(decide_retry(p, 1, {2, false}).why_not, "exit code 2 is non-retryable");
  p.retry_on_exit_codes = std::vector<int>{75};
  EXPECT_EQ(decide_retry(p, 1, {9, false}).why_not, "exit code 9 is not in retry_on_exit_codes");
  p.retry_on_timeout = false;
  EXPECT_EQ(decide_retry(p, 1, {-1, true}).why_not,
            "timeouts are not retried (retry_on_timeout: false)");
  EXPECT_TRUE(decide_retry(p, 1, {75, false}).why_not.empty());
}

}  // namespace
}  // namespace baton::engine
