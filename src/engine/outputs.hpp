// Task outputs (SPEC 2.2): the `$BATON_OUTPUT` file a task writes, in GitHub Actions' format —
// `key=value` lines, and `key<<DELIM` … `DELIM` for multi-line values — and the environment
// names under which dependents receive them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "baton/result.hpp"
#include "model/templates.hpp"

namespace baton::engine {

/// SPEC 2.2: at most 1 MiB of outputs per task.
inline constexpr std::size_t kMaxOutputBytes = 1 << 20;

using Outputs = std::map<std::string, std::string>;

/// Parses an outputs file. A later line for the same key wins. Errors (a line without `=` or
/// `<<`, an unterminated block, an empty key, more than kMaxOutputBytes) name the line.
Result<Outputs> parse_outputs(std::string_view text);

/// Reads and parses an attempt's outputs file: none if the task wrote no file. Reads at most
/// kMaxOutputBytes + 1 bytes, so a runaway task cannot make baton hold gigabytes.
Result<Outputs> read_outputs_file(const std::string& path);

/// Outputs a callable reported (the C++ library), checked against the same limits as a file:
/// at most kMaxOutputBytes of keys and values, no empty key.
Result<Outputs> checked_outputs(const Outputs& outputs);

/// A dynamic fan-out's items from an output value (SPEC 2.5): a JSON array of strings, else one
/// item per non-empty line.
std::vector<std::string> fanout_items(const std::string& value);

using model::output_variable;  // The loader names these variables in its messages too.

}  // namespace baton::engine
