#include "engine/attempt_result.hpp"

#include <fmt/format.h>

#include "model/duration.hpp"

namespace baton::engine {

void record_exit(AttemptRecord& record, const AttemptExited& exited) {
  record.end = std::chrono::system_clock::now();
  record.exit_code = exited.exit_code;
  record.signal = exited.signal;
  record.timed_out = exited.timed_out;
}

std::string describe_exit(const AttemptExited& exited, std::optional<Duration> timeout) {
  if (exited.timed_out) {
    return fmt::format("timed out after {}", model::format_duration(timeout.value_or(Duration(0))));
  }
  if (exited.signal != 0) return fmt::format("killed by signal {}", exited.signal);
  return fmt::format("exit {}", exited.exit_code);
}

}  // namespace baton::engine
