// Tests for largest_blast_radius: the leaf with the most transitive dependents (SPEC 5 risks).
#include "analyze/blast_radius.hpp"

#include <gtest/gtest.h>

#include <optional>
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

}  // namespace
}  // namespace baton::analyze
