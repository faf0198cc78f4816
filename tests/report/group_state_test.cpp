// SPEC 2.4's derived group state, rule by rule, and the choices made where SPEC is silent.
#include "report/group_state.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace baton::report {
namespace {

// The state of a group whose leaves are in `states` ("failed!" is an ignored failure).
std::string state_of(std::initializer_list<std::string> states, bool run_live = false) {
  std::vector<store::TaskRow> rows;
  for (const auto& state : states) {
    store::TaskRow row;
    row.failure_ignored = state == "failed!";
    row.state = row.failure_ignored ? "failed" : state;
    rows.push_back(row);
  }
  std::vector<const store::TaskRow*> leaves;
  for (const auto& row : rows) leaves.push_back(&row);
  return group_state(leaves, run_live);
}

TEST(GroupState, FailedIfALeafFailedAndWasNotIgnored) {
  EXPECT_EQ(state_of({"succeeded", "failed", "running"}), "failed");
  EXPECT_EQ(state_of({"compensated", "compensation_failed"}), "failed");
  EXPECT_EQ(state_of({"succeeded", "failed!"}), "succeeded") << "an ignored failure";
}

TEST(GroupState, ElseRunningIfALeafIsActive) {
  for (const char* active : {"ready", "running", "retrying", "waiting", "compensating"}) {
    EXPECT_EQ(state_of({"succeeded", active}), "running") << active;
  }
}

TEST(GroupState, ElseSkippedIfEveryLeafWasSkippedElseSucceeded) {
  EXPECT_EQ(state_of({"skipped", "skipped"}), "skipped");
  EXPECT_EQ(state_of({"skipped", "succeeded"}), "succeeded");
  EXPECT_EQ(state_of({"succeeded"}), "succeeded");
}

TEST(GroupState, WhereSpecIsSilent) {
  EXPECT_EQ(state_of({}), "pending") << "nothing recorded under it yet";
  EXPECT_EQ(state_of({"succeeded", "pending"}, true), "running") << "the rest is still to come";
  EXPECT_EQ(state_of({"succeeded", "pending"}, false), "pending") << "held back, never reached";
  EXPECT_EQ(state_of({"succeeded", "cancelled"}), "cancelled");
  EXPECT_EQ(state_of({"compensated", "skipped"}), "compensated");
}

}  // namespace
}  // namespace baton::report
