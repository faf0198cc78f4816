// Tests for stages (longest-path depth), width, the remaining critical path the scheduler ranks
// by, and the critical path with its tie rule (SPEC 5, 2.3).
#include "analyze/stages.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyze/leaf_graph.hpp"
#include "analyze/plan.hpp"
#include "support/inline_workflow.hpp"

namespace baton::analyze {
namespace {

using baton::testing::parse_workflow;
using baton::testing::paths_of;
using baton::testing::vertex_of;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Analysed {
  LeafGraph graph;
  std::vector<Vertex> topo;
  std::vector<std::vector<Vertex>> stages;
  std::vector<Duration> remaining;
  CriticalPath critical;

  std::vector<std::vector<std::string>> stage_paths() const {
    std::vector<std::vector<std::string>> out;
    for (const auto& stage : stages) out.push_back(paths_of(graph, stage));
    return out;
  }
  Duration remaining_of(std::string_view path) const { return remaining[vertex_of(graph, path)]; }
};

Analysed analyse(std::string_view yaml) {
  Analysed a;
  a.graph = build_leaf_graph(parse_workflow(yaml));
  a.topo = a.graph.dag.topological_order();
  a.stages = compute_stages(a.graph.dag, a.topo);
  std::vector<Duration> durations;
  for (const auto& leaf : a.graph.leaves) durations.push_back(leaf.estimate);
  a.remaining = remaining_path(a.graph.dag, a.topo, durations);
  a.critical = critical_path(a.graph.dag, a.remaining);
  return a;
}

constexpr std::string_view kFiveTasks = R"(
name: five
tasks:
  - { id: a, run: x, estimate: 2s }
  - { id: c, run: x }
  - { id: b, run: x, needs: a, estimate: 3s }
  - { id: d, run: x, needs: [a, b], estimate: 4s }
  - { id: e, run: x, needs: c }
)";

TEST(Stages, GroupLeavesByLongestChainOfUpstreamLeavesInFileOrder) {
  auto a = analyse(kFiveTasks);
  // d needs a directly, but its longest chain is a -> b -> d: stage 3, not 2.
  using Stage = std::vector<std::string>;
  EXPECT_THAT(a.stage_paths(), ElementsAre(Stage{"a", "c"}, Stage{"b", "e"}, Stage{"d"}));
}

TEST(Stages, IndependentTasksFormOneStage) {
  auto a = analyse(R"(
name: flat
tasks:
  - { id: x, run: x }
  - { id: y, run: x }
  - { id: z, run: x }
)");
  using Stage = std::vector<std::string>;
  EXPECT_THAT(a.stage_paths(), ElementsAre(Stage{"x", "y", "z"}));
}

TEST(Stages, EmptyDagHasNoStagesAndNoCriticalPath) {
  Dag empty(0, {});
  EXPECT_THAT(compute_stages(empty, empty.topological_order()), IsEmpty());
  auto path = critical_path(empty, {});
  EXPECT_THAT(path.tasks, IsEmpty());
  EXPECT_EQ(path.duration, Duration(0));
}

TEST(Stages, WidthIsTheLargestStage) {
  auto wf = parse_workflow(R"(
name: width
tasks:
  - { id: root, run: x }
  - { id: shard, foreach: [a, b, c, d], needs: root, run: x }
  - { id: extra, run: x }
  - { id: join, needs: shard, run: x }
)");
  auto plan = make_plan(wf, 2);
  ASSERT_EQ(plan.stages.size(), 3u);
  EXPECT_EQ(plan.stages[0].size(), 2u);  // root, extra
  EXPECT_EQ(plan.stages[1].size(), 4u);  // the shards
  EXPECT_EQ(plan.width, 4u);
}

TEST(RemainingPath, IsTheLongestEstimatedChainStartingAtEachTask) {
  auto a = analyse(kFiveTasks);
  EXPECT_EQ(a.remaining_of("d"), Duration(4'000));
  EXPECT_EQ(a.remaining_of("b"), Duration(7'000));  // 3 + 4
  EXPECT_EQ(a.remaining_of("a"), Duration(9'000));  // 2 + max(b 7, d 4)
  EXPECT_EQ(a.remaining_of("e"), Duration(1'000));  // no estimate: 1s
  EXPECT_EQ(a.remaining_of("c"), Duration(2'000));
}

TEST(CriticalPath, IsTheLongestChainByEstimate) {
  auto a = analyse(kFiveTasks);
  EXPECT_THAT(paths_of(a.graph, a.critical.tasks), ElementsAre("a", "b", "d"));
  EXPECT_EQ(a.critical.duration, Duration(9'000));
}

TEST(CriticalPath, LongerEstimatesBeatMoreTasks) {
  auto a = analyse(R"(
name: weighted
tasks:
  - { id: s1, run: x }
  - { id: s2, run: x, needs: s1 }
  - { id: s3, run: x, needs: s2 }
  - { id: big, run: x, estimate: 5s }
)");
  EXPECT_THAT(paths_of(a.graph, a.critical.tasks), ElementsAre("big"));
  EXPECT_EQ(a.critical.duration, Duration(5'000));
}

TEST(CriticalPath, TasksWithoutEstimateCountOneSecondEach) {
  auto a = analyse(R"(
name: chain
tasks:
  - { id: one, run: x }
  - { id: two, run: x, needs: one }
  - { id: three, run: x, needs: two }
  - { id: side, run: x, needs: one }
)");
  EXPECT_THAT(paths_of(a.graph, a.critical.tasks), ElementsAre("one", "two", "three"));
  EXPECT_EQ(a.critical.duration, Duration(3'000));
}

TEST(CriticalPath, AmongEqualChainsTheFirstInFileOrderWins) {
  auto a = analyse(R"(
name: ties
tasks:
  - { id: y1, run: x, estimate: 2s }
  - { id: x1, run: x, estimate: 1s }
  - { id: x2, run: x, needs: x1, estimate: 1s }
  - { id: y2, run: x, needs: y1, estimate: 0s }
)");
  // Both chains take 2s: y1 -> y2 starts first in file order.
  EXPECT_THAT(paths_of(a.graph, a.critical.tasks), ElementsAre("y1", "y2"));
  EXPECT_EQ(a.critical.duration, Duration(2'000));
}

TEST(CriticalPath, AmongEqualSuccessorsTheFirstInFileOrderCarriesTheChain) {
  auto a = analyse(R"(
name: branch-ties
tasks:
  - { id: root, run: x }
  - { id: later, run: x }
  - { id: right, run: x, needs: root }
  - { id: left, run: x, needs: root }
)");
  EXPECT_THAT(paths_of(a.graph, a.critical.tasks), ElementsAre("root", "right"));
  EXPECT_EQ(a.critical.duration, Duration(2'000));
}

TEST(CriticalPath, RunsThroughFanOutInstances) {
  auto a = analyse(R"(
name: fanned
tasks:
  - { id: prep, run: x, estimate: 1s }
  - { id: shard, foreach: [a, b], needs: prep, run: x, estimate: 10s }
  - { id: merge, needs: shard, run: x, estimate: 1s }
)");
  EXPECT_THAT(paths_of(a.graph, a.critical.tasks), ElementsAre("prep", "shard[0]", "merge"));
  EXPECT_EQ(a.critical.duration, Duration(12'000));
}

}  // namespace
}  // namespace baton::analyze
