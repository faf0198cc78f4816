// Tests for make_plan and find_risks: the strategy overall and per group, counts per level
// (SPEC 1.3), the makespan's lower bound, and every kind of risk (SPEC 5).
#include "analyze/plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/risks.hpp"
#include "support/inline_workflow.hpp"

namespace baton::analyze {
namespace {

using baton::testing::parse_workflow;
using baton::testing::paths_of;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

struct Planned {
  model::Workflow workflow;
  Plan plan;

  std::map<std::string, std::string> groups() const {
    std::map<std::string, std::string> out;
    for (const auto& [node, strategy] : plan.group_strategies) {
      out[workflow.node(node).path] = std::string(to_string(strategy));
    }
    return out;
  }
  std::vector<const Risk*> risks(std::string_view kind) const {
    std::vector<const Risk*> out;
    for (const auto& risk : plan.risks) {
      if (risk.kind == kind) out.push_back(&risk);
    }
    return out;
  }
  std::vector<std::string> risk_tasks(std::string_view kind) const {
    std::vector<std::string> out;
    for (const auto* risk : risks(kind)) out.push_back(risk->task);
    return out;
  }
  std::size_t level(Level l) const { return plan.graph.level_counts[int(l)]; }
};

Planned plan_of(std::string_view yaml, int jobs = 2) {
  Planned p{parse_workflow(yaml), {}};
  p.plan = make_plan(p.workflow, jobs);
  return p;
}

std::string strategy_of(std::string_view yaml) {
  return std::string(to_string(plan_of(yaml).plan.strategy));
}

// --- Strategy -----------------------------------------------------------------------------------

TEST(PlanStrategy, ChainIsSequential) {
  EXPECT_EQ(strategy_of(R"(
name: chain
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: b }
)"),
            "sequential");
}

TEST(PlanStrategy, SingleTaskIsSequential) {
  EXPECT_EQ(strategy_of(R"(
name: single
tasks:
  - { id: only, run: x }
)"),
            "sequential");
}

TEST(PlanStrategy, IndependentTasksAreParallel) {
  EXPECT_EQ(strategy_of(R"(
name: independent
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
  - { id: shard, foreach: [1, 2, 3], run: x }
)"),
            "parallel");
}

TEST(PlanStrategy, DiamondIsFanOutFanIn) {
  EXPECT_EQ(strategy_of(R"(
name: diamond
tasks:
  - { id: top, run: x }
  - { id: left, run: x, needs: top }
  - { id: right, run: x, needs: top }
  - { id: bottom, run: x, needs: [left, right] }
)"),
            "fan-out/fan-in");
}

TEST(PlanStrategy, LayeredFanOutFanInIsFanOutFanIn) {
  // prep -> 3 shards -> merge -> 2 checks -> publish, then two full layers joined by groups.
  EXPECT_EQ(strategy_of(R"(
name: layered
tasks:
  - { id: prep, run: x }
  - { id: shard, foreach: [1, 2, 3], needs: prep, run: x }
  - { id: merge, needs: shard, run: x }
  - { id: check, foreach: [x, y], needs: merge, run: x }
  - { id: publish, needs: check, run: x }
  - id: layer1
    needs: publish
    tasks:
      - { id: a1, run: x }
      - { id: a2, run: x }
  - id: layer2
    needs: layer1
    tasks:
      - { id: b1, run: x }
      - { id: b2, run: x }
      - { id: b3, run: x }
)"),
            "fan-out/fan-in");
}

TEST(PlanStrategy, NShapeIsAdaptive) {
  // a -> c, b -> c, b -> d, and no a -> d.
  EXPECT_EQ(strategy_of(R"(
name: n-shape
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
  - { id: c, run: x, needs: [a, b] }
  - { id: d, run: x, needs: b }
)"),
            "adaptive");
}

TEST(PlanStrategy, TransitiveEdgeDoesNotMakeAnNShape) {
  // a -> b -> c plus a -> c is still a chain.
  EXPECT_EQ(strategy_of(R"(
name: transitive
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: [a, b] }
)"),
            "sequential");
}

TEST(PlanStrategy, EachGroupGetsItsOwnStrategy) {
  auto p = plan_of(R"(
name: groups
tasks:
  - id: seq
    strategy: sequential
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
  - id: par
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
  - id: diamond
    tasks:
      - { id: top, run: x }
      - { id: l, run: x, needs: top }
      - { id: r, run: x, needs: top }
      - { id: bottom, run: x, needs: [l, r] }
  - id: n
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
      - { id: c, run: x, needs: [a, b] }
      - { id: d, run: x, needs: b }
)");
  EXPECT_THAT(p.groups(),
              UnorderedElementsAre(Pair("seq", "sequential"), Pair("par", "parallel"),
                                   Pair("diamond", "fan-out/fan-in"), Pair("n", "adaptive")));
  EXPECT_EQ(to_string(p.plan.strategy), "adaptive");  // The N inside `n` is an N overall too.
}

TEST(PlanStrategy, GroupOfIndependentTasksIsParallelWhateverTheirOutsideUpstreams) {
  // Inside `g`, x and y have no edge between them: the group's own order is parallel, even though
  // y also waits for `prep` outside the group and so lands in a later stage overall.
  auto p = plan_of(R"(
name: outside-upstream
tasks:
  - { id: prep, run: x }
  - id: g
    tasks:
      - { id: x, run: x }
      - { id: y, run: x, needs: prep }
)");
  EXPECT_THAT(p.groups(), UnorderedElementsAre(Pair("g", "parallel")));
}

TEST(PlanStrategy, FannedOutGroupIsJudgedOnOneInstance) {
  auto p = plan_of(R"(
name: regions
tasks:
  - id: region
    foreach: [eu, us, ap]
    tasks:
      - { id: deploy, run: x }
      - { id: smoke, run: x, needs: deploy }
)");
  EXPECT_THAT(p.groups(), UnorderedElementsAre(Pair("region", "sequential")));
  EXPECT_EQ(to_string(p.plan.strategy), "fan-out/fan-in");  // Three parallel chains.
}

TEST(PlanStrategy, NamesForPeopleAndScripts) {
  EXPECT_EQ(to_string(Strategy::kSequential), "sequential");
  EXPECT_EQ(to_string(Strategy::kParallel), "parallel");
  EXPECT_EQ(to_string(Strategy::kFanOutFanIn), "fan-out/fan-in");
  EXPECT_EQ(to_string(Strategy::kAdaptive), "adaptive");
  EXPECT_EQ(title(Strategy::kSequential), "Sequential");
  EXPECT_EQ(title(Strategy::kParallel), "Parallel");
  EXPECT_EQ(title(Strategy::kFanOutFanIn), "Fan-out/Fan-in");
  EXPECT_EQ(title(Strategy::kAdaptive), "Adaptive");
}

// --- Levels (SPEC 1.3) --------------------------------------------------------------------------

TEST(PlanLevels, DepthOneMakesEveryNodeATask) {
  auto p = plan_of(R"(
name: d1
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
  - { id: c, foreach: [1, 2], run: x }
)");
  EXPECT_EQ(p.level(Level::kEpic), 0u);
  EXPECT_EQ(p.level(Level::kStory), 0u);
  EXPECT_EQ(p.level(Level::kTask), 4u);
  EXPECT_EQ(p.level(Level::kSubtask), 0u);
}

TEST(PlanLevels, DepthTwoMakesGroupsStoriesAndLeavesTasks) {
  // The top-level leaf `solo` is shallower: it takes the label of depth 1, story.
  auto p = plan_of(R"(
name: d2
tasks:
  - id: g1
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
  - id: g2
    tasks:
      - { id: c, run: x }
  - { id: solo, run: x }
)");
  EXPECT_EQ(p.level(Level::kEpic), 0u);
  EXPECT_EQ(p.level(Level::kStory), 3u);
  EXPECT_EQ(p.level(Level::kTask), 3u);
  EXPECT_EQ(p.level(Level::kSubtask), 0u);
}

TEST(PlanLevels, DepthThreeMakesEpicStoryTask) {
  auto p = plan_of(R"(
name: d3
tasks:
  - id: e
    tasks:
      - id: s1
        tasks:
          - { id: t1, run: x }
          - { id: t2, run: x }
      - id: s2
        tasks:
          - { id: t3, run: x }
      - { id: shallow, run: x }
)");
  EXPECT_EQ(p.level(Level::kEpic), 1u);
  EXPECT_EQ(p.level(Level::kStory), 3u);  // s1, s2, and the depth-2 leaf `shallow`
  EXPECT_EQ(p.level(Level::kTask), 3u);
  EXPECT_EQ(p.level(Level::kSubtask), 0u);
}

TEST(PlanLevels, DepthFourAndBeyondAreSubtasks) {
  auto p = plan_of(R"(
name: d4
tasks:
  - id: e
    tasks:
      - id: s
        tasks:
          - id: t
            tasks:
              - { id: st1, run: x }
              - id: st2
                tasks:
                  - { id: deepest, run: x }
          - { id: t2, run: x }
)");
  EXPECT_EQ(p.level(Level::kEpic), 1u);
  EXPECT_EQ(p.level(Level::kStory), 1u);
  EXPECT_EQ(p.level(Level::kTask), 2u);     // t, t2
  EXPECT_EQ(p.level(Level::kSubtask), 3u);  // st1, st2, deepest
}

TEST(PlanLevels, ExplicitLevelWins) {
  auto p = plan_of(R"(
name: explicit
tasks:
  - id: g
    tasks:
      - { id: a, run: x }
  - { id: top, run: x, level: task }
  - { id: odd, run: x, level: epic }
)");
  EXPECT_EQ(p.level(Level::kEpic), 1u);
  EXPECT_EQ(p.level(Level::kStory), 1u);
  EXPECT_EQ(p.level(Level::kTask), 2u);
}

TEST(PlanLevels, FanOutInstancesCountOnceEach) {
  auto p = plan_of(R"(
name: fan-levels
tasks:
  - id: region
    foreach: [eu, us]
    tasks:
      - { id: deploy, run: x }
)");
  EXPECT_EQ(p.level(Level::kStory), 2u);
  EXPECT_EQ(p.level(Level::kTask), 2u);
}

// --- Makespan and lower bound -------------------------------------------------------------------

TEST(PlanMakespan, LowerBoundIsTheCriticalPathWhenItDominates) {
  // Chain a -> b -> c (3s) plus d (1s) on 2 jobs: total work / 2 = 2s < 3s.
  auto p = plan_of(R"(
name: cp-bound
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x, needs: b }
  - { id: d, run: x }
)",
                   2);
  EXPECT_EQ(p.plan.total_work, seconds(4));
  EXPECT_EQ(p.plan.critical_path.duration, seconds(3));
  EXPECT_EQ(p.plan.lower_bound, seconds(3));
  EXPECT_EQ(p.plan.makespan, seconds(3));
  EXPECT_EQ(p.plan.jobs, 2);
}

TEST(PlanMakespan, LowerBoundIsTotalWorkOverJobsWhenItDominates) {
  // Six independent tasks of 2s on 3 jobs: 12s / 3 = 4s > 2s.
  auto p = plan_of(R"(
name: work-bound
tasks:
  - { id: t, foreach: [1, 2, 3, 4, 5, 6], run: x, estimate: 2s }
)",
                   3);
  EXPECT_EQ(p.plan.total_work, seconds(12));
  EXPECT_EQ(p.plan.critical_path.duration, seconds(2));
  EXPECT_EQ(p.plan.lower_bound, seconds(4));
  EXPECT_EQ(p.plan.makespan, seconds(4));
}

TEST(PlanMakespan, MakespanNeverBeatsTheLowerBound) {
  auto p = plan_of(R"(
name: mixed
tasks:
  - { id: a, run: x, estimate: 3s }
  - { id: b, run: x, estimate: 3s }
  - { id: c, run: x, estimate: 2s, needs: a }
  - { id: d, run: x, estimate: 2s }
  - { id: e, run: x, estimate: 2s }
)",
                   2);
  // Total 12s / 2 = 6s; critical path a -> c = 5s. t=0 a, b; t=3 c, d; t=5 e (ends 7).
  EXPECT_EQ(p.plan.lower_bound, seconds(6));
  EXPECT_EQ(p.plan.makespan, seconds(7));
}

TEST(PlanMakespan, JobsBelowOneCountAsOne) {
  auto p = plan_of(R"(
name: zero-jobs
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
)",
                   0);
  EXPECT_EQ(p.plan.jobs, 1);
  EXPECT_EQ(p.plan.makespan, seconds(2));
  EXPECT_EQ(p.plan.lower_bound, seconds(2));
}

TEST(PlanMakespan, DefaultJobsAreTheWorkflowsConcurrency) {
  auto wf = parse_workflow(R"(
name: conc
concurrency: 3
tasks:
  - { id: a, run: x }
)");
  EXPECT_EQ(default_jobs(wf), 3);
  auto unset = parse_workflow(R"(
name: cpus
tasks:
  - { id: a, run: x }
)");
  EXPECT_GE(default_jobs(unset), 1);
}

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
            "its failure would skip 3 of the 5 tasks (every task downstream of it, under the "
            "default trigger rule)");
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
