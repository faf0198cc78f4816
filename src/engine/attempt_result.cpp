#include "engine/attempt_result.hpp"

#include <fmt/format.h>

#include "model/duration.hpp"

namespace baton::engine {

void record_exit(AttemptRecord& record, const AttemptExited& exited) {
  record.end = std::chrono::system_clock::now();
  record.exit_code = exited.exit_code;
  record.signal = exited.signal;
  record.timed_out = exited.timed_out;
  // The process that ran it: 0 if none did (a callable, or an exit as /bin/sh would have made
  // it), another than start() gave if the executor had to start it again (exec/process_set.cpp).
  record.pid = exited.pid;
}

std::string describe_exit(const AttemptExited& exited, std::optional<Duration> timeout) {
  if (exited.timed_out) {
    return fmt::format("timed out after {}", model::format_duration(timeout.value_or(Duration(0))));
  }
  if (exited.signal != 0) return fmt::format("killed by signal {}", exited.signal);
  return fmt::format("exit {}", exited.exit_code);
}

}  // namespace baton::engine
