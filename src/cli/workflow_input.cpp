#include "cli/workflow_input.hpp"

#include <iostream>

#include "cli/commands.hpp"
#include "load/load.hpp"

namespace baton::cli {

std::optional<model::Workflow> load_or_report(const std::string& file, int& exit_code) {
  auto result = load::load_workflow_file(file);
  if (result.ok()) return std::move(result.workflow);
  for (const auto& d : result.diagnostics) std::cerr << d.to_string() << '\n';
  exit_code = kExitInvalid;
  return std::nullopt;
}

}  // namespace baton::cli
