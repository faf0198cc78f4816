// A Batch through the journal's byte layout: every field comes back, and bytes cut short or
// damaged are refused rather than read as a smaller batch.
#include "store/batch_codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "store/store_rows.hpp"

namespace baton::store {
namespace {

using namespace test_rows;

Batch full_batch() {
  Batch batch;
  TaskRow task = task_row("deploy[2].push", "failed");
  task.reason = "exit 3 ✗";
  task.failure_ignored = true;
  task.skipped_upstream_failed = true;
  task.item = "eu-west";
  task.item_index = 2;
  task.attempt_base = 5;
  batch.tasks = {task, task_row("build", "succeeded")};
  AttemptRow attempt = attempt_row("deploy[2].push", 7, 1'700'000'000'123, 1'700'000'001'456, 3,
                                   StepKind::kCompensation);
  attempt.signal = 15;
  attempt.timed_out = true;
  attempt.error = "timed out";
  attempt.decision = "retry in 2s";
  batch.attempts = {attempt, attempt_row("build", 1, 10, 20, 0, StepKind::kWait)};
  batch.outputs = {{"build", {{"version", "1.2.3"}, {"notes", std::string("a\0b\nc", 5)}}},
                   {"empty", {}}};
  batch.breakers = {{"db", "closed", "open", "3 failures", 1'700'000'000'999}};
  RunRow run = run_row("20261127-000000-abcd", 1'700'000'000'000);
  run.overrides = {"env.CI=1", "concurrency=8"};
  run.ended = 1'700'000'009'000;
  batch.run = run;
  return batch;
}

TEST(StoreBatchCodec, EveryFieldComesBack) {
  Batch batch = full_batch();
  std::string bytes;
  encode(batch, bytes);
  auto back = decode(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(dump_all(back->tasks), dump_all(batch.tasks));
  EXPECT_EQ(dump_all(back->attempts), dump_all(batch.attempts));
  EXPECT_EQ(back->outputs, batch.outputs);
  EXPECT_EQ(dump_all(back->breakers), dump_all(batch.breakers));
  ASSERT_TRUE(back->run.has_value());
  EXPECT_EQ(dump(*back->run), dump(*batch.run));
}

TEST(StoreBatchCodec, AnEmptyBatchComesBackEmpty) {
  std::string bytes;
  encode(Batch{}, bytes);
  auto back = decode(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->empty());
}

TEST(StoreBatchCodec, BytesCutShortAreRefusedAtEveryLength) {
  std::string bytes;
  encode(full_batch(), bytes);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(decode(std::string_view(bytes).substr(0, size)).has_value()) << size;
  }
  EXPECT_FALSE(decode(bytes + "x").has_value()) << "trailing bytes";
}

TEST(StoreBatchCodec, AHugeCountIsRefusedWithoutAllocatingIt) {
  std::string bytes(8, '\xff');  // The task count: -1, or 2^64 - 1.
  bytes[7] = '\x7f';             // 2^63 - 1 tasks.
  EXPECT_FALSE(decode(bytes).has_value());
}

}  // namespace
}  // namespace baton::store
