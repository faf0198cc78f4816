#include "cli/workflow_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "load/load.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {

namespace {

// The first errors of a file that is not valid: enough to start fixing it; `baton validate`
// lists them all.
std::optional<model::Workflow> take_or_report(load::LoadResult& result, const std::string& file,
                                              int& exit_code) {
  if (result.ok()) return std::move(result.workflow);
  const auto& all = result.diagnostics;
  std::size_t shown = std::min(all.size(), kMaxDiagnosticsPerFile);
  // A workflow from elsewhere (a pull request) may quote escape codes: none reaches the terminal.
  for (std::size_t i = 0; i < shown; ++i) std::cerr << report::one_line(all[i].to_string()) << '\n';
  if (result.error_count > shown) {
    std::size_t more = result.error_count - shown;
    std::cerr << fmt::format("{}: {} more error{} not shown; `baton validate {}` lists them all\n",
                             file, more, more == 1 ? "" : "s", file);
  }
  exit_code = kExitInvalid;
  return std::nullopt;
}

}  // namespace

std::optional<model::Workflow> load_or_report(const std::string& file, int& exit_code,
                                              std::string* text) {
  auto result = load::load_workflow_file(file);
  if (text) *text = result.text;
  return take_or_report(result, file, exit_code);
}

std::optional<model::Workflow> load_text_or_report(std::string text, const std::string& name,
                                                   int& exit_code) {
  auto result = load::load_workflow_text(std::move(text), name);
  return take_or_report(result, name, exit_code);
}

}  // namespace baton::cli
