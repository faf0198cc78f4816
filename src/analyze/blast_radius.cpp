#include "analyze/blast_radius.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace baton::analyze {
namespace {

constexpr std::size_t kBatch = 64;  // Sources counted in one pass: the bits of a word.

// Upper bound on each vertex's descendants: the vertices on its paths (shared descendants are
// counted once per path), capped by how many vertices follow it in topological order.
std::vector<std::size_t> descendant_bounds(const Dag& dag, const std::vector<Vertex>& topo) {
  const std::size_t n = dag.size();
  std::vector<std::size_t> bound(n, 0);
  for (std::size_t i = n; i-- > 0;) {
    Vertex v = topo[i];
    std::size_t sum = 0;
    for (Vertex s : dag.successors(v)) sum = std::min(n - 1, sum + bound[s] + 1);
    bound[v] = std::min(sum, n - 1 - i);
  }
  return bound;
}

}  // namespace

std::optional<BlastRadius> largest_blast_radius(const Dag& dag, const std::vector<Vertex>& topo) {
  const std::size_t n = dag.size();
  if (dag.edge_count() == 0) return std::nullopt;
  const auto bound = descendant_bounds(dag, topo);
  std::vector<std::uint32_t> position(n);
  for (std::uint32_t i = 0; i < n; ++i) position[topo[i]] = i;
  std::vector<Vertex> sources;
  std::size_t source_count = 0;
  for (Vertex v = 0; v < n; ++v) {
    if (!dag.predecessors(v).empty()) continue;
    ++source_count;
    if (bound[v] > 0) sources.push_back(v);
  }
  std::stable_sort(sources.begin(), sources.end(),
                   [&](Vertex a, Vertex b) { return bound[a] > bound[b]; });

  // Sources are counted 64 at a time: one pass in topological order ORs each vertex's
  // predecessors' bit sets into its own, so bit j of a vertex says source j reaches it. A pass
  // reads the DAG's rows in order, where a search per source jumps around it.
  const std::size_t budget = 20 * (n + dag.edge_count()) + 1'000'000;
  const std::size_t ceiling = n - source_count;  // Other sources are nobody's dependents.
  std::size_t work = 0;
  std::vector<std::uint64_t> reached(n);
  BlastRadius best;
  for (std::size_t first = 0; first < sources.size(); first += kBatch) {
    // Nothing later can beat the best, or nothing can beat it at all.
    if (bound[sources[first]] <= best.dependents || best.dependents >= ceiling) break;
    if (work > budget) {
      best.exact = false;
      break;
    }
    const std::size_t count = std::min(kBatch, sources.size() - first);
    std::fill(reached.begin(), reached.end(), 0);
    std::uint32_t start = UINT32_MAX;
    for (std::size_t j = 0; j < count; ++j) {
      reached[sources[first + j]] = std::uint64_t{1} << j;
      start = std::min(start, position[sources[first + j]]);
    }
    std::array<std::size_t, kBatch> descendants{};
    for (std::size_t i = start; i < n; ++i) {
      Vertex v = topo[i];
      std::uint64_t bits = reached[v];
      for (Vertex p : dag.predecessors(v)) bits |= reached[p];
      work += 1 + dag.predecessors(v).size();
      if (bits == 0) continue;
      reached[v] = bits;
      if (dag.predecessors(v).empty()) continue;  // A source is its own, not a descendant.
      for (; bits != 0; bits &= bits - 1) ++descendants[std::countr_zero(bits)];
    }
    // In the sources' order and only when strictly more: the same pick as one by one.
    for (std::size_t j = 0; j < count; ++j) {
      if (descendants[j] > best.dependents) best = {sources[first + j], descendants[j], true};
    }
  }
  return best;
}

}  // namespace baton::analyze
