// `baton run FILE`: execute a workflow (SPEC 2, 5). Until the report lands, the run ends with a
// summary of every task on stdout; progress goes to stderr.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>

#include "cli/commands.hpp"
#include "cli/run_output.hpp"
#include "cli/run_session.hpp"
#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"
#include "cli/workflow_input.hpp"
#include "store/run_id.hpp"
#include "store/run_recorder.hpp"

namespace baton::cli {
namespace {

void execute(const RunCommandOptions& opts, int& exit_code) {
  std::string text;
  auto workflow = load_or_report(opts.file, exit_code, &text);
  if (!workflow) return;
  if (auto error = apply_overrides(*workflow, opts.overrides); !error.empty()) {
    std::cerr << "baton run: " << error << '\n';
    exit_code = kExitInvalid;
    return;
  }
  engine::RunOptions run;
  run.jobs = opts.jobs > 0 ? opts.jobs : analyze_default_jobs(*workflow);
  run.workflow_dir = std::filesystem::absolute(opts.file).parent_path();
  run.base_env = current_environment();
  if (opts.dry_run) {  // In the order the run would take: past durations included (SPEC 2.3).
    apply_folder_history(*workflow, state_dir(opts.state));
    exit_code = dry_run(*workflow, run);
    return;
  }
  auto state = state_dir(opts.state);
  auto store = store::open_sqlite_store(state.string(), durability_of(opts.durability));
  if (!store) {
    std::cerr << "baton run: " << store.error().message << '\n';
    exit_code = store.error().code == Error::Code::kInvalidArgument ? kExitInvalid : kExitFailed;
    return;
  }
  apply_store_history(*workflow, **store);  // Critical-path priorities from past runs.
  run.run_id = store::new_run_id();
  run.run_dir = state / "runs" / run.run_id;
  std::error_code ec;
  std::filesystem::create_directories(run.run_dir / "logs", ec);
  if (ec) {
    std::cerr << fmt::format("baton run: cannot create {}: {}\n", run.run_dir.string(),
                             ec.message());
    exit_code = kExitFailed;
    return;
  }
  store::RunRow row;
  row.id = run.run_id;
  row.workflow = workflow->name;
  row.file = std::filesystem::absolute(opts.file).string();
  row.workflow_text = text;
  row.status = "running";
  row.started = store::to_millis(std::chrono::system_clock::now());
  row.jobs = run.jobs;
  row.overrides = opts.overrides;
  stamp_process(row);
  auto executor = make_run_executor();  // Before the row names this process (`baton cancel`).
  (*store)->create_run(row);
  exit_code = run_session(*workflow, std::move(run), **store, std::move(row),
                          {opts.progress, opts.quiet, state_flag(opts.state)}, std::move(executor));
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<RunCommandOptions>();
  auto* cmd =
      app.add_subcommand("run", "Execute a workflow, as parallel as its dependencies allow");
  cmd->add_option("FILE", opts->file, "Workflow file (YAML or JSON)")->required();
  cmd->add_option("-j,--jobs", opts->jobs, "Leaf tasks running at once (overrides concurrency)")
      ->check(CLI::Range(1, 100'000));
  cmd->add_option("--state", opts->state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->add_option("--set", opts->overrides,
                  "Override a top-level value: concurrency=8, failure_mode=stop, env.NAME=VALUE");
  add_session_options(*cmd, opts->progress, opts->quiet, opts->durability);
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would run, in order, without running it");
  cmd->footer(
      "\nExit status: 0 succeeded, 1 failed, 2 invalid workflow or usage, 130 interrupted.\n"
      "Examples:\n  baton run examples/release.yaml\n"
      "  baton run examples/release.yaml --jobs 8 --set env.CI=1 --progress plain\n"
      "  baton run examples/data-pipeline.yaml --dry-run");
  cmd->callback([opts, &exit_code] { execute(*opts, exit_code); });
}

}  // namespace baton::cli
