// A run's commits go to the store on a thread of its own. Written by the run's loop, a store
// transaction of a few hundred rows (1–3 ms every kStoreInterval) held every slot whose task
// ended meanwhile idle until it was done: on this thread, the mean hand-off (a task's exit to
// the next fork, bench/handoff.sh) of 10,000-task runs is 8–19 µs shorter on the independent
// and layered shapes. The journal has made each commit durable already, so the store may get
// it a few milliseconds later, and nothing waits for that.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "store/records.hpp"

namespace baton::store {

/// Calls `write` with each batch it is handed, one at a time and in the order handed, on a
/// thread of its own, started with the first batch. The thread takes no signal (all are
/// blocked in it): SIGINT, SIGTERM and SIGCHLD are the run's loop's to read. What `write` uses
/// is the thread's while a batch is in hand: whoever hands batches over uses it again only after
/// wait().
class BatchWriter {
 public:
  explicit BatchWriter(std::function<void(Batch)> write) : write_(std::move(write)) {}
  /// Writes the batch in hand, if any, then stops the thread.
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  /// Whether a batch is in hand (handed over and not yet written).
  bool busy();
  /// Hands `batch` over and returns at once. Throws what writing the previous batch threw, and
  /// then does not take this one; std::logic_error if one is still waiting to be written.
  void hand_over(Batch batch);
  /// Returns once no batch is in hand. Throws what writing the last one threw.
  void wait();
  /// Throws what writing a batch threw, if that is known by now; never waits.
  void check();

 private:
  void work();
  void rethrow_failure();  ///< With mutex_ held.

  std::function<void(Batch)> write_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Batch> next_;  ///< Handed over, not taken by the thread yet.
  bool writing_ = false;       ///< The thread is writing a batch it took.
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::atomic<bool> failed_ = false;  ///< failure_ is set: check() needs no lock until then.
  std::thread thread_;
};

}  // namespace baton::store
