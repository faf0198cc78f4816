// DECOMPOSE: the workflow as the DAG of what actually runs, leaf instances. Static fan-outs are
// expanded into one instance per item (`shards[0]`); a dynamic fan-out, unknown before run time,
// stands as one instance. Group dependencies become leaf edges from the group's last leaves to
// the dependent's first leaves, which keeps the order and avoids all-pairs products.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyze/dag.hpp"
#include "model/workflow.hpp"

namespace baton::analyze {

/// A limit on how many leaves run at once: a group's `concurrency`, a fan-out's `max_parallel`,
/// or a pool's slots.
struct Limit {
  enum class Kind { kGroup, kFanout, kPool };
  Kind kind = Kind::kGroup;
  std::string name;  ///< Group path, fan-out path, or pool name.
  int capacity = 1;
};

struct LeafInstance {
  model::NodeIndex node = model::kNoNode;  ///< The model leaf.
  std::string path;                        ///< Instance path: `build.compile`, `shards[2]`.
  Duration estimate{1000};                 ///< `estimate`, else 1s.
  int priority = 0;
  int slots = 1;                      ///< Taken from each pool limit.
  std::vector<std::uint32_t> limits;  ///< Indices into LeafGraph::limits.
};

struct LeafGraph {
  std::vector<LeafInstance> leaves;  ///< File order; fan-out instances in item order.
  Dag dag;                           ///< Over leaf indices.
  /// What a failure skips: `dag` without the edges that a node declares (a leaf's or a group's
  /// `needs`) when its trigger rule starts it after a failure (all_done, always, one_failed,
  /// all_failed; SPEC 3.2). Unset when no such node needs anything: `dag` is that DAG then.
  std::optional<Dag> skip_dag;
  std::vector<Limit> limits;
  /// Every node instance (groups and leaves) per model level, for "counts per level".
  std::size_t level_counts[4] = {0, 0, 0, 0};
  /// Leaf indices under each model group's first instance, for per-group strategies.
  std::vector<std::pair<model::NodeIndex, std::vector<Vertex>>> group_leaves;
  /// Dependency edges as declared (a need on a group counts once).
  std::size_t declared_edges = 0;
  std::vector<model::NodeIndex> dynamic_fanouts;
};

LeafGraph build_leaf_graph(const model::Workflow& workflow);

}  // namespace baton::analyze
