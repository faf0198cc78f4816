// `baton plan FILE [--jobs N] [--format text|json]`: the analysis of SPEC 5.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "analyze/plan.hpp"
#include "cli/commands.hpp"
#include "cli/left_to_exit.hpp"
#include "cli/plan_output.hpp"
#include "cli/store_input.hpp"
#include "cli/workflow_input.hpp"

namespace baton::cli {
namespace {

struct PlanOptions {
  std::string file;
  int jobs = 0;
  std::string format = "text";
  std::string state;
};

// `--state DIR` or $BATON_STATE: past durations replace estimates (SPEC 5). A folder without
// a store is not an error, and none is created.
int history_from_state(model::Workflow& workflow, const std::string& option) {
  std::string dir = option;
  if (dir.empty()) {
    const char* env = std::getenv("BATON_STATE");
    if (!env || !*env) return 0;
    dir = env;
  }
  return apply_folder_history(workflow, dir);
}

}  // namespace

void add_plan_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand(
      "plan", "Analyse a workflow: levels, stages, critical path, strategy, makespan, risks");
  cmd->add_option("FILE", opts->file, "Workflow file (YAML or JSON)")->required();
  cmd->add_option("-j,--jobs", opts->jobs,
                  "Jobs to estimate the makespan for (default: the workflow's concurrency, else "
                  "the number of CPUs)")
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--format", opts->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--state", opts->state,
                  "Use past durations recorded in this state folder (default: $BATON_STATE; "
                  "none without either)");
  cmd->footer(
      "\nExamples:\n  baton plan release.yaml --jobs 4\n"
      "  baton plan release.yaml --format json | jq .critical_path");
  cmd->callback([opts, &exit_code] {
    auto loaded = load_or_report(opts->file, exit_code);
    if (!loaded) return;
    auto& workflow = *loaded;
    int from_history = history_from_state(workflow, opts->state);
    int jobs = opts->jobs > 0 ? opts->jobs : analyze::default_jobs(workflow);
    auto plan = analyze::make_plan(workflow, jobs);
    if (opts->format == "json") {
      auto json = plan_to_json(workflow, plan);
      json["estimates_from_history"] = from_history;
      std::cout << json.dump(2) << '\n';
      leave_to_exit(std::move(json));
    } else {
      std::cout << plan_to_text(workflow, plan, Style(stdout));
      if (from_history > 0) {
        std::cout << fmt::format("\nDurations of {} task{} come from past runs.\n", from_history,
                                 from_history == 1 ? "" : "s");
      }
    }
    // Freeing a million nodes and their plan one by one takes ~0.2 s the exit does at once.
    leave_to_exit(std::move(plan));
    leave_to_exit(std::move(workflow));
  });
}

}  // namespace baton::cli
