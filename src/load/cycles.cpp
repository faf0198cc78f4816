// Cycle detection on the barrier graph: every node n has a start vertex 2n and an end vertex
// 2n+1; a group's start precedes its children's starts and their ends precede its end, and each
// dependency joins the upstream's end to the dependent's start. A cycle there is exactly a cycle
// among leaves, found without expanding group dependencies to leaf pairs: O(V + E).
#include <fmt/format.h>

#include <algorithm>

#include "load/resolve.hpp"

namespace baton::load {
namespace {

using model::NodeIndex;

// The out-edges of a barrier vertex, enumerated on the fly from arrays taken from the model once:
// on a million nodes, reaching into each ~500-byte node while searching was a cache miss a step.
class BarrierGraph {
 public:
  // Children and dependents per node in compressed rows: one allocation each, not one per node.
  explicit BarrierGraph(const model::Workflow& workflow) {
    const auto& nodes = workflow.nodes;
    parent_.resize(nodes.size());
    leaf_.resize(nodes.size());
    child_begin_.assign(nodes.size() + 1, 0);
    for (NodeIndex n = 0; n < nodes.size(); ++n) {
      parent_[n] = nodes[n].parent;
      // A leaf's start leads to its own end: one out-edge, stored as no children.
      child_begin_[n + 1] = child_begin_[n] + (nodes[n].is_group() ? nodes[n].children.size() : 0);
      leaf_[n] = !nodes[n].is_group();
    }
    children_.reserve(child_begin_.back());
    for (const auto& node : nodes) {
      if (node.is_group())
        children_.insert(children_.end(), node.children.begin(), node.children.end());
    }
    begin_.assign(nodes.size() + 1, 0);
    for (const auto& node : nodes) {
      for (const auto& up : node.upstream) ++begin_[up.node + 1];
    }
    for (std::size_t n = 0; n < nodes.size(); ++n) begin_[n + 1] += begin_[n];
    downstream_.resize(begin_.back());
    std::vector<std::uint32_t> fill(begin_.begin(), begin_.end() - 1);
    for (NodeIndex n = 0; n < nodes.size(); ++n) {
      for (std::size_t k = 0; k < nodes[n].upstream.size(); ++k) {
        downstream_[fill[nodes[n].upstream[k].node]++] = {n, k};
      }
    }
  }

  std::size_t vertex_count() const { return parent_.size() * 2; }

  // An out-edge: the target vertex and, for a dependency edge, which upstream entry it is.
  struct Edge {
    std::size_t to;
    NodeIndex dependent = model::kNoNode;
    std::size_t upstream_index = 0;
  };

  std::size_t out_degree(std::size_t v) const {
    const std::size_t n = v / 2;
    if (v % 2 == 0) return leaf_[n] ? 1 : child_begin_[n + 1] - child_begin_[n];
    return dependents(n) + (parent_[n] == model::kNoNode ? 0 : 1);
  }

  Edge out_edge(std::size_t v, std::size_t k) const {
    NodeIndex n = static_cast<NodeIndex>(v / 2);
    if (v % 2 == 0) return {leaf_[n] ? v + 1 : 2 * std::size_t(children_[child_begin_[n] + k])};
    if (k < dependents(n)) {
      auto [dependent, index] = downstream_[begin_[n] + k];
      return {2 * std::size_t(dependent), dependent, index};
    }
    return {2 * std::size_t(parent_[n]) + 1};
  }

 private:
  std::size_t dependents(std::size_t n) const { return begin_[n + 1] - begin_[n]; }

  std::vector<NodeIndex> parent_;
  std::vector<bool> leaf_;
  std::vector<std::uint32_t> child_begin_;
  std::vector<NodeIndex> children_;
  std::vector<std::uint32_t> begin_;
  std::vector<std::pair<NodeIndex, std::size_t>> downstream_;
};

struct Frame {
  std::size_t vertex;
  std::size_t next_edge = 0;
  BarrierGraph::Edge via;  // The edge that led here.
};

// A dependency edge on a cycle: `dependent` needs `upstream`, written at `pos`.
struct CycleEdge {
  NodeIndex upstream;
  NodeIndex dependent;
  model::SourcePos pos;
};

// The cycle as users read it, "a -> b -> c -> a" (a needs b), from the node first in the file,
// at the position of the edge that closes that listing: the last arrow's. `edges` are the
// dependency edges along the cycle in execution order (upstream before dependent); the steps
// between them that a group's containment makes are not arrows of their own.
std::pair<std::string, model::SourcePos> describe_cycle(const model::Workflow& workflow,
                                                        const std::vector<CycleEdge>& edges) {
  std::vector<NodeIndex> order;
  for (auto it = edges.rbegin(); it != edges.rend(); ++it) {
    if (order.empty() || order.back() != it->dependent) order.push_back(it->dependent);
    order.push_back(it->upstream);
  }
  if (order.front() == order.back()) order.pop_back();
  // Start from the node that comes first in the file, so the message is stable.
  std::rotate(order.begin(), std::min_element(order.begin(), order.end()), order.end());
  order.push_back(order.front());
  std::vector<std::string_view> paths;
  for (NodeIndex n : order) paths.push_back(workflow.nodes[n].path);
  model::SourcePos closing = edges.back().pos;
  for (std::size_t i = order.size() - 1; i > 0; --i) {
    auto edge = std::find_if(edges.begin(), edges.end(), [&](const CycleEdge& e) {
      return e.dependent == order[i - 1] && e.upstream == order[i];
    });
    if (edge != edges.end()) {
      closing = edge->pos;
      break;
    }
  }
  return {fmt::format("{}", fmt::join(paths, " -> ")), closing};
}

// True when every dependency goes forward in the file: its upstream's whole subtree ends before
// the dependent begins, as when tasks need ones written above them. Nodes are in pre-order, so
// number a node's start vertex by its index and its end vertex just after its subtree's last
// node (deeper ends first): every containment edge then goes forward, and if every dependency
// does too the barrier graph is acyclic. One pass over arrays, where the search below takes a
// cache miss a step on a million nodes; it runs only when this says no.
bool dependencies_follow_file_order(const model::Workflow& workflow) {
  const std::vector<NodeIndex> last = workflow.subtree_ends();
  if (last.empty()) return false;  // Not in pre-order (never from the loader): search instead.
  const auto& nodes = workflow.nodes;
  for (NodeIndex n = 0; n < nodes.size(); ++n) {
    for (const auto& up : nodes[n].upstream) {
      if (last[up.node] >= n) return false;
    }
  }
  return true;
}

}  // namespace

void report_cycles(const model::Workflow& workflow, DiagnosticSink& sink) {
  if (dependencies_follow_file_order(workflow)) return;
  BarrierGraph graph(workflow);
  enum class Color : unsigned char { kWhite, kGray, kBlack };
  std::vector<Color> color(graph.vertex_count(), Color::kWhite);
  std::vector<Frame> stack;  // Iterative: workflows may be deep and wide.
  for (std::size_t root = 0; root < graph.vertex_count(); ++root) {
    if (color[root] != Color::kWhite) continue;
    stack.push_back({root, 0, {}});
    color[root] = Color::kGray;
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next_edge == graph.out_degree(top.vertex)) {
        color[top.vertex] = Color::kBlack;
        stack.pop_back();
        continue;
      }
      auto edge = graph.out_edge(top.vertex, top.next_edge++);
      if (color[edge.to] == Color::kWhite) {
        color[edge.to] = Color::kGray;
        stack.push_back({edge.to, 0, edge});
        continue;
      }
      if (color[edge.to] != Color::kGray) continue;
      // A back edge: the cycle is the stack from edge.to up to here, closed by this edge.
      std::vector<CycleEdge> deps;
      auto first = std::find_if(stack.begin(), stack.end(),
                                [&](const Frame& f) { return f.vertex == edge.to; });
      auto add = [&](const BarrierGraph::Edge& via) {
        if (via.dependent == model::kNoNode) return;  // A group's containment, not a `needs`.
        const auto& up = workflow.nodes[via.dependent].upstream[via.upstream_index];
        deps.push_back({up.node, via.dependent, up.pos});
      };
      for (auto it = first + 1; it != stack.end(); ++it) add(it->via);
      add(edge);
      auto [text, closing] = describe_cycle(workflow, deps);
      sink.error(closing, "dependency cycle: " + text);
    }
  }
}

}  // namespace baton::load
