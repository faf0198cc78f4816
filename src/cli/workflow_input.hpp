// Loading the workflow a command was given: on bad input, the diagnostics go to stderr and the
// command's exit code becomes 2 (SPEC 5).
#pragma once

#include <optional>
#include <string>

#include "model/workflow.hpp"

namespace baton::cli {

/// `text`, if given, receives the file's text (recorded with a run).
std::optional<model::Workflow> load_or_report(const std::string& file, int& exit_code,
                                              std::string* text = nullptr);

/// The same for workflow text recorded in the store; `name` stands for the file in messages.
std::optional<model::Workflow> load_text_or_report(std::string text, const std::string& name,
                                                   int& exit_code);

}  // namespace baton::cli
