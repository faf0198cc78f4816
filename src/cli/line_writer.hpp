// Lines for stderr written by a thread of their own, so that the run's loop never waits for the
// reader. A pipe nobody reads (`baton run … 2>&1 | slow-consumer`) held the loop in write(2),
// and with it every timeout, signal and `baton cancel`, until the reader drained it.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace baton::cli {

/// Writes all of `text` to `fd`, again after EINTR; false on an error (EPIPE once the reader is
/// gone, ENOSPC, …).
bool write_all(int fd, std::string_view text);

class LineWriter {
 public:
  /// What may wait for the reader by default; lines beyond it are dropped and counted.
  static constexpr std::size_t kMaxQueued = 64 << 20;

  explicit LineWriter(int fd = STDERR_FILENO, std::size_t max_queued = kMaxQueued);
  /// Writes what is queued, then stops.
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  /// Queues `text` to be written as it is. Never waits for the reader. Once a write failed (the
  /// reader went away, a full disk), what follows is discarded.
  void write(std::string_view text);
  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    write(fmt::format(format, std::forward<Args>(args)...));
  }
  /// Returns once everything queued so far is written, or writing failed.
  void flush();
  /// How many writes were dropped because `max_queued` bytes were waiting.
  std::size_t dropped() const;

 private:
  void run();

  const int fd_;
  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, drained_;
  std::string queued_;    // Guarded by mutex_, as the flags below.
  bool writing_ = false;  // The thread is writing what it took from queued_.
  bool stopping_ = false;
  bool failed_ = false;
  std::size_t dropped_ = 0;
  std::thread thread_;  // Last: started once the rest is there.
};

}  // namespace baton::cli
