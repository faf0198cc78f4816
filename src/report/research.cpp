#include "report/research.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include "model/duration.hpp"
#include "model/enums.hpp"
#include "report/time_text.hpp"

namespace baton::report {
namespace {

using model::format_duration;

// ---- Workflow patterns -----------------------------------------------------------------------

std::vector<std::string> patterns_of(const model::Workflow& wf, const analyze::Plan& plan) {
  std::vector<std::string> groups, sequential, joins, fanouts, gates, triggers;
  std::size_t compensable = 0;
  std::vector<char> needed(wf.nodes.size(), 0);
  for (const auto& node : wf.nodes) {
    for (const auto& up : node.upstream) needed[up.node] = 1;
  }
  for (model::NodeIndex i = 1; i < wf.nodes.size(); ++i) {
    const auto& node = wf.nodes[i];
    if (node.is_group()) {
      groups.push_back(node.path);
      if (node.strategy == GroupStrategy::kSequential) sequential.push_back(node.path);
      if (node.strategy == GroupStrategy::kParallel && node.children.size() >= 2 && needed[i]) {
        joins.push_back(node.path);
      }
    } else {
      if (node.compensate) ++compensable;
      if (node.action == model::ActionKind::kApproval) gates.push_back(node.path);
    }
    if (node.foreach) {
      fanouts.push_back(node.foreach->is_dynamic()
                            ? fmt::format("{}: items from {}.{}", node.path,
                                          node.foreach->from->text, node.foreach->output)
                            : fmt::format("{}: {}", node.path,
                                          count_of(node.foreach->items.size(), "item", "items")));
    }
    if (node.trigger != TriggerRule::kAllSuccess) {
      triggers.push_back(fmt::format("{}: {}", node.path, model::to_string(node.trigger)));
    }
  }
  std::vector<std::string> out;
  if (!groups.empty()) {
    std::string more = sequential.empty() ? "" : "; sequential: " + name_list(sequential);
    out.push_back(
        fmt::format("parent-child flow ({}{})", count_of(groups.size(), "group", "groups"), more));
  }
  if (std::size_t edges = plan.graph.dag.edge_count(); edges > 0) {  // As `baton plan` counts.
    out.push_back(
        fmt::format("DAG with dependencies ({})", count_of(edges, "dependency", "dependencies")));
  }
  if (!joins.empty())
    out.push_back(fmt::format("parallel groups with join ({})", name_list(joins)));
  if (!fanouts.empty()) out.push_back(fmt::format("fan-out/fan-in ({})", name_list(fanouts)));
  if (compensable > 0) {
    out.push_back(fmt::format("saga with compensation ({})",
                              count_of(compensable, "undo step", "undo steps")));
  }
  if (!gates.empty()) out.push_back(fmt::format("approval gates ({})", name_list(gates)));
  if (!wf.breakers.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, spec] : wf.breakers) names.push_back(name);
    out.push_back(fmt::format("circuit breakers ({})", name_list(names)));
  }
  if (!triggers.empty()) out.push_back(fmt::format("trigger rules ({})", name_list(triggers)));
  if (out.empty()) out.push_back("independent tasks (no groups, no dependencies)");
  return out;
}

// ---- Coordination ----------------------------------------------------------------------------

std::string_view why(analyze::Strategy strategy) {
  switch (strategy) {
    case analyze::Strategy::kSequential:
      return "every stage holds one task, so they run one after another";
    case analyze::Strategy::kParallel:
      return "no task depends on another, so they all run as slots allow";
    case analyze::Strategy::kFanOutFanIn:
      return "the dependencies are series-parallel (chains and fork-joins), so each stage fans "
             "out and joins before the next";
    case analyze::Strategy::kAdaptive:
      return "dependencies cross between branches (not series-parallel), so each task starts as "
             "soon as its own upstreams are done";
  }
  return "";
}

std::string chain_text(const std::vector<std::string>& paths) {
  constexpr std::size_t kShown = 6;
  if (paths.size() <= kShown) return fmt::format("{}", fmt::join(paths, " → "));
  return fmt::format("{} → … → {}", fmt::join(paths.begin(), paths.begin() + kShown - 1, " → "),
                     paths.back());
}

std::string coordination_of(const RunReport& report, const Metrics& metrics) {
  const auto& plan = *report.plan;
  std::vector<std::string> estimated;
  for (auto v : plan.critical_path.tasks) estimated.push_back(plan.graph.leaves[v].path);
  std::string text = fmt::format(
      "{}: {}. {}, width {}, up to {} at once; critical path {} ({}, {} estimated)",
      analyze::title(plan.strategy), why(plan.strategy),
      count_of(plan.stages.size(), "stage", "stages"), plan.width,
      count_of(static_cast<std::size_t>(plan.jobs), "job", "jobs"), chain_text(estimated),
      count_of(estimated.size(), "task", "tasks"), format_duration(plan.critical_path.duration));
  if (!metrics.critical_path_tasks.empty()) {
    text +=
        fmt::format("; as run, the longest chain took {} ({})",
                    short_duration(metrics.critical_path), chain_text(metrics.critical_path_tasks));
  }
  return text;
}

// ---- Failure handling ------------------------------------------------------------------------

std::string retry_text(const RetryPolicy& p) {
  int max = p.effective_max_attempts();
  std::string attempts = max == 0 ? "unlimited attempts" : fmt::format("{} attempts", max);
  switch (p.effective_strategy()) {
    case RetryStrategy::kImmediate:
      return fmt::format("retry (immediate, {})", attempts);
    case RetryStrategy::kFixed:
      return fmt::format("retry (fixed {}, {})", format_duration(p.delay.value_or(Duration(1000))),
                         attempts);
    case RetryStrategy::kExponential:
      return fmt::format("retry (exponential from {}, {})",
                         format_duration(p.initial_interval.value_or(Duration(1000))), attempts);
  }
  return "retry";
}

std::string times(int n) { return n == 1 ? "once" : fmt::format("{} times", n); }

// Per retry policy (tasks sharing one description): how many tasks, how often it acted, where.
void retry_lines(const RunReport& report, std::vector<std::string>& out) {
  struct Use {
    std::size_t tasks = 0;
    int retries = 0;
    bool failed = false;  ///< An attempt failed: a retry was called for, if not made.
    std::vector<std::string> where, paths;
  };
  std::vector<std::pair<std::string, Use>> uses;
  for (const auto& task : report.tasks) {
    if (task.node == model::kNoNode) continue;
    const auto& policy = report.workflow->node(task.node).settings().retry;
    if (policy.effective_max_attempts() == 1) continue;
    auto text = retry_text(policy);
    auto it = std::find_if(uses.begin(), uses.end(), [&](auto& u) { return u.first == text; });
    if (it == uses.end()) it = uses.insert(uses.end(), {text, Use{}});
    ++it->second.tasks;
    it->second.failed |= std::any_of(task.attempts.begin(), task.attempts.end(), [](auto& a) {
      return a.end > 0 && (a.exit_code != 0 || a.signal != 0 || a.timed_out);
    });
    if (int n = retries_of(task); n > 0) {
      it->second.retries += n;
      it->second.where.push_back(fmt::format("{} ({})", task.path, n));
      it->second.paths.push_back(task.path);
    }
  }
  if (uses.empty()) out.push_back("retry: none configured (every task has one attempt)");
  for (const auto& [text, use] : uses) {
    // "acted 2 times on deploy", "acted 3 times on a (2) and b (1)".
    std::string acted =
        use.retries == 0
            ? (use.failed ? "no retry made" : "never needed")
            : fmt::format("acted {} on {}", times(use.retries),
                          use.paths.size() == 1 ? use.paths[0] : name_list(use.where, 5));
    out.push_back(fmt::format("{} on {}: {}", text, count_of(use.tasks, "task", "tasks"), acted));
  }
}

void timeout_lines(const RunReport& report, std::vector<std::string>& out) {
  std::map<Duration, std::size_t> timeouts, deadlines;
  std::vector<std::string> timed_out, exceeded;
  for (const auto& task : report.tasks) {
    if (task.node == model::kNoNode) continue;
    const auto& settings = report.workflow->node(task.node).settings();
    if (settings.timeout && !task.gate) ++timeouts[*settings.timeout];
    if (settings.deadline) ++deadlines[*settings.deadline];
    int n = 0;
    for (const auto& a : task.attempts) n += a.timed_out ? 1 : 0;
    if (n > 0) timed_out.push_back(n == 1 ? task.path : fmt::format("{} ({})", task.path, n));
    if (task.reason.rfind("deadline ", 0) == 0) exceeded.push_back(task.path);
  }
  auto values = [](const std::map<Duration, std::size_t>& by_value) {
    std::vector<std::string> parts;
    for (const auto& [d, n] : by_value) {
      parts.push_back(fmt::format("{} on {}", format_duration(d), count_of(n, "task", "tasks")));
    }
    return fmt::format("{}", fmt::join(parts, ", "));
  };
  if (!timeouts.empty()) {
    out.push_back(fmt::format(
        "timeout ({}): {}", values(timeouts),
        timed_out.empty() ? "never hit" : "attempts timed out on " + name_list(timed_out)));
  }
  if (!deadlines.empty()) {
    out.push_back(
        fmt::format("deadline ({}): {}", values(deadlines),
                    exceeded.empty() ? "never exceeded" : "exceeded on " + name_list(exceeded)));
  }
}

std::string_view transition_verb(const std::string& to) {
  if (to == "open") return "opened";
  if (to == "half_open") return "half-open";
  if (to == "closed") return "closed";
  return to;
}

void breaker_lines(const RunReport& report, std::vector<std::string>& out) {
  for (const auto& [name, spec] : report.workflow->breakers) {
    std::size_t bound = 0;
    std::vector<std::string> turned_away;
    for (const auto& task : report.tasks) {
      if (task.node == model::kNoNode) continue;
      if (report.workflow->node(task.node).settings().breaker != name) continue;
      ++bound;
      if (task.reason.rfind("circuit_open", 0) == 0) turned_away.push_back(task.path);
    }
    std::vector<std::string> moves;
    for (const auto& b : report.breakers) {
      if (b.breaker != name) continue;
      moves.push_back(fmt::format("{} at {}{}", transition_verb(b.to), time_of_day(b.at),
                                  b.why.empty() ? "" : " (" + b.why + ")"));
    }
    std::string acted = moves.empty() ? "never opened" : fmt::format("{}", fmt::join(moves, ", "));
    if (!turned_away.empty()) {
      acted += fmt::format("; turned away {}", name_list(turned_away));
    }
    out.push_back(fmt::format(
        "circuit breaker {} (opens after {} in a row, for {}; on_open {}) on {}: {}", name,
        count_of(static_cast<std::size_t>(spec.failure_threshold), "failed attempt",
                 "failed attempts"),
        format_duration(spec.reset_timeout),
        spec.on_open == BreakerOpenAction::kWait ? "wait" : "fail",
        count_of(bound, "task", "tasks"), acted));
  }
}

// What failure_mode did in this run, from what its tasks did after the first failure that was
// not ignored (SPEC 2.6): who started after it, who was held back, who was cancelled.
std::string failure_mode_acted(const RunReport& report) {
  std::unordered_map<std::string_view, const Task*> by_path;
  for (const auto& task : report.tasks) by_path.emplace(task.path, &task);
  const auto last_end = [](const std::vector<store::AttemptRow>& spans) {
    return spans.empty() ? store::Millis{0} : spans.back().end;
  };
  // When it failed: its last attempt's end, a gate's last wait's end, or, for a task that failed
  // before it could start (a fan-out whose items were unusable), when its upstreams were done.
  const auto failed_when = [&](const Task& task) {
    if (store::Millis end = std::max(last_end(task.attempts), last_end(task.waits)); end != 0) {
      return end;
    }
    store::Millis upstreams_done = 0;
    for (const auto& dependency : task.dependencies) {
      if (auto it = by_path.find(dependency); it != by_path.end()) {
        upstreams_done = std::max(upstreams_done, last_end(it->second->attempts));
      }
    }
    return upstreams_done;
  };
  const Task* first = nullptr;
  store::Millis failed_at = 0;
  for (const auto& task : report.tasks) {
    if (!task.failed()) continue;
    store::Millis end = failed_when(task);
    if (first == nullptr || (end != 0 && (failed_at == 0 || end < failed_at))) {
      first = &task;
      failed_at = end;
    }
  }
  if (first == nullptr) return "not needed, as no failure failed the run";
  std::string head = fmt::format("after {} failed", first->path);
  std::vector<std::string> started_after, held_back, cancelled;
  for (const auto& task : report.tasks) {
    if (&task == first) continue;
    if (failed_at != 0 && !task.attempts.empty() && task.attempts.front().start >= failed_at) {
      started_after.push_back(task.path);
    }
    if (task.state == "pending") held_back.push_back(task.path);
    if (task.state == "cancelled") cancelled.push_back(task.path);
  }
  auto started_text = [&](const char* none) {
    if (failed_at == 0) return std::string();  // No time to compare starts with.
    if (started_after.empty()) return std::string(none);
    return fmt::format("{} started after it ({})", count_of(started_after.size(), "task", "tasks"),
                       name_list(started_after));
  };
  std::vector<std::string> parts;
  switch (report.workflow->failure_mode) {
    case FailureMode::kContinue:
      parts.push_back(started_text("no other task started after it"));
      break;
    case FailureMode::kStop:
      parts.push_back(started_text("nothing new started"));
      if (!held_back.empty()) {
        parts.push_back(fmt::format("{} held back ({})",
                                    count_of(held_back.size(), "task", "tasks"),
                                    name_list(held_back)));
      }
      break;
    case FailureMode::kCancel:
      parts.push_back(cancelled.empty() ? std::string("nothing was running to cancel")
                                        : fmt::format("cancelled {} ({})",
                                                      count_of(cancelled.size(), "task", "tasks"),
                                                      name_list(cancelled)));
      break;
  }
  std::erase_if(parts, [](const std::string& part) { return part.empty(); });
  return parts.empty() ? head : fmt::format("{}, {}", head, fmt::join(parts, "; "));
}

void propagation_lines(const RunReport& report, std::vector<std::string>& out) {
  const auto& wf = *report.workflow;
  std::string mode(model::to_string(wf.failure_mode));
  std::string acted = failure_mode_acted(report);
  out.push_back(fmt::format("failure_mode {}: {}", mode, acted));

  std::size_t ignoring = 0;
  std::vector<std::string> ignored, upstream_skips, rule_skips;
  for (const auto& task : report.tasks) {
    if (task.node != model::kNoNode &&
        wf.node(task.node).settings().on_failure == OnFailure::kIgnore) {
      ++ignoring;
    }
    if (task.state == "failed" && task.failure_ignored) {
      ignored.push_back(fmt::format("{}: {}", task.path, task.reason));
    }
    if (task.state == "skipped") {
      (task.skipped_upstream_failed ? upstream_skips : rule_skips).push_back(task.path);
    }
  }
  if (ignoring > 0) {
    out.push_back(fmt::format(
        "on_failure: ignore on {}: {}", count_of(ignoring, "task", "tasks"),
        ignored.empty()
            ? std::string("no failure to ignore")
            : fmt::format("ignored {} ({})", count_of(ignored.size(), "failure", "failures"),
                          name_list(ignored))));
  }
  if (!upstream_skips.empty()) {
    out.push_back(fmt::format("failure propagation: {} skipped because an upstream failed ({})",
                              count_of(upstream_skips.size(), "task", "tasks"),
                              name_list(upstream_skips)));
  }
  if (!rule_skips.empty()) {
    out.push_back(fmt::format("trigger rules: skipped {} whose rule did not hold ({})",
                              count_of(rule_skips.size(), "task", "tasks"), name_list(rule_skips)));
  }
}

void saga_line(const RunReport& report, const Metrics& metrics, std::vector<std::string>& out) {
  std::size_t compensable = 0;
  std::vector<std::string> failed;
  for (const auto& task : report.tasks) {
    if (task.node != model::kNoNode && report.workflow->node(task.node).compensate) ++compensable;
    if (task.compensation_state() == "compensation_failed") failed.push_back(task.path);
  }
  if (compensable == 0) return;
  std::string acted;
  const std::string& status = report.run.status;
  if (metrics.compensations > 0) {
    acted = metrics.compensations_failed == 0 &&
                    metrics.compensations_succeeded == metrics.compensations
                ? fmt::format("{}, all succeeded",
                              count_of(static_cast<std::size_t>(metrics.compensations),
                                       "compensation", "compensations"))
                : fmt::format("{}: {} succeeded, {} failed{}",
                              count_of(static_cast<std::size_t>(metrics.compensations),
                                       "compensation", "compensations"),
                              metrics.compensations_succeeded, metrics.compensations_failed,
                              failed.empty() ? "" : " (" + name_list(failed) + ")");
  } else if (status == "failed" || status == "rolled_back") {
    acted = "nothing to undo (no task with an undo step had succeeded)";
  } else if (status == "cancelled") {
    acted = "not run: a cancelled run starts nothing more";
  } else {
    acted = "not needed: the run did not fail";
  }
  out.push_back(
      fmt::format("saga: compensate on {}: {}", count_of(compensable, "task", "tasks"), acted));
}

void gate_line(const RunReport& report, std::vector<std::string>& out) {
  std::size_t gates = 0;
  int approved = 0, rejected = 0, waiting = 0, timed_out = 0;
  for (const auto& task : report.tasks) {
    if (!task.gate) continue;
    ++gates;
    if (task.state == "succeeded") ++approved;
    if (task.state == "waiting") ++waiting;
    if (task.state == "failed") (task.reason.rfind("rejected", 0) == 0 ? rejected : timed_out)++;
  }
  if (gates == 0) return;
  std::vector<std::string> parts;
  for (auto [n, what] : {std::pair{approved, "approved"},
                         {rejected, "rejected"},
                         {timed_out, "ran out of time"},
                         {waiting, "waiting"}}) {
    if (n > 0) parts.push_back(fmt::format("{} {}", n, what));
  }
  out.push_back(fmt::format(
      "approval gates on {}: {}", count_of(gates, "task", "tasks"),
      parts.empty() ? std::string("none reached yet") : fmt::format("{}", fmt::join(parts, ", "))));
}

}  // namespace

std::string count_of(std::size_t n, const char* singular, const char* plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

std::string name_list(const std::vector<std::string>& names, std::size_t shown) {
  if (names.empty()) return {};
  if (names.size() == 1) return names[0];
  if (names.size() <= shown) {
    return fmt::format("{} and {}", fmt::join(names.begin(), names.end() - 1, ", "), names.back());
  }
  return fmt::format("{} and {} more", fmt::join(names.begin(), names.begin() + shown, ", "),
                     names.size() - shown);
}

Research research_applied(const RunReport& report, const Metrics& metrics) {
  Research r;
  if (!report.workflow || !report.plan) {
    r.patterns.push_back("unknown: the run's workflow text could not be read");
    r.coordination = "unknown: the run's workflow text could not be read";
    return r;
  }
  r.patterns = patterns_of(*report.workflow, *report.plan);
  r.coordination = coordination_of(report, metrics);
  retry_lines(report, r.failure_handling);
  timeout_lines(report, r.failure_handling);
  breaker_lines(report, r.failure_handling);
  propagation_lines(report, r.failure_handling);
  saga_line(report, metrics, r.failure_handling);
  gate_line(report, r.failure_handling);
  return r;
}

}  // namespace baton::report
