#include "analyze/risks.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>

#include "analyze/blast_radius.hpp"
#include "analyze/makespan.hpp"
#include "model/duration.hpp"

namespace baton::analyze {
namespace {

using model::format_duration;

constexpr std::size_t kMaxListed = 5;  // Per kind; the rest are counted in one more line.

void unlimited_retries(const model::Workflow& wf, const Plan& plan, std::vector<Risk>& out) {
  std::set<model::NodeIndex> seen;
  for (const auto& leaf : plan.graph.leaves) {
    const auto& node = wf.node(leaf.node);
    if (node.effective->retry.max_attempts != 0 || !seen.insert(leaf.node).second) continue;
    out.push_back({"unlimited_retries", node.path,
                   fmt::format("retries without limit (max_attempts: 0) until its deadline of {}",
                               format_duration(node.effective->deadline.value_or(Duration(0))))});
  }
}

void critical_path_without_retry(const model::Workflow& wf, const Plan& plan,
                                 std::vector<Risk>& out) {
  std::size_t listed = 0, more = 0;
  for (Vertex v : plan.critical_path.tasks) {
    const auto& node = wf.node(plan.graph.leaves[v].node);
    bool retries = node.effective->retry.effective_max_attempts() != 1;  // 0 is unlimited.
    if (node.action == model::ActionKind::kApproval || retries) continue;
    if (listed++ < kMaxListed) {
      out.push_back({"critical_path_no_retry", plan.graph.leaves[v].path,
                     "is on the critical path and has no retry: one transient failure delays or "
                     "fails the whole run"});
    } else {
      ++more;
    }
  }
  if (more > 0) {
    out.push_back({"critical_path_no_retry", "",
                   fmt::format("{} more critical-path tasks have no retry", more)});
  }
}

void blast_radius(const Plan& plan, std::vector<Risk>& out) {
  const auto& graph = plan.graph;
  auto worst = graph.skip_dag
                   ? largest_blast_radius(*graph.skip_dag, graph.skip_dag->topological_order())
                   : largest_blast_radius(graph.dag, plan.topo);
  if (!worst) return;
  out.push_back(
      {"largest_blast_radius", graph.leaves[worst->task].path,
       fmt::format("its failure would skip {}{} of the {} tasks (every task downstream "
                   "of it that its trigger rule does not start after a failure)",
                   worst->exact ? "" : "at least ", worst->dependents, graph.leaves.size())});
}

// A limit is a risk if honouring it alone already lengthens the estimate. Each test is one more
// simulation, so only the first few limits that held anything back are tried.
void limits(const Plan& plan, std::vector<Risk>& out) {
  if (plan.makespan <= plan.makespan_without_limits) return;
  constexpr std::size_t kMaxTried = 32;
  const auto& held = plan.graph.limits;
  std::size_t tried = 0;
  for (std::uint32_t l = 0; l < held.size(); ++l) {
    if (l >= plan.held_back.size() || plan.held_back[l] == 0 || tried++ == kMaxTried) continue;
    auto alone = simulate_schedule(plan.graph, plan.remaining, plan.jobs, LimitChoice::only(l));
    if (alone.makespan <= plan.makespan_without_limits) continue;
    const auto& limit = held[l];
    std::string_view kind = limit.kind == Limit::Kind::kPool    ? "pool size"
                            : limit.kind == Limit::Kind::kGroup ? "group concurrency"
                                                                : "max_parallel";
    out.push_back({"limit_lengthens_makespan", limit.name,
                   fmt::format("{} {} holds back ready tasks: estimated makespan {} with this "
                               "limit, {} without any",
                               kind, limit.capacity, format_duration(alone.makespan),
                               format_duration(plan.makespan_without_limits))});
  }
}

void dynamic_fanouts(const model::Workflow& wf, const Plan& plan, std::vector<Risk>& out) {
  for (auto node : plan.graph.dynamic_fanouts) {
    const auto& n = wf.node(node);
    out.push_back({"dynamic_fanout", n.path,
                   fmt::format("fans out over the '{}' output of '{}', known only at run time: "
                               "the plan counts one instance",
                               n.foreach->output, wf.node(n.foreach->from_node).path)});
  }
}

}  // namespace

std::vector<Risk> find_risks(const model::Workflow& workflow, const Plan& plan) {
  std::vector<Risk> risks;
  unlimited_retries(workflow, plan, risks);
  critical_path_without_retry(workflow, plan, risks);
  blast_radius(plan, risks);
  limits(plan, risks);
  dynamic_fanouts(workflow, plan, risks);
  return risks;
}

}  // namespace baton::analyze
