#include "load/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "load/did_you_mean.hpp"
#include "model/templates.hpp"

namespace baton::load {

using model::NodeIndex;

namespace {

// How many nodes ahead the index's slots are asked for (PathIndex::prefetch): far enough for a
// miss to be served before its turn, near enough for the lines to be there still.
constexpr NodeIndex kLookAhead = 16;

}  // namespace

Resolver::Resolver(model::Workflow& workflow, DiagnosticSink& sink)
    : workflow_(workflow),
      sink_(sink),
      by_path_(workflow.nodes.size()),
      subtree_ends_(workflow.subtree_ends()) {
  const auto& nodes = workflow_.nodes;
  for (NodeIndex i = 1; i < nodes.size(); ++i) {
    if (i + kLookAhead < nodes.size()) by_path_.prefetch(nodes[i + kLookAhead].path);
    auto [first, fresh_path] = by_path_.emplace(nodes[i].path, i);
    if (fresh_path) continue;
    // The same path twice means the same id twice among one node's children.
    const auto& parent_path = nodes[nodes[i].parent].path;
    std::string scope = parent_path.empty() ? std::string("the top-level tasks")
                                            : fmt::format("the tasks of '{}'", parent_path);
    // A workflow built in code has no lines to point at.
    const int line = nodes[first].id_pos.line;
    sink_.error(nodes[i].id_pos,
                fmt::format("duplicate id '{}' among {}{}", nodes[i].id, scope,
                            line > 0 ? fmt::format(" (first defined at line {})", line) : ""));
  }
}

const PathIndex& Resolver::ids() {
  if (ids_built_) return by_id_;
  ids_built_ = true;
  const auto& nodes = workflow_.nodes;
  by_id_ = PathIndex(nodes.size());
  for (NodeIndex i = 1; i < nodes.size(); ++i) {
    if (!by_id_.emplace(nodes[i].id, i).second) by_id_.assign(nodes[i].id, kManyNodes);
  }
  return by_id_;
}

bool Resolver::contains(NodeIndex ancestor, NodeIndex node) const {
  if (subtree_ends_.empty()) return workflow_.contains(ancestor, node);
  return ancestor <= node && node <= subtree_ends_[ancestor];
}

std::string Resolver::label(NodeIndex node) const {
  const auto& n = workflow_.nodes[node];
  if (node == model::kRoot) return "the workflow";
  return fmt::format("{} '{}'", n.is_group() ? "group" : "task", n.path);
}

std::optional<NodeIndex> Resolver::resolve(const model::Reference& ref, NodeIndex from,
                                           std::string_view where) {
  const auto& nodes = workflow_.nodes;
  if (ref.text.find('.') != std::string::npos) {
    if (auto node = by_path_.find(ref.text)) return node;
  } else {
    // A sibling's path is the scope's path plus the id: one hash lookup, not a scan.
    NodeIndex scope = from == model::kRoot ? model::kRoot : nodes[from].parent;
    const std::string& scope_path = nodes[scope].path;
    std::string sibling_path = scope_path.empty() ? ref.text : scope_path + "." + ref.text;
    if (auto node = by_path_.find(sibling_path)) return node;
    if (auto node = ids().find(ref.text)) {
      if (*node != kManyNodes) return node;
      std::vector<std::string> paths;
      for (const auto& candidate : nodes) {
        if (candidate.id == ref.text) paths.push_back(candidate.path);
      }
      sink_.error(ref.pos,
                  fmt::format("ambiguous reference '{}' in '{}' of {}: it matches {}", ref.text,
                              where, label(from), fmt::join(paths, ", ")),
                  "write the full path");
      return std::nullopt;
    }
  }
  std::vector<std::string_view> names;
  names.reserve(ids().size() + by_path_.size());
  ids().for_each([&names](std::string_view id, NodeIndex) { names.push_back(id); });
  by_path_.for_each([&names](std::string_view path, NodeIndex) {
    if (path.find('.') != std::string_view::npos) names.push_back(path);
  });
  // Not the node itself: it cannot need itself; nor a placeholder for a missing id (`#2`),
  // which is written nowhere. Sorted: a deterministic pick among equals.
  std::erase_if(names, [&](std::string_view name) {
    return name.find('#') != std::string_view::npos ||
           (from != model::kRoot && (name == nodes[from].id || name == nodes[from].path));
  });
  std::sort(names.begin(), names.end());
  sink_.error(ref.pos,
              fmt::format("unknown task '{}' in '{}' of {}", shown(ref.text), where, label(from)),
              did_you_mean_nearest(ref.text, names));
  return std::nullopt;
}

void Resolver::add_edge(NodeIndex node, NodeIndex upstream, model::SourcePos pos,
                        std::string_view where) {
  auto& nodes = workflow_.nodes;
  if (upstream == node) {
    sink_.error(pos, fmt::format("{} depends on itself (in '{}')", label(node), where));
    return;
  }
  if (contains(upstream, node)) {
    sink_.error(pos, fmt::format("{} depends on '{}', which contains it (in '{}')", label(node),
                                 nodes[upstream].path, where));
    return;
  }
  if (contains(node, upstream)) {
    sink_.error(pos, fmt::format("{} depends on '{}', which is inside it (in '{}')", label(node),
                                 nodes[upstream].path, where));
    return;
  }
  auto& list = nodes[node].upstream;
  model::Upstream edge{upstream, pos};
  if (std::find(list.begin(), list.end(), edge) == list.end()) list.push_back(edge);
}

void Resolver::resolve_needs() {
  // On a million tasks each lookup misses the cache: asking for the slots of the needs a few
  // nodes ahead lets those misses overlap rather than come one after another. Only for keys
  // that need no string built: a path, or the id of a top-level task.
  const auto& nodes = workflow_.nodes;
  for (NodeIndex i = 1; i < nodes.size(); ++i) {
    if (i + kLookAhead < nodes.size() && nodes[i + kLookAhead].parent == model::kRoot) {
      for (const auto& ref : nodes[i + kLookAhead].needs) by_path_.prefetch(ref.text);
    }
    for (const auto& ref : nodes[i].needs) {
      if (auto target = resolve(ref, i, "needs")) add_edge(i, *target, ref.pos, "needs");
    }
  }
}

void Resolver::resolve_flows(const std::vector<std::pair<FlowChain, model::SourcePos>>& flows) {
  for (const auto& [chain, pos] : flows) {
    std::vector<std::vector<std::pair<NodeIndex, model::SourcePos>>> steps;
    for (const auto& step : chain.steps) {
      auto& resolved = steps.emplace_back();
      for (const auto& ref : step) {
        if (auto target = resolve(ref, model::kRoot, "flow"))
          resolved.push_back({*target, ref.pos});
      }
    }
    for (std::size_t s = 1; s < steps.size(); ++s) {
      for (const auto& [node, node_pos] : steps[s]) {
        for (const auto& [upstream, up_pos] : steps[s - 1])
          add_edge(node, upstream, node_pos, "flow");
      }
    }
  }
}

void Resolver::resolve_foreach_sources() {
  for (NodeIndex i = 1; i < workflow_.nodes.size(); ++i) {
    auto& fe = workflow_.nodes[i].foreach;
    if (!fe || !fe->from) continue;
    auto target = resolve(*fe->from, i, "foreach.from");
    if (!target) continue;
    const auto& source = workflow_.nodes[*target];
    if (source.is_group()) {
      sink_.error(fe->from->pos, fmt::format("'foreach.from' must name a task that writes outputs, "
                                             "but '{}' is a group",
                                             source.path));
      continue;
    }
    if (auto fanout = fanned_out_from(*target, i); fanout != model::kNoNode) {
      sink_.error(
          fe->from->pos,
          fmt::format("'foreach.from' must name a task that runs once, but {}: its "
                      "outputs are its instances', one per item",
                      fans_out_text(*target, fanout)),
          fmt::format("fan out over a task that needs '{}' and writes one list from "
                      "${} and the like",
                      workflow_.nodes[fanout].path,
                      first_instance_variable(*target, fe->output.empty() ? "KEY" : fe->output)));
      continue;
    }
    if (!fe->output.empty() && !source.outputs.empty() &&
        std::find(source.outputs.begin(), source.outputs.end(), fe->output) ==
            source.outputs.end()) {
      std::vector<std::string_view> keys(source.outputs.begin(), source.outputs.end());
      sink_.error(fe->output_pos,
                  fmt::format("task '{}' declares no output '{}' (its outputs: {})", source.path,
                              fe->output, fmt::join(source.outputs, ", ")),
                  did_you_mean(fe->output, keys));
    }
    fe->from_node = *target;
    add_edge(i, *target, fe->from->pos, "foreach.from");
  }
}

void Resolver::add_sequential_edges() {
  for (NodeIndex i = 0; i < workflow_.nodes.size(); ++i) {
    const auto& group = workflow_.nodes[i];
    if (group.strategy != GroupStrategy::kSequential) continue;
    for (std::size_t c = 1; c < group.children.size(); ++c) {
      NodeIndex child = group.children[c];
      add_edge(child, group.children[c - 1], workflow_.nodes[child].pos, "strategy: sequential");
    }
  }
}

const model::Foreach* Resolver::fanout_in_scope(NodeIndex node) const {
  for (NodeIndex n = node; n != model::kNoNode; n = workflow_.nodes[n].parent) {
    if (workflow_.nodes[n].foreach) return &*workflow_.nodes[n].foreach;
  }
  return nullptr;
}

model::NodeIndex Resolver::fanned_out_from(NodeIndex target, NodeIndex user) const {
  const auto& nodes = workflow_.nodes;
  if (nodes[target].foreach) return target;
  for (NodeIndex n = nodes[target].parent; n != model::kNoNode; n = nodes[n].parent) {
    if (!nodes[n].foreach) continue;
    for (NodeIndex u = user; u != model::kNoNode; u = nodes[u].parent) {
      if (u == n) return model::kNoNode;  // `user` is in the same instance.
    }
    return n;
  }
  return model::kNoNode;
}

std::string Resolver::fans_out_text(NodeIndex target, NodeIndex fanout) const {
  const auto& nodes = workflow_.nodes;
  if (target == fanout) return fmt::format("'{}' fans out", nodes[target].path);
  return fmt::format("'{}' is inside '{}', which fans out", nodes[target].path, nodes[fanout].path);
}

std::string Resolver::first_instance_variable(NodeIndex target, std::string_view key) const {
  const auto& nodes = workflow_.nodes;
  std::vector<NodeIndex> chain;  // From `target` up to the top level.
  for (NodeIndex n = target; n != model::kRoot && n != model::kNoNode; n = nodes[n].parent) {
    chain.push_back(n);
  }
  std::string path;  // Every fan-out on the way as its first instance: `a[0].b[0].c`.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!path.empty()) path += '.';
    path += nodes[*it].id;
    if (nodes[*it].foreach) path += "[0]";
  }
  return model::output_variable(path, key);
}

model::TemplateMeaning Resolver::meaning_at(NodeIndex node, std::string_view expr,
                                            std::string_view nearest_item_name) const {
  // Nested fan-outs: an item is the nearest fan-out's that bears its name (`as`), so an inner
  // task may use an outer item by its name, and an inner name hides an outer one.
  for (NodeIndex n = node; n != model::kNoNode; n = workflow_.nodes[n].parent) {
    const auto& fanout = workflow_.nodes[n].foreach;
    if (!fanout) continue;
    auto meaning = model::classify_template(expr, fanout->as);
    if (meaning.kind == model::TemplateKind::kItem ||
        meaning.kind == model::TemplateKind::kItemIndex) {
      return meaning;
    }
  }
  return model::classify_template(expr, nearest_item_name);
}

void Resolver::resolve_templates(const std::vector<TemplateSite>& sites) {
  for (const auto& site : sites) {
    auto scan = model::scan_templates(site.text);
    // Where the n-th expression is written, if the loader found it; else the string's start.
    auto pos_of = [&site](std::size_t n) {
      return n < site.expr_pos.size() ? site.expr_pos[n] : site.pos;
    };
    if (site.is_shell && !scan.exprs.empty()) {
      const auto& first = scan.exprs.front();
      sink_.error(pos_of(0),
                  fmt::format("template '${{{{ {} }}}}' in '{}' of {}: values never reach a shell "
                              "string; pass it through 'env:' and use \"$NAME\" in the command",
                              shown(first.text), site.key, label(site.node)),
                  fmt::format("env: {{ NAME: \"${{{{ {} }}}}\" }}", shown(first.text)));
      continue;
    }
    if (!scan.error.empty()) {
      // At the `${{` the error is about: the how-manyth of the string's.
      std::size_t n = 0;
      for (std::size_t at = site.text.find("${{"); at < scan.error_offset;
           at = site.text.find("${{", at + 3)) {
        ++n;
      }
      sink_.error(pos_of(n),
                  fmt::format("{} in '{}' of {}", scan.error, site.key, label(site.node)));
      continue;
    }
    const model::Foreach* fanout = fanout_in_scope(site.node);
    std::string_view item_name = fanout ? std::string_view(fanout->as) : "item";
    for (std::size_t n = 0; n < scan.exprs.size(); ++n) {
      const auto& expr = scan.exprs[n];
      const model::SourcePos at = pos_of(n);
      auto meaning = meaning_at(site.node, expr.text, item_name);
      switch (meaning.kind) {
        case model::TemplateKind::kRunId:
          break;
        case model::TemplateKind::kItem:
        case model::TemplateKind::kItemIndex:
          if (!fanout) {
            sink_.error(at, fmt::format("'${{{{ {} }}}}' in '{}' of {} is only defined inside "
                                        "a node with 'foreach'",
                                        shown(expr.text), site.key, label(site.node)));
          }
          break;
        case model::TemplateKind::kTaskOutput: {
          if (site.node == model::kRoot) {
            sink_.error(at, fmt::format("'${{{{ {} }}}}' can only be used in a task or "
                                        "group, not at the workflow level",
                                        shown(expr.text)));
            break;
          }
          auto target = resolve({meaning.ref, at}, site.node, site.key);
          if (!target) break;
          if (workflow_.nodes[*target].is_group()) {
            sink_.error(at,
                        fmt::format("template '${{{{ {} }}}}' in '{}' of {} must name a task that "
                                    "writes outputs, but '{}' is a group",
                                    shown(expr.text), site.key, label(site.node),
                                    workflow_.nodes[*target].path));
            break;
          }
          if (auto spread = fanned_out_from(*target, site.node); spread != model::kNoNode) {
            sink_.error(at,
                        fmt::format("template '${{{{ {} }}}}' in '{}' of {}: {}, so its outputs "
                                    "are its instances', one per item",
                                    shown(expr.text), site.key, label(site.node),
                                    fans_out_text(*target, spread)),
                        fmt::format("a task that needs it reads ${} and the like",
                                    first_instance_variable(*target, meaning.key)));
            break;
          }
          const auto& outputs = workflow_.nodes[*target].outputs;
          if (!outputs.empty() &&
              std::find(outputs.begin(), outputs.end(), meaning.key) == outputs.end()) {
            std::vector<std::string_view> keys(outputs.begin(), outputs.end());
            sink_.error(at,
                        fmt::format("task '{}' declares no output '{}' (its outputs: {})",
                                    workflow_.nodes[*target].path, shown(meaning.key),
                                    fmt::join(outputs, ", ")),
                        did_you_mean(meaning.key, keys));
          }
          // A task's undo step may read the task's own outputs: they are known when it runs.
          if (!(site.key == "compensate" && *target == site.node)) {
            add_edge(site.node, *target, at, site.key);
          }
          auto& refs = workflow_.nodes[site.node].output_refs;
          if (std::find_if(refs.begin(), refs.end(),
                           [&](const auto& r) { return r.first == meaning.ref; }) == refs.end()) {
            refs.emplace_back(meaning.ref, *target);
          }
          break;
        }
        case model::TemplateKind::kUnknown:
          sink_.error(
              at, fmt::format("unknown template '${{{{ {} }}}}' in '{}' of {}: expected {}, "
                              "{}_index, run.id or tasks.TASK.outputs.KEY",
                              shown(expr.text), site.key, label(site.node), item_name, item_name));
          break;
      }
    }
  }
}

}  // namespace baton::load
