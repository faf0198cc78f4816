// The Orchestration Report of a recorded run in its three formats (SPEC 6): printed by `baton
// report`, and at the end of `baton run` and `baton resume`, which also leave all three in the
// run's folder (report.md, report.json, report.html).
#pragma once

#include <filesystem>
#include <string>

#include "baton/result.hpp"
#include "model/workflow.hpp"
#include "store/store.hpp"

namespace baton::cli {

enum class ReportFormat { kMarkdown, kJson, kHtml };

/// The report of `run` as recorded in `store`, in one format. `state_flag` (" --state DIR" or
/// empty) completes the commands it prints.
std::string render_report(store::Store& store, const store::RunRow& run,
                          const std::string& state_flag, ReportFormat format);

/// Writes report.md, report.json and report.html of `run` into `dir`; returns the Markdown.
/// `workflow`, if given, is the one the run ran (with its overrides), so that it is not parsed
/// again from the recorded text.
Result<std::string> write_run_reports(store::Store& store, const store::RunRow& run,
                                      const std::string& state_flag,
                                      const std::filesystem::path& dir,
                                      const model::Workflow* workflow = nullptr);

}  // namespace baton::cli
