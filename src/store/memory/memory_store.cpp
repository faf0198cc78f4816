#include "store/memory/memory_store.hpp"

#include <algorithm>

namespace baton::store {
namespace {

// Replaces the attempt with the same step and number, or adds it.
void upsert(std::vector<AttemptRow>& attempts, const AttemptRow& row) {
  auto it = std::find_if(attempts.begin(), attempts.end(),
                         [&](const AttemptRow& a) { return a.number == row.number; });
  if (it == attempts.end()) {
    attempts.push_back(row);
  } else {
    *it = row;
  }
}

}  // namespace

MemoryStore::Run* MemoryStore::find(std::string_view id) {
  if (runs_.empty()) return nullptr;
  if (id == "last") return &runs_.back();
  for (auto& run : runs_) {
    if (run.row.id == id) return &run;
  }
  return nullptr;
}

TaskRecord& MemoryStore::task(Run& run, const std::string& path) {
  auto [it, added] = run.task_index.try_emplace(path, run.tasks.size());
  if (added) run.tasks.emplace_back().row.path = path;
  return run.tasks[it->second];
}

void MemoryStore::create_run(const RunRow& run) {
  std::lock_guard lock(mutex_);
  runs_.emplace_back().row = run;
}

void MemoryStore::write(const Batch& batch) {
  std::lock_guard lock(mutex_);
  Run* run = batch.run ? find(batch.run->id) : (runs_.empty() ? nullptr : &runs_.back());
  if (!run) return;
  if (batch.run) run->row = *batch.run;
  for (const auto& row : batch.tasks) task(*run, row.path).row = row;
  for (const auto& row : batch.attempts) {
    auto& record = task(*run, row.path);
    upsert(record.rows_of(row.step), row);
  }
  for (const auto& [path, outputs] : batch.outputs) task(*run, path).outputs = outputs;
  run->breakers.insert(run->breakers.end(), batch.breakers.begin(), batch.breakers.end());
}

bool MemoryStore::claim_run(const RunRow& run, const RunRow& as_seen) {
  std::lock_guard lock(mutex_);
  Run* found = find(run.id);
  if (!found || found->row.status != as_seen.status || found->row.pid != as_seen.pid ||
      found->row.pid_start != as_seen.pid_start) {
    return false;
  }
  found->row = run;
  return true;
}

std::optional<RunRow> MemoryStore::find_run(std::string_view id_or_last) {
  std::lock_guard lock(mutex_);
  if (Run* run = find(id_or_last)) return run->row;
  return std::nullopt;
}

std::vector<RunRow> MemoryStore::list_runs(int limit) {
  std::lock_guard lock(mutex_);
  std::vector<RunRow> rows;
  for (auto it = runs_.rbegin(); it != runs_.rend() && int(rows.size()) < limit; ++it) {
    rows.push_back(it->row);
    rows.back().workflow_text.clear();
  }
  return rows;
}

std::vector<TaskRecord> MemoryStore::tasks(std::string_view id) {
  std::lock_guard lock(mutex_);
  Run* run = find(id);
  return run ? run->tasks : std::vector<TaskRecord>{};
}

std::vector<BreakerRow> MemoryStore::breakers(std::string_view id) {
  std::lock_guard lock(mutex_);
  Run* run = find(id);
  return run ? run->breakers : std::vector<BreakerRow>{};
}

std::map<std::string, int> MemoryStore::count_states(std::string_view id) {
  std::lock_guard lock(mutex_);
  std::map<std::string, int> counts;
  if (Run* run = find(id)) {
    for (const auto& record : run->tasks) ++counts[record.row.state];
  }
  return counts;
}

void MemoryStore::end_run(std::string_view id, const std::string& status, Millis ended) {
  std::lock_guard lock(mutex_);
  if (Run* run = find(id)) {
    run->row.status = status;
    run->row.ended = ended;
    run->row.pid = 0;
  }
}

bool MemoryStore::give_verdict(std::string_view id, const VerdictRow& verdict) {
  std::lock_guard lock(mutex_);
  Run* run = find(id);
  if (!run) return false;
  const auto same_gate = [&](const VerdictRow& given) { return given.path == verdict.path; };
  if (std::any_of(run->untaken.begin(), run->untaken.end(), same_gate)) return false;
  if (std::any_of(run->taken.begin(), run->taken.end(), same_gate)) {
    // Taken: replaced only if its gate waits again (after a resume), not once it is decided.
    auto it = run->task_index.find(verdict.path);
    if (it != run->task_index.end() && !gate_undecided(run->tasks[it->second].row.state)) {
      return false;
    }
    std::erase_if(run->taken, same_gate);
  }
  run->untaken.push_back(verdict);
  return true;
}

std::vector<VerdictRow> MemoryStore::untaken_verdicts(std::string_view id) {
  std::lock_guard lock(mutex_);
  Run* run = find(id);
  return run ? run->untaken : std::vector<VerdictRow>{};
}

void MemoryStore::take_verdict(std::string_view id, const std::string& path) {
  std::lock_guard lock(mutex_);
  Run* run = find(id);
  if (!run) return;
  auto it = std::find_if(run->untaken.begin(), run->untaken.end(),
                         [&](const VerdictRow& given) { return given.path == path; });
  if (it == run->untaken.end()) return;
  run->taken.push_back(std::move(*it));
  run->untaken.erase(it);
}

std::vector<std::pair<std::string, Millis>> MemoryStore::typical_durations(std::string_view,
                                                                           Millis) {
  return {};  // A memory store holds one process's runs: no history worth the name.
}

}  // namespace baton::store
