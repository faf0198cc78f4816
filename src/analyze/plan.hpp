// DECOMPOSE, put together: everything `baton plan` shows (SPEC 5): counts per level, stages and
// width, the critical path, the strategy overall and per group, the estimated makespan on N jobs
// with its lower bound, and the risks.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/leaf_graph.hpp"
#include "analyze/stages.hpp"
#include "model/workflow.hpp"

namespace baton::analyze {

enum class Strategy { kSequential, kParallel, kFanOutFanIn, kAdaptive };

/// `sequential`, `parallel`, `fan-out/fan-in`, `adaptive` (plan JSON).
std::string_view to_string(Strategy strategy);
/// `Sequential`, `Parallel`, `Fan-out/Fan-in`, `Adaptive` (reports).
std::string_view title(Strategy strategy);

/// sequential if width is 1; parallel if there are no edges; fan-out/fan-in if the order is
/// series-parallel; else adaptive. `vertices` empty means the whole DAG.
Strategy classify(const Dag& dag, std::span<const Vertex> vertices, std::size_t width,
                  std::size_t edges);

struct Risk {
  std::string kind;     ///< unlimited_retries, critical_path_no_retry, largest_blast_radius,
                        ///< limit_lengthens_makespan, dynamic_fanout.
  std::string task;     ///< A path, a pool or group name; empty if none.
  std::string message;  ///< One sentence for people.
};

struct Plan {
  LeafGraph graph;
  std::vector<Vertex> topo;
  std::vector<std::vector<Vertex>> stages;
  std::size_t width = 0;
  std::vector<Duration> remaining;
  CriticalPath critical_path;
  Strategy strategy = Strategy::kParallel;
  std::vector<std::pair<model::NodeIndex, Strategy>> group_strategies;
  int jobs = 1;
  Duration total_work{0};
  Duration makespan{0};                 ///< List scheduling with every limit.
  Duration makespan_without_limits{0};  ///< The same without group, fan-out and pool limits.
  Duration lower_bound{0};              ///< max(critical path, total work / jobs).
  std::vector<std::size_t> held_back;   ///< Per limit: see ScheduleEstimate.
  std::vector<Risk> risks;
};

/// Analyses a loaded workflow for `jobs` parallel jobs (>= 1).
Plan make_plan(const model::Workflow& workflow, int jobs);

/// The workflow's `concurrency`, else the number of CPUs.
int default_jobs(const model::Workflow& workflow);

}  // namespace baton::analyze
