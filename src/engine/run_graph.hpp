// The run as units: one per instance of a model node. A fanned-out node is a `fanout` unit whose
// children are its instances (`shards[0]` …), so that whoever needs it waits for them all and
// sees one upstream with a derived state (SPEC 2.5, 3.2). Static fan-outs are instantiated at the
// start; a dynamic one when its source task has succeeded and its items are known.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/breaker/circuit_breaker.hpp"
#include "engine/launch.hpp"
#include "engine/outputs.hpp"
#include "engine/task_state.hpp"
#include "model/workflow.hpp"

namespace baton::engine {

using UnitIndex = std::uint32_t;
inline constexpr UnitIndex kNoUnit = UINT32_MAX;

enum class UnitKind { kLeaf, kGroup, kFanout };

struct AttemptRecord {
  int number = 0;        ///< 1-based.
  std::int64_t pid = 0;  ///< Also its process group; 0 until known.
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  std::chrono::system_clock::time_point start, end;
  std::string log_path;
  std::string error;  ///< Could not start, or outputs rejected.
  /// What followed a failed attempt, by policy: "retry in 200ms (attempt 2 of 3)", "not
  /// retried: exit code 2 is non-retryable", "not retried: deadline 5s exceeded", ...
  std::string decision;
};

struct Unit {
  UnitKind kind = UnitKind::kLeaf;
  model::NodeIndex node = model::kNoNode;
  UnitIndex parent = kNoUnit;
  std::vector<UnitIndex> children;
  std::string path;  ///< `build.compile`, `shards[2]`, `region[1].deploy`.
  std::string item;  ///< The fan-out item of this instance or its nearest instance ancestor.
  int item_index = -1;
  std::vector<UnitIndex> upstream;    ///< Direct upstreams, for the trigger rule.
  std::vector<UnitIndex> dependents;  ///< Units that list this one as an upstream.

  TaskState state = TaskState::kPending;
  bool opened = false;  ///< Groups and fan-outs: their trigger held; children may go.
  /// Groups and fan-outs: a leaf below failed (not ignored), so their derived state is `failed`
  /// (SPEC 2.4) even while other children run; `one_failed` fires on it at once (SPEC 3.2).
  bool failed_inside = false;
  std::string reason;  ///< Why it was skipped or failed.
  bool skipped_upstream_failed = false;
  bool failure_ignored = false;
  std::size_t unfinished_children = 0;
  int running_leaves = 0;            ///< Leaves running below this unit (group concurrency).
  int active_instances = 0;          ///< Fan-outs: instances with a leaf started and not finished.
  bool instance_active = false;      ///< Instances: counted in their fan-out's active_instances.
  std::uint32_t finished_epoch = 0;  ///< The scheduler's commit epoch when it finished.
  bool held = false;  ///< failure_mode stop/cancel: will not start this session (said once).

  std::vector<AttemptRecord> attempts;  ///< Leaves.
  int attempt_base = 0;  ///< Attempts made before a resume: the retry budget starts after them.
  Outputs outputs;       ///< Leaves.

  // Failure handling (leaves).
  std::chrono::system_clock::time_point next_attempt_at;  ///< While `retrying`.
  std::optional<Clock::time_point> deadline_at;           ///< Set when it first became ready.
  bool deadline_exceeded = false;  ///< The running attempt is being stopped by the deadline.
  std::optional<BreakerTicket> breaker_ticket;  ///< The running attempt's, if it has a breaker.
  std::vector<AttemptRecord> compensations;     ///< Attempts of its `compensate` step.
  int compensation_base = 0;  ///< Compensation attempts before a resume, as attempt_base.
  /// The spans it spent `waiting` (a gate for its verdict, a task for an open breaker): only
  /// `number`, `start` and `end` (unset while it waits) mean something. For the report's times.
  std::vector<AttemptRecord> waits;
};

class RunGraph {
 public:
  /// Creates the units of `workflow`, every static fan-out expanded.
  explicit RunGraph(const model::Workflow& workflow);

  const model::Workflow& workflow() const { return workflow_; }
  std::vector<Unit>& units() { return units_; }
  const std::vector<Unit>& units() const { return units_; }
  Unit& unit(UnitIndex u) { return units_[u]; }
  const Unit& unit(UnitIndex u) const { return units_[u]; }
  const model::Node& node_of(UnitIndex u) const { return workflow_.node(units_[u].node); }
  static constexpr UnitIndex kRootUnit = 0;

  /// Instantiates a dynamic fan-out with `items`, wiring references inside each instance.
  /// Returns the new instance units.
  std::vector<UnitIndex> expand(UnitIndex fanout, const std::vector<std::string>& items);

  /// Every leaf unit in `u`'s subtree (itself if a leaf).
  std::vector<UnitIndex> leaves_under(UnitIndex u) const;

 private:
  UnitIndex add_unit(UnitKind kind, model::NodeIndex node, UnitIndex parent, std::string path);
  /// Creates the unit(s) for `node` under `parent` and everything below; appends what needs
  /// wiring to `created`.
  void instantiate(model::NodeIndex node, UnitIndex parent, std::vector<UnitIndex>& created);
  void instantiate_instance(model::NodeIndex node, UnitIndex fanout, std::size_t index,
                            const std::string& item, std::vector<UnitIndex>& created);
  void wire(UnitIndex unit);
  std::vector<UnitIndex> visible_units(UnitIndex from, model::NodeIndex target) const;

  const model::Workflow& workflow_;
  std::vector<Unit> units_;
  /// (parent unit, model node) -> the child unit, for every parent but a fan-out.
  std::unordered_map<std::uint64_t, UnitIndex> child_index_;
};

}  // namespace baton::engine
