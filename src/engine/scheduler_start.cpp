// Starting leaves (SPEC 2.3): the ready queue, in order of priority, then remaining critical
// path, then place in the file; and the limits a start must fit (jobs, group concurrency,
// pools and their slots, max_parallel) before its launch is decided.
#include <algorithm>

#include "engine/launch_builder.hpp"
#include "engine/scheduler.hpp"
#include "engine/trigger.hpp"

namespace baton::engine {

// ---- The ready queue ---------------------------------------------------------------------------

bool Scheduler::ReadyOrder::operator()(const Ready& a, const Ready& b) const {
  // std::push_heap keeps the largest on top: "a < b" means b starts first.
  if (a.priority != b.priority) return a.priority < b.priority;
  if (a.remaining != b.remaining) return a.remaining < b.remaining;
  if (a.place != b.place) return a.place > b.place;  // File order.
  return a.unit > b.unit;
}

// Units are made in file order, an instance's units before the next instance's, except the
// instances of a dynamic fan-out, made when its source has run: they take the fan-out's place.
Scheduler::Ready Scheduler::ready_entry(UnitIndex leaf) const {
  const Unit& unit = graph_.unit(leaf);
  UnitIndex place = leaf;
  for (UnitIndex u = unit.parent; u != kNoUnit; u = graph_.unit(u).parent) {
    const Unit& up = graph_.unit(u);
    if (up.kind == UnitKind::kFanout && graph_.node_of(u).foreach->is_dynamic()) place = u;
  }
  return {graph_.node_of(leaf).settings().priority.value_or(0), remaining_[unit.node], place, leaf};
}

void Scheduler::push_ready(UnitIndex leaf) {
  ready_.push_back(ready_entry(leaf));
  std::push_heap(ready_.begin(), ready_.end(), ReadyOrder{});
}

// The first `count` ready leaves in start order, read off the heap without changing it: a
// best-first walk from its top, where each entry's children are the next candidates.
std::vector<UnitIndex> Scheduler::next_ready(std::size_t count) const {
  std::vector<UnitIndex> next;
  std::vector<std::size_t> candidates{0};
  const ReadyOrder order;
  while (next.size() < count && !candidates.empty()) {
    auto best =
        std::max_element(candidates.begin(), candidates.end(),
                         [&](std::size_t a, std::size_t b) { return order(ready_[a], ready_[b]); });
    std::size_t at = *best;
    candidates.erase(best);
    next.push_back(ready_[at].unit);
    for (std::size_t child : {2 * at + 1, 2 * at + 2}) {
      if (child < ready_.size()) candidates.push_back(child);
    }
  }
  return next;
}

// ---- Starting, within limits -----------------------------------------------------------------

void Scheduler::start_ready() {
  if (!held_.empty() && running_ < options_.jobs) {
    // Something finished since they were held: give them another chance, in order.
    for (UnitIndex u : held_) {
      if (graph_.unit(u).state != TaskState::kReady) continue;  // Its deadline passed.
      push_ready(u);
    }
    held_.clear();
  }
  while (running_ < options_.jobs && !ready_.empty()) {
    std::pop_heap(ready_.begin(), ready_.end(), ReadyOrder{});
    UnitIndex u = ready_.back().unit;
    ready_.pop_back();
    if (graph_.unit(u).state != TaskState::kReady) continue;  // Its deadline passed.
    if (cancelled_ || (stopping_ && graph_.node_of(u).trigger != TriggerRule::kAlways)) {
      set_leaf_state(u, TaskState::kPending);  // Not started; resumable later.
      if (!cancelled_) hold(u);
      continue;
    }
    if (graph_.node_of(u).action == model::ActionKind::kApproval) {
      wait_for_approval(u);  // A gate takes no slot: it runs nothing.
      continue;
    }
    if (!admit(u)) {
      held_.push_back(u);
      continue;
    }
    if (pass_breaker(u)) start(u);
  }
}

bool Scheduler::admit(UnitIndex leaf) const {
  const model::Node& node = graph_.node_of(leaf);
  if (const auto& pool = node.settings().pool) {
    auto size = graph_.workflow().pools.at(*pool);
    auto it = pool_in_use_.find(*pool);
    if ((it == pool_in_use_.end() ? 0 : it->second) + node.slots > size) return false;
  }
  UnitIndex child = leaf;
  for (UnitIndex u = graph_.unit(leaf).parent; u != kNoUnit; child = u, u = graph_.unit(u).parent) {
    const Unit& unit = graph_.unit(u);
    const model::Node& group = graph_.node_of(u);
    if (unit.kind == UnitKind::kGroup && group.concurrency &&
        unit.running_leaves >= *group.concurrency) {
      return false;
    }
    if (unit.kind == UnitKind::kFanout && group.foreach->max_parallel &&
        !graph_.unit(child).instance_active &&
        unit.active_instances >= *group.foreach->max_parallel) {
      return false;
    }
  }
  return true;
}

// sign +1 when a leaf starts, -1 when it ends.
void Scheduler::take_limits(UnitIndex leaf, int sign) {
  const model::Node& node = graph_.node_of(leaf);
  if (const auto& pool = node.settings().pool) pool_in_use_[*pool] += sign * node.slots;
  UnitIndex child = leaf;
  for (UnitIndex u = graph_.unit(leaf).parent; u != kNoUnit; child = u, u = graph_.unit(u).parent) {
    Unit& unit = graph_.unit(u);
    unit.running_leaves += sign;
    if (unit.kind != UnitKind::kFanout) continue;
    Unit& instance = graph_.unit(child);
    if (sign > 0 && !instance.instance_active) {
      instance.instance_active = true;
      ++unit.active_instances;
    }
  }
}

void Scheduler::start(UnitIndex leaf) {
  Unit& unit = graph_.unit(leaf);
  int attempt = static_cast<int>(unit.attempts.size()) + 1;
  auto prepared = prepare_launch(graph_, leaf, attempt, options_, environments_);
  AttemptRecord record;
  record.number = attempt;
  record.start = std::chrono::system_clock::now();
  record.log_path = prepared.spec.log_path;
  unit.attempts.push_back(record);
  if (!prepared.error.empty()) {
    unit.attempts.back().end = record.start;
    unit.attempts.back().error = prepared.error;
    settle_breaker(leaf, std::nullopt);
    fail_leaf(leaf, prepared.error);
    return;
  }
  prepared.spec.id = leaf;
  take_limits(leaf, +1);
  ++running_;
  result_.peak_parallelism = std::max(result_.peak_parallelism, running_);
  set_leaf_state(leaf, TaskState::kRunning);
  launches_.push_back(std::move(prepared.spec));
  started_this_turn_.push_back(leaf);
}

// Without this, creating the next task's log file (10-50 µs on ext4) would sit between one
// task's end and the next one's start, while a core waits for it.
void Scheduler::prepare_next_logs() {
  if (stopping_ || cancelled_) return;
  if (!ready_.empty()) {
    // Every slot is taken: the next starts are the top of the ready queue.
    for (UnitIndex next : next_ready(std::min<std::size_t>(options_.jobs, kLogsAhead))) {
      if (graph_.unit(next).state == TaskState::kReady) prepare_log_of(next);
    }
    return;
  }
  // A chain has one task running and nothing ready: its successors start when it ends.
  for (UnitIndex leaf : started_this_turn_) {
    for (UnitIndex next : graph_.unit(leaf).dependents) {
      if (likely_next(next)) prepare_log_of(next);
    }
  }
}

// The log of the leaf's next attempt, if that attempt is a process (a gate or a callable has
// none).
void Scheduler::prepare_log_of(UnitIndex leaf) {
  const auto action = graph_.node_of(leaf).action;
  if (action == model::ActionKind::kApproval || action == model::ActionKind::kCallable) return;
  const Unit& unit = graph_.unit(leaf);
  int attempt = static_cast<int>(unit.attempts.size()) + 1;
  executor_.prepare_log(log_path(options_, unit.path, attempt, Step::kTask));
}

// A pending task that starts as soon as its running upstreams succeed, with no group of its
// own still waiting: the common case of a chain, not every case.
bool Scheduler::likely_next(UnitIndex leaf) const {
  const Unit& unit = graph_.unit(leaf);
  if (unit.kind != UnitKind::kLeaf || unit.state != TaskState::kPending) return false;
  if (graph_.node_of(leaf).trigger != TriggerRule::kAllSuccess) return false;
  if (unit.parent != kNoUnit && !graph_.unit(unit.parent).opened) return false;
  return std::all_of(unit.upstream.begin(), unit.upstream.end(), [this](UnitIndex up) {
    TaskState state = graph_.unit(up).state;
    return state == TaskState::kSucceeded || state == TaskState::kRunning;
  });
}

}  // namespace baton::engine
