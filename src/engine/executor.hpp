// The engine's view of whatever runs attempts (Ninja's CommandRunner): processes on this machine
// (exec/ProcessSet), a worker pool, later remote workers. The scheduler owns all run state; an
// executor only starts, stops and reports.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/launch.hpp"

namespace baton::engine {

class Executor {
 public:
  virtual ~Executor() = default;

  /// Starts an attempt; never blocks. Returns its process id (and process group), recorded so
  /// that a resume can find it, or 0 if there is none (not a process, or it failed to start: a
  /// failure to start is reported as a SpawnFailed event).
  virtual std::int64_t start(const LaunchSpec& spec) = 0;
  /// SIGTERM (or the executor's equivalent) now, a hard kill after the attempt's kill_grace.
  virtual void terminate(std::uint64_t id) = 0;
  virtual void kill(std::uint64_t id) = 0;
  virtual void terminate_all() = 0;
  virtual void kill_all() = 0;
  /// A TimerFired{token} event at `when` (backoffs, breaker resets).
  virtual void add_timer(Clock::time_point when, std::uint64_t token) = 0;
  virtual std::size_t running() const = 0;
  /// A hint from a scheduler with nothing to start: an attempt that logs to `log_path` is
  /// likely to start soon (the dependent of the only task running, in a chain). An executor may
  /// create the log now, while it waits, rather than on the way from one task to the next.
  virtual void prepare_log(const std::string& /*log_path*/) {}
  /// What an in-process attempt that has just exited reported (its outputs, why it failed),
  /// taken once, right after its AttemptExited event; null for a process, which writes its
  /// outputs to a file.
  virtual std::shared_ptr<const CallResult> take_call_result(std::uint64_t /*id*/) {
    return nullptr;
  }
  /// Blocks until at least one event is ready, or `deadline` passes (then returns none).
  virtual std::vector<Event> wait(std::optional<Clock::time_point> deadline) = 0;
};

}  // namespace baton::engine
