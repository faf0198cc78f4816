// Test support for analyze/ tests: workflows written inline as YAML, loaded through the real
// loader, and small lookups by instance path. Header-only: the test build globs *_test.cpp only.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/leaf_graph.hpp"
#include "load/load.hpp"
#include "model/workflow.hpp"

namespace baton::testing {

/// Loads `yaml` as the file `inline.yaml`; throws (failing the test with every diagnostic) if
/// the loader rejects it, so a typo in a test's workflow cannot pass silently.
inline model::Workflow parse_workflow(std::string_view yaml) {
  auto result = load::load_workflow_text(std::string(yaml), "inline.yaml");
  if (!result.ok()) {
    std::string errors;
    for (const auto& d : result.diagnostics) errors += d.to_string() + "\n";
    throw std::runtime_error("the inline workflow is invalid:\n" + errors);
  }
  return std::move(*result.workflow);
}

/// The leaf instance paths, in leaf order.
inline std::vector<std::string> leaf_paths(const analyze::LeafGraph& graph) {
  std::vector<std::string> paths;
  for (const auto& leaf : graph.leaves) paths.push_back(leaf.path);
  return paths;
}

/// The vertex of the leaf instance with this path; throws if there is none.
inline analyze::Vertex vertex_of(const analyze::LeafGraph& graph, std::string_view path) {
  for (std::size_t v = 0; v < graph.leaves.size(); ++v) {
    if (graph.leaves[v].path == path) return static_cast<analyze::Vertex>(v);
  }
  throw std::runtime_error("no leaf instance " + std::string(path));
}

/// Vertices to paths, keeping the order.
inline std::vector<std::string> paths_of(const analyze::LeafGraph& graph,
                                         const std::vector<analyze::Vertex>& vertices) {
  std::vector<std::string> paths;
  for (auto v : vertices) paths.push_back(graph.leaves[v].path);
  return paths;
}

/// Every edge of the leaf DAG as "from -> to", sorted, for whole-graph comparisons.
inline std::vector<std::string> edge_list(const analyze::LeafGraph& graph) {
  std::vector<std::string> edges;
  for (std::size_t v = 0; v < graph.leaves.size(); ++v) {
    for (auto s : graph.dag.successors(static_cast<analyze::Vertex>(v))) {
      edges.push_back(graph.leaves[v].path + " -> " + graph.leaves[s].path);
    }
  }
  std::sort(edges.begin(), edges.end());
  return edges;
}

}  // namespace baton::testing
