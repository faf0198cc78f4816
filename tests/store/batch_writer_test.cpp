// The store's writer thread: every batch written once, in the order handed over, off the caller's
// thread; busy while it writes; a failure thrown back to the caller; nothing handed over lost
// when it stops.
#include "store/batch_writer.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace baton::store {
namespace {

Batch numbered(std::int64_t n) {
  Batch batch;
  batch.journal_seq = n;
  return batch;
}

// What a writer's thread wrote, seen from the test's thread.
struct Written {
  std::mutex mutex;
  std::vector<std::int64_t> numbers;
  std::vector<std::thread::id> threads;

  void add(const Batch& batch) {
    std::lock_guard lock(mutex);
    numbers.push_back(batch.journal_seq);
    threads.push_back(std::this_thread::get_id());
  }
};

TEST(BatchWriter, WritesEachBatchOnceInTheOrderHandedOverOnAThreadOfItsOwn) {
  Written written;
  BatchWriter writer([&](Batch batch) { written.add(batch); });
  for (std::int64_t n = 1; n <= 5; ++n) {
    writer.wait();  // hand_over() takes one batch at a time.
    writer.hand_over(numbered(n));
  }
  writer.wait();
  EXPECT_FALSE(writer.busy());
  std::lock_guard lock(written.mutex);
  EXPECT_EQ(written.numbers, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  for (auto id : written.threads) {
    EXPECT_NE(id, std::this_thread::get_id()) << "a batch was written on the caller's thread";
    EXPECT_EQ(id, written.threads.front()) << "one thread writes them all";
  }
}

// A process-directed signal goes to any thread that does not block it: the run's loop reads
// SIGINT, SIGTERM and SIGCHLD from a signalfd, which sees them only if every thread blocks them.
TEST(BatchWriter, ItsThreadTakesNoSignal) {
  std::vector<int> unblocked;
  BatchWriter writer([&](Batch) {
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGPIPE}) {
      if (!sigismember(&mask, signal)) unblocked.push_back(signal);
    }
  });
  writer.hand_over(numbered(1));
  writer.wait();
  EXPECT_TRUE(unblocked.empty()) << "signal " << unblocked.front() << " may reach the thread";
  sigset_t mine;
  pthread_sigmask(SIG_BLOCK, nullptr, &mine);
  EXPECT_FALSE(sigismember(&mine, SIGUSR2)) << "the caller's mask was not restored";
}

TEST(BatchWriter, IsBusyUntilTheBatchInHandIsWritten) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> writing;
  BatchWriter writer([&](Batch) {
    writing.set_value();
    released.wait();
  });
  writer.hand_over(numbered(1));
  EXPECT_TRUE(writer.busy()) << "handed over, not written yet";
  writing.get_future().wait();
  EXPECT_TRUE(writer.busy()) << "being written";
  release.set_value();
  writer.wait();
  EXPECT_FALSE(writer.busy());
}

TEST(BatchWriter, AFailedWriteIsThrownToTheCallerOnce) {
  BatchWriter writer([](Batch batch) {
    if (batch.journal_seq == 2) throw std::runtime_error("disk full");
  });
  writer.hand_over(numbered(1));
  EXPECT_NO_THROW(writer.wait());
  writer.hand_over(numbered(2));
  EXPECT_THROW(writer.wait(), std::runtime_error);
  EXPECT_NO_THROW(writer.wait()) << "thrown once, as the run stops on it";
  EXPECT_NO_THROW(writer.check());
}

TEST(BatchWriter, CheckThrowsAFailureKnownByNowWithoutWaiting) {
  std::promise<void> failed;
  BatchWriter writer([&](Batch) {
    failed.set_value();
    throw std::runtime_error("disk full");
  });
  EXPECT_NO_THROW(writer.check()) << "nothing written yet";
  writer.hand_over(numbered(1));
  failed.get_future().wait();
  // The failure is recorded just after the write throws: check() sees it within moments.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool thrown = false;
  while (!thrown && std::chrono::steady_clock::now() < give_up) {
    try {
      writer.check();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "disk full");
      thrown = true;
    }
  }
  EXPECT_TRUE(thrown);
}

TEST(BatchWriter, AFailureIsThrownByTheNextHandOverWhichThenTakesNothing) {
  Written written;
  BatchWriter writer([&](Batch batch) {
    if (batch.journal_seq == 1) throw std::runtime_error("disk full");
    written.add(batch);
  });
  writer.hand_over(numbered(1));
  while (writer.busy()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_THROW(writer.hand_over(numbered(2)), std::runtime_error);
  writer.wait();
  std::lock_guard lock(written.mutex);
  EXPECT_TRUE(written.numbers.empty()) << "the batch of a failed hand-over was written";
}

TEST(BatchWriter, StoppingWritesTheBatchInHandFirst) {
  Written written;
  {
    BatchWriter writer([&](Batch batch) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      written.add(batch);
    });
    writer.hand_over(numbered(7));
  }
  std::lock_guard lock(written.mutex);
  EXPECT_EQ(written.numbers, std::vector<std::int64_t>{7});
}

TEST(BatchWriter, StopsAtOnceWhenNothingWasEverHandedOver) {
  bool called = false;
  {
    BatchWriter writer([&](Batch) { called = true; });
  }
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace baton::store
