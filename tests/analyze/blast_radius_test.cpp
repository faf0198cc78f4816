// Tests for largest_blast_radius: the leaf with the most transitive dependents (SPEC 5 risks).
#include "analyze/blast_radius.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string_view>

#include "analyze/leaf_graph.hpp"
#include "support/inline_workflow.hpp"

namespace baton::analyze {
namespace {

using baton::testing::parse_workflow;

struct Found {
  LeafGraph graph;
  std::optional<BlastRadius> worst;
  std::string path() const { return worst ? graph.leaves[worst->task].path : "<none>"; }
};

Found blast(std::string_view yaml) {
  Found f;
  f.graph = build_leaf_graph(parse_workflow(yaml));
  f.worst = largest_blast_radius(f.graph.dag, f.graph.dag.topological_order());
  return f;
}

TEST(BlastRadius, IsTheSourceWithTheMostDescendants) {
  auto f = blast(R"(
name: two-chains
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
  - { id: c, run: x }
  - { id: d, run: x, needs: c }
  - { id: e, run: x, needs: d }
  - { id: f, run: x, needs: d }
  - { id: lone, run: x }
)");
  ASSERT_TRUE(f.worst.has_value());
  EXPECT_EQ(f.path(), "c");
  EXPECT_EQ(f.worst->dependents, 3u);
  EXPECT_TRUE(f.worst->exact);
}

TEST(BlastRadius, CountsASharedDescendantOnce) {
  auto f = blast(R"(
name: diamond
tasks:
  - { id: s, run: x }
  - { id: l, run: x, needs: s }
  - { id: r, run: x, needs: s }
  - { id: join, run: x, needs: [l, r] }
)");
  ASSERT_TRUE(f.worst.has_value());
  EXPECT_EQ(f.path(), "s");
  EXPECT_EQ(f.worst->dependents, 3u);
}

TEST(BlastRadius, ExactCountBeatsAnOvercountedBound) {
  // wide's paths overcount its descendants (3 ways to reach z: bound 6, true count 4); the chain
  // under deep really has 5.
  auto f = blast(R"(
name: bound
tasks:
  - { id: wide, run: x }
  - { id: x1, run: x, needs: wide }
  - { id: x2, run: x, needs: wide }
  - { id: x3, run: x, needs: wide }
  - { id: z, run: x, needs: [x1, x2, x3] }
  - { id: deep, run: x }
  - { id: d1, run: x, needs: deep }
  - { id: d2, run: x, needs: d1 }
  - { id: d3, run: x, needs: d2 }
  - { id: d4, run: x, needs: d3 }
  - { id: d5, run: x, needs: d4 }
)");
  ASSERT_TRUE(f.worst.has_value());
  EXPECT_EQ(f.path(), "deep");
  EXPECT_EQ(f.worst->dependents, 5u);
}

TEST(BlastRadius, CountsFanOutInstances) {
  auto f = blast(R"(
name: fan
tasks:
  - { id: prep, run: x }
  - { id: shard, foreach: [a, b, c, d], needs: prep, run: x }
  - { id: merge, needs: shard, run: x }
)");
  ASSERT_TRUE(f.worst.has_value());
  EXPECT_EQ(f.path(), "prep");
  EXPECT_EQ(f.worst->dependents, 5u);
}

TEST(BlastRadius, NoneWhenNoTaskHasADependent) {
  auto f = blast(R"(
name: flat
tasks:
  - { id: a, run: x }
  - { id: b, run: x }
  - { id: shard, foreach: [1, 2], run: x }
)");
  EXPECT_FALSE(f.worst.has_value());
}

TEST(BlastRadius, NoneForASingleTask) {
  auto f = blast(R"(
name: single
tasks:
  - { id: only, run: x }
)");
  EXPECT_FALSE(f.worst.has_value());
}

// Every vertex's descendants by a search from each: the definition, for small graphs.
std::vector<std::size_t> brute_force_descendants(const Dag& dag) {
  std::vector<std::size_t> count(dag.size(), 0);
  for (Vertex from = 0; from < dag.size(); ++from) {
    std::vector<bool> seen(dag.size(), false);
    std::vector<Vertex> stack{from};
    while (!stack.empty()) {
      Vertex v = stack.back();
      stack.pop_back();
      for (Vertex s : dag.successors(v)) {
        if (seen[s]) continue;
        seen[s] = true;
        ++count[from];
        stack.push_back(s);
      }
    }
  }
  return count;
}

TEST(BlastRadius, MatchesASearchFromEveryTaskOnRandomGraphs) {
  // Up to 400 vertices with many sources, so the sources are counted in several 64-wide passes.
  std::mt19937 random(7);
  for (int round = 0; round < 60; ++round) {
    std::size_t n = 2 + random() % 400;
    int max_needs = 1 + static_cast<int>(random() % 3);
    std::vector<std::pair<Vertex, Vertex>> edges;
    for (Vertex v = 1; v < n; ++v) {
      int needs = static_cast<int>(random() % (max_needs + 2)) - 1;  // Many have none.
      for (int k = 0; k < needs; ++k) edges.emplace_back(random() % v, v);
    }
    Dag dag(n, edges);
    auto expected = brute_force_descendants(dag);
    std::size_t most = *std::max_element(expected.begin(), expected.end());
    auto worst = largest_blast_radius(dag, dag.topological_order());
    SCOPED_TRACE(::testing::Message() << "round " << round << ", " << n << " vertices");
    if (dag.edge_count() == 0) {
      EXPECT_FALSE(worst.has_value());
      continue;
    }
    ASSERT_TRUE(worst.has_value());
    EXPECT_TRUE(worst->exact);
    EXPECT_EQ(worst->dependents, most);
    EXPECT_EQ(expected[worst->task], most);
    EXPECT_TRUE(dag.predecessors(worst->task).empty());
  }
}

}  // namespace
}  // namespace baton::analyze
