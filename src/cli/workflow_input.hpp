// Loading the workflow a command was given: on bad input, the diagnostics go to stderr and the
// command's exit code becomes 2 (SPEC 5).
#pragma once

#include <optional>
#include <string>

#include "model/workflow.hpp"

namespace baton::cli {

std::optional<model::Workflow> load_or_report(const std::string& file, int& exit_code);

}  // namespace baton::cli
