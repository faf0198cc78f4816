// Approval gates (SPEC 3.6): a leaf with `approval: true` runs nothing; it waits (state
// `waiting`, holding no slot) until a verdict comes from `baton approve` or `baton reject` in
// any shell — read from the store when the gate starts waiting and whenever the executor reports
// a Wakeup (SIGUSR1, sent by those commands) — or until its `timeout` or `deadline` fails it.
#include <fmt/format.h>

#include "engine/scheduler.hpp"
#include "engine/timer_token.hpp"
#include "model/duration.hpp"

namespace baton::engine {

void Scheduler::wait_for_approval(UnitIndex gate) {
  Unit& unit = graph_.unit(gate);
  unit.reason = "waiting for approval";
  ++waiting_;
  gates_waiting_[unit.path] = gate;
  // A verdict given already (while the run's baton was gone, say) is taken without waiting, so
  // that nobody is asked for one.
  take_verdicts();
  if (verdicts_.count(unit.path)) {
    apply_verdicts();
    return;
  }
  if (auto timeout = graph_.node_of(gate).settings().timeout) {
    executor_.add_timer(Clock::now() + *timeout,
                        TimerToken{TimerKind::kApprovalTimeout, gate}.encode());
  }
  set_leaf_state(gate, TaskState::kWaiting);
  if (!gates_waiting_.empty()) poll_verdicts();
}

void Scheduler::poll_verdicts() {
  if (!options_.verdict_poll || verdict_poll_due_) return;
  verdict_poll_due_ = true;
  executor_.add_timer(Clock::now() + *options_.verdict_poll,
                      TimerToken{TimerKind::kVerdictPoll, 0}.encode());
}

void Scheduler::on_verdict_poll() {
  verdict_poll_due_ = false;
  apply_verdicts();
  if (!gates_waiting_.empty()) poll_verdicts();
}

void Scheduler::take_verdicts() {
  if (options_.verdicts) {
    for (auto& verdict : options_.verdicts()) verdicts_[verdict.path] = verdict;
  }
}

void Scheduler::apply_verdicts() {
  take_verdicts();
  for (auto it = verdicts_.begin(); it != verdicts_.end();) {
    auto gate = gates_waiting_.find(it->first);
    if (gate == gates_waiting_.end()) {
      ++it;
      continue;
    }
    UnitIndex u = gate->second;
    gates_waiting_.erase(gate);
    --waiting_;
    const Verdict& verdict = it->second;
    if (options_.verdict_taken) options_.verdict_taken(verdict.path);
    std::string by = verdict.by.empty() ? std::string() : " by " + verdict.by;
    if (verdict.approved) {
      graph_.unit(u).reason = "approved" + by;
      set_leaf_state(u, TaskState::kSucceeded);
      finish(u);
    } else {
      fail_leaf(u, "rejected" + by);
    }
    it = verdicts_.erase(it);
  }
}

void Scheduler::on_approval_timeout(UnitIndex gate) {
  if (gate >= graph_.units().size()) return;
  auto it = gates_waiting_.find(graph_.unit(gate).path);
  if (it == gates_waiting_.end()) return;
  gates_waiting_.erase(it);
  --waiting_;
  fail_leaf(gate, fmt::format("no verdict within its timeout ({})",
                              model::format_duration(
                                  graph_.node_of(gate).settings().timeout.value_or(Duration(0)))));
}

}  // namespace baton::engine
