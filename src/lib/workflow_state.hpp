// What a baton::Workflow holds while it is built: its nodes in the order they were added (a
// group may gain children after later nodes), the callables they run, and the top-level
// settings. to_model() lays them out as the model the loader produces: pre-order, paths,
// references resolved, settings inherited, levels inferred, every check of a workflow file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "baton/diagnostic.hpp"
#include "baton/workflow.hpp"
#include "model/workflow.hpp"

namespace baton::detail {

struct WorkflowState {
  /// nodes[0] is the root. Indices are the Task handles'; parent, children, and the `needs`
  /// and `foreach` sources below use them too, until to_model() maps them to pre-order.
  model::Workflow draft;
  std::vector<std::vector<std::uint32_t>> needs;  ///< Per node: what it waits for.
  std::vector<std::uint32_t> foreach_source;      ///< Per node: dynamic fan-out source or none.
  std::vector<Callable> callables;                ///< model::Command::callable indexes these.
  /// A loaded file's folder, which `cwd` is relative to and the default one (SPEC 1.2); empty
  /// for a workflow built in code, whose commands run in the process's working directory.
  std::filesystem::path folder;

  /// Adds a node under `parent`; throws std::invalid_argument if the id is not valid (SPEC 1.1)
  /// or `parent` is a task.
  std::uint32_t add(std::uint32_t parent, std::string id, model::NodeKind kind);
  std::string path_of(std::uint32_t node) const;

  /// The model, and the diagnostics of every check a workflow file goes through.
  struct Built {
    model::Workflow workflow;
    Diagnostics diagnostics;
  };
  Built to_model() const;
};

}  // namespace baton::detail
