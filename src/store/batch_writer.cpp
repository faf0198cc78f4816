#include "store/batch_writer.hpp"

#include <stdexcept>
#include <utility>

#include "exec/signals_blocked.hpp"

namespace baton::store {

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool BatchWriter::busy() {
  std::lock_guard lock(mutex_);
  return next_.has_value() || writing_;
}

void BatchWriter::hand_over(Batch batch) {
  {
    std::lock_guard lock(mutex_);
    rethrow_failure();
    if (next_) throw std::logic_error("BatchWriter::hand_over: the last batch is not taken yet");
    next_ = std::move(batch);
  }
  if (thread_.joinable()) {
    changed_.notify_all();
    return;
  }
  exec::AllSignalsBlocked for_the_thread;
  thread_ = std::thread([this] { work(); });
}

void BatchWriter::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !next_ && !writing_; });
  rethrow_failure();
}

void BatchWriter::check() {
  if (!failed_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  rethrow_failure();
}

void BatchWriter::rethrow_failure() {
  if (!failure_) return;
  failed_ = false;
  std::rethrow_exception(std::exchange(failure_, nullptr));
}

void BatchWriter::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return next_ || stopping_; });
    if (!next_) return;  // Stopping, with nothing left to write.
    Batch batch = std::move(*next_);
    next_.reset();
    writing_ = true;
    lock.unlock();
    std::exception_ptr failure;
    try {
      write_(std::move(batch));
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    writing_ = false;
    if (failure) {
      failure_ = failure;
      failed_.store(true, std::memory_order_release);
    }
    changed_.notify_all();
  }
}

}  // namespace baton::store
