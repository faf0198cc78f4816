// ANALYZE, first half: a workflow file (YAML or JSON) into the model, with every problem found
// reported at once as file:line:column diagnostics (SPEC 1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "baton/diagnostic.hpp"
#include "model/workflow.hpp"

namespace baton::load {

struct LoadResult {
  std::optional<model::Workflow> workflow;  ///< Set only when there are no diagnostics.
  Diagnostics diagnostics;      ///< In file order; all of them, up to a bound hostile input hits.
  std::size_t error_count = 0;  ///< Every error found, shown or not.
  std::string text;             ///< The file's text, as read (recorded with each run).

  bool ok() const { return workflow.has_value(); }
};

/// Reads and validates a workflow file. `path` is used as given in every diagnostic.
LoadResult load_workflow_file(const std::string& path);

/// Validates workflow text; `file` names it in diagnostics.
LoadResult load_workflow_text(std::string text, const std::string& file);

}  // namespace baton::load
