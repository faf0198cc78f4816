// Tests for Dag: its rows and its topological order, the smallest ready id first.
#include "analyze/dag.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <queue>
#include <random>

namespace baton::analyze {
namespace {

using ::testing::ElementsAre;

// Kahn's algorithm with every ready vertex in one heap: the order's definition.
std::vector<Vertex> smallest_ready_first(const Dag& dag) {
  std::vector<std::size_t> waiting(dag.size());
  std::priority_queue<Vertex, std::vector<Vertex>, std::greater<>> ready;
  for (Vertex v = 0; v < dag.size(); ++v) {
    waiting[v] = dag.predecessors(v).size();
    if (waiting[v] == 0) ready.push(v);
  }
  std::vector<Vertex> order;
  while (!ready.empty()) {
    Vertex v = ready.top();
    ready.pop();
    order.push_back(v);
    for (Vertex s : dag.successors(v)) {
      if (--waiting[s] == 0) ready.push(s);
    }
  }
  return order;
}

TEST(Dag, DropsRepeatedEdgesAndKeepsRowsSorted) {
  Dag dag(4, {{2, 3}, {0, 3}, {0, 1}, {0, 3}, {1, 3}});
  EXPECT_EQ(dag.edge_count(), 4u);
  EXPECT_THAT(dag.successors(0), ElementsAre(1, 3));
  EXPECT_THAT(dag.predecessors(3), ElementsAre(0, 1, 2));
  EXPECT_THAT(dag.successors(3), ElementsAre());
}

TEST(Dag, OrdersTheSmallestReadyIdFirst) {
  // 3 must wait for 4, which waits for nothing: 0, 1, 2, 4, then 3 from behind the cursor.
  Dag dag(5, {{4, 3}, {0, 2}});
  EXPECT_THAT(dag.topological_order(), ElementsAre(0, 1, 2, 4, 3));
}

TEST(Dag, TopologicalOrderMatchesOneHeapOnRandomGraphs) {
  std::mt19937 random(11);
  for (int round = 0; round < 200; ++round) {
    std::size_t n = 1 + random() % 300;
    // A random order of the vertices makes edges point both ways in id order.
    std::vector<Vertex> rank(n);
    for (Vertex v = 0; v < n; ++v) rank[v] = v;
    if (round % 2) std::shuffle(rank.begin(), rank.end(), random);
    std::vector<std::pair<Vertex, Vertex>> edges;
    for (std::size_t k = 0, m = random() % (3 * n); k < m; ++k) {
      Vertex a = random() % n, b = random() % n;
      if (a == b) continue;
      if (a > b) std::swap(a, b);
      edges.emplace_back(rank[a], rank[b]);
    }
    Dag dag(n, edges);
    auto order = dag.topological_order();
    EXPECT_EQ(order, smallest_ready_first(dag)) << "round " << round;
    EXPECT_EQ(order.size(), n);
  }
}

}  // namespace
}  // namespace baton::analyze
