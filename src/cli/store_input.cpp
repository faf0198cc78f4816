#include "cli/store_input.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/run_session.hpp"
#include "cli/run_setup.hpp"

namespace baton::cli {

std::unique_ptr<store::Store> open_store_or_report(const std::string& command,
                                                   const std::string& state_option, int& exit_code,
                                                   store::Durability durability) {
  auto state = state_dir(state_option);
  auto opened = store::open_sqlite_store(state.string(), durability);
  if (!opened) {
    std::cerr << command << ": " << opened.error().message << '\n';
    exit_code = kExitFailed;
    return nullptr;
  }
  return std::move(*opened);
}

std::optional<store::RunRow> find_run_or_report(const std::string& command, store::Store& store,
                                                const std::string& id, int& exit_code) {
  if (auto run = store.find_run(id)) return run;
  if (id == "last") {
    std::cerr << fmt::format("{}: no runs recorded yet in this state folder (see --state)\n",
                             command);
  } else {
    std::cerr << fmt::format("{}: no run '{}' in this state folder; `baton runs` lists them\n",
                             command, id);
  }
  exit_code = kExitInvalid;
  return std::nullopt;
}

bool run_process_alive(const store::RunRow& run) {
  if (run.pid <= 0) return false;
  store::RunRow me;
  stamp_process(me);
  if (!run.host.empty() && run.host != me.host) return false;  // Another machine: cannot tell.
  if (::kill(static_cast<pid_t>(run.pid), 0) != 0 && errno != EPERM) return false;
  // The pid may have been reused since: compare start times.
  return run.pid_start == 0 || process_start_ticks_of(run.pid) == run.pid_start;
}

}  // namespace baton::cli
