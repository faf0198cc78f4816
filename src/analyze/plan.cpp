#include "analyze/plan.hpp"

#include <algorithm>
#include <thread>

#include "analyze/makespan.hpp"
#include "analyze/risks.hpp"
#include "analyze/series_parallel.hpp"

namespace baton::analyze {

std::string_view to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::kSequential:
      return "sequential";
    case Strategy::kParallel:
      return "parallel";
    case Strategy::kFanOutFanIn:
      return "fan-out/fan-in";
    case Strategy::kAdaptive:
      return "adaptive";
  }
  return "?";
}

std::string_view title(Strategy strategy) {
  switch (strategy) {
    case Strategy::kSequential:
      return "Sequential";
    case Strategy::kParallel:
      return "Parallel";
    case Strategy::kFanOutFanIn:
      return "Fan-out/Fan-in";
    case Strategy::kAdaptive:
      return "Adaptive";
  }
  return "?";
}

Strategy classify(const Dag& dag, std::span<const Vertex> vertices, std::size_t width,
                  std::size_t edges) {
  if (width <= 1) return Strategy::kSequential;
  if (edges == 0) return Strategy::kParallel;
  return is_series_parallel(dag, vertices) ? Strategy::kFanOutFanIn : Strategy::kAdaptive;
}

int default_jobs(const model::Workflow& workflow) {
  if (workflow.concurrency) return *workflow.concurrency;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {

// Per group, on the order among its own leaves: longest-path depth over the edges inside it
// (width = the most leaves at one depth), and those edges' count. O(k log k + internal edges)
// per group of k leaves, with arrays shared across groups.
std::vector<std::pair<model::NodeIndex, Strategy>> group_strategies(const Plan& plan) {
  const std::size_t n = plan.graph.leaves.size();
  std::vector<std::uint32_t> topo_position(n);
  for (std::uint32_t i = 0; i < plan.topo.size(); ++i) topo_position[plan.topo[i]] = i;
  std::vector<std::uint32_t> member(n, UINT32_MAX), depth(n, 0);
  std::vector<std::size_t> per_depth;
  std::vector<std::pair<model::NodeIndex, Strategy>> out;
  std::uint32_t g = 0;
  for (const auto& [group, leaves] : plan.graph.group_leaves) {
    std::vector<Vertex> order(leaves);
    std::sort(order.begin(), order.end(),
              [&](Vertex a, Vertex b) { return topo_position[a] < topo_position[b]; });
    for (Vertex v : order) member[v] = g;
    std::size_t width = 0, edges = 0;
    per_depth.assign(order.size(), 0);
    for (Vertex v : order) {
      depth[v] = 0;
      for (Vertex p : plan.graph.dag.predecessors(v)) {
        if (member[p] != g) continue;
        ++edges;
        depth[v] = std::max(depth[v], depth[p] + 1);
      }
      width = std::max(width, ++per_depth[depth[v]]);
    }
    out.emplace_back(group, classify(plan.graph.dag, leaves, width, edges));
    ++g;
  }
  return out;
}

}  // namespace

Plan make_plan(const model::Workflow& workflow, int jobs) {
  Plan plan;
  plan.jobs = std::max(1, jobs);
  plan.graph = build_leaf_graph(workflow);
  const auto& dag = plan.graph.dag;
  plan.topo = dag.topological_order();
  plan.stages = compute_stages(dag, plan.topo);
  for (const auto& stage : plan.stages) plan.width = std::max(plan.width, stage.size());

  std::vector<Duration> durations;
  durations.reserve(plan.graph.leaves.size());
  for (const auto& leaf : plan.graph.leaves) {
    durations.push_back(leaf.estimate);
    plan.total_work += leaf.estimate;
  }
  plan.remaining = remaining_path(dag, plan.topo, durations);
  plan.critical_path = critical_path(dag, plan.remaining);
  plan.strategy = classify(dag, {}, plan.width, dag.edge_count());
  plan.group_strategies = group_strategies(plan);

  auto limited = simulate_schedule(plan.graph, plan.remaining, plan.jobs);
  plan.makespan = limited.makespan;
  plan.held_back = std::move(limited.held_back);
  plan.makespan_without_limits =
      plan.graph.limits.empty()
          ? plan.makespan
          : simulate_schedule(plan.graph, plan.remaining, plan.jobs, LimitChoice::none()).makespan;
  plan.lower_bound = std::max(plan.critical_path.duration, plan.total_work / plan.jobs);
  plan.risks = find_risks(workflow, plan);
  return plan;
}

}  // namespace baton::analyze
