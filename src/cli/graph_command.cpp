// `baton graph FILE [--format dot|mermaid]`: the dependency graph, groups drawn as clusters.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/workflow_input.hpp"

namespace baton::cli {
namespace {

using model::NodeIndex;

std::string dot_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

std::string label(const model::Node& node) {
  std::string text = node.name;
  if (node.foreach) {
    text += node.foreach->is_dynamic() ? " [foreach]"
                                       : fmt::format(" [x{}]", node.foreach->items.size());
  }
  return text;
}

// Edges to or from a group attach to its first leaf, clipped at the cluster's border.
NodeIndex first_leaf(const model::Workflow& wf, NodeIndex n) {
  while (wf.node(n).is_group()) n = wf.node(n).children.front();
  return n;
}

void write_dot_children(const model::Workflow& wf, NodeIndex parent, int indent, std::string& out) {
  std::string pad(indent, ' ');
  for (NodeIndex c : wf.node(parent).children) {
    const auto& node = wf.node(c);
    if (node.is_group()) {
      out += fmt::format("{}subgraph {} {{\n{}  label={};\n", pad,
                         dot_string("cluster_" + node.path), pad, dot_string(label(node)));
      write_dot_children(wf, c, indent + 2, out);
      out += pad + "}\n";
    } else {
      std::string shape = node.action == model::ActionKind::kApproval ? ", shape=diamond" : "";
      out += fmt::format("{}{} [label={}{}];\n", pad, dot_string(node.path),
                         dot_string(label(node)), shape);
    }
  }
}

std::string to_dot(const model::Workflow& wf) {
  std::string out =
      fmt::format("digraph {} {{\n  rankdir=LR;\n  compound=true;\n", dot_string(wf.name));
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
  write_dot_children(wf, model::kRoot, 2, out);
  for (NodeIndex n = 1; n < wf.nodes.size(); ++n) {
    for (const auto& up : wf.node(n).upstream) {
      const auto& from = wf.node(up.node);
      const auto& to = wf.node(n);
      std::vector<std::string> attrs;
      if (from.is_group()) attrs.push_back("ltail=" + dot_string("cluster_" + from.path));
      if (to.is_group()) attrs.push_back("lhead=" + dot_string("cluster_" + to.path));
      out += fmt::format("  {} -> {}{};\n", dot_string(wf.node(first_leaf(wf, up.node)).path),
                         dot_string(wf.node(first_leaf(wf, n)).path),
                         attrs.empty() ? "" : fmt::format(" [{}]", fmt::join(attrs, ", ")));
    }
  }
  return out + "}\n";
}

// Mermaid ids must be plain words, so nodes are n<index>; labels carry the names.
void write_mermaid_children(const model::Workflow& wf, NodeIndex parent, int indent,
                            std::string& out) {
  std::string pad(indent, ' ');
  for (NodeIndex c : wf.node(parent).children) {
    const auto& node = wf.node(c);
    std::string text = label(node);
    for (auto& ch : text) {
      if (ch == '"') ch = '\'';
    }
    if (node.is_group()) {
      out += fmt::format("{}subgraph n{}[\"{}\"]\n", pad, c, text);
      write_mermaid_children(wf, c, indent + 2, out);
      out += pad + "end\n";
    } else if (node.action == model::ActionKind::kApproval) {
      out += fmt::format("{}n{}{{\"{}\"}}\n", pad, c, text);
    } else {
      out += fmt::format("{}n{}[\"{}\"]\n", pad, c, text);
    }
  }
}

std::string to_mermaid(const model::Workflow& wf) {
  std::string out = "flowchart LR\n";
  write_mermaid_children(wf, model::kRoot, 2, out);
  for (NodeIndex n = 1; n < wf.nodes.size(); ++n) {
    for (const auto& up : wf.node(n).upstream) out += fmt::format("  n{} --> n{}\n", up.node, n);
  }
  return out;
}

struct GraphOptions {
  std::string file;
  std::string format = "dot";
};

}  // namespace

void add_graph_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<GraphOptions>();
  auto* cmd = app.add_subcommand("graph", "Print the dependency graph (Graphviz dot or Mermaid)");
  cmd->add_option("FILE", opts->file, "Workflow file (YAML or JSON)")->required();
  cmd->add_option("--format", opts->format, "Output format")
      ->check(CLI::IsMember({"dot", "mermaid"}));
  cmd->footer(
      "\nExamples:\n  baton graph release.yaml | dot -Tsvg > release.svg\n"
      "  baton graph release.yaml --format mermaid >> README.md");
  cmd->callback([opts, &exit_code] {
    auto workflow = load_or_report(opts->file, exit_code);
    if (!workflow) return;
    std::cout << (opts->format == "dot" ? to_dot(*workflow) : to_mermaid(*workflow));
  });
}

}  // namespace baton::cli
