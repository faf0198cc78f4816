// The subcommands of `baton`, one file each; wiring only: they parse options, call load/ and
// analyze/, and print. Each registers itself on the app and sets the exit code (SPEC 5).
#pragma once

// Only the files that register options include <CLI/CLI.hpp>: it adds about 8 s of CPU to each
// file's compile, most of it code for CLI11's validators.
namespace CLI {
class App;
}

namespace baton::cli {

/// Exit codes of SPEC 5.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitInvalid = 2;
inline constexpr int kExitInterrupted = 130;

void add_validate_command(CLI::App& app, int& exit_code);
void add_plan_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_graph_command(CLI::App& app, int& exit_code);
void add_schema_command(CLI::App& app, int& exit_code);
void add_resume_command(CLI::App& app, int& exit_code);
void add_runs_command(CLI::App& app, int& exit_code);
void add_status_command(CLI::App& app, int& exit_code);
void add_logs_command(CLI::App& app, int& exit_code);
void add_cancel_command(CLI::App& app, int& exit_code);
void add_approval_commands(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);

/// Runs `baton` with the given arguments; returns the process exit code.
int run(int argc, char** argv);

}  // namespace baton::cli
