// The run's journal on real files (SPEC 4's write-ahead): records come back numbered, a record
// cut short or damaged ends what is read, a living writer's journal is left alone, and a store
// brings in what a dead writer left exactly once (store/run_journal, Store::recover).
#include "store/run_journal.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/store_rows.hpp"

namespace baton::store {
namespace {

using namespace test_rows;
namespace fs = std::filesystem;
using ::testing::ElementsAre;

Batch tasks_batch(std::vector<TaskRow> tasks) {
  Batch batch;
  batch.tasks = std::move(tasks);
  return batch;
}

std::vector<std::int64_t> numbers(const std::vector<JournalRecord>& records) {
  std::vector<std::int64_t> out;
  for (const auto& r : records) out.push_back(r.number);
  return out;
}

TEST(StoreRunJournal, RecordsComeBackInOrderNumberedFromTheFirst) {
  TempDir dir;
  auto path = dir.path() / "journal";
  {
    RunJournal journal(path, 41, /*sync_each=*/false);
    EXPECT_EQ(journal.append(tasks_batch({task_row("a", "succeeded")})), 41);
    EXPECT_EQ(journal.append(tasks_batch({task_row("b", "running")})), 42);
  }
  auto records = read_journal(path);
  EXPECT_THAT(numbers(records), ElementsAre(41, 42));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(dump_all(records[1].batch.tasks), dump_all(std::vector{task_row("b", "running")}));
}

TEST(StoreRunJournal, ARecordCutShortOrDamagedEndsWhatIsRead) {
  TempDir dir;
  auto path = dir.path() / "journal";
  {
    RunJournal journal(path, 1, /*sync_each=*/true);
    for (const char* task : {"a", "b", "c"}) journal.append(tasks_batch({task_row(task, "x")}));
  }
  const auto size = fs::file_size(path);
  fs::resize_file(path, size - 3);  // A crash in the middle of the last write.
  EXPECT_THAT(numbers(read_journal(path)), ElementsAre(1, 2));

  {  // A power cut: the middle record's bytes are not what was written.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 2));
    file.put('\x5a');
  }
  EXPECT_THAT(numbers(read_journal(path)), ElementsAre(1));
}

TEST(StoreRunJournal, AJournalStartsOverOnceTheStoreHoldsALargeOne) {
  TempDir dir;
  auto path = dir.path() / "journal";
  RunJournal journal(path, 1, /*sync_each=*/false);
  TaskRow big = task_row("big", "succeeded");
  big.reason = std::string(4096, 'r');
  journal.append(tasks_batch({big}));
  journal.all_applied();
  EXPECT_GT(fs::file_size(path), 4096u) << "a small journal is kept: truncating costs a syscall";
  std::int64_t last = 0;
  while (fs::file_size(path) < RunJournal::kRestartBytes) last = journal.append(tasks_batch({big}));
  journal.all_applied();
  EXPECT_EQ(fs::file_size(path), 0u);
  EXPECT_THAT(numbers(read_journal(path)), ::testing::IsEmpty());
  journal.append(tasks_batch({task_row("after", "running")}));
  EXPECT_THAT(numbers(read_journal(path)), ElementsAre(last + 1));
}

TEST(StoreRunJournal, AJournalHeldByALivingWriterIsNotTakenForAbandoned) {
  TempDir dir;
  auto path = dir.path() / "journal";
  auto journal = std::make_unique<RunJournal>(path, 1, false);
  journal->append(tasks_batch({task_row("a", "succeeded")}));
  auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(AbandonedJournal::open(path, std::chrono::milliseconds(30)).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(30))
      << "it waits its patience out for a lock that may be let go";
  journal.reset();  // The writer dies: the kernel drops its lock.
  auto abandoned = AbandonedJournal::open(path, std::chrono::milliseconds(0));
  ASSERT_TRUE(abandoned.has_value());
  EXPECT_THAT(numbers(abandoned->records()), ElementsAre(1));
  EXPECT_FALSE(AbandonedJournal::open(path, std::chrono::milliseconds(0)).has_value())
      << "one reader at a time";
  abandoned->remove();
  EXPECT_FALSE(fs::exists(path));
}

TEST(StoreRunJournal, ALockLetGoWithinThePatienceIsWaitedFor) {
  // A baton that died while starting a child: the child holds the journal until it execs.
  TempDir dir;
  auto path = dir.path() / "journal";
  auto journal = std::make_unique<RunJournal>(path, 1, false);
  journal->append(tasks_batch({task_row("a", "succeeded")}));
  std::thread child([&journal] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    journal.reset();
  });
  auto abandoned = AbandonedJournal::open(path, std::chrono::seconds(10));
  child.join();
  ASSERT_TRUE(abandoned.has_value());
  EXPECT_THAT(numbers(abandoned->records()), ElementsAre(1));
}

TEST(StoreRunJournal, AJournalHeldByAnotherProcessIsAnErrorAfterAWhileNotAHang) {
  // A reader stopped (Ctrl-Z) while it held the journal of a run being resumed.
  TempDir dir;
  auto path = dir.path() / "journal";
  { RunJournal earlier(path, 1, false); }
  auto reader = AbandonedJournal::open(path, std::chrono::milliseconds(0));
  ASSERT_TRUE(reader.has_value());
  EXPECT_THAT([&] { RunJournal journal(path, 2, false); },
              ::testing::ThrowsMessage<std::runtime_error>(::testing::HasSubstr(
                  "cannot lock the journal " + path.string() + ": Device or resource busy")));
}

TEST(StoreRunJournal, AJournalThatCannotBeCreatedIsAnErrorNamingIt) {
  TempDir dir;
  auto path = dir.path() / "missing-folder" / "journal";
  EXPECT_THAT([&] { RunJournal journal(path, 1, false); },
              ::testing::ThrowsMessage<std::runtime_error>(::testing::HasSubstr(
                  "cannot create the journal " + path.string() + ": No such file or directory")));
}

// ---------------------------------------------------------------------------------------------
// Recovery through the SQLite store

struct CrashedRun {
  StoreFile file;
  RunRow run = run_row("20261127-000000-aaaa", 1'700'000'000'000);
  fs::path journal_path = fs::path(file.state()) / "runs" / run.id / "journal";

  // A writer that committed `a` (in the store too) and then `b` (in the journal only), each
  // with a breaker transition, and died before the store got `b`.
  CrashedRun() { crash(); }

  void crash() {
    auto store = file.open();
    store->create_run(run);
    auto journal = store->open_journal();
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->path(), journal_path);
    Batch a = tasks_batch({task_row("a", "succeeded")});
    a.breakers = {{"db", "closed", "open", "first", 1}};
    a.journal_seq = journal->append(a);
    store->write(a);
    Batch b = tasks_batch({task_row("b", "succeeded")});
    b.attempts = {attempt_row("b", 1, 10, 20, 0)};
    b.breakers = {{"db", "open", "half_open", "second", 2}};
    journal->append(b);
    ASSERT_EQ(store->tasks(run.id).size(), 1u);
  }
};

TEST(StoreRecovery, WhatADeadWriterLeftInItsJournalIsBroughtInOnce) {
  CrashedRun crashed;
  auto reader = crashed.file.open();  // Another process: `baton status`, `baton resume`.
  reader->recover(crashed.run.id);
  auto tasks = reader->tasks(crashed.run.id);
  EXPECT_EQ(paths_of(tasks), (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1].row.state, "succeeded");
  EXPECT_EQ(dump_all(tasks[1].attempts), dump_all(std::vector{attempt_row("b", 1, 10, 20, 0)}));
  EXPECT_EQ(reader->breakers(crashed.run.id).size(), 2u)
      << "the record the store already held is not written twice";
  EXPECT_FALSE(fs::exists(crashed.journal_path));
  reader->recover(crashed.run.id);  // Nothing left to do.
  EXPECT_EQ(reader->breakers(crashed.run.id).size(), 2u);
}

TEST(StoreRecovery, AJournalWhoseRecordsTheStoreHoldsAddsNothing) {
  // A crash after the store's transaction and before the journal went: the mark skips it all.
  CrashedRun crashed;
  std::vector<JournalRecord> records = read_journal(crashed.journal_path);
  ASSERT_EQ(records.size(), 2u);
  {
    auto reader = crashed.file.open();
    reader->recover(crashed.run.id);
  }
  // The same two records again, as if the file had not gone.
  {
    RunJournal again(crashed.journal_path, 1, false);
    for (const auto& r : records) again.append(r.batch);
  }
  auto reader = crashed.file.open();
  reader->recover(crashed.run.id);
  EXPECT_EQ(reader->breakers(crashed.run.id).size(), 2u);
  EXPECT_EQ(reader->tasks(crashed.run.id).size(), 2u);
  EXPECT_FALSE(fs::exists(crashed.journal_path));
}

TEST(StoreRecovery, ALivingRunsJournalIsLeftToIt) {
  StoreFile file;
  RunRow run = run_row("20261127-000000-bbbb", 1'700'000'000'000);
  auto writer = file.open();
  writer->create_run(run);
  auto journal = writer->open_journal();
  journal->append(tasks_batch({task_row("a", "succeeded")}));
  auto reader = file.open();
  reader->recover(run.id);
  EXPECT_TRUE(reader->tasks(run.id).empty());
  EXPECT_TRUE(fs::exists(journal->path()));
}

TEST(StoreRecovery, ANewSessionNumbersItsRecordsAfterWhatTheStoreHolds) {
  // resume: the store holds records up to 2; the new session's journal must not reuse 1 and 2,
  // or a crash of it would have them skipped.
  CrashedRun crashed;
  auto store = crashed.file.open();
  store->recover(crashed.run.id);
  ASSERT_TRUE(store->claim_run(crashed.run, crashed.run));
  auto journal = store->open_journal();
  EXPECT_EQ(journal->append(tasks_batch({task_row("c", "succeeded")})), 3);
}

}  // namespace
}  // namespace baton::store
