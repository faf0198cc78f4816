// Several commits merged into one store write: a row per task and per attempt, and the store
// left exactly as the batches written one after the other leave it.
#include "store/merged_batch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store_rows.hpp"

namespace baton::store {
namespace {

using ::testing::ElementsAre;
using namespace test_rows;

// A run's turns as the recorder commits them: tasks become ready, start, fail and retry, an
// instance with its item, outputs, a breaker, and the run's end.
std::vector<Batch> turns() {
  std::vector<Batch> batches(4);
  auto shard = task_row("shards[1]", "ready");
  shard.item = "eu-west";
  shard.item_index = 1;
  batches[0].tasks = {task_row("build", "ready"), shard};

  batches[1].tasks = {task_row("build", "running"), task_row("shards[1]", "running")};
  batches[1].attempts = {attempt_row("build", 1, 100, 0, -1),
                         attempt_row("shards[1]", 1, 110, 0, -1)};

  auto retrying = task_row("build", "retrying");
  retrying.reason = "exit 2";
  auto build_failed = attempt_row("build", 1, 100, 200, 2);
  build_failed.decision = "retry in 1s (attempt 2 of 3)";
  auto shard_done = task_row("shards[1]", "succeeded");
  shard_done.item = "a later item is not written over the first";
  batches[2].tasks = {retrying, shard_done, task_row("notify", "ready")};
  batches[2].attempts = {build_failed, attempt_row("shards[1]", 1, 110, 300, 0)};
  batches[2].outputs = {{"shards[1]", {{"region", "eu-west"}}}};
  batches[2].breakers = {{"db", "closed", "open", "3 failures", 250}};

  batches[3].tasks = {task_row("build", "succeeded")};
  batches[3].attempts = {attempt_row("build", 2, 1200, 1300, 0),
                         attempt_row("build", 1, 2000, 2100, 0, StepKind::kCompensation)};
  batches[3].outputs = {{"shards[1]", {{"region", "eu-central"}}}};
  batches[3].breakers = {{"db", "open", "half_open", "cool-down over", 1250}};
  auto ended = run_row("r", 1000);
  ended.status = "succeeded";
  ended.ended = 2200;
  batches[3].run = ended;
  for (std::size_t i = 0; i < batches.size(); ++i) batches[i].journal_seq = 10 + i;
  return batches;
}

std::vector<std::string> everything(Store& store) {
  std::vector<std::string> out = dump_records(store.tasks("r"));
  for (const BreakerRow& b : store.breakers("r")) out.push_back(dump(b));
  auto run = store.find_run("r");
  out.push_back(run ? dump(*run) : "no run");
  return out;
}

TEST(StoreMergedBatch, LeavesTheStoreAsTheBatchesWrittenOneAfterTheOther) {
  StoreFile one_by_one, merged_file;
  auto each = one_by_one.open();
  auto merged = merged_file.open();
  each->create_run(run_row("r", 1000));
  merged->create_run(run_row("r", 1000));

  MergedBatch batches;
  for (Batch& batch : turns()) {
    each->write(batch);
    batches.add(std::move(batch));
  }
  EXPECT_EQ(batches.journal_seq(), 13);
  merged->write(batches.take());

  EXPECT_EQ(everything(*merged), everything(*each));
  EXPECT_THAT(paths_of(merged->tasks("r")), ElementsAre("build", "shards[1]", "notify"))
      << "tasks keep the order they were first written in";
}

TEST(StoreMergedBatch, HoldsOneRowPerTaskAndPerAttempt) {
  MergedBatch batches;
  for (Batch& batch : turns()) batches.add(std::move(batch));
  Batch batch = batches.take();

  ASSERT_EQ(batch.tasks.size(), 3u);
  EXPECT_EQ(batch.tasks[0].state, "succeeded");
  EXPECT_EQ(batch.tasks[1].state, "succeeded");
  EXPECT_EQ(batch.tasks[1].item, "eu-west") << "an instance's item is the one first written";
  EXPECT_EQ(batch.tasks[2].state, "ready");
  std::vector<std::string> attempts;
  for (const AttemptRow& a : batch.attempts) {
    attempts.push_back(a.path + " " + std::to_string(static_cast<int>(a.step)) + "/" +
                       std::to_string(a.number) + " end " + std::to_string(a.end));
  }
  EXPECT_THAT(attempts, ElementsAre("build 0/1 end 200", "shards[1] 0/1 end 300",
                                    "build 0/2 end 1300", "build 1/1 end 2100"));
  EXPECT_EQ(batch.outputs.size(), 2u) << "outputs and breakers are kept as they came";
  EXPECT_EQ(batch.breakers.size(), 2u);
  ASSERT_TRUE(batch.run.has_value());
  EXPECT_EQ(batch.run->status, "succeeded");
}

TEST(StoreMergedBatch, StartsAgainOnceTaken) {
  MergedBatch batches;
  batches.add(std::move(turns()[0]));
  EXPECT_EQ(batches.take().tasks.size(), 2u);
  EXPECT_EQ(batches.journal_seq(), 0) << "nothing added since";
  EXPECT_TRUE(batches.take().empty());

  Batch again;
  again.tasks = {task_row("build", "running")};
  batches.add(std::move(again));
  Batch batch = batches.take();
  ASSERT_EQ(batch.tasks.size(), 1u) << "a row taken before is not merged into";
  EXPECT_EQ(batch.tasks[0].state, "running");
}

}  // namespace
}  // namespace baton::store
