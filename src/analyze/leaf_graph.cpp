#include "analyze/leaf_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace baton::analyze {
namespace {

using model::NodeIndex;
constexpr std::uint32_t kNone = UINT32_MAX;

// A node whose trigger rule starts it whatever its upstream did (SPEC 3.2): a failure before it
// does not skip it, nor what follows it through it.
bool runs_after_a_failure(TriggerRule rule) {
  return rule == TriggerRule::kAllDone || rule == TriggerRule::kAlways ||
         rule == TriggerRule::kOneFailed || rule == TriggerRule::kAllFailed;
}

// One instance of a model node: the node itself, or one item of a fan-out (or of an ancestor's).
struct Instance {
  NodeIndex node = model::kNoNode;
  std::uint32_t parent = kNone;
  std::vector<std::uint32_t> children;  // Grouped by model child, in model order.
  std::uint32_t leaf = kNone;           // Vertex in the leaf DAG, for leaves.
  std::string path;
};

class Builder {
 public:
  explicit Builder(const model::Workflow& workflow) : wf_(workflow) {}

  LeafGraph build() {
    const std::size_t count = wf_.nodes.size();
    // The fields the walks below read, in arrays of their own: on a million nodes, reaching
    // into each ~500-byte node for them was a cache miss every time.
    parent_.resize(count);
    depth_.resize(count);
    for (NodeIndex n = 0; n < count; ++n) {
      parent_[n] = wf_.nodes[n].parent;
      depth_[n] = wf_.nodes[n].depth;
    }
    first_instance_.assign(count, kNone);
    last_instance_.assign(count, kNone);
    instances_.reserve(count);
    graph_.leaves.reserve(count);
    instantiate();
    sole_leaf_.assign(count, kNone);
    for (NodeIndex n = 0; n < count; ++n) {
      std::uint32_t first = first_instance_[n];
      if (first != kNone && next_instance_[first] == kNone) sole_leaf_[n] = instances_[first].leaf;
    }
    compute_boundary_depths();
    std::vector<std::pair<Vertex, Vertex>> edges;
    // The ranges of `edges` that a failure does not follow (see LeafGraph::skip_dag).
    std::vector<std::pair<std::size_t, std::size_t>> not_skipping;
    for (NodeIndex x = 1; x < count; ++x) {
      graph_.declared_edges += wf_.nodes[x].upstream.size();
      const std::size_t first = edges.size();
      for (const auto& up : wf_.nodes[x].upstream) add_leaf_edges(x, up.node, edges);
      if (edges.size() > first && runs_after_a_failure(wf_.nodes[x].trigger)) {
        not_skipping.emplace_back(first, edges.size());
      }
    }
    if (!not_skipping.empty()) {
      std::vector<std::pair<Vertex, Vertex>> skipping;
      skipping.reserve(edges.size());
      std::size_t at = 0;
      for (auto [first, last] : not_skipping) {
        skipping.insert(skipping.end(), edges.begin() + static_cast<std::ptrdiff_t>(at),
                        edges.begin() + static_cast<std::ptrdiff_t>(first));
        at = last;
      }
      skipping.insert(skipping.end(), edges.begin() + static_cast<std::ptrdiff_t>(at), edges.end());
      graph_.skip_dag.emplace(graph_.leaves.size(), std::move(skipping));
    }
    graph_.dag = Dag(graph_.leaves.size(), std::move(edges));
    collect_group_leaves();
    return std::move(graph_);
  }

 private:
  // Pre-order over the model, expanding static fan-outs: instance 0's whole subtree, then 1's.
  void instantiate() {
    add_instance({model::kRoot, kNone, {}, kNone, ""});
    struct Pending {
      std::uint32_t parent;
      NodeIndex node;
    };
    std::vector<Pending> stack;
    auto push_children = [&](std::uint32_t inst) {
      const auto& kids = wf_.nodes[instances_[inst].node].children;
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back({inst, *it});
    };
    push_children(0);
    while (!stack.empty()) {
      auto [parent, node] = stack.back();
      stack.pop_back();
      const auto& n = wf_.nodes[node];
      std::size_t count = 1;
      if (n.foreach && !n.foreach->is_dynamic()) count = n.foreach->items.size();
      if (n.foreach && n.foreach->is_dynamic()) graph_.dynamic_fanouts.push_back(node);
      std::uint32_t fanout_limit = kNone;
      if (n.foreach && n.foreach->max_parallel) {
        fanout_limit =
            add_limit(Limit::Kind::kFanout, child_path(parent, n.id), *n.foreach->max_parallel);
      }
      // The node's `count` instances come out in a row: [begin, end).
      const auto begin = static_cast<std::uint32_t>(instances_.size());
      for (std::size_t i = 0; i < count; ++i) {
        std::string suffix = !n.foreach                ? ""
                             : n.foreach->is_dynamic() ? "[*]"
                                                       : fmt::format("[{}]", i);
        std::uint32_t inst =
            add_instance({node, parent, {}, kNone, child_path(parent, n.id) + suffix});
        instances_[parent].children.push_back(inst);
        graph_.level_counts[static_cast<int>(n.level)]++;
        if (fanout_limit != kNone) fanout_limit_of_[inst] = fanout_limit;
      }
      const auto end = static_cast<std::uint32_t>(instances_.size());
      if (n.is_leaf()) {
        for (std::uint32_t inst = begin; inst < end; ++inst) make_leaf(inst);
        continue;
      }
      for (std::uint32_t inst = begin; inst < end; ++inst) {
        if (n.concurrency) {
          group_limit_of_[inst] =
              add_limit(Limit::Kind::kGroup, instances_[inst].path, *n.concurrency);
        }
      }
      // Reversed, so that instance 0's subtree is expanded first (file order).
      for (std::uint32_t inst = end; inst-- > begin;) push_children(inst);
    }
  }

  void make_leaf(std::uint32_t inst) {
    const auto& n = wf_.nodes[instances_[inst].node];
    LeafInstance leaf;
    leaf.node = instances_[inst].node;
    leaf.path = instances_[inst].path;
    if (n.estimate) leaf.estimate = *n.estimate;
    leaf.priority = n.effective->priority.value_or(0);
    leaf.slots = n.slots;
    for (std::uint32_t a = inst; a != kNone; a = instances_[a].parent) {
      if (auto it = group_limit_of_.find(a); it != group_limit_of_.end())
        leaf.limits.push_back(it->second);
      if (auto it = fanout_limit_of_.find(a); it != fanout_limit_of_.end())
        leaf.limits.push_back(it->second);
    }
    if (n.effective->pool) {
      auto [it, fresh] = pool_limit_.emplace(*n.effective->pool, 0);
      if (fresh) {
        auto size = wf_.pools.count(*n.effective->pool) ? wf_.pools.at(*n.effective->pool) : 1;
        it->second = add_limit(Limit::Kind::kPool, *n.effective->pool, size);
      }
      leaf.limits.push_back(it->second);
    }
    instances_[inst].leaf = static_cast<std::uint32_t>(graph_.leaves.size());
    graph_.leaves.push_back(std::move(leaf));
  }

  // Appends an instance and links it after its node's other instances.
  std::uint32_t add_instance(Instance instance) {
    auto inst = static_cast<std::uint32_t>(instances_.size());
    NodeIndex node = instance.node;
    instances_.push_back(std::move(instance));
    next_instance_.push_back(kNone);
    if (last_instance_[node] == kNone) {
      first_instance_[node] = inst;
    } else {
      next_instance_[last_instance_[node]] = inst;
    }
    last_instance_[node] = inst;
    return inst;
  }

  std::vector<std::uint32_t> instances_of(NodeIndex node) const {
    std::vector<std::uint32_t> out;
    for (auto i = first_instance_[node]; i != kNone; i = next_instance_[i]) out.push_back(i);
    return out;
  }

  std::string child_path(std::uint32_t parent, const std::string& id) const {
    const auto& base = instances_[parent].path;
    return base.empty() ? id : base + "." + id;
  }

  std::uint32_t add_limit(Limit::Kind kind, std::string name, int capacity) {
    graph_.limits.push_back({kind, std::move(name), capacity});
    return static_cast<std::uint32_t>(graph_.limits.size() - 1);
  }

  NodeIndex lca(NodeIndex a, NodeIndex b) const {
    while (depth_[a] > depth_[b]) a = parent_[a];
    while (depth_[b] > depth_[a]) b = parent_[b];
    while (a != b) {
      a = parent_[a];
      b = parent_[b];
    }
    return a;
  }

  // A leaf is among the last leaves of an ancestor group G unless some node between it and G
  // has a dependent inside G; sink_depth_ records, per node, the depth of the deepest group that
  // holds such a dependent (inherited downwards). Likewise source_depth_ for first leaves.
  void compute_boundary_depths() {
    std::vector<int> dependent_depth(wf_.nodes.size(), -1), upstream_depth(wf_.nodes.size(), -1);
    for (NodeIndex x = 1; x < wf_.nodes.size(); ++x) {
      for (const auto& up : wf_.nodes[x].upstream) {
        int d = depth_[lca(x, up.node)];
        dependent_depth[up.node] = std::max(dependent_depth[up.node], d);
        upstream_depth[x] = std::max(upstream_depth[x], d);
      }
    }
    sink_depth_.assign(wf_.nodes.size(), -1);
    source_depth_.assign(wf_.nodes.size(), -1);
    for (NodeIndex n = 1; n < wf_.nodes.size(); ++n) {  // Pre-order: parents first.
      NodeIndex p = parent_[n];
      sink_depth_[n] = std::max(sink_depth_[p], dependent_depth[n]);
      source_depth_[n] = std::max(source_depth_[p], upstream_depth[n]);
    }
  }

  // The leaves of instance `inst` that no other leaf of it follows (last) or precedes (first).
  const std::vector<Vertex>& boundary(std::uint32_t inst, bool last) {
    auto& cache = last ? last_leaves_ : first_leaves_;
    auto [it, fresh] = cache.try_emplace(inst);
    if (!fresh) return it->second;
    int depth = wf_.nodes[instances_[inst].node].depth;
    const auto& limit = last ? sink_depth_ : source_depth_;
    std::vector<std::uint32_t> stack{inst};
    while (!stack.empty()) {
      std::uint32_t i = stack.back();
      stack.pop_back();
      if (instances_[i].leaf != kNone) {
        if (i == inst || limit[instances_[i].node] < depth)
          it->second.push_back(instances_[i].leaf);
        continue;
      }
      for (auto c = instances_[i].children.rbegin(); c != instances_[i].children.rend(); ++c) {
        stack.push_back(*c);
      }
    }
    return it->second;
  }

  // The instances of `target` that `inst` sees: those under the same instance of their lowest
  // common ancestor (so a sibling inside one fan-out item means that item's copy).
  std::vector<std::uint32_t> visible_instances(std::uint32_t inst, NodeIndex target,
                                               NodeIndex common) {
    std::uint32_t anchor = inst;
    while (instances_[anchor].node != common) anchor = instances_[anchor].parent;
    std::vector<NodeIndex> down;
    for (NodeIndex n = target; n != common; n = wf_.nodes[n].parent) down.push_back(n);
    std::vector<std::uint32_t> current{anchor}, next;
    for (auto step = down.rbegin(); step != down.rend(); ++step) {
      next.clear();
      for (std::uint32_t c : current) {
        const auto& kids = instances_[c].children;
        // Not std::ranges::equal_range: clang 14 cannot compile it against libstdc++ 12.
        NodeIndex node = *step;
        auto first = std::lower_bound(
            kids.begin(), kids.end(), node,
            [this](std::uint32_t i, NodeIndex n) { return instances_[i].node < n; });
        auto last = std::upper_bound(first, kids.end(), node, [this](NodeIndex n, std::uint32_t i) {
          return n < instances_[i].node;
        });
        next.insert(next.end(), first, last);
      }
      std::swap(current, next);
    }
    return current;
  }

  void add_leaf_edges(NodeIndex x, NodeIndex u, std::vector<std::pair<Vertex, Vertex>>& edges) {
    // The common case, one leaf needing another with no fan-out around: a single edge.
    if (sole_leaf_[x] != kNone && sole_leaf_[u] != kNone) {
      edges.emplace_back(sole_leaf_[u], sole_leaf_[x]);
      return;
    }
    NodeIndex common = lca(x, u);
    for (std::uint32_t xi : instances_of(x)) {
      const auto& firsts = boundary(xi, false);
      for (std::uint32_t ui : visible_instances(xi, u, common)) {
        for (Vertex from : boundary(ui, true)) {
          for (Vertex to : firsts) edges.emplace_back(from, to);
        }
      }
    }
  }

  void collect_group_leaves() {
    for (NodeIndex g = 1; g < wf_.nodes.size(); ++g) {
      if (!wf_.nodes[g].is_group() || first_instance_[g] == kNone) continue;
      std::vector<Vertex> leaves;
      std::vector<std::uint32_t> stack{first_instance_[g]};
      while (!stack.empty()) {
        std::uint32_t i = stack.back();
        stack.pop_back();
        if (instances_[i].leaf != kNone) leaves.push_back(instances_[i].leaf);
        for (std::uint32_t c : instances_[i].children) stack.push_back(c);
      }
      std::sort(leaves.begin(), leaves.end());
      graph_.group_leaves.emplace_back(g, std::move(leaves));
    }
  }

  const model::Workflow& wf_;
  LeafGraph graph_;
  std::vector<Instance> instances_;
  std::vector<NodeIndex> parent_;
  std::vector<int> depth_;
  // Each node's instances in creation order, as a linked list: one instance per node is the
  // rule, and a vector per node was a million allocations.
  std::vector<std::uint32_t> first_instance_, last_instance_, next_instance_;
  std::vector<std::uint32_t> sole_leaf_;  ///< Per node: its leaf if it has exactly one instance.
  std::unordered_map<std::uint32_t, std::uint32_t> group_limit_of_, fanout_limit_of_;
  std::map<std::string, std::uint32_t> pool_limit_;
  std::vector<int> sink_depth_, source_depth_;
  std::unordered_map<std::uint32_t, std::vector<Vertex>> last_leaves_, first_leaves_;
};

}  // namespace

LeafGraph build_leaf_graph(const model::Workflow& workflow) { return Builder(workflow).build(); }

}  // namespace baton::analyze
