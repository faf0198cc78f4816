// The tasks of one run as its committed batches left them in the store, kept in memory by the
// process that wrote them: the rows Store::tasks() would read back, so that the report at the
// end of a run needs no reading back (for 10,000 tasks that read took ~30 ms of the end of a
// run). Batches are applied with the store's own rules (store/sqlite/sqlite_store.cpp).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"

namespace baton::store {

class CommittedTasks {
 public:
  /// `earlier`: what the store held before this process wrote (a resumed run's first sessions).
  explicit CommittedTasks(std::vector<TaskRecord> earlier = {});

  /// Applies a batch the store has committed: a task row is added on its first write (which
  /// fixes its place) and later changes its state, reason, flags and attempt base, not its
  /// item; an attempt row replaces the one of its number; outputs are set key by key.
  void apply(Batch batch);

  /// Every task, in the order of its first write; the object is empty afterwards.
  std::vector<TaskRecord> take();

 private:
  TaskRecord* find(const std::string& path);

  std::vector<TaskRecord> tasks_;
  std::unordered_map<std::string, std::size_t> by_path_;
};

}  // namespace baton::store
