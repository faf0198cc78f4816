// Policies a workflow attaches to its nodes: retry, circuit breakers, trigger rules, failure
// propagation. Plain value types; every field that can be inherited is optional so that a nearer
// setting can be merged over a farther one field by field (SPEC 1.2).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace baton {

/// Durations are kept in milliseconds; `1.5s` is 1500 ms.
using Duration = std::chrono::milliseconds;

enum class RetryStrategy { kImmediate, kFixed, kExponential };

/// SPEC 3.1. Unset fields inherit from the nearest ancestor that sets them, then the defaults
/// below.
struct RetryPolicy {
  /// Default: `fixed` if `delay` is set and neither `initial_interval` nor
  /// `backoff_coefficient` is (as Airflow's retry_delay), else `exponential` (as Temporal's).
  std::optional<RetryStrategy> strategy = {};
  std::optional<int> max_attempts = {};  ///< Counts the first attempt. Default 1; 0 = unlimited.
  std::optional<Duration> delay = {};    ///< `fixed`. Default 1s.
  std::optional<Duration> initial_interval = {};   ///< `exponential`. Default 1s.
  std::optional<double> backoff_coefficient = {};  ///< `exponential`. Default 2.0.
  std::optional<Duration> max_interval = {};       ///< Default 100 x delay or initial_interval.
  std::optional<double> jitter = {};               ///< In [0, 1]. Default 0.
  std::optional<std::vector<int>> non_retryable_exit_codes = {};
  std::optional<std::vector<int>> retry_on_exit_codes = {};
  std::optional<bool> retry_on_timeout = {};  ///< Default true.

  /// Fills every unset field from `farther` (a setting made further up the tree).
  void inherit_from(const RetryPolicy& farther);

  int effective_max_attempts() const { return max_attempts.value_or(1); }
  /// `strategy`, or its default (above).
  RetryStrategy effective_strategy() const {
    if (strategy) return *strategy;
    bool fixed = delay && !initial_interval && !backoff_coefficient;
    return fixed ? RetryStrategy::kFixed : RetryStrategy::kExponential;
  }
};

/// SPEC 3.3: a named breaker shared by the leaves that name it.
enum class BreakerOpenAction { kFail, kWait };
struct BreakerSpec {
  std::string name = {};
  int failure_threshold = 5;
  Duration reset_timeout = std::chrono::seconds(30);
  int half_open_max = 1;
  BreakerOpenAction on_open = BreakerOpenAction::kFail;
};

/// SPEC 3.2.
enum class TriggerRule {
  kAllSuccess,
  kAllDone,
  kAllFailed,
  kOneSuccess,
  kOneFailed,
  kNoneFailed,
  kNoneFailedMinOneSuccess,
  kAlways,
};

enum class OnFailure { kFailParent, kIgnore };

/// SPEC 3.4: what the run does once a failure has failed it.
enum class FailureMode { kContinue, kStop, kCancel };

/// SPEC 1.2: how a group orders its children.
enum class GroupStrategy { kParallel, kSequential };

/// SPEC 1.3: labels for plans and reports.
enum class Level { kEpic, kStory, kTask, kSubtask };

}  // namespace baton
