// Several commits' batches as one, with a row per task and per attempt: every row the store
// writes is an upsert, so of a task's or an attempt's rows in one transaction only the last
// counts. A task that became ready, started and succeeded within one store write is one task row
// and one attempt row there, not three and two; the run's journal still holds every commit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"

namespace baton::store {

class MergedBatch {
 public:
  /// Adds a later batch's rows: written as one, the two leave the store as they would one after
  /// the other. Outputs and breaker transitions are kept as they come; the last run row wins.
  void add(Batch&& later);
  /// The journal record of the latest batch added (Batch::journal_seq); 0 if none.
  std::int64_t journal_seq() const { return batch_.journal_seq; }
  bool empty() const { return batch_.empty() && batch_.journal_seq == 0; }
  /// The merged batch; this one is empty again.
  Batch take();

 private:
  /// Where a task's rows are in batch_: its task row and its attempts', by kind and number.
  struct RowsOf {
    static constexpr std::size_t kNone = SIZE_MAX;
    std::size_t task = kNone;
    struct Attempt {
      StepKind step;
      int number;
      std::size_t at;
    };
    std::vector<Attempt> attempts;
  };
  void add_task(TaskRow&& row);
  void add_attempt(AttemptRow&& row);

  Batch batch_;
  std::unordered_map<std::string, RowsOf> rows_of_;  ///< By task path.
};

}  // namespace baton::store
