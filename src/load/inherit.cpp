#include "load/inherit.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace baton::load {

using model::NodeIndex;

void apply_inheritance(model::Workflow& workflow) {
  auto& nodes = workflow.nodes;
  // passed_down[n]: what n hands to its children. Pre-order means parents come first.
  std::vector<model::Settings> passed_down(nodes.size());
  for (NodeIndex i = 0; i < nodes.size(); ++i) {
    auto& node = nodes[i];
    node.effective = node.own;
    if (node.parent != model::kNoNode) {
      node.effective.inherit_from(passed_down[node.parent]);
      node.domain = node.declared_domain.value_or(nodes[node.parent].domain);
    } else {
      node.domain = node.declared_domain.value_or("");
    }
    if (node.is_group()) {
      passed_down[i] = node.own;
      passed_down[i].inherit_from(node.defaults);
      if (node.parent != model::kNoNode) passed_down[i].inherit_from(passed_down[node.parent]);
    }
  }
}

void infer_levels(model::Workflow& workflow) {
  int deepest = 1;
  for (const auto& node : workflow.nodes) {
    if (node.is_leaf() && node.parent != model::kNoNode) deepest = std::max(deepest, node.depth);
  }
  auto by_depth = [deepest](int depth) {
    static constexpr Level kScheme[] = {Level::kEpic, Level::kStory, Level::kTask};
    if (deepest == 1) return Level::kTask;
    if (deepest == 2) return depth == 1 ? Level::kStory : Level::kTask;
    return depth <= 3 ? kScheme[depth - 1] : Level::kSubtask;
  };
  for (auto& node : workflow.nodes) {
    if (node.parent == model::kNoNode) continue;
    node.level = node.declared_level.value_or(by_depth(node.depth));
  }
}

void check_effective_settings(const model::Workflow& workflow, DiagnosticSink& sink) {
  for (NodeIndex i = 1; i < workflow.nodes.size(); ++i) {
    const auto& node = workflow.nodes[i];
    if (node.foreach && !node.foreach->is_dynamic() &&
        node.foreach->items.size() > static_cast<std::size_t>(node.foreach->max_items)) {
      sink.error(node.pos, fmt::format("'foreach' of '{}' has {} items, more than max_items ({}); "
                                       "raise max_items if that is intended",
                                       node.path, node.foreach->items.size(),
                                       node.foreach->max_items));
    }
    if (!node.is_leaf()) continue;
    const auto& eff = node.effective;
    if (eff.retry.max_attempts == 0 && !eff.deadline) {
      sink.error(node.pos,
                 fmt::format("task '{}' retries without limit (max_attempts: 0) but has no "
                             "'deadline' to stop it",
                             node.path),
                 "add a deadline such as 'deadline: 1h', or set max_attempts");
    }
    if (node.slots > 1 && !eff.pool) {
      sink.error(node.pos, fmt::format("task '{}' takes {} slots but names no 'pool'", node.path,
                                       node.slots));
    }
    if (eff.pool) {
      auto pool = workflow.pools.find(*eff.pool);
      if (pool != workflow.pools.end() && node.slots > pool->second) {
        sink.error(node.pos, fmt::format("task '{}' takes {} slots of pool '{}', which has only {}",
                                         node.path, node.slots, *eff.pool, pool->second));
      }
    }
  }
}

}  // namespace baton::load
