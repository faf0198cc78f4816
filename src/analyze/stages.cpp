#include "analyze/stages.hpp"

#include <algorithm>
#include <optional>

namespace baton::analyze {

std::vector<std::vector<Vertex>> compute_stages(const Dag& dag, const std::vector<Vertex>& topo) {
  std::vector<std::uint32_t> depth(dag.size(), 0);
  std::uint32_t deepest = 0;
  for (Vertex v : topo) {
    for (Vertex p : dag.predecessors(v)) depth[v] = std::max(depth[v], depth[p] + 1);
    deepest = std::max(deepest, depth[v]);
  }
  std::vector<std::vector<Vertex>> stages(dag.size() == 0 ? 0 : deepest + 1);
  for (Vertex v = 0; v < dag.size(); ++v) stages[depth[v]].push_back(v);  // File order within.
  return stages;
}

std::vector<Duration> remaining_path(const Dag& dag, const std::vector<Vertex>& topo,
                                     const std::vector<Duration>& durations) {
  std::vector<Duration> remaining(dag.size(), Duration(0));
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    Duration longest_after(0);
    for (Vertex s : dag.successors(*it)) longest_after = std::max(longest_after, remaining[s]);
    remaining[*it] = durations[*it] + longest_after;
  }
  return remaining;
}

CriticalPath critical_path(const Dag& dag, const std::vector<Duration>& remaining) {
  CriticalPath path;
  std::optional<Vertex> start;
  for (Vertex u = 0; u < dag.size(); ++u) {
    if (dag.predecessors(u).empty() && (!start || remaining[u] > remaining[*start])) start = u;
  }
  if (!start) return path;
  path.duration = remaining[*start];
  // The successor with the longest remaining path carries the chain on (first in file order).
  for (Vertex v = *start;;) {
    path.tasks.push_back(v);
    auto next = dag.successors(v);
    if (next.empty()) break;
    v = *std::max_element(next.begin(), next.end(),
                          [&](Vertex a, Vertex b) { return remaining[a] < remaining[b]; });
  }
  return path;
}

}  // namespace baton::analyze
