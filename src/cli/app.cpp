#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "baton/version.hpp"
#include "cli/commands.hpp"
#include "load/did_you_mean.hpp"

namespace baton::cli {

namespace {

CLI::App* command_named(CLI::App& app, std::string_view name) {
  for (auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// "unknown command 'X' (did you mean 'Y'?)", as `baton X` and `baton help X` say it.
int unknown_command(CLI::App& app, std::string_view who, std::string_view word) {
  std::vector<std::string_view> names;
  for (const auto* command : app.get_subcommands({})) names.push_back(command->get_name());
  names.push_back("help");
  std::string hint = load::did_you_mean(word, names);
  std::cerr << fmt::format(
      "{}: unknown command '{}'{}\nRun 'baton --help' for the list of "
      "commands.\n",
      who, word, hint.empty() ? "" : " (" + hint + ")");
  return kExitInvalid;
}

// `baton help [COMMAND]`, as git and cargo have it: the same text as --help.
int print_help(CLI::App& app, int argc, char** argv) {
  if (argc < 3) {
    std::cout << app.help();
    return kExitOk;
  }
  if (std::string_view(argv[2]) == "help" || std::string_view(argv[2]) == "--help" ||
      std::string_view(argv[2]) == "-h") {
    std::cout << "Usage: baton help [COMMAND]\nPrints the help of baton, or of COMMAND: the same "
                 "as 'baton --help' or 'baton COMMAND --help'.\n";
    return kExitOk;
  }
  auto* sub = command_named(app, argv[2]);
  if (!sub) return unknown_command(app, "baton help", argv[2]);
  std::cout << sub->help("baton");
  return kExitOk;
}

// An option the command does not have, with the nearest one it has: CLI11 alone lists the
// leftover words without saying which was meant.
std::optional<std::string> unknown_option(CLI::App& app, int argc, char** argv) {
  if (argc < 3) return std::nullopt;
  auto* sub = command_named(app, argv[1]);
  if (!sub) return std::nullopt;
  std::vector<std::string> names;  // Without their dashes, so that a hint is a close name.
  for (const auto* option : sub->get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back(name);
  }
  for (int i = 2; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") break;
    if (!word.starts_with("--")) continue;
    std::string name(word.substr(0, word.find('=')));
    if (std::find(names.begin(), names.end(), name.substr(2)) != names.end()) continue;
    std::vector<std::string_view> candidates(names.begin(), names.end());
    auto closest = load::closest(name.substr(2), candidates);
    std::string hint = closest ? "did you mean '--" + *closest + "'?" : "";
    return fmt::format("baton {}: unknown option '{}'{}\nRun 'baton {} --help' for its options.\n",
                       argv[1], name, hint.empty() ? "" : " (" + hint + ")", argv[1]);
  }
  return std::nullopt;
}

// `baton --state DIR runs`: options written before the command, as git and docker take them, are
// the command's own: the command moves in front of them. It is the first command name that
// every word before it leads up to as that command's options and their values (so that a value
// may be a command's name); failing that, the first command name, so that a misspelt option
// gets the command's own message.
std::vector<std::string> command_first(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> words(argv, argv + argc);
  if (argc < 3 || !words[1].starts_with("-") || words[1] == "--" || words[1] == "--version") {
    return words;
  }
  auto leads_up_to = [&](CLI::App& command, int k) {
    int i = 1;
    while (i < k && words[i].starts_with("-")) {
      const auto eq = words[i].find('=');
      const auto* option = command.get_option_no_throw(words[i].substr(0, eq));
      if (option == nullptr) return false;
      i += (eq == std::string::npos && option->get_items_expected_min() > 0) ? 2 : 1;
    }
    return i == k;
  };
  int first = 0;
  for (int k = 2; k < argc; ++k) {
    auto* command = command_named(app, words[k]);
    if (!command) continue;
    if (first == 0) first = k;
    if (leads_up_to(*command, k)) {
      first = k;
      break;
    }
  }
  if (first > 0) std::rotate(words.begin() + 1, words.begin() + first, words.begin() + first + 1);
  return words;
}

}  // namespace

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
  // Listed with the others; `baton help ...` is answered before parsing (print_help).
  app.add_subcommand("help", "Print the help of baton, or of a command: baton help run");
  auto words = command_first(app, argc, argv);
  std::vector<char*> reordered;
  for (auto& word : words) reordered.push_back(word.data());
  reordered.push_back(nullptr);
  argv = reordered.data();
  if (argc > 1 && std::string_view(argv[1]) == "help") return print_help(app, argc, argv);
  if (argc > 1 && argv[1][0] != '-' && !command_named(app, argv[1])) {
    return unknown_command(app, "baton", argv[1]);
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
    // An unknown option first: a missing FILE is often a consequence of it.
    auto message = unknown_option(app, argc, argv);
    if (message) {
      std::cerr << *message;
    } else if (argc > 1 && command_named(app, argv[1])) {  // Said as every command says it.
      std::cerr << fmt::format("baton {}: {}\nRun 'baton {} --help' for its options.\n", argv[1],
                               e.what(), argv[1]);
    } else {
      app.exit(e);
    }
    return kExitInvalid;
  } catch (const std::exception& e) {
    // An operational failure no command expected (a corrupt store, say): said, not a crash.
    std::cerr << fmt::format("baton {}: {}\n", argc > 1 ? argv[1] : "", e.what());
    return kExitFailed;
  }
  return exit_code;
}

}  // namespace baton::cli
