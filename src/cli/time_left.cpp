#include "cli/time_left.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/task_state.hpp"

namespace baton::cli {
namespace {

using engine::RunGraph;
using engine::TaskState;
using engine::Unit;
using engine::UnitIndex;
using engine::UnitKind;
using std::chrono::milliseconds;
using SystemTime = std::chrono::system_clock::time_point;

constexpr std::int64_t kUnknown = -1;

std::int64_t ms_between(SystemTime a, SystemTime b) {
  return std::chrono::duration_cast<milliseconds>(b - a).count();
}

// The mean duration of the last attempt of the leaves that succeeded, or kUnknown.
std::int64_t mean_success(const RunGraph& graph) {
  std::int64_t total = 0, count = 0;
  for (const Unit& unit : graph.units()) {
    if (unit.kind != UnitKind::kLeaf || unit.state != TaskState::kSucceeded) continue;
    if (unit.attempts.empty()) continue;  // An approval gate.
    total +=
        std::max<std::int64_t>(0, ms_between(unit.attempts.back().start, unit.attempts.back().end));
    ++count;
  }
  return count == 0 ? kUnknown : total / count;
}

// What is left of one unfinished leaf, or kUnknown.
std::int64_t leaf_left(const RunGraph& graph, UnitIndex u, std::int64_t fallback, SystemTime now) {
  const Unit& unit = graph.unit(u);
  const auto& node = graph.node_of(u);
  std::int64_t estimate = node.estimate ? node.estimate->count() : fallback;
  if (node.action == model::ActionKind::kApproval) return node.estimate ? estimate : 0;
  if (estimate == kUnknown) return kUnknown;
  if (unit.state == TaskState::kRunning && !unit.attempts.empty()) {
    return std::max<std::int64_t>(0, estimate - ms_between(unit.attempts.back().start, now));
  }
  if (unit.state == TaskState::kRetrying) {
    return estimate + std::max<std::int64_t>(0, ms_between(now, unit.next_attempt_at));
  }
  return estimate;
}

// Earliest start and finish of every unit, counted from now, by one pass in dependency order: a
// unit starts once its parent has started and its upstreams have finished; a leaf finishes what
// it has left later, a group when its last child does. Iterative, as a chain may be a million
// units long.
class Schedule {
 public:
  Schedule(const RunGraph& graph, std::vector<std::int64_t> left)
      : graph_(graph), left_(std::move(left)), value_(graph.units().size() * 2, kUnset) {}

  std::int64_t finish(UnitIndex u) { return evaluate(at(u, kFinish)); }

 private:
  enum Which : std::size_t { kStart = 0, kFinish = 1 };
  static constexpr std::int64_t kUnset = -1, kBusy = -2;

  static std::size_t at(UnitIndex u, Which which) { return std::size_t{u} * 2 + which; }

  // The items `item` waits for; false if one of them is not known yet (pushed on `stack_`).
  bool inputs_known(std::size_t item, std::int64_t& result) {
    auto u = static_cast<UnitIndex>(item / 2);
    const Unit& unit = graph_.unit(u);
    bool known = true;
    auto take = [&](std::size_t input) {
      if (value_[input] >= 0) {
        result = std::max(result, value_[input]);
      } else if (value_[input] == kUnset) {
        known = false;
        stack_.push_back(input);
      }  // kBusy: waiting for this item itself, a cycle the loader would have refused.
    };
    result = 0;
    if (item % 2 == kStart) {
      if (unit.parent != engine::kNoUnit) take(at(unit.parent, kStart));
      for (UnitIndex up : unit.upstream) take(at(up, kFinish));
    } else {
      take(at(u, kStart));
      for (UnitIndex child : unit.children) take(at(child, kFinish));
    }
    return known;
  }

  std::int64_t evaluate(std::size_t root) {
    if (value_[root] >= 0) return value_[root];
    stack_.assign(1, root);
    while (!stack_.empty()) {
      std::size_t item = stack_.back();
      if (value_[item] >= 0) {
        stack_.pop_back();
        continue;
      }
      value_[item] = kBusy;
      std::int64_t result = 0;
      if (!inputs_known(item, result)) continue;
      auto u = static_cast<UnitIndex>(item / 2);
      const Unit& unit = graph_.unit(u);
      if (item % 2 == kFinish && unit.kind == UnitKind::kLeaf) {
        result = engine::is_terminal(unit.state) ? 0 : result + left_[u];
      }
      value_[item] = result;
      stack_.pop_back();
    }
    return value_[root];
  }

  const RunGraph& graph_;
  std::vector<std::int64_t> left_;  // Per unit: what a leaf has left (0 for the others).
  std::vector<std::int64_t> value_;
  std::vector<std::size_t> stack_;
};

}  // namespace

std::optional<milliseconds> time_left(const RunGraph& graph, int jobs, SystemTime now) {
  const auto& units = graph.units();
  std::int64_t fallback = mean_success(graph);
  std::vector<std::int64_t> left(units.size(), 0);
  std::int64_t work = 0;
  for (UnitIndex u = 0; u < units.size(); ++u) {
    if (units[u].kind != UnitKind::kLeaf || engine::is_terminal(units[u].state)) continue;
    left[u] = leaf_left(graph, u, fallback, now);
    if (left[u] == kUnknown) return std::nullopt;
    work += left[u];
  }
  Schedule schedule(graph, std::move(left));
  std::int64_t chain = 0;
  for (UnitIndex u = 0; u < units.size(); ++u) {
    if (units[u].kind == UnitKind::kLeaf) chain = std::max(chain, schedule.finish(u));
  }
  return milliseconds(std::max(chain, work / std::max(jobs, 1)));
}

}  // namespace baton::cli
