#include "store/run_recorder.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace baton::store {
namespace {

// Appends the attempts from `first_open` on, and moves `first_open` past those that ended. The
// last attempt is written again even when it had ended: what followed it can still change its
// decision (a retry that an opened breaker, a deadline or a stopping run overruled).
void add_attempts(const std::string& path, StepKind step,
                  const std::vector<engine::AttemptRecord>& attempts, std::size_t& first_open,
                  std::vector<AttemptRow>& out) {
  std::size_t from = attempts.empty() ? 0 : std::min(first_open, attempts.size() - 1);
  for (std::size_t i = from; i < attempts.size(); ++i) {
    const auto& a = attempts[i];
    AttemptRow row;
    row.path = path;
    row.step = step;
    row.number = a.number;
    row.pid = a.pid;
    row.start = to_millis(a.start);
    row.end = to_millis(a.end);
    row.exit_code = a.exit_code;
    row.signal = a.signal;
    row.timed_out = a.timed_out;
    row.log = a.log_path;
    row.error = a.error;
    row.decision = a.decision;
    out.push_back(std::move(row));
  }
  while (first_open < attempts.size() && attempts[first_open].end.time_since_epoch().count() != 0) {
    ++first_open;
  }
}

// Running, with an attempt that has neither a pid nor an end: decided, not started yet.
bool not_started_yet(const engine::Unit& unit) {
  if (unit.state != engine::TaskState::kRunning || unit.attempts.empty()) return false;
  const auto& last = unit.attempts.back();
  return last.pid == 0 && last.end.time_since_epoch().count() == 0;
}

}  // namespace

Millis to_millis(std::chrono::system_clock::time_point t) {
  if (t.time_since_epoch().count() == 0) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

RunRecorder::RunRecorder(Store& store, RunRow run, std::unique_ptr<RunJournal> journal)
    : store_(store), run_(std::move(run)), journal_(std::move(journal)) {
  if (journal_) {
    // The thread only ever touches the store and committed_ (through write_to_store).
    writer_ =
        std::make_unique<BatchWriter>([this](Batch batch) { write_to_store(std::move(batch)); });
  }
}

void RunRecorder::unit_changed(const engine::RunGraph& graph, engine::UnitIndex unit) {
  graph_ = &graph;
  if (is_dirty_.size() <= unit) is_dirty_.resize(graph.units().size(), 0);
  if (is_dirty_[unit]) return;
  is_dirty_[unit] = 1;
  dirty_.push_back(unit);
}

void RunRecorder::breaker_changed(const engine::BreakerTransition& t) {
  breakers_.push_back({t.breaker, std::string(engine::to_string(t.from)),
                       std::string(engine::to_string(t.to)), t.why, to_millis(t.at)});
}

Batch RunRecorder::collect_changes(std::size_t ready_rows, bool hold_starts) {
  Batch batch;
  batch.breakers = std::exchange(breakers_, {});
  if (graph_) {
    start_held_.resize(graph_->units().size(), 0);
    attempts_final_.resize(graph_->units().size(), 0);
    compensations_final_.resize(graph_->units().size(), 0);
    waits_final_.resize(graph_->units().size(), 0);
  }
  std::vector<engine::UnitIndex> later;
  for (engine::UnitIndex u : dirty_) {
    const engine::Unit& unit = graph_->unit(u);
    if (unit.state == engine::TaskState::kReady && unit.attempts.empty()) {
      if (ready_rows == 0) {
        later.push_back(u);
        continue;
      }
      --ready_rows;
    }
    if (hold_starts && !start_held_[u] && not_started_yet(unit)) {
      start_held_[u] = 1;
      later.push_back(u);
      continue;
    }
    start_held_[u] = 0;
    is_dirty_[u] = 0;
    // Another shell acts on a gate's state (`baton approve` checks that it waits, and that it
    // was not decided yet): it reaches the store before the loop waits, never later.
    if (graph_->node_of(u).action == model::ActionKind::kApproval) gate_changed_ = true;
    TaskRow row;
    row.path = unit.path;
    row.state = std::string(engine::to_string(unit.state));
    row.reason = unit.reason;
    row.failure_ignored = unit.failure_ignored;
    row.skipped_upstream_failed = unit.skipped_upstream_failed;
    row.item = unit.item;
    row.item_index = unit.item_index;
    row.attempt_base = unit.attempt_base;
    batch.tasks.push_back(std::move(row));
    add_attempts(unit.path, StepKind::kTask, unit.attempts, attempts_final_[u], batch.attempts);
    add_attempts(unit.path, StepKind::kCompensation, unit.compensations, compensations_final_[u],
                 batch.attempts);
    add_attempts(unit.path, StepKind::kWait, unit.waits, waits_final_[u], batch.attempts);
    if (unit.state == engine::TaskState::kSucceeded && !unit.outputs.empty()) {
      batch.outputs.emplace_back(unit.path, unit.outputs);
    }
  }
  dirty_ = std::move(later);
  return batch;
}

void RunRecorder::commit() {
  // A store that failed on its thread stops the run before what this commit allows.
  if (writer_) writer_->check();
  Batch batch = collect_changes(kReadyRowsPerCommit, /*hold_starts=*/true);
  if (batch.empty()) return;
  if (!journal_) {
    write_to_store(std::move(batch));
    mark_verdicts_taken();
    return;
  }
  batch.journal_seq = journal_->append(batch);
  unsettled_.add(std::move(batch));
}

std::optional<engine::Clock::time_point> RunRecorder::before_wait() {
  if (unsettled_.journal_seq() == 0) return std::nullopt;
  auto now = engine::Clock::now();
  // Another shell acts on a gate's state (`baton approve` checks that it waits, and that it was
  // not decided yet): it reaches the store before the loop waits, never later. And a journal
  // starts over only once the store holds every record in it.
  if (gate_changed_ || journal_->wants_restart()) {
    write_unsettled_now();
    last_store_write_ = now;
    return std::nullopt;
  }
  if (now < last_store_write_ + kStoreInterval) return last_store_write_ + kStoreInterval;
  if (writer_->busy()) return now + kBusyRetry;  // Meanwhile more commits merge into one write.
  writer_->hand_over(unsettled_.take());
  last_store_write_ = now;
  return std::nullopt;
}

void RunRecorder::write_unsettled_now() {
  writer_->wait();
  gate_changed_ = false;
  write_to_store(unsettled_.take());
  journal_->all_applied();
  mark_verdicts_taken();
}

void RunRecorder::verdict_taken(std::string path) { verdicts_taken_.push_back(std::move(path)); }

void RunRecorder::mark_verdicts_taken() {
  for (const auto& path : verdicts_taken_) store_.take_verdict(run_.id, path);
  verdicts_taken_.clear();
}

void RunRecorder::wait_for_store() {
  if (writer_) writer_->wait();
}

void RunRecorder::write_to_store(Batch batch) {
  store_.write(batch);
  if (committed_) committed_->apply(std::move(batch));
}

void RunRecorder::keep_committed(std::vector<TaskRecord> earlier) {
  committed_.emplace(std::move(earlier));
}

// The last changes go straight to the store, with what the journal holds: one transaction.
void RunRecorder::finish(const engine::RunResult& result) {
  wait_for_store();
  unsettled_.add(collect_changes(SIZE_MAX, /*hold_starts=*/false));
  Batch last = unsettled_.take();
  run_.status = std::string(engine::to_string(result.status));
  run_.ended = to_millis(result.ended);
  run_.pid = 0;
  run_.pid_start = 0;
  last.run = run_;
  write_to_store(std::move(last));
  mark_verdicts_taken();
  if (journal_) journal_->remove();
}

}  // namespace baton::store
