// Workflow's questions about its tree: containment, and the subtree ends that answer it in O(1)
// when the nodes are in pre-order.
#include "model/workflow.hpp"

#include <gtest/gtest.h>

namespace baton::model {
namespace {

// A workflow of `size` nodes whose children are listed in the order given.
Workflow tree(std::vector<std::pair<NodeIndex, NodeIndex>> parent_child, std::size_t size) {
  Workflow wf;
  wf.nodes.resize(size);
  for (auto [parent, child] : parent_child) {
    wf.nodes[parent].children.push_back(child);
    wf.nodes[parent].kind = NodeKind::kGroup;
    wf.nodes[child].parent = parent;
  }
  return wf;
}

TEST(SubtreeEnds, AreTheLastIndexOfEachSubtree) {
  // The workflow (0) holds a (1) and e (5); a holds b (2) and d (4); b holds c (3).
  Workflow wf = tree({{0, 1}, {1, 2}, {2, 3}, {1, 4}, {0, 5}}, 6);
  EXPECT_EQ(wf.subtree_ends(), (std::vector<NodeIndex>{5, 4, 3, 3, 4, 5}));
  auto ends = wf.subtree_ends();
  for (NodeIndex a = 0; a < wf.nodes.size(); ++a) {
    for (NodeIndex n = 0; n < wf.nodes.size(); ++n) {
      EXPECT_EQ(a <= n && n <= ends[a], wf.contains(a, n)) << a << " " << n;
    }
  }
}

TEST(SubtreeEnds, AreEmptyUnlessTheNodesAreInPreOrder) {
  // e(2) sits between a(1) and a's child (3): a's subtree is not a run of indexes.
  EXPECT_TRUE(tree({{0, 1}, {0, 2}, {1, 3}}, 4).subtree_ends().empty());
  // A child listed before its parent.
  EXPECT_TRUE(tree({{0, 2}, {2, 1}}, 3).subtree_ends().empty());
  // A node that no one holds.
  EXPECT_TRUE(tree({{0, 1}}, 3).subtree_ends().empty());
}

}  // namespace
}  // namespace baton::model
