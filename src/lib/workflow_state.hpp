// What a baton::Workflow holds while it is built: its nodes in the order they were added (a
// group may gain children after later nodes), the callables they run, and the top-level
// settings. to_model() lays them out as the model the loader produces: pre-order, paths,
// references resolved, settings inherited, levels inferred, every check of a workflow file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "baton/diagnostic.hpp"
#include "baton/workflow.hpp"
#include "model/workflow.hpp"

namespace baton::detail {

struct WorkflowState {
  /// One node as the API added it. What most tasks are (an id, a place, a callable) is here; the
  /// rest of a model::Node (~560 bytes) is made by the first setter that needs it, so that a
  /// million plain tasks do not cost a million of them.
  struct Entry {
    std::string id;
    std::uint32_t parent = model::kNoNode;
    model::NodeKind kind = model::NodeKind::kLeaf;
    model::ActionKind action = model::ActionKind::kCallable;
    std::int32_t callable = -1;                     ///< Into `callables`, for a callable leaf.
    std::uint32_t foreach_source = model::kNoNode;  ///< A dynamic fan-out's source, or none.
    /// Everything else a node may set (policies, labels, a command, ...), or null if nothing
    /// was; its id, parent, kind, action and callable are the entry's, not these.
    std::unique_ptr<model::Node> detail;
  };

  /// The workflow's own values (name, description, concurrency, failure mode, pools,
  /// breakers); its nodes are `entries`.
  model::Workflow top;
  /// entries[0] is the root. Indices are the Task handles', and `needs` uses them too, until
  /// to_model() maps them to pre-order.
  std::vector<Entry> entries;
  /// (node, upstream) pairs in the order they were said: what each node waits for.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> needs;
  std::vector<Callable> callables;  ///< model::Command::callable indexes these.
  /// A loaded file's folder, which `cwd` is relative to and the default one (SPEC 1.2); empty
  /// for a workflow built in code, whose commands run in the process's working directory.
  std::filesystem::path folder;

  /// Adds a node under `parent`; throws std::invalid_argument if the id is not valid (SPEC 1.1)
  /// or `parent` is a task.
  std::uint32_t add(std::uint32_t parent, std::string id, model::NodeKind kind,
                    model::ActionKind action = model::ActionKind::kCallable);
  /// The node's detail, made on first use.
  model::Node& detail(std::uint32_t node);
  std::string path_of(std::uint32_t node) const;

  /// `needs` in compressed rows: node v waits for upstream[first[v]] to upstream[first[v + 1]],
  /// in the order they were said.
  struct NeedRows {
    std::vector<std::uint32_t> first, upstream;
  };
  NeedRows needs_by_node() const;

  /// The model, and the diagnostics of every check a workflow file goes through.
  struct Built {
    model::Workflow workflow;
    Diagnostics diagnostics;
  };
  Built to_model() const;
};

}  // namespace baton::detail
