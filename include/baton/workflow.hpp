// Building a workflow in code (SPEC 7): the same model a workflow file loads into. Tasks are
// callables (run on the engine's worker pool) or commands (processes, as in a file); groups
// nest them; `a >> b` orders them; policies are set on any node and inherited by its
// descendants, as in a file (SPEC 1.2).
//
//   baton::Workflow wf("release");
//   auto build = wf.task("build", [](baton::Context& ctx) { ctx.set_output("version", "1.4.0"); });
//   auto test = wf.command("test", {"make", "check"}).retry({.max_attempts = 3});
//   auto ship = wf.task("ship", [](baton::Context& ctx) {
//     deploy(ctx.input("build", "version"));
//   });
//   build >> test >> ship;
//   ship.needs(build);  // It reads build's output, which reaches the tasks that need build.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "baton/context.hpp"
#include "baton/diagnostic.hpp"
#include "baton/policy.hpp"

namespace baton {

/// What a callable task runs. It fails by throwing; its message becomes the attempt's error.
using Callable = std::function<void(Context&)>;

namespace detail {
struct WorkflowState;
}

/// A handle to a node of a Workflow: a task, a group or an approval gate. Cheap to copy; valid
/// while its Workflow lives. Setters return the handle, so that they chain.
class Task {
 public:
  /// The id, and the path (ancestors' ids joined by '.').
  const std::string& id() const;
  std::string path() const;

  // Children, for a group (see Workflow for the top level).
  Task task(std::string id, Callable fn);
  /// A process: argv[0] and its arguments, run directly (no shell).
  Task command(std::string id, std::vector<std::string> argv);
  /// A process: `script` run with /bin/sh -c (SPEC 2.1; a string without shell syntax is run
  /// directly).
  Task shell(std::string id, std::string script);
  Task group(std::string id);
  /// An approval gate (SPEC 3.6): waits for `baton approve RUN PATH` (a durable store needed).
  Task approval(std::string id);

  /// This node waits for `upstream` (SPEC 1.1 `needs`); `upstream >> task` says the same.
  Task needs(Task upstream);

  // Labels (SPEC 1.2, 1.3).
  Task name(std::string title);
  Task level(Level level);
  Task domain(std::string domain);

  // Policies (SPEC 1.2, 2, 3), inherited by descendants unless they set their own.
  Task retry(RetryPolicy policy);
  /// Per attempt. A command gets SIGTERM, then SIGKILL after kill_grace; a callable sees its
  /// token cancelled and should return (cooperative: a callable that ignores it runs on).
  Task timeout(Duration timeout);
  Task deadline(Duration deadline);
  Task kill_grace(Duration grace);
  Task priority(int priority);
  /// Runs in the named pool (declared with Workflow::pool), taking `slots` of it.
  Task pool(std::string pool, int slots = 1);
  /// Counts towards the named breaker (declared with Workflow::breaker).
  Task breaker(std::string breaker);
  Task trigger(TriggerRule rule);
  Task on_failure(OnFailure action);
  Task estimate(Duration typical);
  Task env(std::string name, std::string value);
  Task cwd(std::string folder);
  /// Outputs the task promises: an attempt that does not set each one fails.
  Task outputs(std::vector<std::string> keys);

  /// Saga compensation (SPEC 3.5): undoes the task after a failed run.
  Task compensate(Callable fn);
  Task compensate_command(std::vector<std::string> argv);

  // Fan-out (SPEC 2.5): one instance per item, `ID[i]`, the item in Context::item().
  Task foreach(std::vector<std::string> items);
  /// Dynamic: the items are `source`'s output `key` (a list: Context::set_output(key, vector)).
  Task foreach(Task source, std::string key);
  Task max_parallel(int instances);
  Task max_items(int items);

  // Groups.
  Task concurrency(int leaves);
  /// Children run one after another, in the order they were added.
  Task sequential();

 private:
  friend class Workflow;
  friend class Tasks;
  Task(detail::WorkflowState* state, std::uint32_t node) : state_(state), node_(node) {}
  detail::WorkflowState* state_;
  std::uint32_t node_;
};

/// Several tasks as one end of `>>`: `a >> Tasks{b, c} >> d` (C++ has no braced list as an
/// operand of `>>`, so `{b, c}` is spelled `Tasks{b, c}`).
class Tasks {
 public:
  Tasks(std::initializer_list<Task> tasks) : tasks_(tasks) {}
  explicit Tasks(std::vector<Task> tasks) : tasks_(std::move(tasks)) {}
  const std::vector<Task>& items() const { return tasks_; }

 private:
  std::vector<Task> tasks_;
};

/// `downstream` waits for `upstream`; returns `downstream`, so that chains read left to right.
Task operator>>(Task upstream, Task downstream);
Tasks operator>>(Task upstream, Tasks downstream);
Task operator>>(Tasks upstream, Task downstream);
Tasks operator>>(Tasks upstream, Tasks downstream);

/// A workflow under construction, then run by an Engine. Move-only; Task handles point into it.
class Workflow {
 public:
  explicit Workflow(std::string name, std::string description = {});
  Workflow(Workflow&&) noexcept;
  Workflow& operator=(Workflow&&) noexcept;
  ~Workflow();

  // Top-level nodes.
  Task task(std::string id, Callable fn);
  Task command(std::string id, std::vector<std::string> argv);
  Task shell(std::string id, std::string script);
  Task group(std::string id);
  Task approval(std::string id);
  /// The workflow as the group that holds the top-level nodes: policies set on it (retry,
  /// timeout, env, ...) are every task's defaults.
  Task root();
  /// The node at `path` (`deploy.canary`); throws std::out_of_range if there is none.
  Task at(const std::string& path);

  /// Leaves running at once, unless the engine sets its own (SPEC 1). Default: the CPUs.
  Workflow& concurrency(int leaves);
  Workflow& failure_mode(FailureMode mode);
  Workflow& pool(std::string name, int slots);
  Workflow& breaker(BreakerSpec spec);

  const std::string& name() const;
  /// Every node (groups and leaves), not counting the root.
  std::size_t size() const;

  /// What a run would refuse (a cycle, an unknown pool, a duplicate id, ...), with the same
  /// messages as a workflow file's; empty if the workflow is valid.
  Diagnostics validate() const;

  /// Loads a workflow file (YAML or JSON, SPEC 1) into the same model. Its tasks are commands;
  /// more can be added in code. Throws std::invalid_argument with every diagnostic if invalid.
  static Workflow load(const std::string& path);

  detail::WorkflowState& state() const { return *state_; }  ///< For the engine.

 private:
  Workflow() = default;
  std::unique_ptr<detail::WorkflowState> state_;
};

}  // namespace baton
