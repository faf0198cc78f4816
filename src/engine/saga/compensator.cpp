#include "engine/saga/compensator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "engine/attempt_result.hpp"
#include "engine/journal.hpp"
#include "engine/retry/backoff.hpp"
#include "engine/timer_token.hpp"
#include "model/duration.hpp"

namespace baton::engine {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

}  // namespace

Compensator::Compensator(RunGraph& graph, Executor& executor, const RunOptions& options,
                         SharedEnvironments& environments,
                         std::function<void(RunEventKind, UnitIndex)> emit)
    : graph_(graph),
      executor_(executor),
      options_(options),
      environments_(environments),
      emit_(std::move(emit)),
      plan_(plan_compensations(graph)) {
  std::size_t n = plan_.steps.size();
  first_start_.resize(n);
  step_of_unit_.assign(graph_.units().size(), kNone);
  unblocks_.resize(n);
  waiting_for_.resize(n);
  blocked_by_.resize(n);
  for (std::size_t s = 0; s < n; ++s) {
    step_of_unit_[plan_.steps[s]] = s;
    waiting_for_[s] = plan_.waits_for[s].size();
    for (std::size_t blocker : plan_.waits_for[s]) unblocks_[blocker].push_back(s);
    if (waiting_for_[s] == 0) ready_.push_back(s);
  }
  std::make_heap(ready_.begin(), ready_.end(), std::greater<>());
  outcome_.steps = static_cast<int>(n);
}

SagaOutcome Compensator::run() {
  while (true) {
    while (!interrupted_ && running_ < options_.jobs && !ready_.empty()) {
      std::pop_heap(ready_.begin(), ready_.end(), std::greater<>());
      std::size_t step = ready_.back();
      ready_.pop_back();
      start(step);
    }
    if (options_.journal && options_.journal->pending()) options_.journal->commit();
    if (running_ == 0 && (retrying_ == 0 || interrupted_)) break;
    std::optional<Clock::time_point> due;
    if (options_.journal) due = options_.journal->before_wait();
    for (const Event& event : executor_.wait(due)) on_event(event);
  }
  if (interrupted_) {
    for (std::size_t step = 0; step < plan_.steps.size(); ++step) {
      Unit& unit = graph_.unit(plan_.steps[step]);
      if (unit.state == TaskState::kSucceeded && blocked_by_[step].empty()) {
        unit.reason = "not compensated: the run was cancelled";
        if (options_.journal) options_.journal->unit_changed(graph_, plan_.steps[step]);
      }
    }
  }
  outcome_.interrupted = interrupted_;
  return outcome_;
}

void Compensator::start(std::size_t step) {
  UnitIndex leaf = plan_.steps[step];
  Unit& unit = graph_.unit(leaf);
  int attempt = static_cast<int>(unit.compensations.size()) + 1;
  auto prepared =
      prepare_launch(graph_, leaf, attempt, options_, environments_, Step::kCompensation);
  AttemptRecord record;
  record.number = attempt;
  record.start = std::chrono::system_clock::now();
  record.log_path = prepared.spec.log_path;
  unit.compensations.push_back(record);
  if (attempt == unit.compensation_base + 1) {
    first_start_[step] = Clock::now();
    unit.state = TaskState::kCompensating;
  }
  emit_(RunEventKind::kCompensationStarted, leaf);
  if (!prepared.error.empty()) {
    unit.compensations.back().end = record.start;
    unit.compensations.back().error = prepared.error;
    unit.reason = "compensation: " + prepared.error;
    end_step(step, StepEnd::kFailed, {});
    return;
  }
  prepared.spec.id = leaf;
  // Write-ahead, as for a dependent's start (SPEC 4): an undo acts outside baton, so once it may
  // have begun a crash must leave the store knowing, or resume would take the task for untouched.
  // Its process id follows with the next commit.
  if (options_.journal && options_.journal->pending()) options_.journal->commit();
  ++running_;
  unit.compensations.back().pid = executor_.start(prepared.spec);
  if (options_.journal) options_.journal->unit_changed(graph_, leaf);
}

void Compensator::on_event(const Event& event) {
  if (const auto* exited = std::get_if<AttemptExited>(&event)) {
    auto leaf = static_cast<UnitIndex>(exited->id);
    auto& record = graph_.unit(leaf).compensations.back();
    record_exit(record, *exited);
    std::string reason = describe_exit(*exited, graph_.node_of(leaf).settings().timeout);
    auto call = executor_.take_call_result(exited->id);
    if (call && !call->error.empty() && !exited->timed_out) reason = record.error = call->error;
    on_exit(leaf, exited->succeeded(), std::move(reason), exited->signal ? -1 : exited->exit_code,
            exited->timed_out);
  } else if (const auto* failed = std::get_if<SpawnFailed>(&event)) {
    auto leaf = static_cast<UnitIndex>(failed->id);
    auto& record = graph_.unit(leaf).compensations.back();
    record.end = std::chrono::system_clock::now();
    record.error = failed->message;
    record.pid = 0;  // No process ran it, whatever start() returned.
    on_exit(leaf, false, failed->message, -1, false);
  } else if (const auto* timer = std::get_if<TimerFired>(&event)) {
    // Timers of the run before (breaker resets, deadlines) may still fire: not ours.
    auto token = TimerToken::decode(timer->token);
    if (token.kind != TimerKind::kCompensationRetry || interrupted_) return;
    --retrying_;
    ready_.push_back(step_of_unit_[token.index]);
    std::push_heap(ready_.begin(), ready_.end(), std::greater<>());
  } else if (const auto* interrupted = std::get_if<Interrupted>(&event)) {
    interrupt(*interrupted);
  }
}

void Compensator::on_exit(UnitIndex leaf, bool succeeded, std::string reason, int exit_code,
                          bool timed_out) {
  --running_;
  Unit& unit = graph_.unit(leaf);
  std::size_t step = step_of_unit_[leaf];
  auto& record = unit.compensations.back();
  if (succeeded) {
    unit.reason.clear();
    end_step(step, StepEnd::kCompensated, {});
    return;
  }
  if (interrupted_) {
    record.decision = "not retried: the run was cancelled";
    unit.reason = "compensation interrupted: the run was cancelled";
    end_step(step, StepEnd::kFailed, {});
    return;
  }
  const auto& settings = graph_.node_of(leaf).settings();
  const auto& policy = settings.retry;
  // Attempts of a session before a resume keep their numbers but not the budget (SPEC 4).
  int made = static_cast<int>(unit.compensations.size()) - unit.compensation_base;
  auto verdict = decide_retry(policy, made, {exit_code, timed_out}, unit.compensation_base);
  std::uniform_real_distribution<double> unit_random(0.0, 1.0);
  Duration delay = verdict.retry ? retry_delay(policy, made, unit_random(random_)) : Duration(0);
  // Unlimited retries (allowed only with a deadline) stop at the task's deadline, counted from
  // the compensation's first attempt.
  if (verdict.retry && settings.deadline &&
      Clock::now() + delay >= first_start_[step] + *settings.deadline) {
    verdict = {false, fmt::format("the deadline ({}) has passed",
                                  model::format_duration(*settings.deadline))};
  }
  if (!verdict.retry) {
    record.decision = "not retried: " + verdict.why_not;
    unit.reason = "compensation " + reason;
    end_step(step, StepEnd::kFailed, {});
    return;
  }
  int budget = policy.max_attempts.value_or(1);
  int number = unit.compensation_base + made + 1;
  std::string next = budget == 0
                         ? fmt::format("attempt {}", number)
                         : fmt::format("attempt {} of {}", number, unit.compensation_base + budget);
  record.decision = fmt::format("retry in {} ({})", model::format_duration(delay), next);
  unit.reason =
      fmt::format("compensation {}; {} in {}", reason, next, model::format_duration(delay));
  unit.next_attempt_at = std::chrono::system_clock::now() + delay;
  ++retrying_;
  emit_(RunEventKind::kTaskRetrying, leaf);
  executor_.add_timer(Clock::now() + delay,
                      TimerToken{TimerKind::kCompensationRetry, leaf}.encode());
}

// A step is over: compensated, failed, or never run because one it waited for failed. The
// steps waiting for it go once all their blockers are over, unless one of those failed.
void Compensator::end_step(std::size_t step, StepEnd how, const std::string& blocked_reason) {
  UnitIndex leaf = plan_.steps[step];
  switch (how) {
    case StepEnd::kCompensated:
      ++outcome_.compensated;
      set_state(leaf, TaskState::kCompensated);
      break;
    case StepEnd::kFailed:
      set_state(leaf, TaskState::kCompensationFailed);
      break;
    case StepEnd::kNotRun:  // No event: the task stays succeeded; the store keeps why.
      graph_.unit(leaf).reason = blocked_reason;
      if (options_.journal) options_.journal->unit_changed(graph_, leaf);
      break;
  }
  // An interrupted compensation failed because the run was cancelled, which says it all.
  std::string reason =
      how == StepEnd::kCompensated || interrupted_ ? std::string()
      : how == StepEnd::kFailed
          ? fmt::format("not compensated: the compensation of {} failed", graph_.unit(leaf).path)
          : blocked_reason;
  for (std::size_t next : unblocks_[step]) {
    if (!reason.empty() && blocked_by_[next].empty()) blocked_by_[next] = reason;
    if (--waiting_for_[next] != 0) continue;
    if (!blocked_by_[next].empty()) {
      end_step(next, StepEnd::kNotRun, blocked_by_[next]);
    } else {
      ready_.push_back(next);
      std::push_heap(ready_.begin(), ready_.end(), std::greater<>());
    }
  }
}

void Compensator::interrupt(const Interrupted& interrupted) {
  interrupted_ = true;
  // Compensations waiting out a backoff end here; running ones end when their process does.
  for (UnitIndex leaf : plan_.steps) {
    Unit& unit = graph_.unit(leaf);
    if (unit.state != TaskState::kCompensating || unit.compensations.empty()) continue;
    if (unit.compensations.back().end.time_since_epoch().count() == 0) continue;  // Running.
    unit.compensations.back().decision = "not retried: the run was cancelled";
    unit.reason = "compensation interrupted: the run was cancelled";
    set_state(leaf, TaskState::kCompensationFailed);
  }
  retrying_ = 0;
  if (interrupted.count >= 2) {
    executor_.kill_all();
  } else {
    executor_.terminate_all();
  }
}

void Compensator::set_state(UnitIndex leaf, TaskState state) {
  graph_.unit(leaf).state = state;
  emit_(RunEventKind::kCompensationFinished, leaf);
}

}  // namespace baton::engine
