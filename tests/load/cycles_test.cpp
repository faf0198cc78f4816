// report_cycles against a plain definition: random workflows of nested groups whose `needs` go
// backward, forward or both in the file, and a dependency cycle reported exactly when the leaves,
// with each group's `needs` given to every leaf inside it, cannot be put in order (Kahn).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "load/load.hpp"

namespace baton::load {
namespace {

struct Sketch {
  std::vector<int> parent;  // Index 0 is the workflow; nodes 1.. in file order (pre-order).
  std::vector<std::vector<int>> children;
  std::vector<std::vector<int>> needs;
  int last_in_subtree(int n) const {
    return children[n].empty() ? n : last_in_subtree(children[n].back());
  }
  bool contains(int ancestor, int n) const {
    for (; n != -1; n = parent[n]) {
      if (n == ancestor) return true;
    }
    return false;
  }
};

// How the `needs` of a node are drawn.
enum class Direction { kBackward, kAny, kBackwardButOne };

Sketch random_sketch(std::mt19937& rng, Direction direction) {
  const int count = std::uniform_int_distribution<int>(4, 24)(rng);
  // Draw the tree with each new node under the workflow or a node on the current branch, so
  // that numbering in creation order is pre-order.
  Sketch s;
  s.parent = {-1};
  s.children = {{}};
  std::vector<int> branch = {0};
  for (int n = 1; n <= count; ++n) {
    branch.resize(std::uniform_int_distribution<std::size_t>(1, branch.size())(rng));
    s.parent.push_back(branch.back());
    s.children[branch.back()].push_back(n);
    s.children.emplace_back();
    if (std::bernoulli_distribution(0.35)(rng)) branch.push_back(n);
  }
  s.needs.resize(s.parent.size());
  bool forward_drawn = false;
  for (int d = 1; d <= count; ++d) {
    const int wanted = std::uniform_int_distribution<int>(0, 2)(rng);
    for (int tries = 0; tries < 20 && int(s.needs[d].size()) < wanted; ++tries) {
      const int u = std::uniform_int_distribution<int>(1, count)(rng);
      // The loader rejects needing oneself, an ancestor or a descendant on its own account.
      if (s.contains(u, d) || s.contains(d, u)) continue;
      bool backward = s.last_in_subtree(u) < d;
      if (!backward && direction == Direction::kBackward) continue;
      if (!backward && direction == Direction::kBackwardButOne) {
        if (forward_drawn) continue;
        forward_drawn = true;
      }
      if (std::find(s.needs[d].begin(), s.needs[d].end(), u) == s.needs[d].end()) {
        s.needs[d].push_back(u);
      }
    }
  }
  return s;
}

void emit(const Sketch& s, int n, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  out += pad + "- id: n" + std::to_string(n) + "\n";
  if (!s.needs[n].empty()) {
    out += pad + "  needs: [";
    for (std::size_t i = 0; i < s.needs[n].size(); ++i) {
      out += (i ? ", n" : "n") + std::to_string(s.needs[n][i]);
    }
    out += "]\n";
  }
  if (s.children[n].empty()) {
    out += pad + "  run: /bin/true\n";
    return;
  }
  out += pad + "  tasks:\n";
  for (int child : s.children[n]) emit(s, child, indent + 4, out);
}

std::string yaml_of(const Sketch& s) {
  std::string out = "name: sketch\ntasks:\n";
  for (int child : s.children[0]) emit(s, child, 2, out);
  return out;
}

// The plain definition: every leaf under a node needs every leaf under each node it needs.
bool leaves_have_a_cycle(const Sketch& s) {
  const int size = int(s.parent.size());
  std::vector<std::vector<int>> dependents(size);
  std::vector<int> waiting(size, 0);
  std::vector<bool> leaf(size);
  for (int n = 1; n < size; ++n) leaf[n] = s.children[n].empty();
  for (int d = 1; d < size; ++d) {
    for (int u : s.needs[d]) {
      for (int x = 1; x < size; ++x) {
        if (!leaf[x] || !s.contains(d, x)) continue;
        for (int y = 1; y < size; ++y) {
          if (!leaf[y] || !s.contains(u, y)) continue;
          dependents[y].push_back(x);
          ++waiting[x];
        }
      }
    }
  }
  std::vector<int> ready;
  int leaves = 0;
  for (int n = 1; n < size; ++n) {
    if (!leaf[n]) continue;
    ++leaves;
    if (waiting[n] == 0) ready.push_back(n);
  }
  int ordered = 0;
  while (!ready.empty()) {
    int n = ready.back();
    ready.pop_back();
    ++ordered;
    for (int x : dependents[n]) {
      if (--waiting[x] == 0) ready.push_back(x);
    }
  }
  return ordered < leaves;
}

void check_many(Direction direction, int expected_min_cyclic, int expected_min_acyclic) {
  std::mt19937 rng(20261127 + int(direction));
  int cyclic = 0;
  int acyclic = 0;
  for (int round = 0; round < 400; ++round) {
    Sketch sketch = random_sketch(rng, direction);
    const std::string text = yaml_of(sketch);
    auto result = load_workflow_text(text, "sketch.yaml");
    bool reported = false;
    std::string diagnostics;
    for (const auto& d : result.diagnostics) {
      diagnostics += d.to_string() + "\n";
      if (d.message.find("dependency cycle: ") == 0) reported = true;
    }
    const bool expected = leaves_have_a_cycle(sketch);
    ASSERT_EQ(reported, expected) << text << diagnostics;
    ASSERT_EQ(result.ok(), !expected) << text << diagnostics;
    (expected ? cyclic : acyclic) += 1;
  }
  // The draws cover both answers, so neither half of the check is vacuous.
  EXPECT_GE(cyclic, expected_min_cyclic);
  EXPECT_GE(acyclic, expected_min_acyclic);
}

TEST(Cycles, NeedsWrittenAboveNeverMakeOne) { check_many(Direction::kBackward, 0, 400); }

TEST(Cycles, OneNeedPointingDownIsACycleOnlyWhenItClosesOne) {
  check_many(Direction::kBackwardButOne, 10, 10);
}

TEST(Cycles, NeedsAnywhereAreReportedExactlyWhenTheyCloseOne) {
  check_many(Direction::kAny, 50, 50);
}

}  // namespace
}  // namespace baton::load
