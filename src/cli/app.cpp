#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "baton/version.hpp"
#include "cli/commands.hpp"
#include "load/did_you_mean.hpp"

namespace baton::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "baton: run a hierarchy of tasks with dependencies, as parallel as they allow, and survive "
      "failures.\n",
      "baton"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  app.footer(
      "\nExamples:\n"
      "  baton run release.yaml           execute it, as parallel as it allows\n"
      "  baton validate release.yaml      check a workflow, every error at once\n"
      "  baton plan release.yaml --jobs 4 stages, critical path, makespan, risks\n"
      "  baton graph release.yaml | dot -Tsvg > graph.svg\n"
      "\nRun 'baton COMMAND --help' for a command's options.");
  int exit_code = kExitOk;
  add_run_command(app, exit_code);
  add_resume_command(app, exit_code);
  add_runs_command(app, exit_code);
  add_status_command(app, exit_code);
  add_logs_command(app, exit_code);
  add_cancel_command(app, exit_code);
  add_approval_commands(app, exit_code);
  add_report_command(app, exit_code);
  add_validate_command(app, exit_code);
  add_plan_command(app, exit_code);
  add_graph_command(app, exit_code);
  add_schema_command(app, exit_code);
  std::vector<std::string_view> names;
  for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::string hint = load::did_you_mean(argv[1], names);
    std::cerr << fmt::format(
        "baton: unknown command '{}'{}\nRun 'baton --help' for the list of "
        "commands.\n",
        argv[1], hint.empty() ? "" : " (" + hint + ")");
    return kExitInvalid;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInvalid;
  } catch (const std::exception& e) {
    // An operational failure no command expected (a corrupt store, say): said, not a crash.
    std::cerr << fmt::format("baton {}: {}\n", argc > 1 ? argv[1] : "", e.what());
    return kExitFailed;
  }
  return exit_code;
}

}  // namespace baton::cli
