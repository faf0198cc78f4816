#include "engine/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "analyze/leaf_graph.hpp"
#include "analyze/stages.hpp"
#include "engine/attempt_result.hpp"
#include "engine/launch_builder.hpp"
#include "engine/timer_token.hpp"
#include "engine/trigger.hpp"

namespace baton::engine {
namespace {

// Longest estimated chain from each model leaf to the end (SPEC 2.3's second key); instances of
// one node share their node's value. Estimates, else 1 s a task (history comes with the store).
std::vector<Duration> remaining_by_node(const model::Workflow& workflow) {
  auto graph = analyze::build_leaf_graph(workflow);
  auto topo = graph.dag.topological_order();
  std::vector<Duration> durations;
  for (const auto& leaf : graph.leaves) durations.push_back(leaf.estimate);
  auto remaining = analyze::remaining_path(graph.dag, topo, durations);
  std::vector<Duration> by_node(workflow.nodes.size(), Duration(0));
  for (std::size_t v = 0; v < graph.leaves.size(); ++v) {
    auto& slot = by_node[graph.leaves[v].node];
    slot = std::max(slot, remaining[v]);
  }
  return by_node;
}

}  // namespace

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kRolledBack:
      return "rolled_back";
    case RunStatus::kCancelled:
      return "cancelled";
  }
  return "?";
}

Scheduler::Scheduler(const model::Workflow& workflow, Executor& executor, RunOptions options)
    : graph_(workflow),
      executor_(executor),
      options_(std::move(options)),
      environments_(options_.base_env),
      remaining_(remaining_by_node(workflow)) {
  // Output files are named by the tasks' absolute path, whatever folder a task runs in.
  options_.run_dir = std::filesystem::absolute(options_.run_dir);
  for (const auto& [name, spec] : workflow.breakers) {
    breaker_index_.emplace(name, breakers_.size());
    breakers_.emplace_back(spec);
  }
  breaker_waiters_.resize(breakers_.size());
  if (options_.restore) {
    for (UnitIndex u = 0; u < graph_.units().size(); ++u) {
      if (options_.restore(graph_.unit(u)) && options_.journal) {
        options_.journal->unit_changed(graph_, u);
      }
    }
  }
}

RunResult Scheduler::run() {
  result_.started = std::chrono::system_clock::now();
  // Outputs files are created by the tasks that write them (`>> "$BATON_OUTPUT"`): a file per
  // attempt costs an inode, which is most of a short task's cost on ext4.
  std::error_code ec;
  std::filesystem::create_directories(options_.run_dir / "outputs", ec);
  outputs_watch_ = std::make_unique<OutputsWatch>(options_.run_dir / "outputs");
  evaluate(RunGraph::kRootUnit);
  drain();
  // The loop: fill free slots, wait for the next event, apply it, repeat.
  while (true) {
    start_ready();
    if (!worklist_.empty()) {  // A task failed before it could start: its dependents move on.
      drain();
      continue;
    }
    commit_and_launch();
    if (!worklist_.empty()) {  // Cancelled before it could start (failure_mode cancel).
      drain();
      continue;
    }
    if (running_ == 0 && retrying_ == 0 && waiting_ == 0) break;
    prepare_next_logs();
    auto due = commit_due();
    if (options_.journal) {
      if (auto again = options_.journal->before_wait(); again && (!due || *again < *due)) {
        due = again;
      }
    }
    started_this_turn_.clear();
    const auto events = executor_.wait(due);
    outputs_watch_->attempts_exited();  // The exits among them were reaped before it returned.
    for (const Event& event : events) on_event(event);
    drain();
  }
  finish_run();
  result_.ended = std::chrono::system_clock::now();
  commit();
  return result_;
}

void Scheduler::commit() {
  if (options_.journal) options_.journal->commit();
  ++epoch_;
  last_commit_ = Clock::now();
}

bool Scheduler::waits_for_uncommitted(UnitIndex leaf) const {
  for (UnitIndex u = leaf; u != kNoUnit; u = graph_.unit(u).parent) {
    for (UnitIndex up : graph_.unit(u).upstream) {
      if (graph_.unit(up).finished_epoch == epoch_) return true;
    }
  }
  return false;
}

std::optional<Clock::time_point> Scheduler::commit_due() const {
  if (!options_.journal || !options_.journal->pending()) return std::nullopt;
  return last_commit_ + kCommitInterval;
}

void Scheduler::commit_and_launch() {
  if (options_.journal && options_.journal->pending()) {
    // Write-ahead (SPEC 4): a dependent starts only once its upstream's outcome is committed.
    bool needed = std::any_of(launches_.begin(), launches_.end(), [this](const LaunchSpec& s) {
      return waits_for_uncommitted(static_cast<UnitIndex>(s.id));
    });
    // A turn that starts nothing is about to block: its changes go out now, cheaply (runs of
    // many short tasks start something every turn, and commit every kCommitInterval).
    if (needed || launches_.empty() || Clock::now() >= last_commit_ + kCommitInterval) commit();
  }
  for (const LaunchSpec& spec : launches_) {
    auto leaf = static_cast<UnitIndex>(spec.id);
    if (graph_.unit(leaf).state == TaskState::kCancelled) {  // failure_mode cancel, meanwhile.
      --running_;
      take_limits(leaf, -1);
      graph_.unit(leaf).reason = "cancelled";
      finish(leaf);
      continue;
    }
    // Recorded with the next commit; until then resume finds the process by BATON_RUN_ID.
    if (auto pid = executor_.start(spec); pid > 0) {
      graph_.unit(leaf).attempts.back().pid = pid;
      if (options_.journal) options_.journal->unit_changed(graph_, leaf);
    }
  }
  launches_.clear();
}

void Scheduler::finish_run() {
  const Unit& root = graph_.unit(RunGraph::kRootUnit);
  if (cancelled_) {
    result_.status = RunStatus::kCancelled;
    return;
  }
  if (!failed_ && root.state != TaskState::kFailed) {
    if (!is_terminal(root.state) && !stopping_) {
      throw std::logic_error(
          "scheduler stuck: nothing runs and the run is not over [this is a bug]");
    }
    result_.status = RunStatus::kSucceeded;
    return;
  }
  // SPEC 3.5: the run has failed and nothing more can run: undo what succeeded.
  Compensator saga(graph_, executor_, options_, environments_,
                   [this](RunEventKind kind, UnitIndex u) { emit(kind, u); });
  result_.saga = saga.run();
  if (result_.saga.interrupted) {
    result_.status = RunStatus::kCancelled;
  } else {
    result_.status = result_.saga.rolled_back() ? RunStatus::kRolledBack : RunStatus::kFailed;
  }
}

// ---- Readiness -------------------------------------------------------------------------------

Outcome Scheduler::outcome(UnitIndex u) const {
  const Unit& unit = graph_.unit(u);
  return outcome_of({unit.state, unit.failure_ignored, unit.skipped_upstream_failed});
}

void Scheduler::evaluate(UnitIndex u) {
  Unit& unit = graph_.unit(u);
  if (unit.state != TaskState::kPending || unit.opened) return;
  if (unit.parent != kNoUnit && !graph_.unit(unit.parent).opened) return;
  if (cancelled_) return;  // A cancelled run decides nothing more: what did not run stays pending.
  const model::Node& node = graph_.node_of(u);
  const bool always = node.trigger == TriggerRule::kAlways;
  std::vector<UpstreamOutcome> ups;
  ups.reserve(unit.upstream.size());
  bool upstream_cancelled = false;
  for (UnitIndex up : unit.upstream) {
    Outcome o = outcome(up);
    if (o == Outcome::kUnfinished && node.trigger == TriggerRule::kOneFailed &&
        graph_.unit(up).failed_inside) {
      o = Outcome::kFailed;  // A running group whose derived state is failed already.
    }
    // A cleanup step does not wait for what the stopping run will not start.
    if (o == Outcome::kUnfinished && always && settled_by_stop(up)) o = Outcome::kSkipped;
    if (always && still_stopping(up)) o = Outcome::kUnfinished;
    upstream_cancelled = upstream_cancelled || graph_.unit(up).state == TaskState::kCancelled;
    ups.push_back({o, graph_.unit(up).path});
  }
  auto decision = evaluate_trigger(node.trigger, ups);
  const bool stopped = stopping_ && !always;
  if (decision.kind == TriggerDecision::Kind::kWait) {
    if (stopped) hold(u);
    return;
  }
  // failure_mode cancel: what waited for a cancelled task was not started, not skipped.
  if (decision.kind == TriggerDecision::Kind::kSkip && !(stopped && upstream_cancelled)) {
    skip_subtree(u, decision.reason, decision.upstream_failed);
    finish(u);
    return;
  }
  if (stopped && (unit.kind != UnitKind::kGroup || !has_cleanup_below(u))) {
    hold(u);
    return;
  }
  if (unit.kind == UnitKind::kLeaf) {
    make_ready(u);
    return;
  }
  open(u);
}

// SPEC 1.2: a deadline runs from the moment the task could first start ("schedule to close").
void Scheduler::make_ready(UnitIndex leaf) {
  Unit& unit = graph_.unit(leaf);
  if (!unit.deadline_at) {
    if (auto deadline = graph_.node_of(leaf).settings().deadline) {
      unit.deadline_at = Clock::now() + *deadline;
      executor_.add_timer(*unit.deadline_at, TimerToken{TimerKind::kDeadline, leaf}.encode());
    }
  }
  set_leaf_state(leaf, TaskState::kReady);
  push_ready(leaf);
}

void Scheduler::open(UnitIndex u) {
  Unit& unit = graph_.unit(u);
  const model::Node& node = graph_.node_of(u);
  if (unit.kind == UnitKind::kFanout && node.foreach->is_dynamic()) {
    open_dynamic_fanout(u);
    if (graph_.unit(u).state != TaskState::kPending) return;  // It failed.
  }
  Unit& opened = graph_.unit(u);
  opened.opened = true;
  opened.state = TaskState::kRunning;
  opened.unfinished_children = opened.children.size();
  if (opened.children.empty()) {
    if (opened.kind == UnitKind::kFanout) {  // An empty list (SPEC 2.5): skipped, as one task.
      opened.reason = "no items to fan out over";
      opened.state = TaskState::kSkipped;
      emit(RunEventKind::kTaskSkipped, u);
    }
    finish(u);
    return;
  }
  for (UnitIndex child : std::vector<UnitIndex>(opened.children)) {
    // A leaf an earlier session of the run finished (resume) is done: it only lets others go.
    if (graph_.unit(child).state == TaskState::kSucceeded) {
      finish(child);
    } else {
      evaluate(child);
    }
  }
}

void Scheduler::skip_subtree(UnitIndex u, const std::string& reason, bool upstream_failed) {
  std::vector<UnitIndex> stack{u};
  while (!stack.empty()) {
    UnitIndex v = stack.back();
    stack.pop_back();
    Unit& unit = graph_.unit(v);
    unit.state = TaskState::kSkipped;
    unit.reason = reason;
    unit.skipped_upstream_failed = upstream_failed;
    // A dynamic fan-out skipped before it had items stands for its tasks, as one.
    if (unit.kind == UnitKind::kLeaf || (unit.kind == UnitKind::kFanout && unit.children.empty())) {
      emit(RunEventKind::kTaskSkipped, v);
    }
    if (v != u) {
      for (UnitIndex d : unit.dependents) worklist_.push_back(d);
    }
    stack.insert(stack.end(), unit.children.begin(), unit.children.end());
  }
}

// `u` reached a terminal state: its group may be complete, its dependents may be ready.
void Scheduler::finish(UnitIndex u) {
  Unit& unit = graph_.unit(u);
  unit.finished_epoch = epoch_;
  if (unit.instance_active) {  // A fan-out instance is running until it has finished.
    unit.instance_active = false;
    --graph_.unit(unit.parent).active_instances;
  }
  if (unit.kind != UnitKind::kLeaf && unit.opened) {
    std::vector<ChildState> children;
    for (UnitIndex c : unit.children) {
      const Unit& child = graph_.unit(c);
      children.push_back({child.state, child.failure_ignored, child.skipped_upstream_failed});
    }
    unit.state = derive_group_state(children);
  }
  for (UnitIndex d : unit.dependents) worklist_.push_back(d);
  // A stopping run's cleanup steps wait for work anywhere upstream: look at them again.
  for (UnitIndex c : cleanups_) {
    if (graph_.unit(c).state == TaskState::kPending) worklist_.push_back(c);
  }
  if (unit.kind == UnitKind::kLeaf && unit.state == TaskState::kFailed && !unit.failure_ignored) {
    mark_failed_inside(unit.parent);
  }
  UnitIndex parent = unit.parent;
  if (parent != kNoUnit && graph_.unit(parent).opened &&
      --graph_.unit(parent).unfinished_children == 0) {
    finish(parent);
  }
}

// A group with a failed leaf below is `failed` already (SPEC 2.4): what waits on it with
// `one_failed` is looked at again now, not when its last child ends.
void Scheduler::mark_failed_inside(UnitIndex group) {
  for (UnitIndex g = group; g != kNoUnit && !graph_.unit(g).failed_inside;
       g = graph_.unit(g).parent) {
    graph_.unit(g).failed_inside = true;
    for (UnitIndex d : graph_.unit(g).dependents) worklist_.push_back(d);
  }
}

void Scheduler::drain() {
  while (!worklist_.empty()) {
    UnitIndex u = worklist_.back();
    worklist_.pop_back();
    evaluate(u);
  }
}

// ---- Events ----------------------------------------------------------------------------------

void Scheduler::on_event(const Event& event) {
  std::visit(
      [this](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, AttemptExited>) {
          on_exit(static_cast<UnitIndex>(e.id), e);
        } else if constexpr (std::is_same_v<E, SpawnFailed>) {
          on_spawn_failed(static_cast<UnitIndex>(e.id), e.message);
        } else if constexpr (std::is_same_v<E, Interrupted>) {
          on_interrupt(e);
        } else if constexpr (std::is_same_v<E, TimerFired>) {
          on_timer(e.token);
        } else if constexpr (std::is_same_v<E, Wakeup>) {
          apply_verdicts();
        }
      },
      event);
}

void Scheduler::on_exit(UnitIndex leaf, const AttemptExited& exited) {
  Unit& unit = graph_.unit(leaf);
  --running_;
  take_limits(leaf, -1);
  auto& attempt = unit.attempts.back();
  record_exit(attempt, exited);
  auto call = executor_.take_call_result(exited.id);
  if (call && !call->logged) attempt.log_path.clear();  // As the fast path: no file, no path.
  const model::Node& node = graph_.node_of(leaf);
  if (cancelled_ || (unit.state == TaskState::kCancelled)) {
    settle_breaker(leaf, std::nullopt);
    set_leaf_state(leaf, TaskState::kCancelled);
    unit.reason = "cancelled";
    finish(leaf);
    return;
  }
  if (!exited.succeeded() || unit.deadline_exceeded) {
    if (unit.deadline_exceeded) attempt.timed_out = true;
    settle_breaker(leaf, false);
    std::string reason = describe_exit(exited, node.settings().timeout);
    if (call && !call->error.empty() && !exited.timed_out) reason = attempt.error = call->error;
    attempt_failed(leaf, std::move(reason), exited.signal ? -1 : exited.exit_code,
                   exited.timed_out);
    return;
  }
  if (options_.dry_run) {  // Nothing ran, so nothing was written.
    set_leaf_state(leaf, TaskState::kSucceeded);
    finish(leaf);
    return;
  }
  // A callable reports its outputs; a process writes them to its file, if it wrote any.
  Result<Outputs> outputs = Outputs{};
  if (call) {
    outputs = checked_outputs(call->outputs);
  } else {
    std::string file = output_path(options_, unit.path, attempt.number);
    if (outputs_watch_->may_exist(file.substr(file.rfind('/') + 1))) {
      outputs = read_outputs_file(file);
    }
  }
  std::string rejected;
  if (!outputs) {
    rejected = attempt.error = outputs.error().message;
  } else {
    for (const auto& key : node.outputs) {
      if (!outputs->count(key)) {
        rejected = attempt.error = fmt::format("promised output '{}' was not written", key);
        break;
      }
    }
  }
  settle_breaker(leaf, rejected.empty());
  if (!rejected.empty()) {
    attempt.decision = "not retried: its outputs were rejected";
    fail_leaf(leaf, std::move(rejected));
    return;
  }
  unit.outputs = std::move(*outputs);
  set_leaf_state(leaf, TaskState::kSucceeded);
  finish(leaf);
}

void Scheduler::on_spawn_failed(UnitIndex leaf, const std::string& message) {
  --running_;
  take_limits(leaf, -1);
  auto& unit = graph_.unit(leaf);
  unit.attempts.back().end = std::chrono::system_clock::now();
  unit.attempts.back().error = message;
  unit.attempts.back().pid = 0;  // No process ran it, whatever start() returned.
  settle_breaker(leaf, false);
  attempt_failed(leaf, message, -1, false);
}

void Scheduler::on_timer(std::uint64_t token) {
  auto [kind, index] = TimerToken::decode(token);
  switch (kind) {
    case TimerKind::kRetry:
      on_retry_due(index);
      break;
    case TimerKind::kDeadline:
      on_deadline(index);
      break;
    case TimerKind::kBreakerReset:
      on_breaker_reset(index);
      break;
    case TimerKind::kApprovalTimeout:
      on_approval_timeout(index);
      break;
    case TimerKind::kVerdictPoll:
      on_verdict_poll();
      break;
    case TimerKind::kCompensationRetry:
      break;
  }
}

void Scheduler::set_leaf_state(UnitIndex leaf, TaskState state) {
  Unit& unit = graph_.unit(leaf);
  if ((unit.state == TaskState::kWaiting) != (state == TaskState::kWaiting)) {
    auto now = std::chrono::system_clock::now();
    if (state == TaskState::kWaiting) {
      unit.waits.push_back({});
      unit.waits.back().number = static_cast<int>(unit.waits.size());
      unit.waits.back().start = now;
    } else if (!unit.waits.empty()) {
      unit.waits.back().end = now;
    }
  }
  unit.state = state;
  switch (state) {
    case TaskState::kRunning:
      return emit(RunEventKind::kTaskStarted, leaf);
    case TaskState::kSucceeded:
      return emit(RunEventKind::kTaskSucceeded, leaf);
    case TaskState::kFailed:
      return emit(RunEventKind::kTaskFailed, leaf);
    case TaskState::kRetrying:
      return emit(RunEventKind::kTaskRetrying, leaf);
    case TaskState::kWaiting:
      return emit(RunEventKind::kTaskWaiting, leaf);
    case TaskState::kSkipped:
      return emit(RunEventKind::kTaskSkipped, leaf);
    case TaskState::kCancelled:
      return emit(RunEventKind::kTaskCancelled, leaf);
    case TaskState::kReady:    // Waiting for a slot (SPEC 2.4): no event of its own (SPEC 8),
    case TaskState::kPending:  // or held back (stop, cancel); either way the store must know.
      if (options_.journal) options_.journal->unit_changed(graph_, leaf);
      return;
    default:
      return;
  }
}

void Scheduler::emit(RunEventKind kind, UnitIndex unit) {
  if (options_.journal) options_.journal->unit_changed(graph_, unit);
  if (!options_.on_event) return;
  RunEvent event;
  event.kind = kind;
  event.at = std::chrono::system_clock::now();
  event.unit = &graph_.unit(unit);
  event.graph = &graph_;
  options_.on_event(event);
}

}  // namespace baton::engine
