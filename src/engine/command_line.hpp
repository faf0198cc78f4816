// How a leaf's command becomes an argv (SPEC 2.1): `argv` as written; a `run` string through
// `/bin/sh -c`, except on the fast path GNU make takes too: a string with no shell
// metacharacters whose first word is no shell keyword or built-in is split on blanks and run
// directly, with the same result and half the cost.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baton::engine {

/// The words of `command` if it can skip the shell; nullopt if it needs one.
std::optional<std::vector<std::string>> split_simple_command(std::string_view command);

/// The argv to start for a `run` string: the fast-path words, or `/bin/sh -c COMMAND`.
std::vector<std::string> shell_argv(std::string_view command);

}  // namespace baton::engine
