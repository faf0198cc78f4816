// States of SPEC 2.4: their names, what dependents see, and a group's derived state.
#include "engine/task_state.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace baton::engine {
namespace {

TEST(TaskState, NamesAreTheSpecsStateNames) {
  EXPECT_EQ(to_string(TaskState::kRetrying), "retrying");
  EXPECT_EQ(to_string(TaskState::kCompensationFailed), "compensation_failed");
  EXPECT_EQ(to_string(TaskState::kCancelled), "cancelled");
}

TEST(TaskOutcome, IgnoredFailureCountsAsSuccessForDependents) {
  EXPECT_EQ(outcome_of({TaskState::kFailed, true, false}), Outcome::kSucceeded);
  EXPECT_EQ(outcome_of({TaskState::kFailed, false, false}), Outcome::kFailed);
}

TEST(TaskOutcome, SkipForAFailedUpstreamCountsAsFailureOtherSkipsAsSkips) {
  EXPECT_EQ(outcome_of({TaskState::kSkipped, false, true}), Outcome::kFailed);
  EXPECT_EQ(outcome_of({TaskState::kSkipped, false, false}), Outcome::kSkipped);
}

TEST(TaskOutcome, ActiveStatesAreUnfinished) {
  for (auto s : {TaskState::kPending, TaskState::kReady, TaskState::kRunning, TaskState::kRetrying,
                 TaskState::kWaiting}) {
    EXPECT_EQ(outcome_of({s, false, false}), Outcome::kUnfinished) << to_string(s);
  }
}

TEST(GroupState, FailedChildFailsTheGroupEvenWhileOthersRun) {
  std::vector<ChildState> children{{TaskState::kFailed}, {TaskState::kRunning}};
  EXPECT_EQ(derive_group_state(children), TaskState::kFailed);
}

TEST(GroupState, IgnoredFailureDoesNotFailTheGroup) {
  std::vector<ChildState> children{{TaskState::kFailed, true}, {TaskState::kSucceeded}};
  EXPECT_EQ(derive_group_state(children), TaskState::kSucceeded);
}

TEST(GroupState, RunningWhileAChildIsActive) {
  std::vector<ChildState> children{{TaskState::kSucceeded}, {TaskState::kRetrying}};
  EXPECT_EQ(derive_group_state(children), TaskState::kRunning);
}

TEST(GroupState, SkippedOnlyIfEveryChildWasSkipped) {
  std::vector<ChildState> all_skipped{{TaskState::kSkipped}, {TaskState::kSkipped}};
  std::vector<ChildState> some{{TaskState::kSkipped}, {TaskState::kSucceeded}};
  EXPECT_EQ(derive_group_state(all_skipped), TaskState::kSkipped);
  EXPECT_EQ(derive_group_state(some), TaskState::kSucceeded);
}

}  // namespace
}  // namespace baton::engine
