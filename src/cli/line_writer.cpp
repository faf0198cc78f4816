#include "cli/line_writer.hpp"

#include <cerrno>

#include "exec/signals_blocked.hpp"

namespace baton::cli {

bool write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

LineWriter::LineWriter(int fd, std::size_t max_queued) : fd_(fd), max_queued_(max_queued) {
  // The run's loop reads its signals from a signalfd, which sees them only if every thread
  // blocks them.
  exec::AllSignalsBlocked for_the_thread;
  thread_ = std::thread([this] { run(); });
}

LineWriter::~LineWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LineWriter::write(std::string_view text) {
  {
    std::lock_guard lock(mutex_);
    if (failed_) return;
    if (queued_.size() + text.size() > max_queued_) {
      ++dropped_;
      return;
    }
    queued_ += text;
  }
  wake_.notify_one();
}

void LineWriter::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return (queued_.empty() && !writing_) || failed_; });
}

std::size_t LineWriter::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void LineWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) return;  // Stopping, and everything is written.
    std::string batch;
    batch.swap(queued_);
    writing_ = true;
    lock.unlock();
    const bool written = write_all(fd_, batch);
    lock.lock();
    writing_ = false;
    if (!written) {
      failed_ = true;
      queued_.clear();
    }
    drained_.notify_all();
  }
}

}  // namespace baton::cli
