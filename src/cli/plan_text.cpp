// The plan for people: a summary line, the stages, the critical path, the makespan, the groups
// and the risks, shortened where a workflow is large.
#include <fmt/format.h>

#include "cli/plan_output.hpp"
#include "model/duration.hpp"
#include "model/enums.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {
namespace {

using model::format_duration;

constexpr std::size_t kMaxPerLine = 8;  // Paths shown per stage before "and N more".
constexpr std::size_t kMaxStages = 20;  // Stages shown before "N more stages".
constexpr std::size_t kMaxChain = 12;   // Critical-path tasks shown.
constexpr std::size_t kMaxGroups = 20;

std::string level_counts(const analyze::Plan& plan) {
  std::vector<std::string> parts;
  for (auto level : {Level::kEpic, Level::kStory, Level::kTask, Level::kSubtask}) {
    std::size_t n = plan.graph.level_counts[int(level)];
    if (n == 0) continue;
    auto name = n == 1 ? model::to_string(level) : model::plural(level);
    parts.push_back(fmt::format("{} {}", n, name));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string stage_line(const analyze::Plan& plan, const std::vector<analyze::Vertex>& stage) {
  std::vector<std::string_view> shown;
  for (std::size_t i = 0; i < stage.size() && i < kMaxPerLine; ++i) {
    shown.push_back(plan.graph.leaves[stage[i]].path);
  }
  std::string line = fmt::format("{}", fmt::join(shown, ", "));
  if (stage.size() > kMaxPerLine) line += fmt::format(" and {} more", stage.size() - kMaxPerLine);
  return line;
}

}  // namespace

std::string plan_to_text(const model::Workflow& workflow, const analyze::Plan& plan,
                         const Style& style) {
  std::string out;
  auto add = [&out](std::string line) { out += line + "\n"; };
  // Texts of a workflow from elsewhere may hold escape codes: shown, never sent.
  std::string heading = report::one_line(workflow.name);
  if (!workflow.description.empty()) heading += " — " + report::one_line(workflow.description);
  add(style.bold(heading));
  std::size_t leaves = plan.graph.leaves.size(), edges = plan.graph.dag.edge_count();
  add(fmt::format("  {} leaf task{} ({}), {} dependenc{}, strategy {}", leaves,
                  leaves == 1 ? "" : "s", level_counts(plan), edges, edges == 1 ? "y" : "ies",
                  style.bold(analyze::to_string(plan.strategy))));
  add("");

  add(style.bold(fmt::format("Stages ({}, width {})", plan.stages.size(), plan.width)));
  for (std::size_t s = 0; s < plan.stages.size() && s < kMaxStages; ++s) {
    add(fmt::format("  {:>3}  {}", s + 1, stage_line(plan, plan.stages[s])));
  }
  if (plan.stages.size() > kMaxStages) {
    add(style.dim(fmt::format("  ... {} more stages", plan.stages.size() - kMaxStages)));
  }
  add("");

  std::size_t chain_length = plan.critical_path.tasks.size();
  add(style.bold(fmt::format("Critical path ({} task{}, {})", chain_length,
                             chain_length == 1 ? "" : "s",
                             format_duration(plan.critical_path.duration))));
  std::vector<std::string> chain;
  const auto& tasks = plan.critical_path.tasks;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks.size() > kMaxChain && i == kMaxChain / 2) {
      chain.push_back(fmt::format("... {} more ...", tasks.size() - kMaxChain));
      i = tasks.size() - kMaxChain / 2;
    }
    const auto& leaf = plan.graph.leaves[tasks[i]];
    chain.push_back(fmt::format("{} ({})", leaf.path, format_duration(leaf.estimate)));
  }
  add(fmt::format("  {}", fmt::join(chain, " -> ")));
  add("");

  add(style.bold("Estimated makespan"));
  add(fmt::format("  {} on {} job{} (lower bound {}; total work {})",
                  format_duration(plan.makespan), plan.jobs, plan.jobs == 1 ? "" : "s",
                  format_duration(plan.lower_bound), format_duration(plan.total_work)));
  add("");

  if (!plan.group_strategies.empty()) {
    add(style.bold("Groups"));
    for (std::size_t g = 0; g < plan.group_strategies.size() && g < kMaxGroups; ++g) {
      const auto& [node, strategy] = plan.group_strategies[g];
      const auto& n = workflow.node(node);
      add(fmt::format("  {:<28} {:<15} {}", n.path, analyze::to_string(strategy),
                      style.dim(model::to_string(n.level))));
    }
    if (plan.group_strategies.size() > kMaxGroups) {
      add(style.dim(
          fmt::format("  ... {} more groups", plan.group_strategies.size() - kMaxGroups)));
    }
    add("");
  }

  add(style.bold(fmt::format("Risks ({})", plan.risks.size())));
  if (plan.risks.empty()) add("  none found");
  for (const auto& risk : plan.risks) {
    std::string who = risk.task.empty() ? "" : risk.task + ": ";
    add(fmt::format("  {} {}{}", style.yellow("!"), who, risk.message));
  }
  return out;
}

}  // namespace baton::cli
