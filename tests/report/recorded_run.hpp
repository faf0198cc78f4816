// Test support for the report tests: a recorded run written by hand (its workflow text, task
// rows with attempts at chosen milliseconds, breaker transitions), as the store would return it,
// so that reports and metrics are checked against values computed by hand. Header-only: the
// test build globs *_test.cpp only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/metrics.hpp"
#include "report/run_report.hpp"

namespace baton::report::testing {

/// 2027-01-15T08:00:00.000Z: every time below is an offset from it, in milliseconds.
inline constexpr Millis kT0 = 1'800'000'000'000;

/// An attempt from `start` to `end` (offsets from kT0; an end of -1 means not ended).
inline store::AttemptRow attempt(int n, Millis start, Millis end, int exit_code = 0,
                                 std::string decision = {}) {
  store::AttemptRow a;
  a.number = n;
  a.pid = 1000 + n;
  a.start = kT0 + start;
  a.end = end < 0 ? 0 : kT0 + end;
  a.exit_code = end < 0 ? -1 : exit_code;
  a.log = "/nonexistent/logs/" + std::to_string(n) + ".log";
  a.decision = std::move(decision);
  return a;
}

inline store::TaskRecord task(std::string path, std::string state,
                              std::vector<store::AttemptRow> attempts = {},
                              std::string reason = {}) {
  store::TaskRecord t;
  t.row.path = std::move(path);
  t.row.state = std::move(state);
  t.row.reason = std::move(reason);
  t.row.skipped_upstream_failed =
      t.row.state == "skipped" && t.row.reason.rfind("upstream_failed", 0) == 0;
  for (auto& a : attempts) a.path = t.row.path;
  t.attempts = std::move(attempts);
  return t;
}

/// A task that `on_failure: ignore` let fail.
inline store::TaskRecord ignored(std::string path, std::vector<store::AttemptRow> attempts,
                                 std::string reason) {
  auto t = task(std::move(path), "failed", std::move(attempts), std::move(reason));
  t.row.failure_ignored = true;
  return t;
}

/// A fan-out instance.
inline store::TaskRecord instance(std::string path, std::string state, std::string item, int index,
                                  std::vector<store::AttemptRow> attempts = {}) {
  auto t = task(std::move(path), state, std::move(attempts));
  t.row.item = std::move(item);
  t.row.item_index = index;
  return t;
}

inline store::BreakerRow transition(std::string breaker, std::string from, std::string to,
                                    Millis at, std::string why) {
  return {std::move(breaker), std::move(from), std::move(to), std::move(why), kT0 + at};
}

/// A run of `yaml` recorded from kT0 to kT0 + `ended` (-1: no end, the run is `running`).
struct RecordedRun {
  RecordedRun(std::string yaml_text, std::string run_status = "succeeded", Millis end = 0,
              std::vector<store::TaskRecord> task_records = {},
              std::vector<store::BreakerRow> transitions = {})
      : yaml(std::move(yaml_text)),
        status(std::move(run_status)),
        ended(end),
        tasks(std::move(task_records)),
        breakers(std::move(transitions)) {}

  std::string yaml;
  std::string status = "succeeded";
  Millis ended = 0;
  std::vector<store::TaskRecord> tasks;
  std::vector<store::BreakerRow> breakers;
  bool process_alive = false;
  Millis now = 0;  ///< Offset from kT0; the report's clock.
  std::string state_flag = " --state /srv/state";
  std::vector<std::string> overrides;

  RunReport report() const {
    store::RunRow run;
    run.id = "20270115-080000-abcd";
    run.file = "/srv/flows/wf.yaml";
    run.workflow_text = yaml;
    run.workflow = yaml.substr(6, yaml.find('\n') - 6);  // `name: X` on the first line.
    run.status = status;
    run.started = kT0;
    run.ended = ended < 0 ? 0 : kT0 + ended;
    run.jobs = 4;
    run.overrides = overrides;
    ReportContext context;
    context.state_flag = state_flag;
    context.process_alive = process_alive;
    context.now = kT0 + now;
    return make_run_report(run, tasks, breakers, context);
  }
  Metrics metrics() const { return compute_metrics(report()); }
};

}  // namespace baton::report::testing
