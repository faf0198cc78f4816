// EXECUTE: the scheduler loop (SPEC 2, 3). It owns all run state and follows Ninja's
// Builder::Build: fill free slots with the best ready tasks -> wait for the next executor event
// -> apply it (which may make dependents ready or skip them) -> repeat until nothing can run;
// then, if the run failed, the saga phase (saga/compensator). scheduler.cpp holds readiness and
// starting; scheduler_failures.cpp what follows a failed attempt: retries, deadlines, breakers,
// failure modes and interruption.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/breaker/circuit_breaker.hpp"
#include "engine/executor.hpp"
#include "engine/journal.hpp"
#include "engine/launch_builder.hpp"
#include "engine/outputs_watch.hpp"
#include "engine/run_event.hpp"
#include "engine/run_graph.hpp"
#include "engine/run_options.hpp"
#include "engine/saga/compensator.hpp"
#include "model/workflow.hpp"

namespace baton::engine {

enum class RunStatus { kRunning, kSucceeded, kFailed, kRolledBack, kCancelled };
std::string_view to_string(RunStatus status);

struct RunResult {
  RunStatus status = RunStatus::kRunning;
  std::chrono::system_clock::time_point started, ended;
  int peak_parallelism = 0;
  std::vector<BreakerTransition> breaker_transitions;  ///< In the order they happened.
  SagaOutcome saga;                                    ///< Empty unless the run failed.
};

class Scheduler {
 public:
  Scheduler(const model::Workflow& workflow, Executor& executor, RunOptions options);

  /// Runs the workflow to its end; returns how it ended.
  RunResult run();

  const RunGraph& graph() const { return graph_; }

 private:
  // Readiness.
  void evaluate(UnitIndex u);
  void make_ready(UnitIndex leaf);
  void open(UnitIndex u);
  void open_dynamic_fanout(UnitIndex u);
  void skip_subtree(UnitIndex u, const std::string& reason, bool upstream_failed);
  /// failure_mode stop/cancel: `u` stays pending this session; its `always` dependents, the
  /// cleanup steps, need not wait for it (SPEC 3.4).
  void hold(UnitIndex u);
  bool held_by_stop(UnitIndex u) const;
  bool settled_by_stop(UnitIndex u) const;
  bool still_stopping(UnitIndex u) const;
  bool has_cleanup_below(UnitIndex group) const;
  void finish(UnitIndex u);
  void mark_failed_inside(UnitIndex group);
  void drain();
  Outcome outcome(UnitIndex u) const;

  // Starting and limits.
  void start_ready();
  bool admit(UnitIndex leaf) const;
  void take_limits(UnitIndex leaf, int sign);
  void start(UnitIndex leaf);
  /// The loop is about to wait: the next start waits for a running task's end. Has the logs of
  /// the leaves likely to start then created meanwhile (Executor::prepare_log): the top of the
  /// ready queue if every slot is taken, else the likely successors of what started this turn.
  void prepare_next_logs();
  std::vector<UnitIndex> next_ready(std::size_t count) const;
  void prepare_log_of(UnitIndex leaf);
  /// At most this many ready leaves get their logs ahead (the executor keeps a few more).
  static constexpr std::size_t kLogsAhead = 4;
  bool likely_next(UnitIndex leaf) const;

  // Executor events.
  void on_event(const Event& event);
  void on_exit(UnitIndex leaf, const AttemptExited& exited);
  void on_spawn_failed(UnitIndex leaf, const std::string& message);
  void on_timer(std::uint64_t token);
  void set_leaf_state(UnitIndex leaf, TaskState state);
  void emit(RunEventKind kind, UnitIndex unit);
  /// Commits the turn's changes (if there is a journal and a decided attempt needs them, or they
  /// are kCommitInterval old), then starts the attempts it decided.
  void commit_and_launch();
  void commit();
  /// True if `leaf` or one of its groups has an upstream that finished since the last commit.
  bool waits_for_uncommitted(UnitIndex leaf) const;
  /// When the loop must wake to commit changes nothing else will commit, if any.
  std::optional<Clock::time_point> commit_due() const;

  // After a failed attempt (scheduler_failures.cpp).
  /// The attempt failed: retry it later if the policy and the deadline allow, else fail it.
  void attempt_failed(UnitIndex leaf, std::string reason, int exit_code, bool timed_out);
  void fail_leaf(UnitIndex leaf, std::string reason);
  void on_retry_due(UnitIndex leaf);
  void on_deadline(UnitIndex leaf);
  void on_interrupt(const Interrupted& interrupted);
  /// failure_mode stop or cancel has just taken effect.
  void begin_stopping();
  // Breakers.
  CircuitBreaker* breaker_of(UnitIndex leaf);
  /// True if the leaf's breaker (if any) lets an attempt start now; else it waits or fails.
  bool pass_breaker(UnitIndex leaf);
  /// The running attempt ended: tell its breaker (`succeeded`), or free its place (cancelled).
  void settle_breaker(UnitIndex leaf, std::optional<bool> succeeded);
  void breaker_changed(std::size_t breaker, std::optional<BreakerChange> change);
  void on_breaker_reset(std::size_t breaker);
  void wake_waiters(std::size_t breaker);
  void finish_run();

  // Approval gates (scheduler_gates.cpp).
  void wait_for_approval(UnitIndex gate);
  /// Takes new verdicts and applies those for waiting gates.
  void apply_verdicts();
  void on_approval_timeout(UnitIndex gate);
  void take_verdicts();  ///< Adds the verdicts not taken yet to verdicts_.
  void poll_verdicts();  ///< Sets the next RunOptions::verdict_poll timer, if none is due.
  void on_verdict_poll();

  RunGraph graph_;
  Executor& executor_;
  RunOptions options_;
  SharedEnvironments environments_;
  std::unique_ptr<OutputsWatch> outputs_watch_;  ///< Set by run(): which outputs files exist.
  std::vector<Duration> remaining_;  ///< Per model node: longest remaining chain (SPEC 2.3).
  /// A ready leaf with its order's keys (SPEC 2.3) copied in, so the heap compares without
  /// reaching into the graph: 10,000 ready tasks cost 13 comparisons a start.
  struct Ready {
    int priority;
    Duration remaining;
    UnitIndex place;  ///< File order: the unit, or the dynamic fan-out it is an instance in.
    UnitIndex unit;   ///< Then the order the units were made in.
  };
  struct ReadyOrder {
    bool operator()(const Ready& a, const Ready& b) const;
  };
  Ready ready_entry(UnitIndex leaf) const;
  void push_ready(UnitIndex leaf);
  std::vector<Ready> ready_;          ///< A heap in ReadyOrder.
  std::vector<UnitIndex> held_;       ///< Ready but held back by a group, fan-out or pool limit.
  std::vector<UnitIndex> worklist_;   ///< Units to evaluate or finish, drained iteratively.
  std::vector<LaunchSpec> launches_;  ///< Decided this turn; started once it is committed.
  std::vector<UnitIndex> started_this_turn_;  ///< For prepare_next_logs().
  std::uint32_t epoch_ = 1;                   ///< Bumped by every commit.
  Clock::time_point last_commit_ = Clock::now();
  bool verdict_poll_due_ = false;  ///< A kVerdictPoll timer is set.
  std::map<std::string, int> pool_in_use_;
  std::vector<CircuitBreaker> breakers_;
  std::map<std::string, std::size_t, std::less<>> breaker_index_;
  std::vector<std::vector<UnitIndex>> breaker_waiters_;  ///< Leaves `waiting` per breaker.
  int running_ = 0;
  int retrying_ = 0;  ///< Leaves waiting out a backoff: the run is not over while any do.
  int waiting_ = 0;   ///< Leaves held by an open breaker or waiting for approval.
  std::map<std::string, UnitIndex> gates_waiting_;  ///< By path.
  std::map<std::string, Verdict> verdicts_;         ///< Taken, for gates not waiting yet.
  std::mt19937_64 random_{std::random_device{}()};
  bool stopping_ = false;            ///< failure_mode stop/cancel: start only `always` tasks.
  std::vector<UnitIndex> cleanups_;  ///< While stopping: the `always` units left to start.
  bool cancelled_ = false;           ///< SIGINT/SIGTERM: start nothing more.
  bool failed_ = false;
  RunResult result_;
};

}  // namespace baton::engine
