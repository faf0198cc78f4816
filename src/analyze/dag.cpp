#include "analyze/dag.hpp"

#include <algorithm>
#include <functional>
#include <queue>

namespace baton::analyze {
namespace {

// Sorts by (from, to) in O(V + E): a stable counting sort by `to`, then one by `from`. On a
// million edges this is several times faster than a comparison sort.
void sort_edges(std::size_t n, std::vector<std::pair<Vertex, Vertex>>& edges) {
  std::vector<std::pair<Vertex, Vertex>> by_to(edges.size());
  std::vector<std::uint32_t> slot(n + 1);
  auto counting_pass = [&](const auto& from, auto& to, auto key) {
    std::fill(slot.begin(), slot.end(), 0);
    for (const auto& e : from) ++slot[key(e) + 1];
    for (std::size_t v = 0; v < n; ++v) slot[v + 1] += slot[v];
    for (const auto& e : from) to[slot[key(e)]++] = e;
  };
  counting_pass(edges, by_to, [](const auto& e) { return e.second; });
  counting_pass(by_to, edges, [](const auto& e) { return e.first; });
}

}  // namespace

Dag::Dag(std::size_t n, std::vector<std::pair<Vertex, Vertex>> edges) {
  sort_edges(n, edges);
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  succ_begin_.assign(n + 1, 0);
  pred_begin_.assign(n + 1, 0);
  for (auto [from, to] : edges) {
    ++succ_begin_[from + 1];
    ++pred_begin_[to + 1];
  }
  for (std::size_t v = 0; v < n; ++v) {
    succ_begin_[v + 1] += succ_begin_[v];
    pred_begin_[v + 1] += pred_begin_[v];
  }
  succ_.resize(edges.size());
  pred_.resize(edges.size());
  std::vector<std::uint32_t> succ_fill(succ_begin_.begin(), succ_begin_.end() - 1);
  std::vector<std::uint32_t> pred_fill(pred_begin_.begin(), pred_begin_.end() - 1);
  for (auto [from, to] : edges) {  // Sorted input keeps each adjacency list sorted.
    succ_[succ_fill[from]++] = to;
    pred_[pred_fill[to]++] = from;
  }
}

std::vector<Vertex> Dag::topological_order() const {
  // The smallest ready id first. Ids are file order and most edges point forward in a file, so
  // the next vertex is usually the next id: a cursor walks the ids, and only a vertex that
  // becomes ready behind the cursor waits in the heap.
  const auto n = static_cast<Vertex>(size());
  std::vector<std::uint32_t> waiting(n);
  for (Vertex v = 0; v < n; ++v) waiting[v] = static_cast<std::uint32_t>(predecessors(v).size());
  std::priority_queue<Vertex, std::vector<Vertex>, std::greater<>> behind;
  std::vector<Vertex> order;
  order.reserve(n);
  Vertex cursor = 0;
  for (;;) {
    while (cursor < n && waiting[cursor] != 0) ++cursor;  // Skipped ones enter `behind` later.
    Vertex v;
    if (!behind.empty() && (cursor == n || behind.top() < cursor)) {
      v = behind.top();
      behind.pop();
    } else if (cursor < n) {
      v = cursor++;
    } else {
      break;
    }
    order.push_back(v);
    for (Vertex s : successors(v)) {
      if (--waiting[s] == 0 && s < cursor) behind.push(s);
    }
  }
  return order;
}

}  // namespace baton::analyze
