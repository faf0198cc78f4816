// The library's executor: callables on a worker pool, commands as processes (exec/ProcessSet),
// one wait() for both. A worker that finishes a call queues its result and writes an eventfd
// that the process set's epoll watches, so the engine's loop still never polls.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "baton/workflow.hpp"
#include "engine/executor.hpp"
#include "exec/process_set.hpp"
#include "lib/context_state.hpp"
#include "lib/worker_pool.hpp"

namespace baton::lib {

/// Asks a run to stop from another thread (RunHandle::cancel): a flag and the eventfd that
/// wakes the run's executor. Shared by the handle and the executor.
class CancelSignal {
 public:
  CancelSignal();
  ~CancelSignal();
  CancelSignal(const CancelSignal&) = delete;
  CancelSignal& operator=(const CancelSignal&) = delete;

  void request();
  bool requested() const { return requested_.load(std::memory_order_acquire); }
  /// Wakes the executor without asking it to stop (a finished call).
  void wake() const;
  /// Reads the eventfd empty.
  void drain() const;
  int fd() const { return fd_; }

 private:
  std::atomic<bool> requested_{false};
  int fd_ = -1;
};

class LocalExecutor : public engine::Executor {
 public:
  LocalExecutor(const std::vector<Callable>& callables, int threads,
                std::shared_ptr<CancelSignal> cancel);
  ~LocalExecutor() override;

  std::int64_t start(const engine::LaunchSpec& spec) override;
  void terminate(std::uint64_t id) override;
  void kill(std::uint64_t id) override;
  void terminate_all() override;
  void kill_all() override;
  void add_timer(engine::Clock::time_point when, std::uint64_t token) override;
  std::size_t running() const override;
  std::vector<engine::Event> wait(std::optional<engine::Clock::time_point> deadline) override;
  std::shared_ptr<const engine::CallResult> take_call_result(std::uint64_t id) override;

 private:
  struct Call {
    CancellationToken token;
    std::optional<engine::Clock::time_point> timeout_at;
    bool timed_out = false;
  };
  void run_call(std::uint64_t id, std::int32_t callable,
                std::shared_ptr<detail::ContextState> state);
  std::optional<engine::Clock::time_point> next_timeout() const;
  void collect(std::vector<engine::Event>& events);

  const std::vector<Callable>& callables_;
  std::shared_ptr<CancelSignal> cancel_;
  bool cancel_reported_ = false;
  exec::ProcessSet processes_;
  std::unordered_map<std::uint64_t, Call> calls_;  ///< Running, by attempt id (engine thread).
  std::mutex finished_mutex_;
  struct Finished {
    engine::AttemptExited exited;
    std::shared_ptr<const engine::CallResult> result;
  };
  std::vector<Finished> finished_;  ///< Written by workers.
  std::unordered_map<std::uint64_t, std::shared_ptr<const engine::CallResult>> results_;
  WorkerPool pool_;  ///< Last: destroyed first, while what its jobs touch still lives.
};

}  // namespace baton::lib
