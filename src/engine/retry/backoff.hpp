// Retry decisions of SPEC 3.1: whether a failed attempt is tried again, and after how long.
// Pure functions of the policy (randomness is passed in), so the exact sequences are tested
// without clocks.
#pragma once

#include <string>

#include "baton/policy.hpp"

namespace baton::engine {

/// The wait before attempt k+1, after k failed attempts (k >= 1). `unit_random` is a uniform
/// draw in [0, 1), used only with jitter. The cap `max_interval` (default 100 x the base wait)
/// applies to the wait with jitter included.
Duration retry_delay(const RetryPolicy& policy, int k, double unit_random);

struct AttemptFailure {
  int exit_code = -1;  ///< -1 when a signal ended it or it never started.
  bool timed_out = false;
};

/// Whether another attempt may follow `attempts_made` failed ones, and if not, why (for the
/// progress output and the report).
struct RetryVerdict {
  bool retry = false;
  std::string why_not;  ///< "3 of 3 attempts made", "exit code 2 is non-retryable", ...
};

/// Another attempt follows if the budget (max_attempts, 0 = unlimited) is not spent, the exit
/// code is retryable, and a timeout is retried unless `retry_on_timeout: false`. `earlier`:
/// attempts made before a resume, which the budget does not count (SPEC 4) but the numbers in
/// `why_not` do ("4 of 4 attempts made", as the attempts are numbered).
RetryVerdict decide_retry(const RetryPolicy& policy, int attempts_made,
                          const AttemptFailure& failure, int earlier = 0);

}  // namespace baton::engine
