// CommittedTasks: the batches a run commits, kept in memory, read as the SQLite store reads the
// same batches back.
#include "store/committed_tasks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store_rows.hpp"

namespace baton::store {
namespace {

using namespace test_rows;

TEST(CommittedTasks, HoldWhatTheStoreReadsBackAfterTheSameBatches) {
  StoreFile file;
  auto store = file.open();
  RunRow run = run_row("r", 1000);
  store->create_run(run);

  Batch first;  // A resumed run's earlier session, written before this process kept anything.
  first.tasks = {task_row("early", "succeeded")};
  first.attempts = {attempt_row("early", 1, 10, 20, 0)};
  store->write(first);
  CommittedTasks kept(store->tasks("r"));

  std::vector<Batch> batches(3);
  TaskRow shard = task_row("shards[1]", "running");
  shard.item = "b";
  shard.item_index = 1;
  batches[0].tasks = {task_row("a", "ready"), shard};
  batches[0].attempts = {attempt_row("shards[1]", 1, 100, 0, -1)};
  shard.state = "failed";
  shard.reason = "exit 3";
  shard.item = "changed";  // Not how an item changes; the store keeps the first one all the same.
  batches[1].tasks = {task_row("a", "running"), shard, task_row("b", "succeeded")};
  batches[1].attempts = {attempt_row("shards[1]", 2, 150, 160, 3),
                         attempt_row("shards[1]", 1, 100, 120, 3),  // Written again, ended.
                         attempt_row("a", 1, 130, 0, -1),
                         attempt_row("b", 1, 131, 140, 0, StepKind::kCompensation),
                         attempt_row("nowhere", 1, 1, 2, 0)};  // No task row: never read back.
  batches[1].outputs = {{"b", {{"k", "1"}, {"z", "last"}}}};
  TaskRow ignored = task_row("a", "failed");
  ignored.failure_ignored = true;
  ignored.attempt_base = 1;
  batches[2].tasks = {ignored};
  batches[2].outputs = {{"b", {{"k", "2"}}}, {"nowhere", {{"x", "y"}}}};
  for (const auto& batch : batches) {
    store->write(batch);
    kept.apply(batch);
  }
  EXPECT_EQ(dump_records(kept.take()), dump_records(store->tasks("r")));
}

}  // namespace
}  // namespace baton::store
