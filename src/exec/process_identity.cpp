#include "exec/process_identity.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <sstream>

#include "exec/proc_file.hpp"

namespace baton::exec {

ProcessIdentity this_process() {
  ProcessIdentity me;
  me.pid = ::getpid();
  me.start_ticks = start_ticks_of(me.pid);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  me.host = host;
  return me;
}

std::int64_t start_ticks_of(std::int64_t pid) {
  auto text = read_proc_file(fmt::format("/proc/{}/stat", pid));
  auto close = text.rfind(')');  // The command name may hold spaces and parentheses.
  if (close == std::string::npos || close + 2 >= text.size()) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return std::stoll(field);
  }
  return 0;
}

}  // namespace baton::exec
