// Tests for simulate_schedule: list scheduling on N jobs with the scheduler's priority (SPEC 2.3,
// 5), on small graphs whose schedules are worked out by hand in the comments.
#include "analyze/makespan.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "analyze/plan.hpp"
#include "analyze/stages.hpp"
#include "support/inline_workflow.hpp"

namespace baton::analyze {
namespace {

using baton::testing::parse_workflow;
using std::chrono::seconds;

struct Simulated {
  LeafGraph graph;
  ScheduleEstimate with_limits;
  ScheduleEstimate without_limits;

  std::size_t held_back_by(Limit::Kind kind, std::string_view name) const {
    for (std::size_t l = 0; l < graph.limits.size(); ++l) {
      if (graph.limits[l].kind == kind && graph.limits[l].name == name) {
        return with_limits.held_back[l];
      }
    }
    ADD_FAILURE() << "no limit named " << name;
    return 0;
  }
};

Simulated simulate(std::string_view yaml, int jobs) {
  Simulated s;
  s.graph = build_leaf_graph(parse_workflow(yaml));
  auto topo = s.graph.dag.topological_order();
  std::vector<Duration> durations;
  for (const auto& leaf : s.graph.leaves) durations.push_back(leaf.estimate);
  auto remaining = remaining_path(s.graph.dag, topo, durations);
  s.with_limits = simulate_schedule(s.graph, remaining, jobs, LimitChoice::all());
  s.without_limits = simulate_schedule(s.graph, remaining, jobs, LimitChoice::none());
  return s;
}

TEST(Makespan, IndependentTasksOnTwoJobsLongestFirst) {
  // Ranked by remaining path: a 3s, b 2s, c 2s, d 1s. t=0 a, b; t=2 b ends, c starts (ends 4);
  // t=3 a ends, d starts (ends 4).
  auto s = simulate(R"(
name: four
tasks:
  - { id: d, run: x, estimate: 1s }
  - { id: b, run: x, estimate: 2s }
  - { id: a, run: x, estimate: 3s }
  - { id: c, run: x, estimate: 2s }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(4));
}

TEST(Makespan, OddNumberOfEqualTasksLeavesOneJobIdle) {
  auto s = simulate(R"(
name: three
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
  - { id: c, run: x }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(2));
}

TEST(Makespan, ChainTakesTheSumWhateverTheJobs) {
  auto s = simulate(R"(
name: chain
tasks:
  - { id: a, run: x, estimate: 1s }
  - { id: b, run: x, estimate: 2s, needs: a }
  - { id: c, run: x, estimate: 3s, needs: b }
)",
                    4);
  EXPECT_EQ(s.with_limits.makespan, seconds(6));
}

TEST(Makespan, OneJobTakesTheTotalWork) {
  auto s = simulate(R"(
name: one-job
tasks:
  - { id: a, run: x, estimate: 1500ms }
  - { id: b, run: x, estimate: 2s }
  - { id: c, run: x, needs: [a, b], estimate: 250ms }
  - { id: d, run: x }
)",
                    1);
  EXPECT_EQ(s.with_limits.makespan, Duration(4'750));
}

TEST(Makespan, LongerRemainingPathStartsFirst) {
  // Ranked by remaining path: a (1 + 3 = 4s) before c and d (1s). t=0 a, c; t=1 b, d; b ends 4.
  auto s = simulate(R"(
name: by-path
tasks:
  - { id: c, run: x }
  - { id: d, run: x }
  - { id: a, run: x }
  - { id: b, run: x, needs: a, estimate: 3s }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(4));
}

TEST(Makespan, HigherPriorityStartsFirstEvenWhenItLengthensTheMakespan) {
  // The same graph with c and d at priority 10: t=0 c, d; t=1 a; t=2 b, which ends at 5.
  auto s = simulate(R"(
name: by-priority
tasks:
  - { id: c, run: x, priority: 10 }
  - { id: d, run: x, priority: 10 }
  - { id: a, run: x }
  - { id: b, run: x, needs: a, estimate: 3s }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(5));
}

TEST(Makespan, PriorityIsInheritedFromTheGroup) {
  auto s = simulate(R"(
name: group-priority
tasks:
  - id: urgent
    priority: 1
    tasks:
      - { id: c, run: x }
      - { id: d, run: x }
  - { id: a, run: x }
  - { id: b, run: x, needs: a, estimate: 3s }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(5));
}

TEST(Makespan, PoolOfOneSerialisesItsUsers) {
  auto s = simulate(R"(
name: pool
pools: { db: 1 }
tasks:
  - { id: a, run: x, pool: db }
  - { id: b, run: x, pool: db }
  - { id: c, run: x, pool: db }
)",
                    3);
  EXPECT_EQ(s.with_limits.makespan, seconds(3));
  EXPECT_EQ(s.without_limits.makespan, seconds(1));
  EXPECT_GT(s.held_back_by(Limit::Kind::kPool, "db"), 0u);
}

TEST(Makespan, SlotsCountAgainstThePoolSize) {
  // db has 2 slots: big takes both (t=0..1), then small1 and small2 share them (t=1..2).
  auto s = simulate(R"(
name: slots
pools: { db: 2 }
tasks:
  - { id: big, run: x, pool: db, slots: 2 }
  - { id: small1, run: x, pool: db }
  - { id: small2, run: x, pool: db }
)",
                    3);
  EXPECT_EQ(s.with_limits.makespan, seconds(2));
}

TEST(Makespan, TaskHeldBackByALimitDoesNotBlockOthersThatFit) {
  // p1 and p2 rank first (priority) but share a pool of 1. t=0 p1 starts, p2 waits for the pool,
  // and q starts on the free job instead of waiting behind p2: q..t run 0..4, p2 2..4.
  auto s = simulate(R"(
name: fits
pools: { db: 1 }
tasks:
  - { id: p1, run: x, pool: db, estimate: 2s, priority: 1 }
  - { id: p2, run: x, pool: db, estimate: 2s, priority: 1 }
  - { id: q, run: x }
  - { id: r, run: x, needs: q }
  - { id: s, run: x, needs: r }
  - { id: t, run: x, needs: s }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(4));
  // Without the pool p1 and p2 take both jobs first (0..2) and the chain runs 2..6.
  EXPECT_EQ(s.without_limits.makespan, seconds(6));
}

TEST(Makespan, GroupConcurrencyBoundsItsLeaves) {
  // Four 1s leaves, two at a time: 2s on 4 jobs, 1s without the limit.
  auto s = simulate(R"(
name: group-limit
tasks:
  - id: g
    concurrency: 2
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
      - { id: c, run: x }
      - { id: d, run: x }
)",
                    4);
  EXPECT_EQ(s.with_limits.makespan, seconds(2));
  EXPECT_EQ(s.without_limits.makespan, seconds(1));
  EXPECT_GT(s.held_back_by(Limit::Kind::kGroup, "g"), 0u);
}

TEST(Makespan, GroupConcurrencyLeavesJobsToOtherTasks) {
  // g: two 2s leaves one at a time (0..2, 2..4) while free runs 0..3 on another job; without
  // the limit all three run at once.
  auto s = simulate(R"(
name: group-and-free
tasks:
  - id: g
    concurrency: 1
    tasks:
      - { id: a, run: x, estimate: 2s }
      - { id: b, run: x, estimate: 2s }
  - { id: free, run: x, estimate: 3s }
)",
                    3);
  EXPECT_EQ(s.with_limits.makespan, seconds(4));
  EXPECT_EQ(s.without_limits.makespan, seconds(3));
}

TEST(Makespan, MaxParallelBoundsTheInstances) {
  auto s = simulate(R"(
name: fanout-limit
tasks:
  - { id: f, foreach: [1, 2, 3, 4, 5], max_parallel: 2, run: x }
)",
                    8);
  EXPECT_EQ(s.with_limits.makespan, seconds(3));
  EXPECT_EQ(s.without_limits.makespan, seconds(1));
  EXPECT_GT(s.held_back_by(Limit::Kind::kFanout, "f"), 0u);
}

TEST(Makespan, NoLimitHoldsBackAnythingWhenNoneIsReached) {
  auto s = simulate(R"(
name: roomy
pools: { db: 4 }
tasks:
  - { id: a, run: x, pool: db }
  - { id: b, run: x, pool: db }
)",
                    2);
  EXPECT_EQ(s.with_limits.makespan, seconds(1));
  ASSERT_EQ(s.with_limits.held_back.size(), 1u);
  EXPECT_EQ(s.with_limits.held_back[0], 0u);
}

TEST(Makespan, PlanUsesTheSameSimulation) {
  auto wf = parse_workflow(R"(
name: plan
pools: { db: 1 }
tasks:
  - { id: a, run: x, pool: db }
  - { id: b, run: x, pool: db }
  - { id: c, run: x }
)");
  auto plan = make_plan(wf, 3);
  EXPECT_EQ(plan.makespan, seconds(2));
  EXPECT_EQ(plan.makespan_without_limits, seconds(1));
  EXPECT_EQ(plan.total_work, seconds(3));
}

}  // namespace
}  // namespace baton::analyze
