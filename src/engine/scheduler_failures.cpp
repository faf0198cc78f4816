// What follows a failed attempt (SPEC 3.1, 3.3, 3.4, 2.6): the retry decision and its backoff
// timer, the deadline over all attempts, the circuit breakers, the failure modes, and
// interruption. Every decision is written on the attempt (`decision`) and announced as an event.
#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <unordered_set>

#include "engine/retry/backoff.hpp"
#include "engine/scheduler.hpp"
#include "engine/timer_token.hpp"
#include "model/duration.hpp"

namespace baton::engine {
namespace {

// The attempt due next: `attempt 5 of 6`. After a resume the numbers go on and the budget starts
// afresh (SPEC 4), so the last attempt allowed is the recorded count plus max_attempts.
std::string next_attempt_label(const Unit& unit, int budget) {
  int next = static_cast<int>(unit.attempts.size()) + 1;
  return budget == 0 ? fmt::format("attempt {}", next)
                     : fmt::format("attempt {} of {}", next, unit.attempt_base + budget);
}

// A retry that was due will not happen after all: the last attempt's decision says why.
void overrule_retry(Unit& unit, const std::string& why) {
  if (unit.attempts.empty()) return;
  auto& decision = unit.attempts.back().decision;
  if (decision.empty() || decision.rfind("retry in", 0) == 0) decision = "not retried: " + why;
}

std::string deadline_value(const model::Node& node) {
  return model::format_duration(node.settings().deadline.value_or(Duration(0)));
}

std::string deadline_text(const model::Node& node) {
  return fmt::format("deadline {} exceeded", deadline_value(node));
}

}  // namespace

// ---- Retries and deadlines -------------------------------------------------------------------

void Scheduler::attempt_failed(UnitIndex leaf, std::string reason, int exit_code, bool timed_out) {
  Unit& unit = graph_.unit(leaf);
  const model::Node& node = graph_.node_of(leaf);
  auto& attempt = unit.attempts.back();
  if (unit.deadline_exceeded) {
    attempt.decision = "not retried: the deadline has passed";
    fail_leaf(leaf, fmt::format("{} during attempt {}", deadline_text(node), attempt.number));
    return;
  }
  const auto& policy = node.settings().retry;
  // After a resume the budget starts afresh (SPEC 4): count this session's attempts only.
  int made = static_cast<int>(unit.attempts.size()) - unit.attempt_base;
  auto verdict = decide_retry(policy, made, {exit_code, timed_out}, unit.attempt_base);
  Duration delay{0};
  if (verdict.retry) {
    std::uniform_real_distribution<double> unit_random(0.0, 1.0);
    delay = retry_delay(policy, made, unit_random(random_));
    // Temporal's rule: no attempt is scheduled that could only start after the deadline.
    if (unit.deadline_at && Clock::now() + delay >= *unit.deadline_at) {
      verdict = {false, fmt::format("the next attempt, due in {}, would start after the "
                                    "deadline ({})",
                                    model::format_duration(delay), deadline_value(node))};
    }
  }
  if (!verdict.retry) {
    attempt.decision = "not retried: " + verdict.why_not;
    fail_leaf(leaf, std::move(reason));
    return;
  }
  int budget = policy.max_attempts.value_or(1);
  attempt.decision = fmt::format("retry in {} ({})", model::format_duration(delay),
                                 next_attempt_label(unit, budget));
  unit.reason = fmt::format("{}; {} in {}", reason, next_attempt_label(unit, budget),
                            model::format_duration(delay));
  unit.next_attempt_at = std::chrono::system_clock::now() + delay;
  ++retrying_;
  set_leaf_state(leaf, TaskState::kRetrying);
  executor_.add_timer(Clock::now() + delay, TimerToken{TimerKind::kRetry, leaf}.encode());
}

void Scheduler::on_retry_due(UnitIndex leaf) {
  if (leaf >= graph_.units().size() || graph_.unit(leaf).state != TaskState::kRetrying) return;
  --retrying_;
  graph_.unit(leaf).reason.clear();
  make_ready(leaf);
}

// The deadline covers every attempt and every wait: whatever the task is doing, it ends failed.
void Scheduler::on_deadline(UnitIndex leaf) {
  if (leaf >= graph_.units().size()) return;
  Unit& unit = graph_.unit(leaf);
  std::string why = deadline_text(graph_.node_of(leaf));
  switch (unit.state) {
    case TaskState::kRunning:  // Stopped as a timeout stops it; on_exit fails it.
      unit.deadline_exceeded = true;
      executor_.terminate(leaf);
      return;
    case TaskState::kRetrying:
      --retrying_;
      overrule_retry(unit, "the deadline has passed");
      fail_leaf(leaf, why + " while waiting to retry");
      return;
    case TaskState::kWaiting: {
      --waiting_;
      if (gates_waiting_.erase(unit.path) > 0) {
        fail_leaf(leaf, why + " while waiting for approval");
        return;
      }
      for (auto& waiters : breaker_waiters_) std::erase(waiters, leaf);
      overrule_retry(unit, "the deadline has passed");
      fail_leaf(leaf, why + " while its breaker was open");
      return;
    }
    case TaskState::kReady:  // Still queued: start_ready passes over it.
      overrule_retry(unit, "the deadline has passed");
      fail_leaf(leaf, why + " before a slot was free");
      return;
    default:
      return;
  }
}

// ---- Failing, stopping, interrupting ---------------------------------------------------------

void Scheduler::fail_leaf(UnitIndex leaf, std::string reason) {
  Unit& unit = graph_.unit(leaf);
  const model::Node& node = graph_.node_of(leaf);
  unit.reason = std::move(reason);
  unit.failure_ignored = node.settings().on_failure == OnFailure::kIgnore;
  set_leaf_state(leaf, TaskState::kFailed);
  if (!unit.failure_ignored) {
    failed_ = true;
    auto mode = graph_.workflow().failure_mode;
    if (mode != FailureMode::kContinue && !stopping_) begin_stopping();
    if (mode == FailureMode::kCancel) {
      for (UnitIndex u = 0; u < graph_.units().size(); ++u) {
        if (graph_.unit(u).state == TaskState::kRunning && graph_.unit(u).kind == UnitKind::kLeaf) {
          graph_.unit(u).state = TaskState::kCancelled;
          executor_.terminate(u);
        }
      }
    }
  }
  finish(leaf);
}

// failure_mode stop/cancel: tasks held by a breaker or waiting out a backoff will not start
// (unless `always`), and approval gates waiting for a verdict will not let anything start after
// them, so they go back to pending now — resumable — rather than keep the run alive until their
// timers fire or somebody answers.
void Scheduler::begin_stopping() {
  stopping_ = true;
  for (UnitIndex u = 0; u < graph_.units().size(); ++u) {
    if (graph_.unit(u).state == TaskState::kPending &&
        graph_.node_of(u).trigger == TriggerRule::kAlways) {
      cleanups_.push_back(u);
    }
  }
  auto hold_back = [this](UnitIndex u, const char* why) {
    Unit& unit = graph_.unit(u);
    overrule_retry(unit, why);
    unit.reason = std::string("not started: ") + why;
    set_leaf_state(u, TaskState::kPending);
    hold(u);
  };
  for (auto& waiters : breaker_waiters_) {
    std::erase_if(waiters, [&](UnitIndex u) {
      if (graph_.node_of(u).trigger == TriggerRule::kAlways) return false;
      --waiting_;
      hold_back(u, "the run is stopping after a failure");
      return true;
    });
  }
  std::erase_if(gates_waiting_, [&](const auto& entry) {
    UnitIndex gate = entry.second;
    if (graph_.node_of(gate).trigger == TriggerRule::kAlways) return false;
    --waiting_;
    hold_back(gate, "the run is stopping after a failure");
    return true;
  });
  for (UnitIndex u = 0; u < graph_.units().size(); ++u) {
    if (graph_.unit(u).state != TaskState::kRetrying ||
        graph_.node_of(u).trigger == TriggerRule::kAlways) {
      continue;
    }
    --retrying_;
    hold_back(u, "the run is stopping after a failure");
  }
}

void Scheduler::hold(UnitIndex u) {
  Unit& unit = graph_.unit(u);
  if (unit.held) return;
  unit.held = true;
  for (UnitIndex d : unit.dependents) worklist_.push_back(d);
  // A group whose last child is held will not finish either.
  if (unit.parent != kNoUnit && held_by_stop(unit.parent)) hold(unit.parent);
}

// A cleanup step (`always`) may count an upstream that will never start as done only once
// nothing that upstream waits for is still at work: its own upstreams, and those of the groups
// it sits in, are finished or will never start either (SPEC 3.2: every upstream terminal).
bool Scheduler::settled_by_stop(UnitIndex u) const {
  if (!held_by_stop(u)) return false;
  std::vector<UnitIndex> stack{u};
  std::unordered_set<UnitIndex> seen{u};
  auto at_work = [&](UnitIndex v) {
    if (still_stopping(v)) return true;
    if (is_terminal(graph_.unit(v).state)) return false;
    if (!held_by_stop(v)) return true;
    if (seen.insert(v).second) stack.push_back(v);
    return false;
  };
  while (!stack.empty()) {
    const Unit& unit = graph_.unit(stack.back());
    stack.pop_back();
    for (UnitIndex up : unit.upstream) {
      if (at_work(up)) return false;
    }
    if (unit.opened) {
      for (UnitIndex child : unit.children) {
        if (at_work(child)) return false;
      }
    } else if (unit.parent != kNoUnit && !graph_.unit(unit.parent).opened && at_work(unit.parent)) {
      return false;
    }
  }
  return true;
}

// failure_mode cancel marks a running leaf cancelled as it asks it to stop: until its process
// has exited, what waits for it must too.
bool Scheduler::still_stopping(UnitIndex u) const {
  const Unit& unit = graph_.unit(u);
  if (unit.state != TaskState::kCancelled || unit.attempts.empty()) return false;
  const auto& last = unit.attempts.back();
  return last.pid > 0 && last.end.time_since_epoch().count() == 0;
}

// A group that the stopping run would hold still opens when a cleanup step (`always`) sits
// below it, so that the step can start; its other children are held one by one.
bool Scheduler::has_cleanup_below(UnitIndex group) const {
  for (UnitIndex c : graph_.unit(group).children) {
    const Unit& child = graph_.unit(c);
    if (graph_.node_of(c).trigger == TriggerRule::kAlways) return true;
    if (child.kind == UnitKind::kGroup && has_cleanup_below(c)) return true;
  }
  return false;
}

bool Scheduler::held_by_stop(UnitIndex u) const {
  if (!stopping_) return false;
  const Unit& unit = graph_.unit(u);
  if (is_terminal(unit.state)) return false;
  if (!unit.opened) {
    return unit.state == TaskState::kPending && graph_.node_of(u).trigger != TriggerRule::kAlways;
  }
  return std::all_of(unit.children.begin(), unit.children.end(), [this](UnitIndex c) {
    return is_terminal(graph_.unit(c).state) || held_by_stop(c);
  });
}

void Scheduler::on_interrupt(const Interrupted& interrupted) {
  cancelled_ = true;
  for (UnitIndex u = 0; u < graph_.units().size(); ++u) {
    auto state = graph_.unit(u).state;
    if (state != TaskState::kRetrying && state != TaskState::kWaiting) continue;
    if (state == TaskState::kRetrying) overrule_retry(graph_.unit(u), "the run was cancelled");
    graph_.unit(u).reason = "cancelled";
    set_leaf_state(u, TaskState::kCancelled);
    finish(u);
  }
  retrying_ = waiting_ = 0;
  for (auto& waiters : breaker_waiters_) waiters.clear();
  gates_waiting_.clear();
  if (interrupted.count >= 2) {
    executor_.kill_all();
  } else {
    executor_.terminate_all();
  }
}

// ---- Circuit breakers (SPEC 3.3) -------------------------------------------------------------

CircuitBreaker* Scheduler::breaker_of(UnitIndex leaf) {
  const auto& name = graph_.node_of(leaf).settings().breaker;
  if (!name) return nullptr;
  auto it = breaker_index_.find(*name);
  return it == breaker_index_.end() ? nullptr : &breakers_[it->second];
}

bool Scheduler::pass_breaker(UnitIndex leaf) {
  CircuitBreaker* breaker = breaker_of(leaf);
  if (!breaker) return true;
  Unit& unit = graph_.unit(leaf);
  if ((unit.breaker_ticket = breaker->try_admit())) return true;
  const auto& spec = breaker->spec();
  if (spec.on_open == BreakerOpenAction::kWait) {
    unit.reason =
        breaker->state() == BreakerState::kOpen
            ? fmt::format("breaker '{}' is open; it turns half-open in {}", spec.name,
                          model::format_duration(
                              std::chrono::ceil<Duration>(breaker->half_open_at() - Clock::now())))
            : fmt::format("breaker '{}' is half-open and its trial attempts are taken", spec.name);
    ++waiting_;
    breaker_waiters_[breaker_index_.at(spec.name)].push_back(leaf);
    set_leaf_state(leaf, TaskState::kWaiting);
    return false;
  }
  std::string state = breaker->state() == BreakerState::kOpen ? "open" : "half-open";
  overrule_retry(unit, fmt::format("breaker '{}' is {}", spec.name, state));
  fail_leaf(leaf, fmt::format("circuit_open: breaker '{}' is {}", spec.name, state));
  return false;
}

void Scheduler::settle_breaker(UnitIndex leaf, std::optional<bool> succeeded) {
  Unit& unit = graph_.unit(leaf);
  if (!unit.breaker_ticket) return;
  auto ticket = *unit.breaker_ticket;
  unit.breaker_ticket.reset();
  CircuitBreaker* breaker = breaker_of(leaf);
  if (!succeeded) {  // Cancelled: its trial place, if it held one, goes to a waiting task.
    breaker->release(ticket);
    if (ticket.trial) wake_waiters(breaker_index_.at(breaker->spec().name));
    return;
  }
  breaker_changed(breaker_index_.at(breaker->spec().name),
                  breaker->record(ticket, *succeeded, Clock::now()));
}

void Scheduler::breaker_changed(std::size_t index, std::optional<BreakerChange> change) {
  if (!change) return;
  CircuitBreaker& breaker = breakers_[index];
  result_.breaker_transitions.push_back({breaker.spec().name, change->from, change->to,
                                         std::chrono::system_clock::now(), change->why});
  if (options_.journal) options_.journal->breaker_changed(result_.breaker_transitions.back());
  if (options_.on_event) {
    RunEvent event;
    event.kind = RunEventKind::kBreaker;
    event.at = result_.breaker_transitions.back().at;
    event.transition = &result_.breaker_transitions.back();
    event.graph = &graph_;
    options_.on_event(event);
  }
  if (change->to == BreakerState::kOpen) {
    executor_.add_timer(
        breaker.half_open_at(),
        TimerToken{TimerKind::kBreakerReset, static_cast<std::uint32_t>(index)}.encode());
    return;
  }
  wake_waiters(index);
}

// Half-open: as many waiting tasks as there are trial places, longest waiting first; closed:
// all of them. They start in their usual order; whoever the breaker turns away waits again.
void Scheduler::wake_waiters(std::size_t index) {
  CircuitBreaker& breaker = breakers_[index];
  auto& waiters = breaker_waiters_[index];
  std::size_t n = waiters.size();
  if (breaker.state() == BreakerState::kOpen) return;
  if (breaker.state() == BreakerState::kHalfOpen) {
    n = std::min(n, static_cast<std::size_t>(breaker.free_trials()));
  }
  std::vector<UnitIndex> woken(waiters.begin(), waiters.begin() + static_cast<std::ptrdiff_t>(n));
  waiters.erase(waiters.begin(), waiters.begin() + static_cast<std::ptrdiff_t>(n));
  for (UnitIndex leaf : woken) {
    --waiting_;
    graph_.unit(leaf).reason.clear();
    make_ready(leaf);
  }
}

void Scheduler::on_breaker_reset(std::size_t index) {
  if (index >= breakers_.size()) return;
  breaker_changed(index, breakers_[index].on_reset_due(Clock::now()));
}

}  // namespace baton::engine
