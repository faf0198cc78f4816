// `baton runs`: one line per recorded run, newest first (SPEC 5): id, workflow, start, duration,
// status and task counts.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/store_input.hpp"
#include "cli/terminal.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {
namespace {

struct RunsOptions {
  std::string state;
  int limit = 20;
};

std::string counts_text(const std::map<std::string, int>& counts) {
  std::vector<std::string> parts;
  for (const auto& [state, n] : counts) parts.push_back(fmt::format("{} {}", n, state));
  return parts.empty() ? "no tasks recorded" : fmt::format("{}", fmt::join(parts, ", "));
}

void execute(const RunsOptions& opts, int& exit_code) {
  if (!store_exists(opts.state)) {  // Said as for an empty store, without making one.
    std::cout << "No runs recorded yet in this state folder.\n";
    return;
  }
  auto store = open_store_or_report("baton runs", opts.state, exit_code);
  if (!store) return;
  auto runs = store->list_runs(opts.limit);
  if (runs.empty()) {
    std::cout << "No runs recorded yet in this state folder.\n";
    return;
  }
  Style style(stdout);
  std::cout << style.bold(fmt::format("{:<22} {:<20} {:<19} {:>9}  {:<12} {}", "RUN", "WORKFLOW",
                                      "STARTED", "DURATION", "STATUS", "TASKS"))
            << '\n';
  for (const auto& run : runs) {
    if (run.status == "running") recover_if_dead("baton runs", *store, run, exit_code);
    std::cout << fmt::format("{:<22} {:<20} {:<19} {:>9}  {:<12} {}\n", run.id,
                             report::one_line(run.workflow), local_date_time(run.started),
                             run_duration(run, *store), display_status(run),
                             counts_text(store->count_states(run.id)));
  }
}

}  // namespace

void add_runs_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<RunsOptions>();
  auto* cmd = app.add_subcommand("runs", "List the recorded runs, newest first");
  cmd->add_option("--state", opts->state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->add_option("-n,--limit", opts->limit, "How many runs to list (default 20)")
      ->check(CLI::Range(1, 1'000'000));
  cmd->footer(
      "\nA run shown `interrupted` was recorded as running but its baton process is gone;\n"
      "`baton resume RUN` continues it.\n"
      "Examples:\n  baton runs\n  baton runs --state /var/lib/baton -n 5");
  cmd->callback([opts, &exit_code] { execute(*opts, exit_code); });
}

}  // namespace baton::cli
