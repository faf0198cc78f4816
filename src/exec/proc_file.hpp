// Reading another process's files under /proc, which may vanish between open and read.
#pragma once

#include <string>

namespace baton::exec {

/// The text of a file under /proc (such as "/proc/PID/stat"), or "" if it cannot be read, as
/// when the process is gone. Never throws on a read error: a process that exits between open
/// and read makes read(2) fail with ESRCH, and libstdc++'s filebuf throws on a read error
/// whatever the stream's exception mask says.
std::string read_proc_file(const std::string& path);

}  // namespace baton::exec
