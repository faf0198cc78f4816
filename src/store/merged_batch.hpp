// Several commits' batches as one store write, with a row per task and per attempt: every row
// the store writes is an upsert, so of a task's or an attempt's rows in one transaction only the
// last counts. A task that became ready, started and succeeded between two store writes is one
// task row and one attempt row there, not three and two; the run's journal still holds every
// commit.
#pragma once

#include <cstdint>

#include "store/records.hpp"

namespace baton::store {

class MergedBatch {
 public:
  /// Adds a later batch's rows: written as one, the two leave the store as they would one after
  /// the other. Cheap (rows are only moved): merging waits for take(), off a commit's path.
  void add(Batch&& later);
  /// The journal record of the latest batch added (Batch::journal_seq); 0 if none.
  std::int64_t journal_seq() const { return batch_.journal_seq; }
  /// The rows added since the last take(), merged: tasks in the order they were first added,
  /// each with its last row (but the item an instance was first written with, as the store
  /// keeps it), each attempt's last row, outputs and breaker transitions as they came.
  Batch take();

 private:
  Batch batch_;
};

}  // namespace baton::store
