// SPEC 6's "Next Steps": each failed, skipped or waiting task with its reason and the exact
// command that deals with it (`baton resume`, `baton approve`), then what to do with the run as
// a whole. A failed attempt's last 20 log lines go with its step (SPEC 2.1).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/run_report.hpp"

namespace baton::report {

struct NextStep {
  std::string path;     ///< Empty for the step about the whole run (always the last one).
  std::string reason;   ///< "failed: exit 1 after 3 attempts", "waiting for approval", …
  std::string command;  ///< What to type; empty if there is nothing to type.
  std::string log;      ///< The log whose tail is shown, for failures.
  std::vector<std::string> log_tail;  ///< Its last lines (at most 20).
};

/// How much of a failed attempt's log is shown (SPEC 2.1): its last lines.
inline constexpr std::size_t kLogTailLines = 20;

/// In file order, then the run's own step. Reads the logs of failed attempts.
std::vector<NextStep> next_steps(const RunReport& report);

/// `baton run FILE --set …` with the run's own overrides: how to start again a run that cannot
/// be resumed (rolled back). `state_flag` is " --state DIR" or empty.
std::string new_run_command(const store::RunRow& run, const std::string& state_flag);

/// The last `count` lines of the file at `path` (none if it cannot be read).
std::vector<std::string> last_lines(const std::string& path, std::size_t count);

}  // namespace baton::report
