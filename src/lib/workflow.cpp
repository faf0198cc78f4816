// baton::Workflow and baton::Task: a thin builder over detail::WorkflowState, whose to_model()
// gives the model the loader gives, so that the API and the loader share one model.
#include "baton/workflow.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "lib/workflow_state.hpp"
#include "load/load.hpp"

namespace baton {
namespace {

using detail::WorkflowState;

model::Node& node_of(WorkflowState* state, std::uint32_t node) { return state->detail(node); }

std::uint32_t add_callable(WorkflowState& state, Callable fn) {
  if (!fn) throw std::invalid_argument("a callable task needs a callable");
  state.callables.push_back(std::move(fn));
  return static_cast<std::uint32_t>(state.callables.size() - 1);
}

std::uint32_t add_task(WorkflowState& state, std::uint32_t parent, std::string id, Callable fn) {
  auto callable = add_callable(state, std::move(fn));
  auto index = state.add(parent, std::move(id), model::NodeKind::kLeaf);
  state.entries[index].callable = static_cast<std::int32_t>(callable);
  return index;
}

std::uint32_t add_command(WorkflowState& state, std::uint32_t parent, std::string id,
                          std::vector<std::string> argv) {
  if (argv.empty()) throw std::invalid_argument(fmt::format("command '{}' is empty", id));
  if (argv.front().empty()) {
    throw std::invalid_argument(fmt::format("command '{}' starts with an empty program name", id));
  }
  auto index = state.add(parent, std::move(id), model::NodeKind::kLeaf, model::ActionKind::kArgv);
  state.detail(index).command.argv = std::move(argv);
  return index;
}

std::uint32_t add_shell(WorkflowState& state, std::uint32_t parent, std::string id,
                        std::string script) {
  if (script.find_first_not_of(" \t\n") == std::string::npos) {
    throw std::invalid_argument(fmt::format("shell command '{}' is empty", id));
  }
  auto index = state.add(parent, std::move(id), model::NodeKind::kLeaf, model::ActionKind::kShell);
  state.detail(index).command.shell = std::move(script);
  return index;
}

std::uint32_t add_approval(WorkflowState& state, std::uint32_t parent, std::string id) {
  return state.add(parent, std::move(id), model::NodeKind::kLeaf, model::ActionKind::kApproval);
}

model::Foreach& foreach_of(model::Node& node) {
  if (!node.foreach) node.foreach = std::make_shared<model::Foreach>();
  return *node.foreach;
}

void require_positive(int value, std::string_view what) {
  if (value < 1) throw std::invalid_argument(fmt::format("{} must be at least 1", what));
}

// The checks a workflow file's values go through in the loader (SPEC 1.1–3), for values set in
// code: refused when set, as std::invalid_argument.
void require_longer_than_zero(Duration d, std::string_view what) {
  if (d.count() <= 0) throw std::invalid_argument(fmt::format("{} must be longer than 0", what));
}
void require_not_negative(Duration d, std::string_view what) {
  if (d.count() < 0) throw std::invalid_argument(fmt::format("{} cannot be negative", what));
}

void check(const RetryPolicy& p) {
  if (p.max_attempts && *p.max_attempts < 0) {
    throw std::invalid_argument("max_attempts must be at least 0 (0: unlimited, with a deadline)");
  }
  for (auto [d, what] :
       {std::pair{p.delay, "delay"}, std::pair{p.initial_interval, "initial_interval"},
        std::pair{p.max_interval, "max_interval"}}) {
    if (d) require_not_negative(*d, what);
  }
  if (p.backoff_coefficient && !(*p.backoff_coefficient >= 1.0 && *p.backoff_coefficient <= 1e6)) {
    throw std::invalid_argument("backoff_coefficient must be from 1 to 1e6");
  }
  if (p.jitter && !(*p.jitter >= 0.0 && *p.jitter <= 1.0)) {
    throw std::invalid_argument("jitter must be from 0 to 1");
  }
}

}  // namespace

// ---- Task ------------------------------------------------------------------------------------

const std::string& Task::id() const { return state_->entries[node_].id; }
std::string Task::path() const { return state_->path_of(node_); }

Task Task::task(std::string id, Callable fn) {
  return {state_, add_task(*state_, node_, std::move(id), std::move(fn))};
}
Task Task::command(std::string id, std::vector<std::string> argv) {
  return {state_, add_command(*state_, node_, std::move(id), std::move(argv))};
}
Task Task::shell(std::string id, std::string script) {
  return {state_, add_shell(*state_, node_, std::move(id), std::move(script))};
}
Task Task::group(std::string id) {
  return {state_, state_->add(node_, std::move(id), model::NodeKind::kGroup)};
}
Task Task::approval(std::string id) {
  return {state_, add_approval(*state_, node_, std::move(id))};
}

Task Task::needs(Task upstream) {
  if (upstream.state_ != state_) {
    throw std::invalid_argument(
        fmt::format("'{}' cannot need '{}': it is in another workflow", path(), upstream.path()));
  }
  state_->needs.emplace_back(node_, upstream.node_);
  return *this;
}

Task Task::name(std::string title) {
  node_of(state_, node_).name = std::move(title);
  return *this;
}
Task Task::level(Level level) {
  node_of(state_, node_).declared_level = level;
  return *this;
}
Task Task::domain(std::string domain) {
  node_of(state_, node_).declared_domain = std::move(domain);
  return *this;
}

Task Task::retry(RetryPolicy policy) {
  check(policy);
  node_of(state_, node_).own_settings().retry = std::move(policy);
  return *this;
}
Task Task::timeout(Duration timeout) {
  require_longer_than_zero(timeout, "timeout");
  node_of(state_, node_).own_settings().timeout = timeout;
  return *this;
}
Task Task::deadline(Duration deadline) {
  require_longer_than_zero(deadline, "deadline");
  node_of(state_, node_).own_settings().deadline = deadline;
  return *this;
}
Task Task::kill_grace(Duration grace) {
  require_not_negative(grace, "kill_grace");
  node_of(state_, node_).own_settings().kill_grace = grace;
  return *this;
}
Task Task::priority(int priority) {
  node_of(state_, node_).own_settings().priority = priority;
  return *this;
}
Task Task::pool(std::string pool, int slots) {
  require_positive(slots, "slots");
  auto& node = node_of(state_, node_);
  node.own_settings().pool = std::move(pool);
  node.slots = slots;
  return *this;
}
Task Task::breaker(std::string breaker) {
  node_of(state_, node_).own_settings().breaker = std::move(breaker);
  return *this;
}
Task Task::trigger(TriggerRule rule) {
  node_of(state_, node_).trigger = rule;
  return *this;
}
Task Task::on_failure(OnFailure action) {
  node_of(state_, node_).own_settings().on_failure = action;
  return *this;
}
Task Task::estimate(Duration typical) {
  require_not_negative(typical, "estimate");
  node_of(state_, node_).estimate = typical;
  return *this;
}
Task Task::env(std::string name, std::string value) {
  node_of(state_, node_).own_settings().env[std::move(name)] = std::move(value);
  return *this;
}
Task Task::cwd(std::string folder) {
  node_of(state_, node_).own_settings().cwd = std::move(folder);
  return *this;
}
Task Task::outputs(std::vector<std::string> keys) {
  node_of(state_, node_).outputs = std::move(keys);
  return *this;
}

Task Task::compensate(Callable fn) {
  auto callable = add_callable(*state_, std::move(fn));
  auto command = std::make_shared<model::Command>();
  command->callable = static_cast<std::int32_t>(callable);
  node_of(state_, node_).compensate = std::move(command);
  return *this;
}
Task Task::compensate_command(std::vector<std::string> argv) {
  if (argv.empty() || argv.front().empty()) {
    throw std::invalid_argument("a compensation command needs a program name");
  }
  auto command = std::make_shared<model::Command>();
  command->argv = std::move(argv);
  node_of(state_, node_).compensate = std::move(command);
  return *this;
}

Task Task::foreach (std::vector<std::string> items) {
  if (items.empty()) throw std::invalid_argument("'foreach' has no items: expected at least one");
  foreach_of(node_of(state_, node_)).items = std::move(items);
  return *this;
}
Task Task::foreach (Task source, std::string key) {
  if (source.state_ != state_)
    throw std::invalid_argument("a fan-out source must be in its workflow");
  foreach_of(node_of(state_, node_)).output = std::move(key);
  state_->entries[node_].foreach_source = source.node_;
  return *this;
}
Task Task::max_parallel(int instances) {
  require_positive(instances, "max_parallel");
  foreach_of(node_of(state_, node_)).max_parallel = instances;
  return *this;
}
Task Task::max_items(int items) {
  require_positive(items, "max_items");
  foreach_of(node_of(state_, node_)).max_items = items;
  return *this;
}

Task Task::concurrency(int leaves) {
  require_positive(leaves, "concurrency");
  node_of(state_, node_).concurrency = leaves;
  return *this;
}
Task Task::sequential() {
  node_of(state_, node_).strategy = GroupStrategy::kSequential;
  return *this;
}

Task operator>>(Task upstream, Task downstream) { return downstream.needs(upstream); }
Tasks operator>>(Task upstream, Tasks downstream) {
  for (Task task : downstream.items()) task.needs(upstream);
  return downstream;
}
Task operator>>(Tasks upstream, Task downstream) {
  for (Task task : upstream.items()) downstream.needs(task);
  return downstream;
}
Tasks operator>>(Tasks upstream, Tasks downstream) {
  for (Task down : downstream.items()) {
    for (Task up : upstream.items()) down.needs(up);
  }
  return downstream;
}

// ---- Workflow --------------------------------------------------------------------------------

Workflow::Workflow(std::string name, std::string description)
    : state_(std::make_unique<WorkflowState>()) {
  if (name.empty()) throw std::invalid_argument("a workflow needs a name");
  state_->top.name = std::move(name);
  state_->top.description = std::move(description);
  state_->entries.emplace_back().kind = model::NodeKind::kGroup;
}
Workflow::Workflow(Workflow&&) noexcept = default;
Workflow& Workflow::operator=(Workflow&&) noexcept = default;
Workflow::~Workflow() = default;

Task Workflow::task(std::string id, Callable fn) {
  return root().task(std::move(id), std::move(fn));
}
Task Workflow::command(std::string id, std::vector<std::string> argv) {
  return root().command(std::move(id), std::move(argv));
}
Task Workflow::shell(std::string id, std::string script) {
  return root().shell(std::move(id), std::move(script));
}
Task Workflow::group(std::string id) { return root().group(std::move(id)); }
Task Workflow::approval(std::string id) { return root().approval(std::move(id)); }
Task Workflow::root() { return {state_.get(), model::kRoot}; }

Task Workflow::at(const std::string& path) {
  for (std::uint32_t i = 1; i < state_->entries.size(); ++i) {
    if (state_->path_of(i) == path) return {state_.get(), i};
  }
  throw std::out_of_range(fmt::format("workflow '{}' has no node '{}'", name(), path));
}

Workflow& Workflow::concurrency(int leaves) {
  require_positive(leaves, "concurrency");
  state_->top.concurrency = leaves;
  return *this;
}
Workflow& Workflow::failure_mode(FailureMode mode) {
  state_->top.failure_mode = mode;
  return *this;
}
Workflow& Workflow::pool(std::string name, int slots) {
  require_positive(slots, "a pool's size");
  state_->top.pools[std::move(name)] = slots;
  return *this;
}
Workflow& Workflow::breaker(BreakerSpec spec) {
  if (spec.name.empty()) throw std::invalid_argument("a breaker needs a name");
  require_positive(spec.failure_threshold, "failure_threshold");
  require_positive(spec.half_open_max, "half_open_max");
  require_longer_than_zero(spec.reset_timeout, "reset_timeout");
  std::string name = spec.name;
  state_->top.breakers[std::move(name)] = std::move(spec);
  return *this;
}

const std::string& Workflow::name() const { return state_->top.name; }
std::size_t Workflow::size() const { return state_->entries.size() - 1; }

Diagnostics Workflow::validate() const { return state_->to_model().diagnostics; }

Workflow Workflow::load(const std::string& path) {
  auto loaded = load::load_workflow_file(path);
  if (!loaded.workflow) {
    std::string message;
    const auto& all = loaded.diagnostics;
    for (std::size_t i = 0; i < std::min(all.size(), kMaxDiagnosticsPerFile); ++i) {
      message += all[i].to_string() + "\n";
    }
    if (loaded.error_count > kMaxDiagnosticsPerFile) {
      message += fmt::format("{}: {} more errors (`baton validate {}` lists them all)\n", path,
                             loaded.error_count - kMaxDiagnosticsPerFile, path);
    }
    throw std::invalid_argument(message);
  }
  // Back to entries: the model's pre-order is a valid insertion order, and its resolved edges
  // become `needs` (sequential edges too, which the group's strategy would add again: harmless).
  Workflow wf;
  wf.state_ = std::make_unique<WorkflowState>();
  auto& state = *wf.state_;
  state.folder = std::filesystem::absolute(path).parent_path();
  model::Workflow& loaded_workflow = *loaded.workflow;
  std::vector<model::Node> nodes = std::move(loaded_workflow.nodes);
  state.top = std::move(loaded_workflow);
  state.top.nodes.clear();
  state.entries.resize(nodes.size());
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    auto& node = nodes[i];
    auto& entry = state.entries[i];
    for (const auto& up : node.upstream) {
      if (!node.foreach || up.node != node.foreach->from_node) state.needs.emplace_back(i, up.node);
    }
    if (node.foreach && node.foreach->is_dynamic()) entry.foreach_source = node.foreach->from_node;
    entry.id = std::move(node.id);
    entry.parent = node.parent;
    entry.kind = node.kind;
    entry.action = node.action;
    entry.callable = node.command.callable;
    node.upstream.clear();
    node.path.clear();
    node.children.clear();
    node.effective.reset();
    entry.detail = std::make_unique<model::Node>(std::move(node));
  }
  return wf;
}

}  // namespace baton
