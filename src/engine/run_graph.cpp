#include "engine/run_graph.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace baton::engine {
namespace {

std::uint64_t child_key(UnitIndex parent, model::NodeIndex node) {
  return (std::uint64_t(parent) << 32) | node;
}

}  // namespace

RunGraph::RunGraph(const model::Workflow& workflow) : workflow_(workflow) {
  // A unit per node, static fan-outs aside: growing the vector moved every unit made so far,
  // each time (a unit holds a dozen containers).
  units_.reserve(workflow_.nodes.size());
  add_unit(UnitKind::kGroup, model::kRoot, kNoUnit, "");
  std::vector<UnitIndex> created;
  for (model::NodeIndex child : workflow_.root().children) instantiate(child, kRootUnit, created);
  for (UnitIndex u : created) wire(u);
}

UnitIndex RunGraph::add_unit(UnitKind kind, model::NodeIndex node, UnitIndex parent,
                             std::string path) {
  auto index = static_cast<UnitIndex>(units_.size());
  Unit unit;
  unit.kind = kind;
  unit.node = node;
  unit.parent = parent;
  unit.path = std::move(path);
  if (parent != kNoUnit) {
    unit.item = units_[parent].item;
    unit.item_index = units_[parent].item_index;
  }
  units_.push_back(std::move(unit));
  if (parent != kNoUnit) {
    units_[parent].children.push_back(index);
    if (units_[parent].kind != UnitKind::kFanout) child_index_[child_key(parent, node)] = index;
  }
  return index;
}

void RunGraph::instantiate(model::NodeIndex node, UnitIndex parent,
                           std::vector<UnitIndex>& created) {
  const auto& n = workflow_.node(node);
  const auto& base = units_[parent].path;
  std::string path = base.empty() ? n.id : base + "." + n.id;
  if (n.foreach) {
    UnitIndex fanout = add_unit(UnitKind::kFanout, node, parent, std::move(path));
    created.push_back(fanout);
    if (!n.foreach->is_dynamic()) {
      for (std::size_t i = 0; i < n.foreach->items.size(); ++i) {
        instantiate_instance(node, fanout, i, n.foreach->items[i], created);
      }
    }
    return;
  }
  UnitIndex unit =
      add_unit(n.is_group() ? UnitKind::kGroup : UnitKind::kLeaf, node, parent, std::move(path));
  created.push_back(unit);
  for (model::NodeIndex child : n.children) instantiate(child, unit, created);
}

void RunGraph::instantiate_instance(model::NodeIndex node, UnitIndex fanout, std::size_t index,
                                    const std::string& item, std::vector<UnitIndex>& created) {
  const auto& n = workflow_.node(node);
  UnitIndex unit = add_unit(n.is_group() ? UnitKind::kGroup : UnitKind::kLeaf, node, fanout,
                            fmt::format("{}[{}]", units_[fanout].path, index));
  units_[unit].item = item;
  units_[unit].item_index = static_cast<int>(index);
  created.push_back(unit);
  for (model::NodeIndex child : n.children) instantiate(child, unit, created);
}

std::vector<UnitIndex> RunGraph::expand(UnitIndex fanout, const std::vector<std::string>& items) {
  std::vector<UnitIndex> created;
  for (std::size_t i = 0; i < items.size(); ++i) {
    instantiate_instance(units_[fanout].node, fanout, i, items[i], created);
  }
  for (UnitIndex u : created) wire(u);
  return units_[fanout].children;
}

void RunGraph::wire(UnitIndex u) {
  UnitIndex parent = units_[u].parent;
  // An instance's dependencies are its fan-out's: the fan-out unit carries them.
  if (parent != kNoUnit && units_[parent].kind == UnitKind::kFanout) return;
  for (const auto& up : workflow_.node(units_[u].node).upstream) {
    for (UnitIndex target : visible_units(u, up.node)) {
      auto& list = units_[u].upstream;
      if (std::find(list.begin(), list.end(), target) != list.end()) continue;
      list.push_back(target);
      units_[target].dependents.push_back(u);
    }
  }
}

// The units of `target` that `from` waits for: those under the same instance of their lowest
// common ancestor, so that a sibling inside one fan-out item means that item's copy. A node
// inside a fan-out that is not expanded yet is stood for by the whole fan-out.
std::vector<UnitIndex> RunGraph::visible_units(UnitIndex from, model::NodeIndex target) const {
  const auto& nodes = workflow_.nodes;
  // A sibling, as most dependencies are: the target's unit under `from`'s parent unit (which is
  // an instance if the parent node is a fan-out). What the walk below finds, without allocating.
  const UnitIndex parent = units_[from].parent;
  if (parent != kNoUnit && units_[parent].node == nodes[target].parent &&
      target != units_[from].node) {
    auto it = child_index_.find(child_key(parent, target));
    if (it == child_index_.end()) return {};
    return {it->second};
  }
  model::NodeIndex a = units_[from].node, b = target;
  while (nodes[a].depth > nodes[b].depth) a = nodes[a].parent;
  while (nodes[b].depth > nodes[a].depth) b = nodes[b].parent;
  while (a != b) {
    a = nodes[a].parent;
    b = nodes[b].parent;
  }
  UnitIndex anchor = from;
  while (units_[anchor].node != a) anchor = units_[anchor].parent;
  std::vector<model::NodeIndex> down;
  for (model::NodeIndex n = target; n != a; n = nodes[n].parent) down.push_back(n);
  std::vector<UnitIndex> current{anchor}, next;
  for (auto step = down.rbegin(); step != down.rend(); ++step) {
    bool last = step + 1 == down.rend();
    next.clear();
    for (UnitIndex c : current) {
      auto it = child_index_.find(child_key(c, *step));
      if (it == child_index_.end()) continue;
      const Unit& child = units_[it->second];
      bool expanded = child.kind != UnitKind::kFanout || !child.children.empty() ||
                      !nodes[*step].foreach->is_dynamic();
      if (child.kind == UnitKind::kFanout && !last && expanded) {
        next.insert(next.end(), child.children.begin(), child.children.end());
      } else {
        next.push_back(it->second);
      }
    }
    std::swap(current, next);
    if (!current.empty() && units_[current.front()].kind == UnitKind::kFanout && !last) break;
  }
  return current;
}

std::vector<UnitIndex> RunGraph::leaves_under(UnitIndex u) const {
  std::vector<UnitIndex> out, stack{u};
  while (!stack.empty()) {
    UnitIndex v = stack.back();
    stack.pop_back();
    if (units_[v].kind == UnitKind::kLeaf) out.push_back(v);
    for (auto it = units_[v].children.rbegin(); it != units_[v].children.rend(); ++it) {
      stack.push_back(*it);
    }
  }
  return out;
}

}  // namespace baton::engine
