// The spelling of every policy enum in workflow files and reports, in one table per enum.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "baton/policy.hpp"

namespace baton::model {

template <typename E>
struct EnumSpelling;  // Specialised below: `static constexpr std::array kNames` of {value, name}.

template <>
struct EnumSpelling<RetryStrategy> {
  static constexpr std::array<std::pair<RetryStrategy, std::string_view>, 3> kNames{{
      {RetryStrategy::kImmediate, "immediate"},
      {RetryStrategy::kFixed, "fixed"},
      {RetryStrategy::kExponential, "exponential"},
  }};
};
template <>
struct EnumSpelling<BreakerOpenAction> {
  static constexpr std::array<std::pair<BreakerOpenAction, std::string_view>, 2> kNames{{
      {BreakerOpenAction::kFail, "fail"},
      {BreakerOpenAction::kWait, "wait"},
  }};
};
template <>
struct EnumSpelling<TriggerRule> {
  static constexpr std::array<std::pair<TriggerRule, std::string_view>, 8> kNames{{
      {TriggerRule::kAllSuccess, "all_success"},
      {TriggerRule::kAllDone, "all_done"},
      {TriggerRule::kAllFailed, "all_failed"},
      {TriggerRule::kOneSuccess, "one_success"},
      {TriggerRule::kOneFailed, "one_failed"},
      {TriggerRule::kNoneFailed, "none_failed"},
      {TriggerRule::kNoneFailedMinOneSuccess, "none_failed_min_one_success"},
      {TriggerRule::kAlways, "always"},
  }};
};
template <>
struct EnumSpelling<OnFailure> {
  static constexpr std::array<std::pair<OnFailure, std::string_view>, 2> kNames{{
      {OnFailure::kFailParent, "fail_parent"},
      {OnFailure::kIgnore, "ignore"},
  }};
};
template <>
struct EnumSpelling<FailureMode> {
  static constexpr std::array<std::pair<FailureMode, std::string_view>, 3> kNames{{
      {FailureMode::kContinue, "continue"},
      {FailureMode::kStop, "stop"},
      {FailureMode::kCancel, "cancel"},
  }};
};
template <>
struct EnumSpelling<GroupStrategy> {
  static constexpr std::array<std::pair<GroupStrategy, std::string_view>, 2> kNames{{
      {GroupStrategy::kParallel, "parallel"},
      {GroupStrategy::kSequential, "sequential"},
  }};
};
template <>
struct EnumSpelling<Level> {
  static constexpr std::array<std::pair<Level, std::string_view>, 4> kNames{{
      {Level::kEpic, "epic"},
      {Level::kStory, "story"},
      {Level::kTask, "task"},
      {Level::kSubtask, "subtask"},
  }};
};

template <typename E>
constexpr std::string_view to_string(E value) {
  for (const auto& [v, name] : EnumSpelling<E>::kNames) {
    if (v == value) return name;
  }
  return "?";
}

template <typename E>
std::optional<E> parse_enum(std::string_view text) {
  for (const auto& [v, name] : EnumSpelling<E>::kNames) {
    if (name == text) return v;
  }
  return std::nullopt;
}

template <typename E>
std::vector<std::string_view> enum_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : EnumSpelling<E>::kNames) names.push_back(entry.second);
  return names;
}

/// Plural label for counts in plans and reports: "stories", "tasks".
std::string_view plural(Level level);

}  // namespace baton::model
