// Trigger rules of SPEC 3.2, one rule at a time, on hand-written upstream outcomes.
#include "engine/trigger.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace baton::engine {
namespace {

using Kind = TriggerDecision::Kind;
constexpr Outcome kOk = Outcome::kSucceeded;
constexpr Outcome kFail = Outcome::kFailed;
constexpr Outcome kSkip = Outcome::kSkipped;
constexpr Outcome kOpen = Outcome::kUnfinished;

TriggerDecision decide(TriggerRule rule, std::vector<Outcome> outcomes) {
  static const char* kNames[] = {"a", "b", "c", "d"};
  std::vector<UpstreamOutcome> ups;
  for (std::size_t i = 0; i < outcomes.size(); ++i) ups.push_back({outcomes[i], kNames[i]});
  return evaluate_trigger(rule, ups);
}

TEST(TriggerRule, NoUpstreamsMeansRunWhateverTheRule) {
  for (auto rule : {TriggerRule::kAllSuccess, TriggerRule::kAllFailed, TriggerRule::kOneFailed}) {
    EXPECT_EQ(decide(rule, {}).kind, Kind::kRun);
  }
}

TEST(TriggerRule, AllSuccessWaitsForEveryUpstreamEvenAfterAFailure) {
  EXPECT_EQ(decide(TriggerRule::kAllSuccess, {kFail, kOpen}).kind, Kind::kWait);
  EXPECT_EQ(decide(TriggerRule::kAllSuccess, {kOk, kOk}).kind, Kind::kRun);
}

TEST(TriggerRule, AllSuccessSkipsWithTheFirstFailedUpstreamAsReason) {
  auto d = decide(TriggerRule::kAllSuccess, {kOk, kFail, kFail});
  EXPECT_EQ(d.kind, Kind::kSkip);
  EXPECT_EQ(d.reason, "upstream_failed: b");
  EXPECT_TRUE(d.upstream_failed);
}

TEST(TriggerRule, AllSuccessSkipsAfterASkippedUpstreamWithoutCountingAsFailure) {
  auto d = decide(TriggerRule::kAllSuccess, {kOk, kSkip});
  EXPECT_EQ(d.kind, Kind::kSkip);
  EXPECT_EQ(d.reason, "trigger_rule: all_success not met");
  EXPECT_FALSE(d.upstream_failed);
}

TEST(TriggerRule, AllDoneAndAlwaysRunOnceEverythingFinished) {
  for (auto rule : {TriggerRule::kAllDone, TriggerRule::kAlways}) {
    EXPECT_EQ(decide(rule, {kFail, kOpen}).kind, Kind::kWait);
    EXPECT_EQ(decide(rule, {kFail, kSkip, kOk}).kind, Kind::kRun);
  }
}

TEST(TriggerRule, AllFailedNeedsEveryUpstreamFailed) {
  EXPECT_EQ(decide(TriggerRule::kAllFailed, {kFail, kFail}).kind, Kind::kRun);
  auto d = decide(TriggerRule::kAllFailed, {kFail, kOk});
  EXPECT_EQ(d.kind, Kind::kSkip);
  EXPECT_EQ(d.reason, "trigger_rule: all_failed not met");
  EXPECT_EQ(decide(TriggerRule::kAllFailed, {kFail, kSkip}).kind, Kind::kSkip);
}

TEST(TriggerRule, OneSuccessFiresAsSoonAsOneSucceeds) {
  EXPECT_EQ(decide(TriggerRule::kOneSuccess, {kOk, kOpen, kOpen}).kind, Kind::kRun);
  EXPECT_EQ(decide(TriggerRule::kOneSuccess, {kFail, kOpen}).kind, Kind::kWait);
  EXPECT_EQ(decide(TriggerRule::kOneSuccess, {kSkip, kSkip}).reason,
            "trigger_rule: one_success not met");
}

// As Airflow's trigger_rule_dep: nothing succeeded and something failed is upstream_failed, which
// the task's own dependents count as a failure (a none_failed join after it must not run).
TEST(TriggerRule, OneSuccessWithNoSuccessAndAFailureIsUpstreamFailed) {
  auto d = decide(TriggerRule::kOneSuccess, {kSkip, kFail});
  EXPECT_EQ(d.kind, Kind::kSkip);
  EXPECT_EQ(d.reason, "upstream_failed: b");
  EXPECT_TRUE(d.upstream_failed);
  EXPECT_FALSE(decide(TriggerRule::kOneSuccess, {kSkip, kSkip}).upstream_failed);
}

TEST(TriggerRule, OneFailedFiresAsSoonAsOneFails) {
  EXPECT_EQ(decide(TriggerRule::kOneFailed, {kOpen, kFail}).kind, Kind::kRun);
  EXPECT_EQ(decide(TriggerRule::kOneFailed, {kOk, kOpen}).kind, Kind::kWait);
  EXPECT_EQ(decide(TriggerRule::kOneFailed, {kOk, kOk}).reason, "trigger_rule: one_failed not met");
}

TEST(TriggerRule, NoneFailedAllowsSkippedUpstreams) {
  EXPECT_EQ(decide(TriggerRule::kNoneFailed, {kOk, kSkip}).kind, Kind::kRun);
  EXPECT_EQ(decide(TriggerRule::kNoneFailed, {kSkip, kSkip}).kind, Kind::kRun);
  EXPECT_EQ(decide(TriggerRule::kNoneFailed, {kSkip, kFail}).reason, "upstream_failed: b");
}

TEST(TriggerRule, NoneFailedMinOneSuccessIsTheJoinAfterABranch) {
  EXPECT_EQ(decide(TriggerRule::kNoneFailedMinOneSuccess, {kOk, kSkip}).kind, Kind::kRun);
  EXPECT_EQ(decide(TriggerRule::kNoneFailedMinOneSuccess, {kSkip, kSkip}).reason,
            "trigger_rule: none_failed_min_one_success not met");
  EXPECT_EQ(decide(TriggerRule::kNoneFailedMinOneSuccess, {kOk, kFail}).reason,
            "upstream_failed: b");
}

}  // namespace
}  // namespace baton::engine
