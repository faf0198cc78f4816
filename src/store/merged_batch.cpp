#include "store/merged_batch.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace baton::store {
namespace {

struct AttemptKey {
  std::string_view path;
  StepKind step;
  int number;
  bool operator==(const AttemptKey&) const = default;
};

struct AttemptKeyHash {
  std::size_t operator()(const AttemptKey& key) const {
    const std::size_t h = std::hash<std::string_view>{}(key.path);
    return h ^ (static_cast<std::size_t>(key.number) * 4 + static_cast<std::size_t>(key.step));
  }
};

// Rows in the order their key first came, each the last of its key's rows, or `update`d by
// them. Keys are views into `rows`, which the first pass leaves in place.
template <typename Row, typename Key, typename Hash, typename KeyOf, typename Update>
std::vector<Row> last_of_each(std::vector<Row>& rows, KeyOf key_of, Update update) {
  std::unordered_map<Key, std::size_t, Hash> first;
  first.reserve(rows.size());
  std::vector<std::size_t> into(rows.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto [at, added] = first.try_emplace(key_of(rows[i]), kept);
    into[i] = at->second;
    kept += added ? 1 : 0;
  }
  if (kept == rows.size()) return std::move(rows);
  std::vector<Row> merged;
  merged.reserve(kept);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (into[i] == merged.size()) {
      merged.push_back(std::move(rows[i]));
    } else {
      update(merged[into[i]], std::move(rows[i]));
    }
  }
  return merged;
}

}  // namespace

void MergedBatch::add(Batch&& later) {
  const auto move_all = [](auto& into, auto& from) {
    if (into.empty()) {
      into = std::move(from);
      return;
    }
    into.insert(into.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
  };
  move_all(batch_.tasks, later.tasks);
  move_all(batch_.attempts, later.attempts);
  move_all(batch_.outputs, later.outputs);
  move_all(batch_.breakers, later.breakers);
  if (later.run) batch_.run = std::move(later.run);
  batch_.journal_seq = std::max(batch_.journal_seq, later.journal_seq);
}

Batch MergedBatch::take() {
  Batch batch = std::exchange(batch_, Batch{});
  batch.tasks = last_of_each<TaskRow, std::string_view, std::hash<std::string_view>>(
      batch.tasks, [](const TaskRow& row) { return std::string_view(row.path); },
      [](TaskRow& row, TaskRow&& later) { update_task_row(row, std::move(later)); });
  batch.attempts = last_of_each<AttemptRow, AttemptKey, AttemptKeyHash>(
      batch.attempts,
      [](const AttemptRow& row) {
        return AttemptKey{row.path, row.step, row.number};
      },
      [](AttemptRow& row, AttemptRow&& later) { row = std::move(later); });
  return batch;
}

}  // namespace baton::store
