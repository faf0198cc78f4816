// A process as the runs table names it (SPEC 4): pid, start time and host, so that another
// baton process can tell a run whose process is alive from one whose process died, even after
// the pid was reused.
#pragma once

#include <cstdint>
#include <string>

namespace baton::exec {

struct ProcessIdentity {
  std::int64_t pid = 0;
  std::int64_t start_ticks = 0;  ///< Field 22 of /proc/PID/stat: clock ticks since boot.
  std::string host;
};

/// This process.
ProcessIdentity this_process();

/// When process `pid` started, in clock ticks since boot; 0 if it does not exist.
std::int64_t start_ticks_of(std::int64_t pid);

}  // namespace baton::exec
