// The threads that run callables: a fixed set, one shared queue. Each job is a whole attempt
// (a callable runs from start to end on one thread), so the queue is touched twice per attempt
// and a simple mutex is no bottleneck next to what the scheduler does per attempt.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace baton::lib {

class WorkerPool {
 public:
  /// Starts `threads` threads (at least one), every signal blocked in them: signals meant for
  /// the run (SIGINT, SIGTERM, SIGCHLD) must reach the engine's thread.
  explicit WorkerPool(int threads);
  /// Runs the jobs already queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> job);

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace baton::lib
