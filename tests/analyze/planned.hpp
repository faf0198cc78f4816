// What the tests of make_plan share (plan_test.cpp, risks_test.cpp): a workflow written inline,
// planned on N jobs, with its group strategies, risks and level counts looked up by name.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/plan.hpp"
#include "support/inline_workflow.hpp"

namespace baton::analyze::planned {

using baton::testing::parse_workflow;
using std::chrono::seconds;

struct Planned {
  model::Workflow workflow;
  Plan plan;

  std::map<std::string, std::string> groups() const {
    std::map<std::string, std::string> out;
    for (const auto& [node, strategy] : plan.group_strategies) {
      out[workflow.node(node).path] = std::string(to_string(strategy));
    }
    return out;
  }
  std::vector<const Risk*> risks(std::string_view kind) const {
    std::vector<const Risk*> out;
    for (const auto& risk : plan.risks) {
      if (risk.kind == kind) out.push_back(&risk);
    }
    return out;
  }
  std::vector<std::string> risk_tasks(std::string_view kind) const {
    std::vector<std::string> out;
    for (const auto* risk : risks(kind)) out.push_back(risk->task);
    return out;
  }
  std::size_t level(Level l) const { return plan.graph.level_counts[int(l)]; }
};

inline Planned plan_of(std::string_view yaml, int jobs = 2) {
  Planned p{parse_workflow(yaml), {}};
  p.plan = make_plan(p.workflow, jobs);
  return p;
}

}  // namespace baton::analyze::planned
