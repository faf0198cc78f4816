// The record of a fast-path run: its tasks as the engine would have recorded them (states,
// reasons, attempts, outputs), made only when someone reads them, and the store behind
// RunResult::report().
#include <fmt/format.h>

#include <mutex>
#include <unordered_map>

#include "engine/trigger.hpp"
#include "lib/fast_path.hpp"
#include "lib/fast_path_internals.hpp"
#include "lib/run_record.hpp"
#include "store/memory/memory_store.hpp"
#include "store/run_recorder.hpp"

namespace baton::detail {

using model::NodeIndex;
using namespace fast;  // NOLINT(google-build-using-namespace): the fast path's own vocabulary.

// engine::evaluate_trigger's reason for a skip, from the final states (every upstream had
// finished when the node was decided, so they are the states it was decided on).
std::string FastRun::skip_reason(
    std::uint32_t v, const std::unordered_map<std::uint32_t, std::string>& groups) const {
  const NodeIndex parent = graph_.parent(v);
  if (parent != model::kRoot && skipped_before_opening(nodes_[parent].state)) {
    return groups.at(parent);
  }
  std::vector<engine::UpstreamOutcome> ups;
  graph_.for_each_upstream(v, [&](NodeIndex up) {
    ups.push_back({outcome_of(nodes_[up].state), graph_.kept_path(up)});
  });
  // Every trigger rule on the fast path is all_success (fast_path_eligible).
  return engine::evaluate_trigger(TriggerRule::kAllSuccess, ups).reason;
}

namespace {

// The store RunResult::report() reads: a MemoryStore that receives the run, as the rows the
// engine's recorder would have written, the first time anything reads it, not at the end of
// every run. Building and writing those rows cost ~2 µs a task (the memory store indexes tasks
// in a std::map), more than running them, and most runs are never reported. The rows are made
// from the record's tasks, which hold everything a fast-path task can have.
class DeferredStore final : public store::Store {
 public:
  DeferredStore(const RunRecord& record, store::RunRow run)
      : record_(record), run_(std::move(run)) {}

  void create_run(const store::RunRow& run) override { filled().create_run(run); }
  void write(const store::Batch& batch) override { filled().write(batch); }
  bool claim_run(const store::RunRow& run, const store::RunRow& as_seen) override {
    return filled().claim_run(run, as_seen);
  }
  std::optional<store::RunRow> find_run(std::string_view id) override {
    return filled().find_run(id);
  }
  std::vector<store::RunRow> list_runs(int limit) override { return filled().list_runs(limit); }
  std::vector<store::TaskRecord> tasks(std::string_view run) override {
    return filled().tasks(run);
  }
  std::vector<store::BreakerRow> breakers(std::string_view run) override {
    return filled().breakers(run);
  }
  std::map<std::string, int> count_states(std::string_view run) override {
    return filled().count_states(run);
  }
  void end_run(std::string_view run, const std::string& status, store::Millis ended) override {
    filled().end_run(run, status, ended);
  }
  bool give_verdict(std::string_view run, const store::VerdictRow& verdict) override {
    return filled().give_verdict(run, verdict);
  }
  std::vector<store::VerdictRow> untaken_verdicts(std::string_view run) override {
    return filled().untaken_verdicts(run);
  }
  void take_verdict(std::string_view run, const std::string& path) override {
    filled().take_verdict(run, path);
  }
  std::vector<std::pair<std::string, store::Millis>> typical_durations(
      std::string_view workflow, store::Millis started_before) override {
    return filled().typical_durations(workflow, started_before);
  }

 private:
  store::MemoryStore& filled() {
    std::call_once(filled_, [this] {
      inner_.create_run(run_);
      inner_.write(batch());
    });
    return inner_;
  }

  // As store::RunRecorder writes them: every task that left `pending`, its attempt, its outputs.
  store::Batch batch() const {
    store::Batch batch;
    for (const TaskResult& task : record_.tasks()) {
      if (task.state == "pending") continue;
      bool upstream_failed = task.state == "skipped" && task.reason.starts_with("upstream_failed:");
      batch.tasks.push_back(
          {task.path, task.state, task.reason, false, upstream_failed, {}, -1, 0});
      for (const AttemptResult& attempt : task.attempts) {
        store::AttemptRow& row = batch.attempts.emplace_back();
        row.path = task.path;
        row.number = attempt.number;
        row.start = store::to_millis(attempt.start);
        row.end = store::to_millis(attempt.end);
        row.exit_code = attempt.exit_code;
        row.log = attempt.log;
        row.error = attempt.error;
        if (task.state == "failed") {  // A call that returned fails only by its outputs.
          row.decision = attempt.exit_code == 0 ? "not retried: its outputs were rejected"
                                                : "not retried: max_attempts is 1";
        }
      }
      if (task.state == "succeeded" && !task.outputs.empty()) {
        batch.outputs.emplace_back(task.path, task.outputs);
      }
    }
    batch.run = run_;
    return batch;
  }

  const RunRecord& record_;  ///< Owns this store: outlives it.
  store::RunRow run_;
  std::once_flag filled_;
  store::MemoryStore inner_;
};

}  // namespace

void FastRun::record(const std::shared_ptr<FastRun>& run, RunRecord& record, int jobs) {
  bool failed = false;
  for (NodeIndex v = 1; v < run->graph_.size() && !failed; ++v) {
    failed = run->nodes_[v].state == kFailed && !(run->nodes_[v].flags & kGroup);
  }
  record.status = run->stopped_ ? RunStatus::kCancelled
                  : failed      ? RunStatus::kFailed
                                : RunStatus::kSucceeded;
  record.started = run->started_;
  record.ended = run->ended_;
  store::RunRow row;
  row.id = run->run_id_;
  row.workflow = run->graph_.name();
  row.file = "(C++ library)";
  row.status = std::string(to_string(record.status));
  row.started = store::to_millis(run->started_);
  row.ended = store::to_millis(run->ended_);
  row.jobs = jobs;
  record.store = std::make_shared<DeferredStore>(record, std::move(row));
  run->graph_.keep_paths();  // The workflow may be gone by the time the results are asked for.
  record.defer_tasks([run](std::vector<TaskResult>& tasks) { run->fill(tasks); });
}

void FastRun::fill(std::vector<TaskResult>& tasks) {
  std::unordered_map<std::uint32_t, const Failure*> failures;
  std::unordered_map<std::uint32_t, const std::string*> logs;
  for (const auto& worker : workers_) {
    for (const auto& failure : worker->failures) failures.emplace(failure.node, &failure);
    for (const auto& [node, path] : worker->logs) logs.emplace(node, &path);
  }
  std::unordered_map<std::uint32_t, std::string> group_reasons;
  tasks.reserve(graph_.leaves());
  for (NodeIndex v = 1; v < graph_.size(); ++v) {
    std::uint8_t state = nodes_[v].state;
    std::string reason;
    if (skipped_before_opening(state)) reason = skip_reason(v, group_reasons);
    if (nodes_[v].flags & kGroup) {
      if (!reason.empty()) group_reasons.emplace(v, std::move(reason));
      continue;
    }
    const Failure* failure = nullptr;
    if (state == kFailed || state == kCancelled) {
      auto f = failures.find(v);
      if (f != failures.end()) failure = f->second;
    }
    if (state == kFailed) {
      reason = failure->error.empty() ? fmt::format("exit {}", failure->exit_code) : failure->error;
    } else if (state == kCancelled) {
      reason = "cancelled";
    }
    TaskResult& task = tasks.emplace_back();
    task.path = graph_.kept_path(v);
    task.state = state_name(state);
    task.reason = std::move(reason);
    if (state != kSucceeded && state != kFailed && state != kCancelled) continue;
    AttemptResult& attempt = task.attempts.emplace_back();
    attempt.number = 1;
    attempt.start = started_ + std::chrono::milliseconds(nodes_[v].start_ms);
    attempt.end = started_ + std::chrono::milliseconds(nodes_[v].end_ms);
    attempt.exit_code = failure ? failure->exit_code : 0;
    if (failure) attempt.error = failure->error;
    if (!logs.empty()) {
      if (auto l = logs.find(v); l != logs.end()) attempt.log = *l->second;
    }
    if (state == kSucceeded && outputs_[v]) task.outputs = std::move(*outputs_[v]);
  }
}

}  // namespace baton::detail
