#include "cli/plan_output.hpp"
#include "model/duration.hpp"
#include "model/enums.hpp"

namespace baton::cli {

nlohmann::ordered_json plan_to_json(const model::Workflow& workflow, const analyze::Plan& plan) {
  using nlohmann::ordered_json;
  const auto& leaves = plan.graph.leaves;
  ordered_json levels = ordered_json::object();
  for (auto level : {Level::kEpic, Level::kStory, Level::kTask, Level::kSubtask}) {
    levels[std::string(model::to_string(level))] = plan.graph.level_counts[int(level)];
  }
  ordered_json stages = ordered_json::array();
  for (const auto& stage : plan.stages) {
    ordered_json paths = ordered_json::array();
    for (auto v : stage) paths.push_back(leaves[v].path);
    stages.push_back(std::move(paths));
  }
  ordered_json critical = ordered_json::array();
  for (auto v : plan.critical_path.tasks) critical.push_back(leaves[v].path);
  ordered_json groups = ordered_json::object();
  for (const auto& [group, strategy] : plan.group_strategies) {
    groups[workflow.node(group).path] = analyze::to_string(strategy);
  }
  ordered_json risks = ordered_json::array();
  for (const auto& risk : plan.risks) {
    risks.push_back({{"kind", risk.kind}, {"task", risk.task}, {"message", risk.message}});
  }
  return {
      {"name", workflow.name},
      {"leaves", leaves.size()},
      {"edges", plan.graph.dag.edge_count()},
      {"levels", std::move(levels)},
      {"stages", std::move(stages)},
      {"width", plan.width},
      {"critical_path",
       {{"tasks", std::move(critical)},
        {"duration_s", model::to_seconds(plan.critical_path.duration)}}},
      {"strategy", analyze::to_string(plan.strategy)},
      {"groups", std::move(groups)},
      {"jobs", plan.jobs},
      {"makespan_estimate_s", model::to_seconds(plan.makespan)},
      {"lower_bound_s", model::to_seconds(plan.lower_bound)},
      {"total_work_s", model::to_seconds(plan.total_work)},
      {"declared_edges", plan.graph.declared_edges},
      {"risks", std::move(risks)},
  };
}

}  // namespace baton::cli
