// What the SQLite store's tests share: rows built in one line, rows printed field by field so
// that a mismatch shows which field differs, and a store in a fresh state folder of its own.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "support/run_process.hpp"

namespace baton::store::test_rows {

using baton::testing::TempDir;

inline RunRow run_row(const std::string& id, Millis started,
                      const std::string& workflow = "release") {
  RunRow run;
  run.id = id;
  run.workflow = workflow;
  run.file = "/work/" + workflow + ".yaml";
  run.workflow_text = "name: " + workflow + "\n";
  run.status = "running";
  run.started = started;
  run.pid = 4242;
  run.pid_start = 987654;
  run.host = "builder";
  run.jobs = 4;
  return run;
}

inline TaskRow task_row(const std::string& path, const std::string& state) {
  TaskRow task;
  task.path = path;
  task.state = state;
  return task;
}

inline AttemptRow attempt_row(const std::string& path, int number, Millis start, Millis end,
                              int exit_code, StepKind step = StepKind::kTask) {
  AttemptRow a;
  a.path = path;
  a.step = step;
  a.number = number;
  a.pid = 1000 + number;
  a.start = start;
  a.end = end;
  a.exit_code = exit_code;
  a.log = "/state/runs/r/logs/" + path + "." + std::to_string(number) + ".log";
  return a;
}

inline std::string dump(const RunRow& r) {
  std::string overrides;
  for (const auto& o : r.overrides) overrides += o + ";";
  return "id=" + r.id + " workflow=" + r.workflow + " file=" + r.file + " text=" + r.workflow_text +
         " status=" + r.status + " started=" + std::to_string(r.started) +
         " ended=" + std::to_string(r.ended) + " pid=" + std::to_string(r.pid) +
         " pid_start=" + std::to_string(r.pid_start) + " host=" + r.host +
         " jobs=" + std::to_string(r.jobs) + " overrides=" + overrides;
}

inline std::string dump(const TaskRow& t) {
  return "path=" + t.path + " state=" + t.state + " reason=" + t.reason +
         " ignored=" + std::to_string(t.failure_ignored) +
         " upstream_failed=" + std::to_string(t.skipped_upstream_failed) + " item=" + t.item +
         " item_index=" + std::to_string(t.item_index) +
         " attempt_base=" + std::to_string(t.attempt_base);
}

inline std::string dump(const AttemptRow& a) {
  return "path=" + a.path + " step=" + std::to_string(static_cast<int>(a.step)) +
         " n=" + std::to_string(a.number) + " pid=" + std::to_string(a.pid) +
         " start=" + std::to_string(a.start) + " end=" + std::to_string(a.end) +
         " exit=" + std::to_string(a.exit_code) + " signal=" + std::to_string(a.signal) +
         " timed_out=" + std::to_string(a.timed_out) + " log=" + a.log + " error=" + a.error +
         " decision=" + a.decision;
}

inline std::string dump(const BreakerRow& b) {
  return b.breaker + ": " + b.from + " -> " + b.to + " at " + std::to_string(b.at) + " (" + b.why +
         ")";
}

template <typename Row>
std::vector<std::string> dump_all(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(dump(row));
  return out;
}

// Tasks as read back, line by line: each row, its attempts of every kind and its outputs.
inline std::vector<std::string> dump_records(const std::vector<TaskRecord>& tasks) {
  std::vector<std::string> out;
  for (const auto& t : tasks) {
    out.push_back(dump(t.row));
    for (const auto* rows : {&t.attempts, &t.compensations, &t.waits}) {
      for (const auto& a : *rows) out.push_back("  " + dump(a));
    }
    for (const auto& [key, value] : t.outputs) out.push_back("  " + key + "=" + value);
  }
  return out;
}

inline std::vector<std::string> paths_of(const std::vector<TaskRecord>& tasks) {
  std::vector<std::string> paths;
  for (const auto& t : tasks) paths.push_back(t.row.path);
  return paths;
}

// Past durations by path, as the store gives them for `workflow` (SPEC 2.3).
inline std::map<std::string, Millis> typical(Store& store, const std::string& workflow) {
  auto pairs = store.typical_durations(workflow, kForever);
  return {pairs.begin(), pairs.end()};
}

// A store in its own fresh state folder.
class StoreFile {
 public:
  std::string state() const { return (dir_.path() / "state").string(); }
  std::string db() const { return state() + "/baton.db"; }

  std::unique_ptr<Store> open() const {
    auto store = open_sqlite_store(state());
    if (!store) throw std::runtime_error("open_sqlite_store: " + store.error().message);
    return std::move(*store);
  }

 private:
  TempDir dir_;
};

}  // namespace baton::store::test_rows
