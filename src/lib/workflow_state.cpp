#include "lib/workflow_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "load/inherit.hpp"
#include "load/node_parser.hpp"
#include "load/resolve.hpp"
#include "load/yaml_fields.hpp"
#include "model/ids.hpp"

namespace baton::detail {
namespace {

using model::NodeIndex;

bool contains(const model::Workflow& wf, NodeIndex ancestor, NodeIndex node) {
  for (NodeIndex n = node; n != model::kNoNode; n = wf.nodes[n].parent) {
    if (n == ancestor) return true;
  }
  return false;
}

// Each entry's children in the order they were added: the entries grouped by parent with a
// counting sort, which keeps that order.
struct Children {
  std::vector<std::uint32_t> first;  // Per entry, into `list`; first[i + 1] ends its range.
  std::vector<NodeIndex> list;

  explicit Children(const std::vector<WorkflowState::Entry>& entries)
      : first(entries.size() + 1, 0), list(entries.empty() ? 0 : entries.size() - 1) {
    for (std::size_t i = 1; i < entries.size(); ++i) ++first[entries[i].parent + 1];
    for (std::size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    std::vector<std::uint32_t> next(first.begin(), first.end() - 1);
    for (std::size_t i = 1; i < entries.size(); ++i) {
      list[next[entries[i].parent]++] = static_cast<NodeIndex>(i);
    }
  }
  std::pair<const NodeIndex*, const NodeIndex*> of(NodeIndex n) const {
    return {list.data() + first[n], list.data() + first[n + 1]};
  }
};

// Lays the entries out in pre-order, as a file would list them.
struct Layout {
  std::vector<NodeIndex> order;   // New index -> entry index.
  std::vector<NodeIndex> new_of;  // Entry index -> new index.

  explicit Layout(const Children& children) : new_of(children.first.size() - 1, model::kNoNode) {
    order.reserve(new_of.size());
    std::vector<NodeIndex> stack{model::kRoot};
    while (!stack.empty()) {
      NodeIndex n = stack.back();
      stack.pop_back();
      new_of[n] = static_cast<NodeIndex>(order.size());
      order.push_back(n);
      auto [begin, end] = children.of(n);
      for (auto it = end; it != begin;) stack.push_back(*--it);
    }
  }
};

// The strings of a node that may hold `${{ … }}` templates, under the keys a file would give
// them, so that a workflow built in code gets the loader's template checks and the edges its
// output references imply (SPEC 1.4).
void add_template_sites(const model::Node& node, NodeIndex index,
                        std::vector<load::TemplateSite>& sites) {
  auto add = [&](std::string key, const std::string& text, bool is_shell) {
    if (text.find("${{") != std::string::npos)
      sites.push_back({index, std::move(key), text, {}, is_shell, {}});
  };
  auto add_command = [&](std::string_view key, const model::Command& command) {
    if (command.is_callable()) return;
    if (command.uses_shell()) return add(std::string(key), command.shell, true);
    for (const auto& word : command.argv) add(std::string(key), word, false);
  };
  auto add_settings = [&](const model::Settings& settings) {
    if (settings.cwd) add("cwd", *settings.cwd, false);
    for (const auto& [name, value] : settings.env) add("env." + name, value, false);
  };
  if (node.is_leaf() && node.action != model::ActionKind::kApproval) {
    add_command(node.action == model::ActionKind::kShell ? "run" : "argv", node.command);
  }
  if (node.compensate) add_command("compensate", *node.compensate);
  if (node.own) add_settings(*node.own);
  if (node.defaults) add_settings(*node.defaults);
}

}  // namespace

std::uint32_t WorkflowState::add(std::uint32_t parent, std::string id, model::NodeKind kind,
                                 model::ActionKind action) {
  if (!model::is_valid_id(id)) {
    throw std::invalid_argument(fmt::format("invalid id '{}': expected {}", id, model::id_rule()));
  }
  if (entries[parent].kind == model::NodeKind::kLeaf) {
    throw std::invalid_argument(
        fmt::format("'{}' is a task, not a group: it cannot hold '{}'", path_of(parent), id));
  }
  auto index = static_cast<std::uint32_t>(entries.size());
  Entry& entry = entries.emplace_back();
  entry.id = std::move(id);
  entry.parent = parent;
  entry.kind = kind;
  entry.action = action;
  return index;
}

WorkflowState::NeedRows WorkflowState::needs_by_node() const {
  NeedRows rows;
  rows.first.assign(entries.size() + 1, 0);
  for (const auto& [node, up] : needs) ++rows.first[node + 1];
  for (std::size_t i = 1; i < rows.first.size(); ++i) rows.first[i] += rows.first[i - 1];
  rows.upstream.resize(needs.size());
  std::vector<std::uint32_t> next(rows.first.begin(), rows.first.end() - 1);
  for (const auto& [node, up] : needs) rows.upstream[next[node]++] = up;
  return rows;
}

model::Node& WorkflowState::detail(std::uint32_t node) {
  auto& detail = entries[node].detail;
  if (!detail) detail = std::make_unique<model::Node>();
  return *detail;
}

std::string WorkflowState::path_of(std::uint32_t node) const {
  std::string path;
  for (NodeIndex n = node; n != model::kRoot && n != model::kNoNode; n = entries[n].parent) {
    path = path.empty() ? entries[n].id : entries[n].id + "." + path;
  }
  return path;
}

WorkflowState::Built WorkflowState::to_model() const {
  Built built{top, {}};  // The workflow's own values; `top` has no nodes.
  model::Workflow& wf = built.workflow;
  wf.file = top.name;  // Built in code: no file, so diagnostics name the workflow.

  Children children(entries);
  Layout layout(children);
  wf.nodes.reserve(layout.order.size());
  for (NodeIndex old : layout.order) {
    const Entry& entry = entries[old];
    model::Node& node =
        entry.detail ? wf.nodes.emplace_back(*entry.detail) : wf.nodes.emplace_back();
    node.id = entry.id;
    node.kind = entry.kind;
    if (entry.kind == model::NodeKind::kLeaf) {
      node.action = entry.action;
      if (entry.action == model::ActionKind::kCallable) node.command.callable = entry.callable;
    }
    if (entry.parent != model::kNoNode) {
      node.parent = layout.new_of[entry.parent];
      const model::Node& parent = wf.nodes[node.parent];
      node.depth = parent.depth + 1;
      node.path = parent.path.empty() ? node.id : parent.path + "." + node.id;
    }
    auto [begin, end] = children.of(old);
    node.children.clear();
    for (auto it = begin; it != end; ++it) node.children.push_back(layout.new_of[*it]);
    node.output_refs.clear();  // Found again below, with this layout's indexes.
  }

  load::DiagnosticSink sink(wf.name);
  // Edges: `needs`, then dynamic fan-out sources (SPEC 1.1, 2.5).
  auto add_edge = [&](NodeIndex node, NodeIndex upstream, std::string_view what) {
    auto& n = wf.nodes[node];
    if (upstream == node) {
      sink.error({}, fmt::format("'{}' cannot {} itself", n.path, what));
      return;
    }
    if (contains(wf, upstream, node) || contains(wf, node, upstream)) {
      sink.error({}, fmt::format("'{}' cannot {} '{}': one contains the other", n.path, what,
                                 wf.nodes[upstream].path));
      return;
    }
    model::Upstream edge{upstream, {}};
    if (std::find(n.upstream.begin(), n.upstream.end(), edge) == n.upstream.end()) {
      n.upstream.push_back(edge);
    }
  };
  const NeedRows need_rows = needs_by_node();
  for (NodeIndex old = 1; old < entries.size(); ++old) {
    NodeIndex node = layout.new_of[old];
    for (std::uint32_t k = need_rows.first[old]; k < need_rows.first[old + 1]; ++k) {
      add_edge(node, layout.new_of[need_rows.upstream[k]], "need");
    }
    if (entries[old].foreach_source != model::kNoNode) {
      NodeIndex source = layout.new_of[entries[old].foreach_source];
      auto& fe = wf.nodes[node].foreach;
      fe = std::make_shared<model::Foreach>(*fe);
      fe->from = model::Reference{wf.nodes[source].path, {}};
      fe->from_node = source;
      if (wf.nodes[source].is_group()) {
        sink.error({}, fmt::format("'{}' fans out over '{}', a group: expected a task",
                                   wf.nodes[node].path, wf.nodes[source].path));
      }
      add_edge(node, source, "fan out over");
    }
  }
  load::Resolver resolver(wf, sink);  // Reports duplicate ids among siblings.
  resolver.add_sequential_edges();
  std::vector<load::TemplateSite> sites;
  for (NodeIndex n = 0; n < wf.nodes.size(); ++n) add_template_sites(wf.nodes[n], n, sites);
  resolver.resolve_templates(sites);
  for (NodeIndex n = 1; n < wf.nodes.size(); ++n) {
    if (wf.nodes[n].is_group() && wf.nodes[n].children.empty()) {
      sink.error(
          {},
          fmt::format("group '{}' has no tasks: a group must hold at least one", wf.nodes[n].path),
          "add tasks to it, or make it a task");
    }
  }
  for (const auto& node : wf.nodes) {
    if (!node.own) continue;
    if (node.own->pool && !wf.pools.count(*node.own->pool)) {
      sink.error({}, fmt::format("'{}' uses unknown pool '{}'", node.path, *node.own->pool),
                 "declare it with Workflow::pool");
    }
    if (node.own->breaker && !wf.breakers.count(*node.own->breaker)) {
      sink.error({}, fmt::format("'{}' uses unknown breaker '{}'", node.path, *node.own->breaker),
                 "declare it with Workflow::breaker");
    }
  }
  if (wf.nodes.size() == 1) sink.error({}, "the workflow has no tasks");
  if (!sink.has_errors()) {
    load::apply_inheritance(wf);
    load::infer_levels(wf);
    load::check_effective_settings(wf, sink);
  }
  // Whatever else is wrong, as a workflow file's validation does: every error at once (SPEC 1.1).
  load::report_cycles(wf, sink);
  for (auto& node : wf.nodes) {
    if (node.name.empty()) node.name = node.id;
  }
  built.diagnostics = sink.take();
  return built;
}

}  // namespace baton::detail
