#include "engine/retry/backoff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace baton::engine {
namespace {

constexpr Duration kDefaultBase{1000};
constexpr double kDefaultCoefficient = 2.0;
constexpr double kMaxMilliseconds = 1e15;  // Keeps pow() from overflowing into nonsense.

}  // namespace

Duration retry_delay(const RetryPolicy& policy, int k, double unit_random) {
  auto strategy = policy.effective_strategy();
  if (strategy == RetryStrategy::kImmediate) return Duration(0);
  Duration base = strategy == RetryStrategy::kFixed
                      ? policy.delay.value_or(kDefaultBase)
                      : policy.initial_interval.value_or(kDefaultBase);
  double wait = static_cast<double>(base.count());
  if (strategy == RetryStrategy::kExponential) {
    wait *= std::pow(policy.backoff_coefficient.value_or(kDefaultCoefficient), std::max(0, k - 1));
  }
  double jitter = policy.jitter.value_or(0.0);
  if (jitter > 0) wait *= (1.0 - jitter) + 2.0 * jitter * unit_random;
  double cap = static_cast<double>(policy.max_interval.value_or(base * 100).count());
  wait = std::min({wait, cap, kMaxMilliseconds});
  return Duration(static_cast<Duration::rep>(std::llround(wait)));
}

RetryVerdict decide_retry(const RetryPolicy& policy, int attempts_made,
                          const AttemptFailure& failure, int earlier) {
  int budget = policy.max_attempts.value_or(1);
  if (budget == 1) return {false, "max_attempts is 1"};
  if (budget != 0 && attempts_made >= budget) {
    return {false,
            fmt::format("{} of {} attempts made", earlier + attempts_made, earlier + budget)};
  }
  if (failure.timed_out) {
    if (policy.retry_on_timeout.value_or(true)) return {true, {}};
    return {false, "timeouts are not retried (retry_on_timeout: false)"};
  }
  if (failure.exit_code >= 0) {
    if (const auto& never = policy.non_retryable_exit_codes;
        never && std::find(never->begin(), never->end(), failure.exit_code) != never->end()) {
      return {false, fmt::format("exit code {} is non-retryable", failure.exit_code)};
    }
    if (const auto& only = policy.retry_on_exit_codes;
        only && std::find(only->begin(), only->end(), failure.exit_code) == only->end()) {
      return {false, fmt::format("exit code {} is not in retry_on_exit_codes", failure.exit_code)};
    }
  }
  return {true, {}};
}

}  // namespace baton::engine
