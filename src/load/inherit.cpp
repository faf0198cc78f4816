#include "load/inherit.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace baton::load {

using model::NodeIndex;

namespace {

// `nearer` over `farther`, sharing `farther` when there is nothing nearer.
std::shared_ptr<const model::Settings> merged(
    const model::Settings* nearer, const std::shared_ptr<const model::Settings>& farther) {
  if (!nearer) return farther;
  auto out = std::make_shared<model::Settings>(*nearer);
  out->inherit_from(*farther);
  return out;
}

}  // namespace

void apply_inheritance(model::Workflow& workflow) {
  auto& nodes = workflow.nodes;
  // passed_down[n]: what n hands to its children. Pre-order means parents come first. A node
  // that sets nothing shares its parent's object instead of copying it.
  std::vector<std::shared_ptr<const model::Settings>> passed_down(nodes.size());
  const auto nothing = std::make_shared<const model::Settings>();
  for (NodeIndex i = 0; i < nodes.size(); ++i) {
    auto& node = nodes[i];
    const auto& inherited = node.parent == model::kNoNode ? nothing : passed_down[node.parent];
    node.effective = merged(node.own.get(), inherited);
    node.domain = node.declared_domain.value_or(
        node.parent == model::kNoNode ? std::string() : nodes[node.parent].domain);
    if (node.is_group()) {
      passed_down[i] = merged(node.own.get(), merged(node.defaults.get(), inherited));
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

namespace {

// Fan-outs multiply (a fan-out of a group that fans out…): a small file may ask for more units
// than any machine holds. Blamed on the fan-out that makes the most.
void check_instances(const model::Workflow& workflow, DiagnosticSink& sink) {
  if (model::instance_count(workflow, model::kRoot) <= model::kMaxInstances) return;
  NodeIndex worst = model::kNoNode;
  std::uint64_t most = 0;
  for (NodeIndex i = 1; i < workflow.nodes.size(); ++i) {
    const auto& node = workflow.nodes[i];
    if (!node.foreach || node.foreach->is_dynamic()) continue;
    if (auto count = model::instance_count(workflow, i); count > most) {
      most = count;
      worst = i;
    }
  }
  if (worst == model::kNoNode) return;  // Not reachable: the loader bounds the nodes it reads.
  const auto& node = workflow.nodes[worst];
  sink.error(node.foreach->pos,
             fmt::format("fan-out '{}' would make {} × {} tasks and groups, more than the {} a "
                         "run may hold",
                         node.path, node.foreach->items.size(),
                         model::instance_count(workflow, worst, false), model::kMaxInstances),
             "fan out over fewer items, or split the workflow");
}

// An attempt's log and outputs are files named by its task's path (`logs/a.b[3].c.2.log`), and
// a file name holds at most 255 bytes: a path too long for that would fail every attempt.
void check_file_names(const model::Workflow& workflow, DiagnosticSink& sink) {
  constexpr std::size_t kMaxFileName = 255;  // NAME_MAX on Linux file systems
  constexpr std::size_t kSuffix = sizeof(".compensate.999999.log") - 1;  // the longest ending
  const auto digits = [](std::size_t n) { return std::to_string(n).size(); };
  for (NodeIndex i = 1; i < workflow.nodes.size(); ++i) {
    const auto& node = workflow.nodes[i];
    if (!node.is_leaf()) continue;
    std::size_t length = node.path.size() + kSuffix;
    for (NodeIndex n = i; n != model::kRoot && n != model::kNoNode; n = workflow.nodes[n].parent) {
      const auto& fanout = workflow.nodes[n].foreach;
      if (!fanout) continue;  // `[i]` after each fan-out, for its largest index:
      std::size_t items =
          fanout->is_dynamic() ? static_cast<std::size_t>(fanout->max_items) : fanout->items.size();
      length += 2 + digits(items > 0 ? items - 1 : 0);
    }
    if (length <= kMaxFileName) continue;
    sink.error(node.id_pos,
               fmt::format("task '{}' has too long a path for its log files: with its fan-out "
                           "indexes and attempt number, their names would take {} bytes, more "
                           "than the {} a file name may have",
                           shown(node.path), length, kMaxFileName),
               "use shorter ids, or fewer levels of groups");
  }
}

}  // namespace

void check_effective_settings(const model::Workflow& workflow, DiagnosticSink& sink) {
  check_instances(workflow, sink);
  check_file_names(workflow, sink);
  for (NodeIndex i = 1; i < workflow.nodes.size(); ++i) {
    const auto& node = workflow.nodes[i];
    if (node.foreach && !node.foreach->is_dynamic() &&
        node.foreach->items.size() > static_cast<std::size_t>(node.foreach->max_items)) {
      sink.error(node.foreach->pos,
                 fmt::format("'foreach' of '{}' has {} items, more than max_items ({}); "
                             "raise max_items if that is intended",
                             node.path, node.foreach->items.size(), node.foreach->max_items));
    }
    if (!node.is_leaf()) continue;
    const auto& eff = node.settings();
    if (eff.retry.max_attempts == 0 && !eff.deadline) {
      sink.error(node.pos,
                 fmt::format("task '{}' retries without limit (max_attempts: 0) but has no "
                             "'deadline' to stop it",
                             node.path),
                 "add a deadline such as 'deadline: 1h', or set max_attempts");
    }
    if (node.slots > 1 && !eff.pool) {
      sink.error(node.slots_pos, fmt::format("task '{}' takes {} slots but names no 'pool'",
                                             node.path, node.slots));
    }
    if (eff.pool) {
      auto pool = workflow.pools.find(*eff.pool);
      if (pool != workflow.pools.end() && node.slots > pool->second) {
        sink.error(node.slots_pos,
                   fmt::format("task '{}' takes {} slots of pool '{}', which has only {}",
                               node.path, node.slots, *eff.pool, pool->second));
      }
    }
  }
}

}  // namespace baton::load
