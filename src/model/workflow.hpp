// The workflow as data (SPEC 1): a tree of nodes in file order, with every key kept, references
// resolved to indices, and inherited settings computed. Built by load/ (and later by the C++
// API); read by analyze/ and engine/. No I/O here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "baton/policy.hpp"

namespace baton::model {

using NodeIndex = std::uint32_t;
inline constexpr NodeIndex kNoNode = UINT32_MAX;
/// nodes[kRoot] is the workflow itself, as the group that holds the top-level tasks.
inline constexpr NodeIndex kRoot = 0;

/// Where something was written: 1-based line and column; 0 when it was not written in a file.
struct SourcePos {
  int line = 0;
  int column = 0;
};

/// A reference as written (`needs: [build]`), before resolution.
struct Reference {
  std::string text;
  SourcePos pos;
};

/// An edge of the dependency graph: this node waits for `node`. `pos` is where it was declared.
struct Upstream {
  NodeIndex node = kNoNode;
  SourcePos pos;
  friend bool operator==(const Upstream& a, const Upstream& b) { return a.node == b.node; }
};

using EnvMap = std::map<std::string, std::string>;

/// What an attempt runs: a process from a shell string (`run`, run with /bin/sh -c) or an argv
/// list, or (built with the C++ library) a callable, by its index in the library's table.
struct Command {
  std::string shell;
  std::vector<std::string> argv;
  std::int32_t callable = -1;
  bool is_callable() const { return callable >= 0; }
  bool uses_shell() const { return argv.empty() && !is_callable(); }
};

/// Settings a node inherits from its ancestors (SPEC 1.2): nearer wins, field by field.
struct Settings {
  RetryPolicy retry;
  std::optional<Duration> timeout;
  std::optional<Duration> deadline;
  std::optional<Duration> kill_grace;  ///< Default 5s.
  std::optional<int> priority;         ///< Default 0.
  std::optional<OnFailure> on_failure;
  std::optional<std::string> cwd;
  std::optional<std::string> pool;
  std::optional<std::string> breaker;
  EnvMap env;

  /// Fills every unset field (and missing env key) from `farther`.
  void inherit_from(const Settings& farther);
};

/// SPEC 2.5: one instance per item, static (`items`) or from another task's output (`from`).
struct Foreach {
  std::vector<std::string> items;
  std::optional<Reference> from;
  std::string output;  ///< With `from`: the output key that holds the items.
  NodeIndex from_node = kNoNode;
  std::string as = "item";
  std::optional<int> max_parallel;
  int max_items = 10000;
  SourcePos pos;         ///< Of the `foreach` value.
  SourcePos output_pos;  ///< Of `output`, with `from`.

  bool is_dynamic() const { return from.has_value(); }
};

enum class NodeKind { kGroup, kLeaf };
enum class ActionKind { kShell, kArgv, kApproval, kCallable };

struct Node {
  std::string id;
  std::string name;  ///< Human title; defaults to id.
  std::string path;  ///< Ancestors' ids and its own, joined by '.'; empty for the root.
  NodeIndex parent = kNoNode;
  std::vector<NodeIndex> children;
  int depth = 0;  ///< The root is 0, top-level tasks 1.
  NodeKind kind = NodeKind::kLeaf;
  SourcePos pos;     ///< Of the node's mapping.
  SourcePos id_pos;  ///< Of its `id` value.

  std::optional<Level> declared_level;
  Level level = Level::kTask;  ///< Declared, else inferred (SPEC 1.3).
  std::optional<std::string> declared_domain;
  std::string domain;  ///< Declared, else inherited; empty if none.

  std::vector<Reference> needs;    ///< As written.
  std::vector<Upstream> upstream;  ///< Resolved: needs, flow, template and foreach references,
                                   ///< and the previous sibling in a sequential group.
  TriggerRule trigger = TriggerRule::kAllSuccess;
  GroupStrategy strategy = GroupStrategy::kParallel;
  std::optional<int> concurrency;  ///< Groups: max leaves of this group running at once.

  // Settings are shared, not copied: most nodes write none of their own, and a million-task
  // workflow must not hold a million copies of its defaults.
  std::shared_ptr<Settings> own;              ///< Keys written on this node; null if none.
  std::shared_ptr<Settings> defaults;         ///< A group's `defaults:` block; null if none.
  std::shared_ptr<const Settings> effective;  ///< After inheritance: what applies here.

  // Leaves.
  ActionKind action = ActionKind::kShell;
  Command command;
  int slots = 1;
  SourcePos slots_pos;
  std::optional<Duration> estimate;
  std::shared_ptr<Command> compensate;  ///< Null if none.
  std::vector<std::string> outputs;
  /// What each `${{ tasks.REF.outputs.KEY }}` written on this node means: the task the loader
  /// resolved REF to (SPEC 1.1: nearest first), so that a run reads the same task's outputs.
  std::vector<std::pair<std::string, NodeIndex>> output_refs;

  std::shared_ptr<Foreach> foreach;  ///< Null unless the node fans out.

  const Settings& settings() const { return *effective; }
  Settings& own_settings() {
    if (!own) own = std::make_shared<Settings>();
    return *own;
  }
  Settings& defaults_settings() {
    if (!defaults) defaults = std::make_shared<Settings>();
    return *defaults;
  }

  bool is_group() const { return kind == NodeKind::kGroup; }
  bool is_leaf() const { return kind == NodeKind::kLeaf; }
};

struct Workflow {
  std::string file;  ///< As the user named it.
  std::string name;
  std::string description;
  std::optional<int> concurrency;  ///< Default: the number of CPUs.
  FailureMode failure_mode = FailureMode::kContinue;
  std::map<std::string, int> pools;
  std::map<std::string, BreakerSpec> breakers;
  std::vector<Node> nodes;  ///< Pre-order (file order); nodes[kRoot] is the workflow.

  const Node& root() const { return nodes[kRoot]; }
  const Node& node(NodeIndex i) const { return nodes[i]; }

  /// Leaves in file order.
  std::vector<NodeIndex> leaves() const;
  /// True if `ancestor` is `node` or one of its ancestors.
  bool contains(NodeIndex ancestor, NodeIndex node) const;
  /// The last node of each node's subtree, so that `a` contains `n` when a <= n <= ends[a], if
  /// the nodes are in pre-order as the loader and the library lay them out; else empty.
  std::vector<NodeIndex> subtree_ends() const;
  /// The distinct domains in file order.
  std::vector<std::string> domains() const;
};

/// A hostile-input bound: the tasks and groups one run may hold, every fan-out instance counted
/// (SPEC 9 asks for 1,000,000 tasks; a fan-out of 10,000 items over a group of 2,000 tasks
/// would be 20,000,000).
inline constexpr std::uint64_t kMaxInstances = 2'000'000;

/// The tasks and groups in `node`'s subtree, itself included, as a run instantiates them: a
/// static fan-out counts one unit for itself and one subtree per item, a dynamic one only
/// itself (its items are not known yet). With `own_foreach` false, `node`'s own fan-out is left
/// out: what each of its items adds. Saturates at kMaxInstances + 1.
std::uint64_t instance_count(const Workflow& workflow, NodeIndex node, bool own_foreach = true);

}  // namespace baton::model
