// The Orchestration Report of a recorded run in its three formats (SPEC 6): printed by `baton
// report`, and at the end of `baton run` and `baton resume`, which also leave all three in the
// run's folder (report.md, report.json, report.html).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyze/plan.hpp"
#include "baton/result.hpp"
#include "model/workflow.hpp"
#include "store/store.hpp"

namespace baton::cli {

enum class ReportFormat { kMarkdown, kJson, kHtml };

/// The report of `run` as recorded in `store`, in one format. `state_flag` (" --state DIR" or
/// empty) completes the commands it prints.
std::string render_report(store::Store& store, const store::RunRow& run,
                          const std::string& state_flag, ReportFormat format);

/// What the process that ran a run still has of it, so that it is not parsed or read back.
struct RunAtHand {
  const model::Workflow* workflow = nullptr;  ///< As it ran, with its overrides.
  /// Its tasks as the store holds them (store::RunRecorder::take_committed()); with `workflow`.
  std::optional<std::vector<store::TaskRecord>> tasks;
  /// The plan of `workflow` for the run's jobs, if made already (plan_ahead in run_session.cpp).
  std::shared_ptr<const analyze::Plan> plan;
};

/// Writes report.md, report.json and report.html of `run` into `dir`; returns the Markdown. For
/// the end of a command: the report it builds is left to the process's exit (left_to_exit.hpp).
Result<std::string> write_run_reports(store::Store& store, const store::RunRow& run,
                                      const std::string& state_flag,
                                      const std::filesystem::path& dir, RunAtHand at_hand = {});

}  // namespace baton::cli
