#include "store/committed_tasks.hpp"

#include <algorithm>
#include <utility>

namespace baton::store {

CommittedTasks::CommittedTasks(std::vector<TaskRecord> earlier) : tasks_(std::move(earlier)) {
  for (std::size_t i = 0; i < tasks_.size(); ++i) by_path_.emplace(tasks_[i].row.path, i);
}

TaskRecord* CommittedTasks::find(const std::string& path) {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &tasks_[it->second];
}

void CommittedTasks::apply(Batch batch) {
  for (auto& row : batch.tasks) {
    TaskRecord* task = find(row.path);
    if (!task) {
      by_path_.emplace(row.path, tasks_.size());
      tasks_.emplace_back().row = std::move(row);
      continue;
    }
    update_task_row(task->row, std::move(row));
  }
  // Rows of a task with no task row are not read back by the store either.
  for (auto& attempt : batch.attempts) {
    TaskRecord* task = find(attempt.path);
    if (!task) continue;
    auto& rows = task->rows_of(attempt.step);
    auto at = std::lower_bound(rows.begin(), rows.end(), attempt.number,
                               [](const AttemptRow& row, int n) { return row.number < n; });
    if (at != rows.end() && at->number == attempt.number) {
      *at = std::move(attempt);
    } else {
      rows.insert(at, std::move(attempt));
    }
  }
  for (auto& [path, outputs] : batch.outputs) {
    if (TaskRecord* task = find(path)) {
      for (auto& [key, value] : outputs) task->outputs.insert_or_assign(key, std::move(value));
    }
  }
}

std::vector<TaskRecord> CommittedTasks::take() {
  by_path_.clear();
  return std::exchange(tasks_, {});
}

}  // namespace baton::store
