#include "store/merged_batch.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace baton::store {

void MergedBatch::add(Batch&& later) {
  batch_.tasks.reserve(batch_.tasks.size() + later.tasks.size());
  for (TaskRow& row : later.tasks) add_task(std::move(row));
  for (AttemptRow& row : later.attempts) add_attempt(std::move(row));
  const auto move_all = [](auto& into, auto& from) {
    into.insert(into.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
  };
  move_all(batch_.outputs, later.outputs);
  move_all(batch_.breakers, later.breakers);
  if (later.run) batch_.run = std::move(later.run);
  batch_.journal_seq = std::max(batch_.journal_seq, later.journal_seq);
}

void MergedBatch::add_task(TaskRow&& row) {
  RowsOf& rows = rows_of_[row.path];
  if (rows.task == RowsOf::kNone) {
    rows.task = batch_.tasks.size();
    batch_.tasks.push_back(std::move(row));
    return;
  }
  update_task_row(batch_.tasks[rows.task], std::move(row));
}

void MergedBatch::add_attempt(AttemptRow&& row) {
  RowsOf& rows = rows_of_[row.path];
  for (const RowsOf::Attempt& attempt : rows.attempts) {
    if (attempt.step == row.step && attempt.number == row.number) {
      batch_.attempts[attempt.at] = std::move(row);  // The store replaces an attempt's row.
      return;
    }
  }
  rows.attempts.push_back({row.step, row.number, batch_.attempts.size()});
  batch_.attempts.push_back(std::move(row));
}

Batch MergedBatch::take() {
  rows_of_.clear();
  return std::exchange(batch_, Batch{});
}

}  // namespace baton::store
