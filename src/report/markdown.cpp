#include "report/markdown.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/enums.hpp"
#include "report/next_steps.hpp"
#include "report/research.hpp"
#include "report/terminal_text.hpp"
#include "report/time_text.hpp"

namespace baton::report {
namespace {

constexpr std::size_t kMaxDependencies = 6;  // Per timeline row, before "+N more".
constexpr std::size_t kMaxListed = 50;       // Breaker transitions, compensations.
constexpr std::size_t kMaxTaskSteps = 20;    // Next steps about single tasks.

// A table cell: a pipe would end the cell, a newline the row.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent(const std::optional<double>& fraction) {
  return fraction ? fmt::format("{:.0f}%", *fraction * 100.0) : "—";
}

// ---- Operation Summary -----------------------------------------------------------------------

std::string status_title(const RunReport& report) {
  const auto& status = report.run.status;
  if (status == "succeeded") return "Succeeded";
  if (status == "failed") return "Failed";
  if (status == "rolled_back") return "Rolled back";
  if (status == "cancelled") return "Cancelled";
  return report.interrupted ? "Interrupted" : "Running";
}

// SPEC 6: "Succeeded / Failed / Rolled back / Cancelled, in H:MM:SS"; a run that has not ended
// says so instead.
std::string result_text(const RunReport& report, const Metrics& m) {
  std::string took = hms(m.makespan);
  if (report.ended()) return fmt::format("{} in {}", status_title(report), took);
  if (report.interrupted) return fmt::format("Interrupted after {} (its baton stopped)", took);
  return fmt::format("Running, {} so far", took);
}

std::string total_tasks(const RunReport& report) {
  std::vector<std::string> parts;
  for (auto level : {Level::kEpic, Level::kStory, Level::kTask, Level::kSubtask}) {
    std::size_t n = report.group_counts[static_cast<int>(level)] + report.leaf_count(level);
    if (n == 0) continue;
    parts.push_back(
        fmt::format("{} {}", n, n == 1 ? model::to_string(level) : model::plural(level)));
  }
  return parts.empty() ? "0 tasks" : fmt::format("{}", fmt::join(parts, ", "));
}

void summary(const RunReport& report, const Metrics& m, std::string& out) {
  std::string operation = report.run.workflow;
  std::vector<std::string> domains;
  if (report.workflow) {
    if (!report.workflow->description.empty()) operation += " — " + report.workflow->description;
    domains = report.workflow->domains();
  }
  std::string strategy = report.plan ? std::string(analyze::title(report.plan->strategy)) : "—";
  out += "## Orchestration Report\n\n### Operation Summary\n\n";
  out += "| Aspect      | Details |\n| ----------- | ------- |\n";
  out += fmt::format("| Operation   | {} |\n", cell(operation));
  out += fmt::format("| Domains     | {} |\n",
                     domains.empty() ? "—" : cell(fmt::format("{}", fmt::join(domains, ", "))));
  out += fmt::format("| Strategy    | {} |\n", strategy);
  out += fmt::format("| Total Tasks | {} |\n", total_tasks(report));
  out += fmt::format("| Result      | {} |\n", cell(result_text(report, m)));
  out += fmt::format("| Run         | {}, started {} |\n\n", report.run.id,
                     local_date_time(report.run.started));
}

// ---- Research Applied ------------------------------------------------------------------------

void research(const RunReport& report, const Metrics& m, std::string& out) {
  auto r = research_applied(report, m);
  out += "### Research Applied\n\n";
  out += fmt::format("- Workflow pattern: {}\n", fmt::join(r.patterns, ", "));
  out += fmt::format("- Coordination strategy: {}\n", r.coordination);
  if (r.failure_handling.empty()) {
    out += "- Failure handling: none in force\n\n";
    return;
  }
  out += "- Failure handling:\n";
  for (const auto& line : r.failure_handling) out += fmt::format("  - {}\n", line);
  out += '\n';
}

// ---- Task Hierarchy --------------------------------------------------------------------------

std::string in_parens(const std::string& text) { return text.empty() ? "" : " (" + text + ")"; }

std::string hierarchy_status(const Task& task) {
  const auto& s = task.state;
  if (s == "succeeded") return "Completed" + in_parens(task.reason);
  if (s == "compensated") return "Completed, then compensated";
  if (s == "compensating") return "Completed, compensating";
  if (s == "compensation_failed")
    return "Completed, compensation failed" + in_parens(task.detail());
  if (s == "failed") {
    if (task.failure_ignored) {  // SPEC 6's words for it.
      return task.detail().empty() ? "Failed (ignored)" : "Failed (ignored): " + task.detail();
    }
    return "Failed" + in_parens(task.detail());
  }
  if (s == "skipped") return "Skipped" + in_parens(task.reason);
  if (s == "cancelled") return "Cancelled";
  if (s == "running") return fmt::format("Running (attempt {})", task.attempts.size());
  if (s == "retrying") return "Retrying" + in_parens(task.reason);
  if (s == "waiting") return "Waiting" + in_parens(task.reason);
  if (s == "ready") return "Ready";
  if (s == "pending") {  // "not started: the run is stopping after a failure" says it twice.
    constexpr std::string_view kSaid = "not started: ";
    std::string_view why = task.reason;
    if (why.starts_with(kSaid)) why.remove_prefix(kSaid.size());
    return "Not started" + in_parens(std::string(why));
  }
  return s + in_parens(task.reason);
}

void hierarchy(const RunReport& report, std::string& out) {
  out += "### Task Hierarchy\n\n";
  for (std::size_t p = 0; p < report.phases.size(); ++p) {
    const Phase& phase = report.phases[p];
    out += fmt::format("#### Phase {}: {}\n\n", p + 1, phase.title);
    for (std::size_t i = 0; i < phase.tasks.size(); ++i) {
      const Task& task = report.tasks[phase.tasks[i]];
      out += fmt::format("- [{}] {}.{} {} — {}\n", task.completed() ? 'x' : ' ', p + 1, i + 1,
                         one_line(task.label()), one_line(hierarchy_status(task)));
    }
    out += '\n';
  }
}

// ---- Execution Timeline ----------------------------------------------------------------------

std::string timeline_status(const Task& task) {
  std::string detail = task.detail();
  if (task.state == "running" && !task.attempts.empty()) {
    detail = fmt::format("attempt {}", task.attempts.back().number);
  }
  if (detail.empty() || detail == task.state)
    return task.state_text();  // Not `cancelled — cancelled`.
  return task.state_text() + " — " + detail;
}

std::string timeline_duration(const Task& task, Millis until) {
  if (first_start(task) == 0) return "—";
  Millis waited = 0;
  for (const auto& w : task.waits) waited += attempt_duration(w, until);
  if (task.attempts.empty()) {  // A gate: its wait for the verdict is all there is.
    return "waited " + short_duration(waited) +
           (!task.waits.empty() && task.waits.back().end == 0 ? " so far" : "");
  }
  std::string text = short_duration(task_duration(task, until));
  bool open = !task.attempts.empty() && task.attempts.back().end == 0;
  if (open) text += " so far";
  if (task.attempts.size() > 1) text += fmt::format(" ({} attempts)", task.attempts.size());
  if (!task.compensations.empty()) {
    Millis undo = 0;
    for (const auto& a : task.compensations) undo += attempt_duration(a, until);
    text += "; compensation " + short_duration(undo);
  }
  if (waited > 0) text += "; waited " + short_duration(waited);
  return text;
}

std::string dependencies_text(const Task& task) {
  const auto& deps = task.dependencies;
  if (deps.empty()) return "—";
  if (deps.size() <= kMaxDependencies) return fmt::format("{}", fmt::join(deps, ", "));
  return fmt::format("{} +{} more", fmt::join(deps.begin(), deps.begin() + kMaxDependencies, ", "),
                     deps.size() - kMaxDependencies);
}

// Rows in the order the tasks first started; those that never did follow, in file order.
void timeline(const RunReport& report, std::string& out) {
  Millis until = report.end_time();
  std::vector<std::size_t> order(report.tasks.size());
  std::vector<Millis> starts(report.tasks.size());
  for (std::size_t t = 0; t < order.size(); ++t) {
    order[t] = t;
    starts[t] = first_start(report.tasks[t]);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if ((starts[a] == 0) != (starts[b] == 0)) return starts[b] == 0;
    return starts[a] < starts[b];
  });
  out += "### Execution Timeline\n\n";
  out +=
      "| Task | Status | Duration | Dependencies |\n| ---- | ------ | -------- | ------------ |\n";
  for (std::size_t t : order) {
    const Task& task = report.tasks[t];
    out += fmt::format("| {} | {} | {} | {} |\n", cell(task.label()), cell(timeline_status(task)),
                       cell(timeline_duration(task, until)), cell(dependencies_text(task)));
  }
  out += '\n';
}

// ---- Outcomes --------------------------------------------------------------------------------

void outcomes(const RunReport& report, const Metrics& m, std::string& out) {
  out += "### Outcomes\n\n";
  out += fmt::format("- Tasks completed: {}/{}\n", m.tasks_completed, m.tasks_total);
  out += fmt::format(
      "- Parallel efficiency: {} ({} of task time over a {} makespan at a peak of {})\n",
      percent(m.parallel_efficiency), short_duration(m.work), short_duration(m.makespan),
      m.peak_parallelism);
  out += fmt::format("- Critical-path efficiency: {} (the longest chain took {})\n",
                     percent(m.critical_path_efficiency), short_duration(m.critical_path));
  out += fmt::format("- Speedup: {}\n", m.speedup ? fmt::format("{:.2f}×", *m.speedup) : "—");
  out += fmt::format(
      "- Peak parallelism: {}\n",
      count_of(static_cast<std::size_t>(m.peak_parallelism), "task", "tasks") + " at once");
  std::vector<std::string> by_task;
  for (const auto& [path, n] : m.retries_by_task) by_task.push_back(fmt::format("{} {}", path, n));
  std::string handled = count_of(static_cast<std::size_t>(m.retries), "retry", "retries");
  if (!by_task.empty()) handled += " (" + name_list(by_task, 10) + ")";
  if (m.timed_out_attempts > 0) {
    handled += fmt::format(
        ", {} timed out",
        count_of(static_cast<std::size_t>(m.timed_out_attempts), "attempt", "attempts"));
  }
  out += fmt::format("- Failures handled: {}\n", handled);
  out += fmt::format("- Breaker trips: {}\n", m.breaker_trips);
  for (std::size_t i = 0; i < report.breakers.size() && i < kMaxListed; ++i) {
    const auto& b = report.breakers[i];
    out += fmt::format("  - breaker {}: {} -> {} at {}{}\n", b.breaker, b.from, b.to,
                       time_of_day(b.at), b.why.empty() ? "" : " (" + b.why + ")");
  }
  std::string undone;
  if (m.compensations > 0) {
    undone = m.compensations_succeeded == m.compensations
                 ? " (all succeeded)"
                 : fmt::format(" ({} succeeded, {} failed)", m.compensations_succeeded,
                               m.compensations_failed);
  }
  out += fmt::format("- Compensations: {}{}\n", m.compensations, undone);
  std::size_t listed = 0;
  for (const auto& task : report.tasks) {
    if (task.compensations.empty() || ++listed > kMaxListed) continue;
    Millis undo = 0;
    for (const auto& a : task.compensations) undo += attempt_duration(a, report.end_time());
    out += fmt::format("  - {}: {} in {}{}\n", task.path, task.compensation_state(),
                       short_duration(undo), in_parens(task.compensation_reason()));
  }
  std::vector<std::string> ignored;
  for (const auto& task : report.tasks) {
    if (task.state == "failed" && task.failure_ignored) {
      ignored.push_back(one_line(fmt::format("{}: {}", task.path, task.detail())));
    }
  }
  out += fmt::format("- Ignored failures: {}{}\n\n", m.ignored_failures,
                     ignored.empty() ? "" : " (" + name_list(ignored, 10) + ")");
}

// ---- Next Steps ------------------------------------------------------------------------------

// A fenced block longer than any run of backticks in the log, so that none can close it.
std::string fenced(const std::vector<std::string>& lines, std::size_t indent) {
  std::size_t longest = 0;
  for (const auto& line : lines) {
    std::size_t run = 0;
    for (char c : line) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string pad(indent, ' ');
  std::string out = pad + fence + "text\n";
  for (const auto& line : lines) out += pad + line + "\n";
  return out + pad + fence + "\n";
}

// `run_command`: the last step's command, which a task's step does not repeat.
std::string step_line(const NextStep& step, const RunReport& report,
                      const std::string& run_command) {
  std::string text =
      one_line(step.path.empty() ? step.reason : fmt::format("`{}` {}", step.path, step.reason));
  if (step.command.empty() || (!step.path.empty() && step.command == run_command)) {
    return text + (step.path.empty() ? "" : ".");
  }
  text += fmt::format("{}`{}`", step.path.empty() ? ": " : " — ", step.command);
  if (step.command.rfind("baton approve ", 0) == 0) {
    text += fmt::format(" (or `{}`)", report.command("reject", shell_word(step.path)));
  }
  return text;
}

void next_steps_section(const RunReport& report, std::string& out) {
  auto steps = next_steps(report);
  out += "### Next Steps\n\n";
  std::size_t number = 0, about_tasks = steps.size() - 1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const NextStep& step = steps[i];
    bool run_step = i + 1 == steps.size();
    if (!run_step && i >= kMaxTaskSteps) {
      if (i == kMaxTaskSteps) {
        out += fmt::format("{}. … and {} more (see the Execution Timeline)\n", ++number,
                           count_of(about_tasks - kMaxTaskSteps, "task", "tasks"));
      }
      continue;
    }
    std::string prefix = fmt::format("{}. ", ++number);
    out += prefix + step_line(step, report, steps.back().command) + "\n";
    std::string pad(prefix.size(), ' ');
    if (!step.log_tail.empty()) {
      out += fmt::format("\n{}The end of its log (`{}`):\n\n", pad, step.log);
      out += fenced(step.log_tail, prefix.size());
      out += '\n';
    } else if (!step.log.empty()) {
      out += fmt::format("\n{}Its log (`{}`) is empty.\n\n", pad, step.log);
    }
  }
}

}  // namespace

std::string render_markdown(const RunReport& report, const Metrics& metrics) {
  std::string out;
  summary(report, metrics, out);
  research(report, metrics, out);
  hierarchy(report, out);
  timeline(report, out);
  outcomes(report, metrics, out);
  next_steps_section(report, out);
  return without_controls(out);  // Log tails and the like: no escape sequence reaches a terminal.
}

}  // namespace baton::report
