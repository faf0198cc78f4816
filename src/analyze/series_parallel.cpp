// Series-parallel recognition by recursive decomposition: a part splits in parallel into the
// connected components of its edges, else in series at the prefixes of one topological order
// that are series cuts; a connected part of two or more vertices with no cut has an induced N.
// No transitive closure or reduction is computed. Cost O((V + E) * d), d the depth of the
// decomposition tree: parts at one depth are disjoint and each costs O(its vertices + their
// edges). An explicit work stack replaces recursion, since nesting can be ~V deep.
#include "analyze/series_parallel.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace baton::analyze {
namespace {

struct Part {
  std::vector<Vertex> vertices;
  bool connected = false;  // Known connected: a component from a parallel split.
};

class Decomposition {
 public:
  explicit Decomposition(const Dag& dag)
      : dag_(dag),
        member_(dag.size(), 0),
        seen_(dag.size(), 0),
        waiting_(dag.size(), 0),
        pos_(dag.size(), 0) {}

  bool run();

 private:
  void mark(const std::vector<Vertex>& part);
  bool split_parallel(const std::vector<Vertex>& part);
  void topological_order(const std::vector<Vertex>& part);
  void count_cut_terms();
  bool split_series(const std::vector<Vertex>& part);
  void push_factor(std::size_t begin, std::size_t end);

  bool in_part(Vertex v) const { return member_[v] == stamp_; }

  const Dag& dag_;
  std::uint32_t stamp_ = 0;  // Tells the current part's marks from older parts' marks.
  std::vector<std::uint32_t> member_, seen_;  // == stamp_: in the part; reached by the BFS.
  std::vector<std::uint32_t> waiting_;        // Predecessors in the part not yet ordered.
  std::vector<std::uint32_t> pos_;            // 1-based position in order_ (tau in the comments).
  std::vector<Vertex> order_;                 // Scratch reused across parts: components, then tau.
  std::vector<std::uint32_t> min_succ_, max_pred_;       // Indexed by tau.
  std::vector<std::int64_t> maximal_, minimal_, edges_;  // Difference arrays over cuts.
  std::vector<Part> stack_;
};

bool Decomposition::run() {
  if (dag_.size() <= 1) return true;
  Part all{std::vector<Vertex>(dag_.size()), false};
  for (Vertex v = 0; v < dag_.size(); ++v) all.vertices[v] = v;
  stack_.push_back(std::move(all));
  while (!stack_.empty()) {
    Part part = std::move(stack_.back());
    stack_.pop_back();
    mark(part.vertices);
    if (!part.connected && split_parallel(part.vertices)) continue;
    if (!split_series(part.vertices)) return false;
  }
  return true;
}

void Decomposition::mark(const std::vector<Vertex>& part) {
  ++stamp_;
  for (Vertex v : part) member_[v] = stamp_;
}

// BFS over edges in both directions, components laid out one after another in order_.
// Returns true if the part had two or more components; those of two or more vertices are pushed.
bool Decomposition::split_parallel(const std::vector<Vertex>& part) {
  order_.clear();
  std::vector<std::size_t> starts;
  for (Vertex root : part) {
    if (seen_[root] == stamp_) continue;
    starts.push_back(order_.size());
    seen_[root] = stamp_;
    order_.push_back(root);
    for (std::size_t head = starts.back(); head < order_.size(); ++head) {
      for (auto neighbours : {dag_.successors(order_[head]), dag_.predecessors(order_[head])}) {
        for (Vertex w : neighbours) {
          if (!in_part(w) || seen_[w] == stamp_) continue;
          seen_[w] = stamp_;
          order_.push_back(w);
        }
      }
    }
  }
  if (starts.size() == 1) return false;
  starts.push_back(order_.size());
  for (std::size_t c = 0; c + 1 < starts.size(); ++c) {
    if (starts[c + 1] - starts[c] < 2) continue;  // A single vertex is series-parallel.
    stack_.push_back(
        Part{{order_.begin() + starts[c], order_.begin() + starts[c + 1]}, /*connected=*/true});
  }
  return true;
}

// Kahn's algorithm on the edges inside the part, O(part + its edges).
void Decomposition::topological_order(const std::vector<Vertex>& part) {
  order_.clear();
  for (Vertex v : part) {
    waiting_[v] = 0;
    for (Vertex p : dag_.predecessors(v)) waiting_[v] += in_part(p) ? 1 : 0;
    if (waiting_[v] == 0) order_.push_back(v);
  }
  for (std::size_t head = 0; head < order_.size(); ++head) {
    pos_[order_[head]] = static_cast<std::uint32_t>(head + 1);
    for (Vertex s : dag_.successors(order_[head])) {
      if (in_part(s) && --waiting_[s] == 0) order_.push_back(s);
    }
  }
}

// For the cut after tau position i (1 <= i < m): u is maximal in the prefix iff
// tau(u) <= i < min_succ(u), b is minimal in the suffix iff max_pred(b) <= i < tau(b), and an
// edge (u, b) joins the two for i in [max_pred(b), min_succ(u) - 1] (an edge implies
// max_pred(b) >= tau(u) and min_succ(u) <= tau(b)). Each count is a sum of intervals.
void Decomposition::count_cut_terms() {
  const auto m = static_cast<std::uint32_t>(order_.size());
  min_succ_.assign(m + 1, m);  // m stands for "no successor": maximal up to the last cut.
  max_pred_.assign(m + 1, 0);
  for (std::uint32_t k = 1; k <= m; ++k) {
    for (Vertex s : dag_.successors(order_[k - 1])) {
      if (in_part(s)) min_succ_[k] = std::min(min_succ_[k], pos_[s]);
    }
    for (Vertex p : dag_.predecessors(order_[k - 1])) {
      if (in_part(p)) max_pred_[k] = std::max(max_pred_[k], pos_[p]);
    }
  }
  maximal_.assign(m + 1, 0);
  minimal_.assign(m + 1, 0);
  edges_.assign(m + 1, 0);
  auto add = [](std::vector<std::int64_t>& diff, std::uint32_t lo, std::uint32_t hi_excl) {
    if (lo >= hi_excl) return;
    ++diff[lo];
    --diff[hi_excl];
  };
  for (std::uint32_t k = 1; k <= m; ++k) {
    add(maximal_, k, min_succ_[k]);
    add(minimal_, max_pred_[k], k);
    for (Vertex s : dag_.successors(order_[k - 1])) {
      if (in_part(s)) add(edges_, max_pred_[pos_[s]], min_succ_[k]);
    }
  }
}

// A series cut (A, B), every a below every b, is a prefix of any topological order, and it
// holds iff every maximal a has a direct edge to every minimal b: a path between them would
// need an intermediate vertex, which can be in neither A nor B. So cut i is valid iff
// edges_i == maximal_i * minimal_i. Splitting at all valid cuts at once gives the series factors.
bool Decomposition::split_series(const std::vector<Vertex>& part) {
  topological_order(part);
  assert(order_.size() == part.size() && "a Dag is acyclic");
  count_cut_terms();
  std::int64_t maximal = maximal_[0], minimal = minimal_[0], edges = edges_[0];
  std::size_t factor_start = 0;
  for (std::size_t i = 1; i < order_.size(); ++i) {
    maximal += maximal_[i];
    minimal += minimal_[i];
    edges += edges_[i];
    if (edges != maximal * minimal) continue;
    push_factor(factor_start, i);
    factor_start = i;
  }
  if (factor_start == 0) return false;  // Connected, two or more vertices, no cut: an N.
  push_factor(factor_start, order_.size());
  return true;
}

void Decomposition::push_factor(std::size_t begin, std::size_t end) {
  if (end - begin < 2) return;  // A single vertex is series-parallel.
  stack_.push_back(Part{{order_.begin() + begin, order_.begin() + end}, /*connected=*/false});
}

// The order a subset induces: its vertices renumbered 0..k-1 in id order, inner edges only.
Dag induced(const Dag& dag, std::span<const Vertex> vertices) {
  std::vector<Vertex> ids(vertices.begin(), vertices.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::pair<Vertex, Vertex>> edges;
  for (Vertex i = 0; i < ids.size(); ++i) {
    for (Vertex s : dag.successors(ids[i])) {
      auto it = std::lower_bound(ids.begin(), ids.end(), s);
      if (it != ids.end() && *it == s) edges.emplace_back(i, static_cast<Vertex>(it - ids.begin()));
    }
  }
  return Dag(ids.size(), std::move(edges));
}

}  // namespace

bool is_series_parallel(const Dag& dag, std::span<const Vertex> vertices) {
  if (vertices.empty()) return Decomposition(dag).run();
  const Dag subset = induced(dag, vertices);
  return Decomposition(subset).run();
}

}  // namespace baton::analyze
