// `baton report [RUN] [--format md|json|html] [-o FILE]`: the Orchestration Report of any
// recorded run (SPEC 5, 6, 8), finished, still going in another process, or crashed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/report_output.hpp"
#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"

namespace baton::cli {
namespace {

struct ReportOptions {
  std::string run = "last";
  std::string format;  ///< md, json or html; empty: from -o's extension, else md.
  std::string output;  ///< -o FILE; empty: stdout.
  std::string state;
};

ReportFormat format_of(const ReportOptions& opts) {
  std::string format = opts.format;
  if (format.empty()) {
    auto ext = std::filesystem::path(opts.output).extension().string();
    format = ext == ".json" ? "json" : (ext == ".html" || ext == ".htm") ? "html" : "md";
  }
  if (format == "json") return ReportFormat::kJson;
  if (format == "html") return ReportFormat::kHtml;
  return ReportFormat::kMarkdown;
}

void execute(const ReportOptions& opts, int& exit_code) {
  const std::string command = "baton report";
  auto store = open_store_or_report(command, opts.state, exit_code);
  if (!store) return;
  auto run = find_run_or_report(command, *store, opts.run, exit_code);
  if (!run) return;
  auto text = render_report(*store, *run, state_flag(opts.state), format_of(opts));
  if (opts.output.empty() || opts.output == "-") {
    errno = 0;
    std::cout << text << std::flush;
    if (!std::cout) {  // A full disk, a closed pipe: the report did not get out.
      std::cerr << fmt::format("{}: cannot write the report to stdout{}\n", command,
                               errno != 0 ? std::string(": ") + std::strerror(errno) : "");
      exit_code = kExitFailed;
    }
    return;
  }
  errno = 0;
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << fmt::format("{}: cannot write {}{}\n", command, opts.output,
                             errno != 0 ? std::string(": ") + std::strerror(errno) : "");
    exit_code = kExitFailed;
  }
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report", "Print the Orchestration Report of a run (Markdown, JSON or HTML)");
  cmd->add_option("RUN", opts->run, "A run id, or `last` (the default)");
  cmd->add_option("--format", opts->format,
                  "md (default), json or html; with -o FILE, taken from its extension")
      ->check(CLI::IsMember({"md", "json", "html"}));
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of stdout");
  cmd->add_option("--state", opts->state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->footer(
      "\nWorks on a finished run, on one still going, and on one whose baton crashed.\n"
      "Exit status: 0 when the report was written, 1 if it could not be, 2 unknown run.\n"
      "Examples:\n  baton report\n  baton report last --format json | jq .metrics\n"
      "  baton report 20261125-210501-3fa2 -o report.html");
  cmd->callback([opts, &exit_code] { execute(*opts, exit_code); });
}

}  // namespace baton::cli
