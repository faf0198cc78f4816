// End-to-end tests of the real `baton` binary's command line (SPEC 5): help, version, usage
// errors with their did-you-mean hints, and schema. validate, plan and graph, which read a
// workflow file, are in workflow_commands_test.cpp.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "baton/version.hpp"
#include "e2e/cli_e2e.hpp"

namespace baton {
namespace {

using namespace cli_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// --- Help, version, usage errors ----------------------------------------------------------------

TEST(CliHelp, TopLevelHelpListsTheCommands) {
  auto r = run_baton({"--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* command : {"validate", "plan", "graph", "schema"}) {
    EXPECT_THAT(r.out, HasSubstr(command));
  }
  EXPECT_THAT(r.out, HasSubstr("--version"));
}

TEST(CliHelp, ValidateHelpShowsItsFilesAndExitStatus) {
  auto r = run_baton({"validate", "--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("Usage: baton validate"));
  EXPECT_THAT(r.out, HasSubstr("FILE"));
  EXPECT_THAT(r.out, HasSubstr("Exit status: 0 if every file is valid, 2 otherwise."));
}

TEST(CliHelp, PlanHelpShowsJobsAndFormat) {
  auto r = run_baton({"plan", "--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("Usage: baton plan"));
  EXPECT_THAT(r.out, HasSubstr("-j,--jobs"));
  EXPECT_THAT(r.out, HasSubstr("--format"));
  EXPECT_THAT(r.out, HasSubstr("{text,json}"));
}

TEST(CliHelp, GraphHelpShowsFormat) {
  auto r = run_baton({"graph", "--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("Usage: baton graph"));
  EXPECT_THAT(r.out, HasSubstr("--format"));
  EXPECT_THAT(r.out, HasSubstr("{dot,mermaid}"));
}

TEST(CliHelp, SchemaHelp) {
  auto r = run_baton({"schema", "--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("Usage: baton schema"));
  EXPECT_THAT(r.out, HasSubstr("JSON Schema"));
}

TEST(CliHelp, VersionPrintsTheVersion) {
  auto r = run_baton({"--version"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, std::string(kVersion) + "\n");
}

TEST(CliUsage, UnknownCommandExits2) {
  auto r = run_baton({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, Not(IsEmpty()));
}

TEST(CliUsage, MisspeltCommandSuggestsTheNearestOne) {
  auto r = run_baton({"plna", kRelease});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err,
            "baton: unknown command 'plna' (did you mean 'plan'?)\n"
            "Run 'baton --help' for the list of commands.\n");
}

TEST(CliUsage, MisspeltOptionSuggestsTheNearestOneOfItsCommand) {
  for (std::string typo : {"--jbos", "--jbos=3", "--progres"}) {
    auto r = run_baton({"plan", kRelease, typo, "3"});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    std::string name = typo.substr(0, typo.find('='));
    std::string meant = name == "--progres" ? "--progress" : "--jobs";
    if (meant == "--progress") continue;  // plan has no --progress: see run below.
    EXPECT_EQ(r.err, "baton plan: unknown option '" + name + "' (did you mean '" + meant +
                         "'?)\nRun 'baton plan --help' for its options.\n");
  }
  auto r = run_baton({"run", kRelease, "--progres", "none"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("baton run: unknown option '--progres' (did you mean "
                               "'--progress'?)"));
}

TEST(CliUsage, AnUnknownOptionIsNamedBeforeAMissingFileAndHintsOnlyAtCloseNames) {
  auto missing = run_baton({"run", "--nope"});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  EXPECT_EQ(missing.err,
            "baton run: unknown option '--nope'\nRun 'baton run --help' for its options.\n");
  auto far = run_baton({"run", "--bogus", kRelease});
  EXPECT_EQ(far.exit_code, 2) << describe(far);
  EXPECT_EQ(far.err,
            "baton run: unknown option '--bogus'\nRun 'baton run --help' for its options.\n");
}

TEST(CliHelp, HelpIsACommandWithItsOwnHelp) {
  EXPECT_THAT(run_baton({"--help"}).out, ::testing::ContainsRegex("\n  help +Print the help"));
  for (const char* flag : {"--help", "-h"}) {
    auto r = run_baton({"help", flag});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_THAT(r.out, HasSubstr("Usage: baton help [COMMAND]"));
  }
}

// As git and docker take them: `baton --state DIR runs` is `baton runs --state DIR`.
TEST(CliUsage, OptionsBeforeTheCommandAreTheCommands) {
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-cli-" + std::to_string(::getpid()) + "-leading");
  std::filesystem::remove_all(dir);
  auto ran = run_baton({"--state", dir.string(), "--quiet", "run", kRelease});
  EXPECT_EQ(ran.exit_code, 0) << describe(ran);
  EXPECT_THAT(ran.out, IsEmpty()) << "--quiet reached run";
  EXPECT_TRUE(std::filesystem::exists(dir / "baton.db")) << "--state reached run";
  auto listed = run_baton({"--state=" + dir.string(), "runs"});
  EXPECT_EQ(listed.exit_code, 0) << describe(listed);
  EXPECT_THAT(listed.out, HasSubstr("release"));
  // Options with values, and several of them.
  auto planned = run_baton({"--jobs", "2", "--format", "json", "plan", kRelease});
  EXPECT_EQ(planned.exit_code, 0) << describe(planned);
  EXPECT_THAT(planned.out, HasSubstr("\"jobs\": 2"));
  // An option the command does not have gets that command's message.
  auto typo = run_baton({"--jbos", "3", "plan", kRelease});
  EXPECT_EQ(typo.exit_code, 2) << describe(typo);
  EXPECT_THAT(typo.err, HasSubstr("baton plan: unknown option '--jbos' (did you mean '--jobs'?)"));
  auto version = run_baton({"--version", "run", kRelease});  // Still baton's own --version.
  EXPECT_EQ(version.exit_code, 0) << describe(version);
  EXPECT_EQ(version.out, std::string(baton::kVersion) + "\n");
  std::filesystem::remove_all(dir);
}

TEST(CliUsage, HelpIsACommandToo) {
  auto all = run_baton({"help"});
  EXPECT_EQ(all.exit_code, 0) << describe(all);
  EXPECT_EQ(all.out, run_baton({"--help"}).out);
  auto one = run_baton({"help", "logs"});
  EXPECT_EQ(one.exit_code, 0) << describe(one);
  EXPECT_EQ(one.out, run_baton({"logs", "--help"}).out);
  auto unknown = run_baton({"help", "rnu"});
  EXPECT_EQ(unknown.exit_code, 2) << describe(unknown);
  EXPECT_THAT(unknown.err, HasSubstr("baton help: unknown command 'rnu' (did you mean 'run'?)"));
  auto itself = run_baton({"help", "help"});
  EXPECT_EQ(itself.exit_code, 0) << describe(itself);
  EXPECT_THAT(itself.out, HasSubstr("Usage: baton help [COMMAND]"));
}

TEST(CliUsage, NoCommandExits2) {
  auto r = run_baton({});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("subcommand is required"));
}

TEST(CliUsage, MissingFileExits2) {
  for (const char* command : {"validate", "plan", "graph"}) {
    auto r = run_baton({command});
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << describe(r);
    EXPECT_THAT(r.err, HasSubstr("FILE is required")) << command;
  }
}

TEST(CliUsage, BadOptionValuesExit2) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"plan", kRelease, "--jobs", "0"},
                                             {"plan", kRelease, "--format", "xml"},
                                             {"graph", kRelease, "--format", "svg"},
                                             {"plan", kRelease, "--no-such-option"}}) {
    auto r = run_baton(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << "\n" << describe(r);
    EXPECT_THAT(r.out, IsEmpty()) << args.back();
  }
}

// --- schema -------------------------------------------------------------------------------------

TEST(CliSchema, PrintsAJsonSchema2020_12) {
  auto r = run_baton({"schema"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto schema = json::parse(r.out);
  EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema.at("type"), "object");
  auto required = schema.at("required").get<std::vector<std::string>>();
  EXPECT_THAT(required, ::testing::IsSupersetOf({"name", "tasks"}));
  EXPECT_TRUE(schema.at("properties").contains("tasks"));
}

}  // namespace
}  // namespace baton
