#include "report/next_steps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace baton::report {
namespace {

// A run the C++ library made records no workflow text: `baton resume` has nothing to run.
bool made_by_library(const RunReport& report) { return report.run.workflow_text.empty(); }

// A run that stopped short (failed, cancelled, or whose baton died) continues with resume; a
// rolled-back run does not (its compensations undid it), nor does one still going.
bool resumable(const RunReport& report) {
  const auto& status = report.run.status;
  return (status == "failed" || status == "cancelled" || report.interrupted) &&
         !made_by_library(report);
}

void with_log(NextStep& step, const std::vector<store::AttemptRow>& attempts) {
  std::error_code ec;
  if (attempts.empty() || attempts.back().log.empty() ||
      !std::filesystem::exists(attempts.back().log, ec)) {
    return;  // A callable's attempt, or a log deleted since.
  }
  step.log = attempts.back().log;
  step.log_tail = last_lines(step.log, kLogTailLines);
}

// The step for one task, if it needs one.
std::optional<NextStep> step_for(const RunReport& report, const Task& task) {
  NextStep step;
  step.path = task.path;
  std::string resume = resumable(report) ? report.command("resume") : "";
  bool run_succeeded = report.run.status == "succeeded";
  if (task.failed()) {
    step.reason = "failed: " + task.detail();
    step.command = resume;
    with_log(step, task.attempts);
  } else if (task.state == "failed") {  // Ignored: it failed all the same (SPEC 6 lists it).
    step.reason = "failed (ignored), as its on_failure says: " + task.detail();
    with_log(step, task.attempts);
  } else if (task.state == "compensation_failed") {
    step.reason = "was not undone: " + task.detail();
    if (report.stored) {
      step.command = report.command("logs", shell_word(task.path) + " --compensation");
    }
    with_log(step, task.compensations);
  } else if (task.state == "waiting") {
    step.reason = "is " + (task.reason.empty() ? std::string("waiting") : task.reason);
    if (task.gate && report.stored) step.command = report.command("approve", shell_word(task.path));
  } else if (task.state == "skipped") {  // In a succeeded run too: SPEC 6 lists every skip.
    step.reason = "was skipped: " + task.reason;
    step.command = resume;
  } else if (task.state == "cancelled") {
    step.reason = "was cancelled";
    step.command = resume;
  } else if (report.interrupted &&
             (task.state == "running" || task.state == "retrying" || task.state == "ready")) {
    step.reason = fmt::format("was {} when its baton stopped", task.state);
    step.command = resume;
  } else if (task.state == "pending" && !run_succeeded && (report.ended() || report.interrupted)) {
    step.reason = task.reason.empty() ? "was not started" : task.reason;
    step.command = resume;
  } else {
    return std::nullopt;
  }
  return step;
}

NextStep run_step(const RunReport& report, std::size_t task_steps) {
  NextStep step;
  const auto& status = report.run.status;
  if (made_by_library(report) && status != "succeeded" &&
      (status != "running" || report.interrupted)) {
    step.reason =
        "This run was made by a program with the C++ library, which records no workflow for "
        "`baton resume`: once the cause is fixed, run that program again";
    return step;
  }
  if (status == "succeeded") {
    step.reason = task_steps == 0 ? "Nothing to do: every task succeeded."
                                  : "Nothing else to do: the run succeeded.";
  } else if (status == "rolled_back") {
    step.reason =
        "The run was rolled back: every compensation succeeded, so there is nothing to resume. "
        "Once the cause is fixed, start a new run";
    step.command = new_run_command(report.run, report.state_flag);
  } else if (report.interrupted) {
    step.reason =
        "baton stopped while the run was going (killed, crashed, or the machine restarted). "
        "Continue it where it stopped; succeeded tasks do not run again";
    step.command = report.command("resume");
  } else if (status == "running") {
    step.reason = "The run is still going; follow it";
    if (report.stored) step.command = report.command("status");
  } else if (status == "cancelled") {
    step.reason =
        "The run was cancelled. Continue it where it stopped; succeeded tasks do not run "
        "again";
    step.command = report.command("resume");
  } else {
    step.reason = "Once the cause is fixed, continue the run; succeeded tasks do not run again";
    step.command = report.command("resume");
  }
  return step;
}

}  // namespace

// Only the end of the log is read: a task may print gigabytes, all on one line. A line that
// starts before that window is shown from where the window starts, after "…".
std::string new_run_command(const store::RunRow& run, const std::string& state_flag) {
  std::string command = "baton run " + shell_quote(run.file);
  for (const auto& o : run.overrides) command += " --set " + shell_quote(o);
  return command + state_flag;
}

std::vector<std::string> last_lines(const std::string& path, std::size_t count) {
  constexpr std::streamoff kWindow = 64 * 1024;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size <= 0) return {};
  std::streamoff start = std::max<std::streamoff>(0, size - kWindow);
  char before = '\n';  // The byte before the window: does it cut a line?
  if (start > 0) {
    in.seekg(start - 1);
    in.get(before);
  }
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.seekg(start);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  std::istringstream window(text);
  std::deque<std::string> lines;
  bool first = true;
  for (std::string line; std::getline(window, line); first = false) {
    if (first && before != '\n') line = "…" + line;
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  return {lines.begin(), lines.end()};
}

std::vector<NextStep> next_steps(const RunReport& report) {
  std::vector<NextStep> steps;
  for (const auto& task : report.tasks) {
    if (auto step = step_for(report, task)) steps.push_back(std::move(*step));
  }
  steps.push_back(run_step(report, steps.size()));
  return steps;
}

}  // namespace baton::report
