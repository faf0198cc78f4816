#include "report/metrics.hpp"

#include <algorithm>
#include <unordered_map>

namespace baton::report {
namespace {

// How long a span lasted: 0 for a task that never started.
Millis length_of(std::pair<Millis, Millis> span) {
  return span.first == 0 ? 0 : std::max<Millis>(0, span.second - span.first);
}

// Its retry policy followed the attempt with another (the decision says when).
bool followed_by_retry(const store::AttemptRow& attempt) {
  return attempt.decision.rfind("retry in", 0) == 0;
}

// The most intervals [start, end) open at once: a sweep over sorted endpoints, O(n log n).
int peak_of(const RunReport& report, Millis until) {
  // At one millisecond: ends first, then attempts shorter than the clock's grain (each counted
  // alone, over what spans that millisecond), then starts. So back-to-back attempts, a chain of
  // sub-millisecond tasks included, never count as overlapping.
  enum Order { kEnd, kInstant, kStart };
  std::vector<std::pair<Millis, Order>> edges;
  for (const auto& task : report.tasks) {
    for (const auto& a : task.attempts) {
      if (a.start <= 0) continue;
      Millis end = a.end > 0 ? a.end : until;
      if (end <= a.start) {
        edges.emplace_back(a.start, kInstant);
        continue;
      }
      edges.emplace_back(a.start, kStart);
      edges.emplace_back(end, kEnd);
    }
  }
  std::sort(edges.begin(), edges.end());
  int running = 0, peak = 0;
  for (const auto& [at, order] : edges) {
    if (order == kEnd) --running;
    if (order == kStart) ++running;
    peak = std::max(peak, running + (order == kInstant ? 1 : 0));
  }
  return peak;
}

// The longest chain through the tasks' dependencies, weighted by their actual durations:
// Kahn's order over the task graph, then one pass, O(V + E).
void critical_chain(const RunReport& report, Millis until, Metrics& m) {
  const auto& tasks = report.tasks;
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t t = 0; t < tasks.size(); ++t) index.emplace(tasks[t].path, t);
  std::vector<std::vector<std::size_t>> dependents(tasks.size());
  std::vector<std::size_t> waiting(tasks.size(), 0);
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    for (const auto& dep : tasks[t].dependencies) {
      if (auto it = index.find(dep); it != index.end()) {
        dependents[it->second].push_back(t);
        ++waiting[t];
      }
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    if (waiting[t] == 0) ready.push_back(t);
  }
  // Each task's span once: an edge looks at both of its ends.
  std::vector<std::pair<Millis, Millis>> span(tasks.size());
  for (std::size_t t = 0; t < tasks.size(); ++t) span[t] = session_span(tasks[t], until);
  std::vector<Millis> best(tasks.size(), 0);
  std::vector<std::size_t> via(tasks.size(), SIZE_MAX);
  std::size_t end = SIZE_MAX;
  while (!ready.empty()) {
    std::size_t t = ready.back();
    ready.pop_back();
    best[t] += length_of(span[t]);
    if (end == SIZE_MAX || best[t] > best[end] || (best[t] == best[end] && t < end)) end = t;
    for (std::size_t d : dependents[t]) {
      // An upstream that a task did not wait for (one_success fired on another) is no link of
      // a chain: chains of actual durations never outlast the run.
      bool waited = span[d].first == 0 || span[t].second <= span[d].first;
      if (waited && (via[d] == SIZE_MAX || best[t] > best[d])) {  // Until popped: the best.
        best[d] = best[t];
        via[d] = t;
      }
      if (--waiting[d] == 0) ready.push_back(d);
    }
  }
  if (end == SIZE_MAX) return;
  m.critical_path = best[end];
  for (std::size_t t = end; t != SIZE_MAX; t = via[t])
    m.critical_path_tasks.push_back(tasks[t].path);
  std::reverse(m.critical_path_tasks.begin(), m.critical_path_tasks.end());
}

std::optional<double> ratio(Millis a, Millis b) {
  if (b <= 0) return std::nullopt;
  return static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

Millis attempt_duration(const store::AttemptRow& attempt, Millis until) {
  if (attempt.start <= 0) return 0;
  return std::max<Millis>(0, (attempt.end > 0 ? attempt.end : until) - attempt.start);
}

Millis first_start(const Task& task) {
  Millis first = 0;
  for (const auto* spans : {&task.attempts, &task.waits}) {
    for (const auto& a : *spans) {
      if (a.start > 0 && (first == 0 || a.start < first)) first = a.start;
    }
  }
  return first;
}

namespace {

// The task's last session (SPEC 4: a resume starts a task over after an attempt that no retry
// followed; the time between sessions is no part of its duration): the index of its first
// attempt there, and the end of the attempt before, after which its waits count.
struct LastSession {
  std::size_t first_attempt = 0;
  Millis after = -1;
};

LastSession last_session(const Task& task) {
  const auto& attempts = task.attempts;
  for (std::size_t i = attempts.size(); i-- > 1;) {
    const auto& before = attempts[i - 1];
    if (!followed_by_retry(before)) return {i, std::max(before.start, before.end)};
  }
  if (attempts.empty() && task.waits.size() > 1) {  // A gate: one wait per session.
    return {0, task.waits[task.waits.size() - 2].start};
  }
  return {};
}

}  // namespace

std::pair<Millis, Millis> session_span(const Task& task, Millis until) {
  const LastSession session = last_session(task);
  Millis first = 0, last = 0;
  const auto add = [&](const store::AttemptRow& a) {
    if (a.start <= 0) return;
    if (first == 0 || a.start < first) first = a.start;
    last = std::max(last, a.end > 0 ? a.end : until);
  };
  for (std::size_t i = session.first_attempt; i < task.attempts.size(); ++i) add(task.attempts[i]);
  for (const auto& wait : task.waits) {
    if (wait.start > session.after) add(wait);
  }
  return {first, last};
}

Millis task_duration(const Task& task, Millis until) {
  return length_of(session_span(task, until));
}

int retries_of(const Task& task) {
  return static_cast<int>(
      std::count_if(task.attempts.begin(), task.attempts.end(), followed_by_retry));
}

Metrics compute_metrics(const RunReport& report) {
  Metrics m;
  Millis until = report.end_time();
  m.makespan = std::max<Millis>(0, until - report.run.started);
  m.tasks_total = report.tasks.size();
  for (const auto& task : report.tasks) {
    if (task.completed()) ++m.tasks_completed;
    if (task.state == "failed" && task.failure_ignored) ++m.ignored_failures;
    for (const auto& a : task.attempts) {
      m.work += attempt_duration(a, until);
      if (a.timed_out) ++m.timed_out_attempts;
    }
    if (int n = retries_of(task); n > 0) {
      m.retries += n;
      m.retries_by_task.emplace_back(task.path, n);
    }
    if (!task.compensations.empty()) {
      ++m.compensations;
      std::string outcome = task.compensation_state();
      if (outcome == "compensated") ++m.compensations_succeeded;
      if (outcome == "compensation_failed") ++m.compensations_failed;
    }
  }
  for (const auto& b : report.breakers) {
    if (b.to == "open") ++m.breaker_trips;
  }
  m.peak_parallelism = peak_of(report, until);
  // Attempts under a millisecond that start in the same one look simultaneous at the store's
  // grain; no more than `jobs` ever really run at once.
  if (report.run.jobs > 0) m.peak_parallelism = std::min(m.peak_parallelism, report.run.jobs);
  critical_chain(report, until, m);
  m.parallel_efficiency = ratio(m.work, m.makespan * m.peak_parallelism);
  m.critical_path_efficiency = ratio(m.critical_path, m.makespan);
  m.speedup = ratio(m.work, m.makespan);
  return m;
}

}  // namespace baton::report
