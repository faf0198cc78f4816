#include "engine/trigger.hpp"

#include <fmt/format.h>

#include "model/enums.hpp"

namespace baton::engine {
namespace {

struct Tally {
  std::size_t unfinished = 0, succeeded = 0, failed = 0, skipped = 0;
  std::string_view first_failed;
};

Tally count(std::span<const UpstreamOutcome> upstreams) {
  Tally t;
  for (const auto& up : upstreams) {
    switch (up.outcome) {
      case Outcome::kUnfinished:
        ++t.unfinished;
        break;
      case Outcome::kSucceeded:
        ++t.succeeded;
        break;
      case Outcome::kSkipped:
        ++t.skipped;
        break;
      case Outcome::kFailed:
        if (t.failed++ == 0) t.first_failed = up.path;
        break;
    }
  }
  return t;
}

TriggerDecision run() { return {TriggerDecision::Kind::kRun, {}, false}; }
TriggerDecision wait() { return {}; }
TriggerDecision skip_upstream_failed(std::string_view path) {
  return {TriggerDecision::Kind::kSkip, fmt::format("upstream_failed: {}", path), true};
}
TriggerDecision skip_not_met(TriggerRule rule) {
  return {TriggerDecision::Kind::kSkip,
          fmt::format("trigger_rule: {} not met", model::to_string(rule)), false};
}

}  // namespace

TriggerDecision evaluate_trigger(TriggerRule rule, std::span<const UpstreamOutcome> upstreams) {
  if (upstreams.empty()) return run();
  Tally t = count(upstreams);
  // The two rules that fire early, as in Airflow.
  if (rule == TriggerRule::kOneSuccess) {
    if (t.succeeded > 0) return run();
    if (t.unfinished > 0) return wait();
    // Nothing succeeded and something failed: Airflow's upstream_failed, passed on as a failure.
    return t.failed > 0 ? skip_upstream_failed(t.first_failed) : skip_not_met(rule);
  }
  if (rule == TriggerRule::kOneFailed) {
    if (t.failed > 0) return run();
    return t.unfinished > 0 ? wait() : skip_not_met(rule);
  }
  if (t.unfinished > 0) return wait();
  switch (rule) {
    case TriggerRule::kAllSuccess:
      if (t.failed > 0) return skip_upstream_failed(t.first_failed);
      return t.skipped > 0 ? skip_not_met(rule) : run();
    case TriggerRule::kAllFailed:
      return t.failed == upstreams.size() ? run() : skip_not_met(rule);
    case TriggerRule::kNoneFailed:
      return t.failed > 0 ? skip_upstream_failed(t.first_failed) : run();
    case TriggerRule::kNoneFailedMinOneSuccess:
      if (t.failed > 0) return skip_upstream_failed(t.first_failed);
      return t.succeeded > 0 ? run() : skip_not_met(rule);
    case TriggerRule::kAllDone:
    case TriggerRule::kAlways:
      return run();
    case TriggerRule::kOneSuccess:
    case TriggerRule::kOneFailed:
      break;  // Handled above.
  }
  return run();
}

}  // namespace baton::engine
