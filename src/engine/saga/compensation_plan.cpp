#include "engine/saga/compensation_plan.hpp"

#include <algorithm>
#include <limits>

namespace baton::engine {
namespace {

constexpr std::size_t kNotAStep = std::numeric_limits<std::size_t>::max();

bool needs_compensation(const RunGraph& graph, UnitIndex u) {
  const Unit& unit = graph.unit(u);
  return unit.kind == UnitKind::kLeaf && unit.state == TaskState::kSucceeded &&
         graph.node_of(u).compensate != nullptr;
}

}  // namespace

CompensationPlan plan_compensations(const RunGraph& graph) {
  CompensationPlan plan;
  const auto& units = graph.units();
  for (UnitIndex u = 0; u < units.size(); ++u) {
    if (needs_compensation(graph, u)) plan.steps.push_back(u);
  }
  auto finished = [&](UnitIndex u) {
    return units[u].attempts.empty() ? std::chrono::system_clock::time_point{}
                                     : units[u].attempts.back().end;
  };
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [&](UnitIndex a, UnitIndex b) { return finished(a) > finished(b); });
  std::vector<std::size_t> step_of(units.size(), kNotAStep);
  for (std::size_t s = 0; s < plan.steps.size(); ++s) step_of[plan.steps[s]] = s;

  // A leaf's direct dependents: units that need it or any of its groups. A dependent group or
  // fan-out stands for every leaf below it.
  std::vector<UnitIndex> stack;
  auto push_dependents_of_leaf = [&](UnitIndex leaf) {
    for (UnitIndex u = leaf; u != kNoUnit; u = units[u].parent) {
      stack.insert(stack.end(), units[u].dependents.begin(), units[u].dependents.end());
    }
  };
  std::vector<std::size_t> seen(units.size(), kNotAStep);  // The step whose walk saw it.
  plan.waits_for.resize(plan.steps.size());
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    push_dependents_of_leaf(plan.steps[s]);
    while (!stack.empty()) {
      UnitIndex u = stack.back();
      stack.pop_back();
      if (seen[u] == s) continue;
      seen[u] = s;
      const Unit& unit = units[u];
      if (unit.kind != UnitKind::kLeaf) {
        // Its leaves stand for it (each walks on to the group's dependents unless it is a step
        // itself); a group or fan-out with no leaves is passed over to its dependents.
        stack.insert(stack.end(), unit.children.begin(), unit.children.end());
        if (unit.children.empty()) {
          stack.insert(stack.end(), unit.dependents.begin(), unit.dependents.end());
        }
      } else if (step_of[u] != kNotAStep) {
        plan.waits_for[s].push_back(step_of[u]);  // Its own walk covers what lies beyond.
      } else {
        push_dependents_of_leaf(u);  // Passed over: no compensation of its own.
      }
    }
  }
  return plan;
}

}  // namespace baton::engine
