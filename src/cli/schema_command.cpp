// `baton schema`: the JSON Schema (2020-12) of the workflow file, for editors and CI checks.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string_view>

#include "cli/commands.hpp"

namespace baton::cli {

extern const std::string_view kWorkflowSchema;

void add_schema_command(CLI::App& app, int& /*exit_code*/) {
  auto* cmd = app.add_subcommand("schema", "Print the JSON Schema of the workflow file");
  cmd->footer(
      "\nExample (VS Code, YAML extension):\n"
      "  baton schema > .baton.schema.json\n"
      "  # then in a workflow: # yaml-language-server: $schema=.baton.schema.json");
  cmd->callback([] { fmt::print("{}", kWorkflowSchema); });
}

}  // namespace baton::cli
