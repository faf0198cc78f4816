// Diagnostic: one problem in user input (a workflow file, a command-line value), located
// precisely, printed like a compiler's: `release.yaml:14:12: unknown key 'retires' (did you mean
// 'retry'?)`.
#pragma once

#include <string>
#include <vector>

namespace baton {

struct Diagnostic {
  std::string file;     ///< The file as the user named it.
  int line = 0;         ///< 1-based; 0 when the problem has no position (e.g. an unreadable file).
  int column = 0;       ///< 1-based; 0 when unknown.
  std::string message;  ///< What is wrong and what was expected.
  std::string hint;     ///< Optional: "did you mean 'retry'?"; printed in parentheses.

  /// `file:line:column: message (hint)`.
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

/// Where a long list of diagnostics is cut for display (`baton run`, `plan`, `graph`,
/// `Workflow::load`'s exception); `baton validate` and `Workflow::validate` give them all.
inline constexpr std::size_t kMaxDiagnosticsPerFile = 20;

}  // namespace baton
