#include "analyze/blast_radius.hpp"

#include <algorithm>

namespace baton::analyze {

std::optional<BlastRadius> largest_blast_radius(const Dag& dag, const std::vector<Vertex>& topo) {
  const std::size_t n = dag.size();
  if (dag.edge_count() == 0) return std::nullopt;
  // Upper bound: the number of paths' vertices, capped at n - 1 (shared descendants overcount).
  std::vector<std::size_t> bound(n, 0);
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    std::size_t sum = 0;
    for (Vertex s : dag.successors(*it)) sum = std::min(n - 1, sum + bound[s] + 1);
    bound[*it] = sum;
  }
  std::vector<Vertex> sources;
  std::size_t source_count = 0;
  for (Vertex v = 0; v < n; ++v) {
    if (!dag.predecessors(v).empty()) continue;
    ++source_count;
    if (bound[v] > 0) sources.push_back(v);
  }
  std::stable_sort(sources.begin(), sources.end(),
                   [&](Vertex a, Vertex b) { return bound[a] > bound[b]; });

  const std::size_t budget = 20 * (n + dag.edge_count()) + 1'000'000;
  const std::size_t ceiling = n - source_count;  // Other sources are nobody's dependents.
  std::size_t work = 0;
  std::vector<std::uint32_t> seen_by(n, UINT32_MAX);
  std::vector<Vertex> stack;
  BlastRadius best;
  for (std::uint32_t i = 0; i < sources.size(); ++i) {
    Vertex source = sources[i];
    if (bound[source] <= best.dependents) break;  // Nothing later can beat it.
    if (work > budget) {
      best.exact = false;
      break;
    }
    std::size_t count = 0;
    stack.assign(1, source);
    seen_by[source] = i;
    while (!stack.empty()) {
      Vertex v = stack.back();
      stack.pop_back();
      for (Vertex s : dag.successors(v)) {
        ++work;
        if (seen_by[s] == i) continue;
        seen_by[s] = i;
        ++count;
        stack.push_back(s);
      }
    }
    if (count > best.dependents) best = {source, count, true};
    if (best.dependents >= ceiling) break;
  }
  return best;
}

}  // namespace baton::analyze
