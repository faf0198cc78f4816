// Tests for find_risks, through make_plan: every kind of risk (SPEC 5), its message verbatim, and
// the order the kinds come in.
#include "analyze/risks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "analyze/planned.hpp"

namespace baton::analyze {
namespace {

using namespace planned;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// --- Risks --------------------------------------------------------------------------------------

TEST(PlanRisks, UnlimitedRetriesNamesTheTaskAndItsDeadline) {
  auto p = plan_of(R"(
name: unlimited
tasks:
  - { id: poll, run: x, retry: { max_attempts: 0 }, deadline: 10m }
  - { id: shard, foreach: [a, b], run: x, retry: 0, deadline: 1h30m }
  - { id: bounded, run: x, retry: 3 }
)");
  auto risks = p.risks("unlimited_retries");
  ASSERT_EQ(risks.size(), 2u);  // One per task, not per fan-out instance.
  EXPECT_EQ(risks[0]->task, "poll");
  EXPECT_EQ(risks[0]->message, "retries without limit (max_attempts: 0) until its deadline of 10m");
  EXPECT_EQ(risks[1]->task, "shard");
  EXPECT_EQ(risks[1]->message,
            "retries without limit (max_attempts: 0) until its deadline of 1h30m");
}

TEST(PlanRisks, CriticalPathTasksWithoutRetry) {
  auto p = plan_of(R"(
name: no-retry
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a, retry: 2 }
  - { id: c, run: x, needs: b }
  - { id: off_path, run: x }
)");
  EXPECT_THAT(p.risk_tasks("critical_path_no_retry"), ElementsAre("a", "c"));
  EXPECT_EQ(p.risks("critical_path_no_retry")[0]->message,
            "is on the critical path and has no retry: one transient failure delays or fails "
            "the whole run");
}

TEST(PlanRisks, NoCriticalPathRiskWhenTasksRetry) {
  auto p = plan_of(R"(
name: retrying
defaults:
  retry: { max_attempts: 3 }
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: gate, approval: true, needs: b }
)");
  EXPECT_THAT(p.risks("critical_path_no_retry"), IsEmpty());
}

TEST(PlanRisks, ApprovalGatesAreNotAskedToRetry) {
  auto p = plan_of(R"(
name: gate
tasks:
  - { id: gate, approval: true }
  - { id: go, run: x, needs: gate }
)");
  EXPECT_THAT(p.risk_tasks("critical_path_no_retry"), ElementsAre("go"));
}

TEST(PlanRisks, LongCriticalPathListsFiveAndCountsTheRest) {
  auto p = plan_of(R"(
name: long
tasks:
  - { id: t1, run: x }
  - { id: t2, run: x, needs: t1 }
  - { id: t3, run: x, needs: t2 }
  - { id: t4, run: x, needs: t3 }
  - { id: t5, run: x, needs: t4 }
  - { id: t6, run: x, needs: t5 }
  - { id: t7, run: x, needs: t6 }
)");
  EXPECT_THAT(p.risk_tasks("critical_path_no_retry"),
              ElementsAre("t1", "t2", "t3", "t4", "t5", ""));
  EXPECT_EQ(p.risks("critical_path_no_retry").back()->message,
            "2 more critical-path tasks have no retry");
}

TEST(PlanRisks, LargestBlastRadius) {
  auto p = plan_of(R"(
name: blast
tasks:
  - { id: root, run: x }
  - { id: mid, run: x, needs: root }
  - { id: leaf1, run: x, needs: mid }
  - { id: leaf2, run: x, needs: mid }
  - { id: other, run: x }
)");
  auto risks = p.risks("largest_blast_radius");
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0]->task, "root");
  EXPECT_EQ(risks[0]->message,
            "its failure would skip 3 of the 5 tasks (every task downstream of it that its "
            "trigger rule does not start after a failure)");
}

// SPEC 3.2: all_done, always, one_failed and all_failed start a task after a failure upstream;
// it is not skipped, and what follows it runs as well.
TEST(PlanRisks, BlastRadiusStopsAtATaskThatRunsAfterAFailure) {
  auto none = plan_of(R"(
name: cleanup
tasks:
  - { id: build, run: x }
  - { id: notify, run: x, needs: build, trigger: all_done }
  - { id: cleanup, run: x, needs: notify, trigger: always }
)");
  EXPECT_THAT(none.risks("largest_blast_radius"), IsEmpty());
  auto p = plan_of(R"(
name: behind
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a, trigger: always }
  - { id: c, run: x, needs: b }
  - { id: d, run: x, needs: c }
  - { id: e, run: x, needs: [a, c], trigger: one_failed }
)");
  auto risks = p.risks("largest_blast_radius");
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0]->task, "b") << "a's failure skips nothing: b runs, and so does all after it";
  EXPECT_THAT(risks[0]->message, HasSubstr("would skip 2 of the 5 tasks"));
}

// A trigger rule governs the needs of the node that has it: a group's, the needs of the group
// (its tasks start after build fails, once report does); a leaf's, only the leaf's own needs
// (pack's `always` does not start it when its group, ship, is skipped).
TEST(PlanRisks, BlastRadiusFollowsTheTriggerRuleOfTheNodeThatDeclaresTheNeed) {
  auto p = plan_of(R"(
name: groups
tasks:
  - { id: build, run: x }
  - id: report
    needs: build
    trigger: all_done
    tasks:
      - { id: collect, run: x }
      - { id: publish, run: x, needs: collect }
  - id: ship
    needs: build
    tasks:
      - { id: pack, run: x, trigger: always }
      - { id: push, run: x, needs: pack }
      - { id: tag, run: x, needs: push }
)");
  auto risks = p.risks("largest_blast_radius");
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0]->task, "build");
  EXPECT_THAT(risks[0]->message, HasSubstr("would skip 3 of the 6 tasks")) << risks[0]->message;
}

TEST(PlanRisks, NoBlastRadiusWithoutDependencies) {
  auto p = plan_of(R"(
name: flat
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
)");
  EXPECT_THAT(p.risks("largest_blast_radius"), IsEmpty());
}

TEST(PlanRisks, PoolOfOneOverParallelTasksLengthensTheMakespan) {
  auto p = plan_of(R"(
name: pool
pools: { db: 1 }
tasks:
  - { id: a, run: x, pool: db }
  - { id: b, run: x, pool: db }
  - { id: c, run: x, pool: db }
)",
                   3);
  EXPECT_EQ(p.plan.makespan, seconds(3));
  EXPECT_EQ(p.plan.makespan_without_limits, seconds(1));
  auto risks = p.risks("limit_lengthens_makespan");
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0]->task, "db");
  EXPECT_EQ(risks[0]->message,
            "pool size 1 holds back ready tasks: estimated makespan 3s with this limit, 1s "
            "without any");
}

TEST(PlanRisks, GroupConcurrencyThatLengthensTheMakespanIsARisk) {
  auto p = plan_of(R"(
name: group
tasks:
  - id: g
    concurrency: 1
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
)",
                   2);
  auto risks = p.risks("limit_lengthens_makespan");
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0]->task, "g");
  EXPECT_EQ(risks[0]->message,
            "group concurrency 1 holds back ready tasks: estimated makespan 2s with this limit, "
            "1s without any");
}

TEST(PlanRisks, LimitThatNeverBindsIsNoRisk) {
  // One job: the pool of 1 never holds anything back that a job could run.
  auto p = plan_of(R"(
name: one-job
pools: { db: 1 }
tasks:
  - { id: a, run: x, pool: db }
  - { id: b, run: x, pool: db }
)",
                   1);
  EXPECT_THAT(p.risks("limit_lengthens_makespan"), IsEmpty());
}

TEST(PlanRisks, OnlyTheLimitThatLengthensTheMakespanIsReported) {
  // With every limit: 4s (g runs a then b). Without g's limit the pool alone still allows 2s
  // (p1 then p2 while a and b run): the pool holds tasks back but costs nothing.
  auto p = plan_of(R"(
name: two-limits
pools: { db: 1 }
tasks:
  - id: g
    concurrency: 1
    tasks:
      - { id: a, run: x, estimate: 2s }
      - { id: b, run: x, estimate: 2s }
  - { id: p1, run: x, pool: db }
  - { id: p2, run: x, pool: db }
)",
                   4);
  EXPECT_EQ(p.plan.makespan, seconds(4));
  EXPECT_EQ(p.plan.makespan_without_limits, seconds(2));
  EXPECT_THAT(p.risk_tasks("limit_lengthens_makespan"), ElementsAre("g"));
}

TEST(PlanRisks, DynamicFanOut) {
  auto p = plan_of(R"(
name: dyn
tasks:
  - { id: discover, run: x, outputs: [files] }
  - { id: process, foreach: { from: discover, output: files }, run: x }
)");
  auto risks = p.risks("dynamic_fanout");
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0]->task, "process");
  EXPECT_EQ(risks[0]->message,
            "fans out over the 'files' output of 'discover', known only at run time: the plan "
            "counts one instance");
}

TEST(PlanRisks, RisksComeInKindOrder) {
  auto p = plan_of(R"(
name: all
pools: { db: 1 }
tasks:
  - { id: discover, run: x, outputs: [files], retry: 0, deadline: 1m }
  - { id: process, foreach: { from: discover, output: files }, run: x, pool: db }
  - { id: other1, run: x, pool: db }
  - { id: other2, run: x, pool: db }
)",
                   2);
  std::vector<std::string> kinds;
  for (const auto& risk : p.plan.risks) kinds.push_back(risk.kind);
  EXPECT_THAT(kinds,
              ElementsAre("unlimited_retries", "critical_path_no_retry", "largest_blast_radius",
                          "limit_lengthens_makespan", "dynamic_fanout"));
  // find_risks on its own gives the same list.
  auto again = find_risks(p.workflow, p.plan);
  ASSERT_EQ(again.size(), p.plan.risks.size());
  for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].task, p.plan.risks[i].task);
}

TEST(PlanRisks, CleanWorkflowHasNone) {
  auto p = plan_of(R"(
name: clean
defaults:
  retry: 2
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
)");
  EXPECT_THAT(p.plan.risks, IsEmpty());
}

}  // namespace
}  // namespace baton::analyze
