// Tests for build_leaf_graph: fan-out expansion, the instances a reference sees, fan-in, group
// dependencies as last-leaves-to-first-leaves edges, dynamic fan-out, and the limits collected.
#include "analyze/leaf_graph.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/inline_workflow.hpp"

namespace baton::analyze {
namespace {

using baton::testing::edge_list;
using baton::testing::leaf_paths;
using baton::testing::parse_workflow;
using baton::testing::paths_of;
using baton::testing::vertex_of;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

LeafGraph graph_of(std::string_view yaml) { return build_leaf_graph(parse_workflow(yaml)); }

std::vector<std::string> upstream_paths(const LeafGraph& graph, std::string_view path) {
  auto preds = graph.dag.predecessors(vertex_of(graph, path));
  return paths_of(graph, {preds.begin(), preds.end()});
}

TEST(LeafGraph, StaticFanOutBecomesOneInstancePerItemInItemOrder) {
  auto graph = graph_of(R"(
name: fan
tasks:
  - { id: first, run: x }
  - { id: shard, foreach: [zulu, alpha, mike], run: x }
  - { id: last, run: x }
)");
  EXPECT_THAT(leaf_paths(graph), ElementsAre("first", "shard[0]", "shard[1]", "shard[2]", "last"));
  EXPECT_EQ(graph.dag.size(), 5u);
  EXPECT_EQ(graph.dag.edge_count(), 0u);
  // Every instance stands for the same model leaf.
  EXPECT_EQ(graph.leaves[1].node, graph.leaves[2].node);
  EXPECT_EQ(graph.leaves[2].node, graph.leaves[3].node);
  EXPECT_NE(graph.leaves[0].node, graph.leaves[1].node);
}

TEST(LeafGraph, GroupFanOutExpandsTheWholeSubtreeOncePerItemInFileOrder) {
  auto graph = graph_of(R"(
name: regions
tasks:
  - id: region
    foreach: [eu, us, ap]
    tasks:
      - { id: deploy, run: x }
      - { id: smoke, run: x, needs: deploy }
  - { id: report, run: x }
)");
  EXPECT_THAT(leaf_paths(graph),
              ElementsAre("region[0].deploy", "region[0].smoke", "region[1].deploy",
                          "region[1].smoke", "region[2].deploy", "region[2].smoke", "report"));
  // A sibling reference inside a fanned-out group means that instance's copy, never another's.
  EXPECT_THAT(edge_list(graph), ElementsAre("region[0].deploy -> region[0].smoke",
                                            "region[1].deploy -> region[1].smoke",
                                            "region[2].deploy -> region[2].smoke"));
}

TEST(LeafGraph, SiblingGroupReferenceInsideAFanOutInstanceStaysInThatInstance) {
  auto graph = graph_of(R"(
name: nested
tasks:
  - id: region
    foreach: [eu, us]
    tasks:
      - id: build
        tasks:
          - { id: compile, run: x }
          - { id: link, run: x, needs: compile }
      - { id: test, run: x, needs: build }
)");
  EXPECT_THAT(edge_list(graph), ElementsAre("region[0].build.compile -> region[0].build.link",
                                            "region[0].build.link -> region[0].test",
                                            "region[1].build.compile -> region[1].build.link",
                                            "region[1].build.link -> region[1].test"));
}

TEST(LeafGraph, DependentOfAFannedOutLeafWaitsForEveryInstance) {
  auto graph = graph_of(R"(
name: fanin
tasks:
  - { id: prep, run: x }
  - { id: shard, foreach: [a, b, c], needs: prep, run: x }
  - { id: merge, needs: shard, run: x }
)");
  EXPECT_THAT(upstream_paths(graph, "merge"), ElementsAre("shard[0]", "shard[1]", "shard[2]"));
  // And each instance waits for what the fanned-out node needs (fan-out).
  for (const char* shard : {"shard[0]", "shard[1]", "shard[2]"}) {
    EXPECT_THAT(upstream_paths(graph, shard), ElementsAre("prep")) << shard;
  }
  EXPECT_EQ(graph.dag.edge_count(), 6u);
  EXPECT_EQ(graph.declared_edges, 2u);
}

TEST(LeafGraph, DependentOfALeafInsideAFannedOutGroupWaitsForEveryInstance) {
  auto graph = graph_of(R"(
name: fanin-group
tasks:
  - { id: shard, foreach: [a, b, c], run: x }
  - id: region
    foreach: [eu, us]
    tasks:
      - { id: deploy, run: x, needs: shard }
      - { id: smoke, run: x, needs: deploy }
  - { id: after, needs: region.smoke, run: x }
  - { id: whole, needs: region, run: x }
)");
  EXPECT_THAT(upstream_paths(graph, "after"), ElementsAre("region[0].smoke", "region[1].smoke"));
  EXPECT_THAT(upstream_paths(graph, "whole"), ElementsAre("region[0].smoke", "region[1].smoke"));
  EXPECT_THAT(upstream_paths(graph, "region[1].deploy"),
              ElementsAre("shard[0]", "shard[1]", "shard[2]"));
  // 3 shards x 2 deploys, 2 deploy -> smoke, 2 smokes x (after, whole).
  EXPECT_EQ(graph.dag.edge_count(), 6u + 2u + 4u);
}

TEST(LeafGraph, GroupNeedsConnectTheLastLeavesOfOneToTheFirstLeavesOfTheOther) {
  auto graph = graph_of(R"(
name: groups
tasks:
  - id: build
    tasks:
      - { id: compile, run: x }
      - { id: link, run: x, needs: compile }
      - { id: docs, run: x }
  - id: test
    needs: build
    tasks:
      - { id: unit, run: x }
      - { id: report, run: x, needs: unit }
      - { id: lint, run: x }
)");
  // Last leaves of build: link, docs (compile has a dependent inside build). First leaves of
  // test: unit, lint (report waits for unit inside test).
  EXPECT_THAT(edge_list(graph),
              ElementsAre("build.compile -> build.link", "build.docs -> test.lint",
                          "build.docs -> test.unit", "build.link -> test.lint",
                          "build.link -> test.unit", "test.unit -> test.report"));
  EXPECT_EQ(graph.declared_edges, 3u);
}

TEST(LeafGraph, NeedOnANestedGroupUsesItsDeepestBoundaryLeaves) {
  auto graph = graph_of(R"(
name: nested-groups
tasks:
  - id: outer
    tasks:
      - id: inner
        tasks:
          - { id: a, run: x }
          - { id: b, run: x, needs: a }
      - { id: c, run: x, needs: inner }
  - { id: after, run: x, needs: outer }
  - id: later
    needs: outer
    tasks:
      - { id: d, run: x }
)");
  EXPECT_THAT(edge_list(graph),
              ElementsAre("outer.c -> after", "outer.c -> later.d",
                          "outer.inner.a -> outer.inner.b", "outer.inner.b -> outer.c"));
}

TEST(LeafGraph, SequentialGroupChainsItsChildrenIncludingSubgroups) {
  auto graph = graph_of(R"(
name: seq
tasks:
  - id: ship
    strategy: sequential
    tasks:
      - { id: migrate, run: x }
      - id: deploy
        tasks:
          - { id: eu, run: x }
          - { id: us, run: x }
      - { id: promote, run: x }
)");
  EXPECT_THAT(edge_list(graph),
              ElementsAre("ship.deploy.eu -> ship.promote", "ship.deploy.us -> ship.promote",
                          "ship.migrate -> ship.deploy.eu", "ship.migrate -> ship.deploy.us"));
}

TEST(LeafGraph, DynamicFanOutStandsAsOneInstance) {
  auto wf = parse_workflow(R"(
name: dyn
tasks:
  - { id: discover, run: x, outputs: [files] }
  - { id: process, foreach: { from: discover, output: files }, run: x }
  - { id: merge, needs: process, run: x }
)");
  auto graph = build_leaf_graph(wf);
  EXPECT_THAT(leaf_paths(graph), ElementsAre("discover", "process[*]", "merge"));
  // foreach.from makes discover an upstream without `needs`.
  EXPECT_THAT(edge_list(graph), ElementsAre("discover -> process[*]", "process[*] -> merge"));
  ASSERT_EQ(graph.dynamic_fanouts.size(), 1u);
  EXPECT_EQ(wf.node(graph.dynamic_fanouts[0]).path, "process");
  EXPECT_EQ(graph.level_counts[int(Level::kTask)], 3u);
}

TEST(LeafGraph, StaticFanOutRecordsNoDynamicFanOut) {
  auto graph = graph_of(R"(
name: static
tasks:
  - { id: shard, foreach: [a, b], run: x }
)");
  EXPECT_THAT(graph.dynamic_fanouts, IsEmpty());
}

TEST(LeafGraph, CollectsGroupConcurrencyMaxParallelAndPoolLimits) {
  auto graph = graph_of(R"(
name: limits
pools: { db: 2, gpu: 1 }
tasks:
  - id: g
    concurrency: 2
    tasks:
      - { id: a, run: x, pool: db }
      - { id: b, run: x }
  - { id: f, foreach: [1, 2, 3], max_parallel: 3, run: x, pool: gpu }
  - { id: c, run: x, pool: db, slots: 2 }
  - { id: free, run: x }
)");
  ASSERT_EQ(graph.limits.size(), 4u);
  auto find = [&](Limit::Kind kind, std::string_view name) -> std::uint32_t {
    for (std::uint32_t l = 0; l < graph.limits.size(); ++l) {
      if (graph.limits[l].kind == kind && graph.limits[l].name == name) return l;
    }
    ADD_FAILURE() << "no limit named " << name;
    return UINT32_MAX;
  };
  auto group = find(Limit::Kind::kGroup, "g");
  auto fanout = find(Limit::Kind::kFanout, "f");
  auto db = find(Limit::Kind::kPool, "db");
  auto gpu = find(Limit::Kind::kPool, "gpu");
  ASSERT_NE(group, UINT32_MAX);
  ASSERT_NE(fanout, UINT32_MAX);
  ASSERT_NE(db, UINT32_MAX);
  ASSERT_NE(gpu, UINT32_MAX);
  EXPECT_EQ(graph.limits[group].capacity, 2);
  EXPECT_EQ(graph.limits[fanout].capacity, 3);
  EXPECT_EQ(graph.limits[db].capacity, 2);
  EXPECT_EQ(graph.limits[gpu].capacity, 1);

  auto limits_of = [&](std::string_view path) {
    return graph.leaves[vertex_of(graph, path)].limits;
  };
  EXPECT_THAT(limits_of("g.a"), UnorderedElementsAre(group, db));
  EXPECT_THAT(limits_of("g.b"), ElementsAre(group));
  // One max_parallel limit shared by every instance, one pool limit shared by every user.
  for (const char* f : {"f[0]", "f[1]", "f[2]"}) {
    EXPECT_THAT(limits_of(f), UnorderedElementsAre(fanout, gpu)) << f;
  }
  EXPECT_THAT(limits_of("c"), ElementsAre(db));
  EXPECT_EQ(graph.leaves[vertex_of(graph, "c")].slots, 2);
  EXPECT_EQ(graph.leaves[vertex_of(graph, "g.a")].slots, 1);
  EXPECT_THAT(limits_of("free"), IsEmpty());
}

TEST(LeafGraph, GroupFanOutGetsAConcurrencyLimitPerInstance) {
  auto graph = graph_of(R"(
name: per-instance
tasks:
  - id: region
    foreach: [eu, us]
    concurrency: 1
    tasks:
      - { id: a, run: x }
      - { id: b, run: x }
)");
  ASSERT_EQ(graph.limits.size(), 2u);
  EXPECT_EQ(graph.limits[0].name, "region[0]");
  EXPECT_EQ(graph.limits[1].name, "region[1]");
  EXPECT_THAT(graph.leaves[vertex_of(graph, "region[0].b")].limits, ElementsAre(0u));
  EXPECT_THAT(graph.leaves[vertex_of(graph, "region[1].a")].limits, ElementsAre(1u));
}

TEST(LeafGraph, EstimateDefaultsToOneSecondAndPriorityIsInherited) {
  auto graph = graph_of(R"(
name: est
tasks:
  - id: g
    priority: 5
    tasks:
      - { id: a, run: x, estimate: 1m30s }
      - { id: b, run: x, priority: -2 }
  - { id: c, run: x, estimate: 250ms }
)");
  EXPECT_EQ(graph.leaves[vertex_of(graph, "g.a")].estimate, Duration(90'000));
  EXPECT_EQ(graph.leaves[vertex_of(graph, "g.b")].estimate, Duration(1'000));
  EXPECT_EQ(graph.leaves[vertex_of(graph, "c")].estimate, Duration(250));
  EXPECT_EQ(graph.leaves[vertex_of(graph, "g.a")].priority, 5);
  EXPECT_EQ(graph.leaves[vertex_of(graph, "g.b")].priority, -2);
  EXPECT_EQ(graph.leaves[vertex_of(graph, "c")].priority, 0);
}

TEST(LeafGraph, LevelCountsCountEveryInstanceOfGroupsAndLeaves) {
  auto graph = graph_of(R"(
name: levels
tasks:
  - id: region
    foreach: [eu, us, ap]
    tasks:
      - { id: deploy, run: x }
      - { id: shard, foreach: [a, b], run: x }
)");
  // Depth 2: groups are stories, leaves tasks; 3 regions, each 1 deploy + 2 shards.
  EXPECT_EQ(graph.level_counts[int(Level::kEpic)], 0u);
  EXPECT_EQ(graph.level_counts[int(Level::kStory)], 3u);
  EXPECT_EQ(graph.level_counts[int(Level::kTask)], 9u);
  EXPECT_EQ(graph.level_counts[int(Level::kSubtask)], 0u);
  EXPECT_THAT(leaf_paths(graph),
              ElementsAre("region[0].deploy", "region[0].shard[0]", "region[0].shard[1]",
                          "region[1].deploy", "region[1].shard[0]", "region[1].shard[1]",
                          "region[2].deploy", "region[2].shard[0]", "region[2].shard[1]"));
}

TEST(LeafGraph, GroupLeavesListTheLeavesUnderEachGroupsFirstInstance) {
  auto wf = parse_workflow(R"(
name: members
tasks:
  - { id: solo, run: x }
  - id: region
    foreach: [eu, us]
    tasks:
      - { id: a, run: x }
      - id: inner
        tasks:
          - { id: b, run: x }
)");
  auto graph = build_leaf_graph(wf);
  ASSERT_EQ(graph.group_leaves.size(), 2u);
  EXPECT_EQ(wf.node(graph.group_leaves[0].first).path, "region");
  EXPECT_THAT(paths_of(graph, graph.group_leaves[0].second),
              ElementsAre("region[0].a", "region[0].inner.b"));
  EXPECT_EQ(wf.node(graph.group_leaves[1].first).path, "region.inner");
  EXPECT_THAT(paths_of(graph, graph.group_leaves[1].second), ElementsAre("region[0].inner.b"));
}

}  // namespace
}  // namespace baton::analyze
