// What the loader's tests of valid workflows share (load_test.cpp, resolve_test.cpp,
// inherit_test.cpp): a workflow loaded from text, failing the test if it does not load, and its
// nodes and edges looked up by path.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "load/load.hpp"
#include "model/duration.hpp"

namespace baton::load::loaded {

using model::NodeIndex;
using model::Workflow;

// Loads `text`, failing the test with every diagnostic if it does not load.
inline Workflow load(const std::string& text, const std::string& file = "test.yaml") {
  auto result = load_workflow_text(text, file);
  std::string diagnostics;
  for (const auto& d : result.diagnostics) diagnostics += d.to_string() + "\n";
  EXPECT_TRUE(result.ok()) << diagnostics;
  return result.ok() ? std::move(*result.workflow) : Workflow{};
}

inline NodeIndex index_of(const Workflow& wf, std::string_view path) {
  for (NodeIndex i = 0; i < wf.nodes.size(); ++i) {
    if (wf.nodes[i].path == path) return i;
  }
  ADD_FAILURE() << "no node '" << path << "'";
  return model::kRoot;
}

inline const model::Node& node(const Workflow& wf, std::string_view path) {
  return wf.nodes[index_of(wf, path)];
}

// The paths `path` waits for, in the order the edges were added.
inline std::vector<std::string> upstream(const Workflow& wf, std::string_view path) {
  std::vector<std::string> out;
  for (const auto& edge : node(wf, path).upstream) out.push_back(wf.nodes[edge.node].path);
  return out;
}

using Paths = std::vector<std::string>;

inline Duration seconds(int n) { return std::chrono::seconds(n); }

}  // namespace baton::load::loaded
