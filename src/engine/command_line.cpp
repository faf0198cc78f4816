#include "engine/command_line.hpp"

#include <algorithm>
#include <array>

namespace baton::engine {
namespace {

// SPEC 2.1's list: any of these anywhere means the shell must read the string.
constexpr std::string_view kMetacharacters = "'\"$`\\;&|<>*?[~#(){}=%!\n";

// SPEC 2.1's words that force the shell: the POSIX reserved words and special built-ins, and
// the regular built-ins that behave differently (or only exist) inside a shell.
constexpr std::array<std::string_view, 54> kShellWords = {
    "if",    "then",     "else", "elif",    "fi",    "case",   "esac",     "for",     "while",
    "until", "do",       "done", "in",      "!",     "{",      "}",        ".",       ":",
    "break", "continue", "eval", "exec",    "exit",  "export", "readonly", "return",  "set",
    "shift", "times",    "trap", "unset",   "alias", "bg",     "cd",       "command", "echo",
    "false", "fc",       "fg",   "getopts", "hash",  "jobs",   "kill",     "printf",  "pwd",
    "read",  "test",     "[",    "true",    "type",  "ulimit", "umask",    "unalias", "wait"};

// Built-ins of the shells /bin/sh is on Linux that SPEC's list lacks: dash's (Debian's sh) and
// bash's. Exec'd directly they would not be found (`chdir: not found`, exit 127) where the shell
// runs them; sent to the shell, a word that is no built-in there is still looked up in PATH, so
// the result is the shell's either way (docs/running.md).
constexpr std::array<std::string_view, 24> kShellBuiltins = {
    "chdir",     "local",  "source",  "declare",  "typeset", "let",     "builtin", "enable",
    "shopt",     "pushd",  "popd",    "dirs",     "disown",  "suspend", "logout",  "mapfile",
    "readarray", "caller", "compgen", "complete", "compopt", "help",    "history", "bind"};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_shell_word(std::string_view word) {
  return std::find(kShellWords.begin(), kShellWords.end(), word) != kShellWords.end() ||
         std::find(kShellBuiltins.begin(), kShellBuiltins.end(), word) != kShellBuiltins.end();
}

}  // namespace

std::optional<std::vector<std::string>> split_simple_command(std::string_view command) {
  if (command.find_first_of(kMetacharacters) != std::string_view::npos) return std::nullopt;
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < command.size()) {
    while (i < command.size() && is_blank(command[i])) ++i;
    std::size_t start = i;
    while (i < command.size() && !is_blank(command[i])) ++i;
    if (i > start) words.emplace_back(command.substr(start, i - start));
  }
  if (words.empty() || is_shell_word(words.front())) return std::nullopt;
  return words;
}

std::vector<std::string> shell_argv(std::string_view command) {
  if (auto words = split_simple_command(command)) return std::move(*words);
  return {"/bin/sh", "-c", std::string(command)};
}

}  // namespace baton::engine
