// Tests for make_plan: the strategy overall and per group, counts per level (SPEC 1.3), and the
// makespan and its lower bound. The risks it finds are in risks_test.cpp.
#include "analyze/plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "analyze/planned.hpp"

namespace baton::analyze {
namespace {

using namespace planned;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

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

}  // namespace
}  // namespace baton::analyze
