// `baton plan FILE [--jobs N] [--format text|json]`: the analysis of SPEC 5.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "analyze/plan.hpp"
#include "cli/commands.hpp"
#include "cli/plan_output.hpp"
#include "cli/workflow_input.hpp"

namespace baton::cli {
namespace {

struct PlanOptions {
  std::string file;
  int jobs = 0;
  std::string format = "text";
};

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
  cmd->footer(
      "\nExamples:\n  baton plan release.yaml --jobs 4\n"
      "  baton plan release.yaml --format json | jq .critical_path");
  cmd->callback([opts, &exit_code] {
    auto loaded = load_or_report(opts->file, exit_code);
    if (!loaded) return;
    const auto& workflow = *loaded;
    int jobs = opts->jobs > 0 ? opts->jobs : analyze::default_jobs(workflow);
    auto plan = analyze::make_plan(workflow, jobs);
    if (opts->format == "json") {
      std::cout << plan_to_json(workflow, plan).dump(2) << '\n';
    } else {
      std::cout << plan_to_text(workflow, plan, Style(stdout));
    }
  });
}

}  // namespace baton::cli
