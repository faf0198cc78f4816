// Tests for is_series_parallel: named shapes, scale runs, and a property test against a
// brute-force oracle (transitive closure + search for an induced N) on random small DAGs.
#include "analyze/series_parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "analyze/dag.hpp"

namespace baton::analyze {
namespace {

using Edges = std::vector<std::pair<Vertex, Vertex>>;

bool sp(std::size_t n, Edges edges) { return is_series_parallel(Dag(n, std::move(edges))); }

// reach[u][v]: u < v in the order the edges induce (Floyd-Warshall closure, fine for n <= 30).
std::vector<std::vector<bool>> closure(std::size_t n, const Edges& edges) {
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (auto [u, v] : edges) reach[u][v] = true;
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (reach[i][k] && reach[k][j]) reach[i][j] = true;
      }
    }
  }
  return reach;
}

// The definition itself: no four distinct a, b, c, d with a<c, b<c, b<d and a||b, a||d, c||d.
bool brute_force_sp(std::size_t n, const Edges& edges) {
  const auto reach = closure(n, edges);
  auto incomparable = [&](std::size_t x, std::size_t y) { return !reach[x][y] && !reach[y][x]; };
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      for (std::size_t c = 0; c < n; ++c) {
        for (std::size_t d = 0; d < n; ++d) {
          if (a == b || a == c || a == d || b == c || b == d || c == d) continue;
          if (reach[a][c] && reach[b][c] && reach[b][d] && incomparable(a, b) &&
              incomparable(a, d) && incomparable(c, d)) {
            return false;
          }
        }
      }
    }
  }
  return true;
}

// Random DAG: edges i<j under a random relabelling, so vertex ids carry no order.
Edges random_dag(std::mt19937& rng, std::size_t n, double density) {
  std::vector<Vertex> label(n);
  std::iota(label.begin(), label.end(), Vertex{0});
  std::shuffle(label.begin(), label.end(), rng);
  std::bernoulli_distribution coin(density);
  Edges edges;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (coin(rng)) edges.emplace_back(label[i], label[j]);
    }
  }
  return edges;
}

struct SpOrder {
  std::size_t n = 1;
  Edges edges;
  std::vector<Vertex> minimal{0}, maximal{0};
};

// A random series-parallel order on n vertices: split n, build both sides, compose in series
// (every maximal of the left below every minimal of the right) or in parallel.
SpOrder random_sp(std::mt19937& rng, std::size_t n) {
  if (n == 1) return {};
  const std::size_t left_n = std::uniform_int_distribution<std::size_t>(1, n - 1)(rng);
  SpOrder left = random_sp(rng, left_n), right = random_sp(rng, n - left_n);
  const auto shift = static_cast<Vertex>(left_n);
  for (auto [u, v] : right.edges) left.edges.emplace_back(u + shift, v + shift);
  for (Vertex& v : right.minimal) v += shift;
  for (Vertex& v : right.maximal) v += shift;
  left.n = n;
  if (std::bernoulli_distribution(0.5)(rng)) {
    for (Vertex u : left.maximal) {
      for (Vertex v : right.minimal) left.edges.emplace_back(u, v);
    }
    left.maximal = right.maximal;
  } else {
    left.minimal.insert(left.minimal.end(), right.minimal.begin(), right.minimal.end());
    left.maximal.insert(left.maximal.end(), right.maximal.begin(), right.maximal.end());
  }
  return left;
}

// Adds some edges u->v where u < v already holds: the order stays the same.
void add_transitive_edges(std::mt19937& rng, std::size_t n, Edges& edges) {
  const auto reach = closure(n, edges);
  std::bernoulli_distribution coin(0.2);
  for (Vertex u = 0; u < n; ++u) {
    for (Vertex v = 0; v < n; ++v) {
      if (reach[u][v] && coin(rng)) edges.emplace_back(u, v);
    }
  }
}

// Layers of `width` vertices, every vertex of a layer joined to every vertex of the next.
Edges layered(std::size_t layers, std::size_t width) {
  Edges edges;
  for (std::size_t l = 0; l + 1 < layers; ++l) {
    for (std::size_t i = 0; i < width; ++i) {
      for (std::size_t j = 0; j < width; ++j) {
        edges.emplace_back(static_cast<Vertex>(l * width + i),
                           static_cast<Vertex>((l + 1) * width + j));
      }
    }
  }
  return edges;
}

TEST(SeriesParallel, EmptyGraphIsSeriesParallel) { EXPECT_TRUE(sp(0, {})); }

TEST(SeriesParallel, SingleVertexIsSeriesParallel) { EXPECT_TRUE(sp(1, {})); }

TEST(SeriesParallel, IndependentSetIsParallelComposition) { EXPECT_TRUE(sp(5, {})); }

TEST(SeriesParallel, ChainIsSeriesComposition) { EXPECT_TRUE(sp(4, {{0, 1}, {1, 2}, {2, 3}})); }

TEST(SeriesParallel, DiamondIsSeriesParallel) {
  EXPECT_TRUE(sp(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}}));
}

TEST(SeriesParallel, TransitiveEdgesDoNotChangeTheAnswer) {
  EXPECT_TRUE(sp(4, {{0, 1}, {1, 2}, {2, 3}, {0, 2}, {0, 3}, {1, 3}}));
  // The N plus the transitive edge of its long path stays an N.
  EXPECT_FALSE(sp(5, {{0, 2}, {1, 4}, {4, 2}, {1, 3}, {1, 2}}));
}

TEST(SeriesParallel, ForkJoinOfGroupsIsSeriesParallel) {
  // 0 -> {1->2, 3->4->5, 6} -> 7, then 7 -> {8, 9} -> {10, 11, 12} fully joined.
  Edges edges = {{0, 1}, {1, 2}, {2, 7}, {0, 3}, {3, 4}, {4, 5},
                 {5, 7}, {0, 6}, {6, 7}, {7, 8}, {7, 9}};
  for (Vertex u : {8, 9}) {
    for (Vertex v : {10, 11, 12}) edges.emplace_back(u, v);
  }
  EXPECT_TRUE(sp(13, edges));
}

TEST(SeriesParallel, NestedCompositionIsSeriesParallel) {
  // (a ; (b || (c ; d))) ; e with a=0, b=1, c=2, d=3, e=4, and a transitive edge a->e.
  EXPECT_TRUE(sp(5, {{0, 1}, {0, 2}, {2, 3}, {1, 4}, {3, 4}, {0, 4}}));
}

TEST(SeriesParallel, ClassicNIsNotSeriesParallel) {
  EXPECT_FALSE(sp(4, {{0, 2}, {1, 2}, {1, 3}}));  // a->c, b->c, b->d.
}

TEST(SeriesParallel, NHiddenBehindALongerPathIsNotSeriesParallel) {
  // a=0, b=1, c=2, d=3, y=4: a->c, b->y->c, b->d. No edge pair forms an N, the order does.
  EXPECT_FALSE(sp(5, {{0, 2}, {1, 4}, {4, 2}, {1, 3}}));
}

TEST(SeriesParallel, NInsideOneBranchOfAForkJoinIsNotSeriesParallel) {
  // s -> {N on 1..4} -> t, in parallel with s -> 5 -> t.
  EXPECT_FALSE(sp(7, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {2, 4}, {3, 6}, {4, 6}, {0, 5}, {5, 6}}));
}

TEST(SeriesParallel, LayeredGraphWithFullBipartiteLayersIsSeriesParallel) {
  EXPECT_TRUE(sp(100 * 100, layered(100, 100)));
}

TEST(SeriesParallel, LayeredGraphMissingOneEdgeIsNotSeriesParallel) {
  Edges edges = layered(10, 10);
  edges.erase(std::find(edges.begin(), edges.end(), std::pair<Vertex, Vertex>{50, 60}));
  EXPECT_FALSE(sp(100, edges));
}

TEST(SeriesParallel, SubsetConsidersOnlyItsOwnVertices) {
  // The N a=0, b=1, c=2, d=3, plus 4 joined below everything.
  const Dag dag(5, {{0, 2}, {1, 2}, {1, 3}, {4, 0}, {4, 1}});
  EXPECT_FALSE(is_series_parallel(dag));
  const std::vector<Vertex> without_b = {4, 0, 2, 3};
  EXPECT_TRUE(is_series_parallel(dag, without_b));
  const std::vector<Vertex> n_with_duplicates = {0, 1, 2, 3, 3, 1};
  EXPECT_FALSE(is_series_parallel(dag, n_with_duplicates));
}

TEST(SeriesParallel, SubsetDoesNotFollowPathsThroughOutsideVertices) {
  // The hidden N with y=4 left out: b->y->c is not followed, so the subset sees only a->c and
  // b->d, two chains in parallel.
  const Dag dag(5, {{0, 2}, {1, 4}, {4, 2}, {1, 3}});
  const std::vector<Vertex> without_y = {0, 1, 2, 3};
  EXPECT_TRUE(is_series_parallel(dag, without_y));
  EXPECT_FALSE(is_series_parallel(dag));
}

TEST(SeriesParallel, LongChainFinishes) {
  constexpr Vertex kN = 200'000;
  Edges edges;
  for (Vertex v = 0; v + 1 < kN; ++v) edges.emplace_back(v, v + 1);
  EXPECT_TRUE(sp(kN, edges));
}

TEST(SeriesParallel, LargeIndependentSetFinishes) { EXPECT_TRUE(sp(1'000'000, {})); }

TEST(SeriesParallel, DeeplyNestedCompositionFinishes) {
  // v0 ; (v1 || (v2 ; (v3 || ...))): the decomposition is n/2 levels deep, held on the work
  // stack rather than the call stack; each level costs O(n), so this is the quadratic case.
  constexpr Vertex kN = 4'000;
  Edges edges;
  for (Vertex v = 0; v + 2 < kN; v += 2) {
    edges.emplace_back(v, v + 1);
    edges.emplace_back(v, v + 2);
  }
  EXPECT_TRUE(sp(kN, edges));
}

TEST(SeriesParallel, AgreesWithBruteForceOnRandomSmallDags) {
  std::mt19937 rng(20240601);
  int series_parallel = 0, not_series_parallel = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    const double density = std::uniform_real_distribution<double>(0.1, 0.8)(rng);
    const Edges edges = random_dag(rng, n, density);
    const bool expected = brute_force_sp(n, edges);
    ASSERT_EQ(sp(n, edges), expected) << "trial " << trial << ", n " << n;
    if (expected) {
      ++series_parallel;
    } else {
      ++not_series_parallel;
    }
  }
  // Both answers must be well represented, or the comparison proves little.
  EXPECT_GT(series_parallel, 500);
  EXPECT_GT(not_series_parallel, 500);
}

TEST(SeriesParallel, SubsetAgreesWithBruteForceOnRandomDags) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 10)(rng);
    const Edges edges = random_dag(rng, n, 0.4);
    std::vector<Vertex> subset, local(n, 0);
    for (Vertex v = 0; v < n; ++v) {
      if (std::bernoulli_distribution(0.7)(rng)) {
        local[v] = static_cast<Vertex>(subset.size());
        subset.push_back(v);
      }
    }
    if (subset.empty()) continue;  // Empty means "all vertices", tested elsewhere.
    std::vector<bool> inside(n, false);
    for (Vertex v : subset) inside[v] = true;
    Edges inner;
    for (auto [u, v] : edges) {
      if (inside[u] && inside[v]) inner.emplace_back(local[u], local[v]);
    }
    ASSERT_EQ(is_series_parallel(Dag(n, edges), subset), brute_force_sp(subset.size(), inner))
        << "trial " << trial;
  }
}

TEST(SeriesParallel, RandomSeriesParallelCompositionsAreRecognised) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 30)(rng);
    SpOrder order = random_sp(rng, n);
    if (trial % 2 == 1) add_transitive_edges(rng, n, order.edges);
    std::vector<Vertex> label(n);
    std::iota(label.begin(), label.end(), Vertex{0});
    std::shuffle(label.begin(), label.end(), rng);
    for (auto& [u, v] : order.edges) {
      u = label[u];
      v = label[v];
    }
    ASSERT_TRUE(sp(n, order.edges)) << "trial " << trial << ", n " << n;
  }
}

}  // namespace
}  // namespace baton::analyze
