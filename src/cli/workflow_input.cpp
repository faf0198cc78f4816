#include "cli/workflow_input.hpp"

#include <iostream>

#include "cli/commands.hpp"
#include "load/load.hpp"

namespace baton::cli {

namespace {

std::optional<model::Workflow> take_or_report(load::LoadResult& result, int& exit_code) {
  if (result.ok()) return std::move(result.workflow);
  for (const auto& d : result.diagnostics) std::cerr << d.to_string() << '\n';
  exit_code = kExitInvalid;
  return std::nullopt;
}

}  // namespace

std::optional<model::Workflow> load_or_report(const std::string& file, int& exit_code,
                                              std::string* text) {
  auto result = load::load_workflow_file(file);
  if (text) *text = result.text;
  return take_or_report(result, exit_code);
}

std::optional<model::Workflow> load_text_or_report(std::string text, const std::string& name,
                                                   int& exit_code) {
  auto result = load::load_workflow_text(std::move(text), name);
  return take_or_report(result, exit_code);
}

}  // namespace baton::cli
