#include "exec/leftovers.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "exec/proc_file.hpp"

namespace baton::exec {
namespace {

// Calls `each(variable)` for every `NAME=value` of the process's environment ("" if it is gone
// or not ours) until it returns true; returns whether one did.
template <typename Each>
bool any_variable(pid_t pid, Each each) {
  auto env = read_proc_file("/proc/" + std::to_string(pid) + "/environ");
  for (std::size_t pos = 0; pos < env.size();) {
    auto end = env.find('\0', pos);
    if (end == std::string::npos) end = env.size();
    if (each(std::string_view(env).substr(pos, end - pos))) return true;
    pos = end + 1;
  }
  return false;
}

bool environment_holds(pid_t pid, const std::string& entry) {
  return any_variable(pid, [&entry](std::string_view variable) { return variable == entry; });
}

LeftoverAttempt attempt_of(pid_t pid) {
  LeftoverAttempt attempt;
  any_variable(pid, [&attempt](std::string_view variable) {
    auto value = [variable](std::string_view name) {
      return variable.substr(std::min(variable.size(), name.size()));
    };
    if (variable.starts_with("BATON_TASK=")) attempt.task = value("BATON_TASK=");
    if (variable.starts_with("BATON_ATTEMPT=")) {
      attempt.number = std::atoi(std::string(value("BATON_ATTEMPT=")).c_str());
    }
    if (variable == "BATON_COMPENSATING=1") attempt.compensation = true;
    return false;
  });
  return attempt;
}

std::vector<pid_t> processes_with(const std::string& entry) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = dir.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid != ::getpid() && environment_holds(pid, entry)) found.push_back(pid);
  }
  return found;
}

// A group is the run's if its leader is gone (only members are left, such as what an attempt's
// leader left behind) or carries the run's id. A process of the run that joined another group
// of its session (setpgid to the shell's own group, say) must not get that group killed.
bool group_of_run(pid_t group, const std::string& entry) {
  if (group <= 0 || group == ::getpgrp()) return false;
  bool leader_alive = ::kill(group, 0) == 0 || errno == EPERM;
  return !leader_alive || environment_holds(group, entry);
}

// Killed already and on its way out (SIGKILL pending), such as the rest of an attempt's group:
// killed again, but not counted as a leftover.
bool dying(pid_t pid) {
  std::istringstream status(read_proc_file("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("SigPnd:") || line.starts_with("ShdPnd:")) {
      auto mask = std::strtoull(line.c_str() + 7, nullptr, 16);
      if (mask & (1ULL << (SIGKILL - 1))) return true;
    }
  }
  return false;
}

bool alive(pid_t pid) {
  auto text = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

// Each live process's parent, from /proc/PID/stat (field 4, after the parenthesised name).
std::vector<std::pair<pid_t, pid_t>> live_parents() {
  std::vector<std::pair<pid_t, pid_t>> found;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = dir.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto text = read_proc_file(dir.path().string() + "/stat");
    auto close = text.rfind(')');
    if (close == std::string::npos || close + 4 >= text.size()) continue;
    char state = text[close + 2];
    if (state == 'Z' || state == 'X') continue;
    found.emplace_back(static_cast<pid_t>(std::stol(name)),
                       static_cast<pid_t>(std::atol(text.c_str() + close + 4)));
  }
  return found;
}

}  // namespace

int kill_descendants() {
  std::set<pid_t> killed;
  int counted = 0;
  for (int round = 0; round < 10; ++round) {  // Bounded, as in kill_run_leftovers.
    auto parents = live_parents();
    std::set<pid_t> tree{::getpid()};
    for (bool grew = true; grew;) {  // Parents may be listed after their children.
      grew = false;
      for (auto [pid, parent] : parents) {
        if (tree.contains(parent) && tree.insert(pid).second) grew = true;
      }
    }
    tree.erase(::getpid());
    std::erase_if(tree, [&](pid_t pid) { return killed.contains(pid); });
    if (tree.empty()) break;
    for (pid_t pid : tree) {
      if (!dying(pid)) ++counted;
      ::kill(pid, SIGKILL);
      killed.insert(pid);
    }
  }
  // Reap those that are (or, their parent killed, become) this subreaper's children, and wait
  // until all are gone.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (bool any = !killed.empty(); any && std::chrono::steady_clock::now() < give_up;) {
    any = false;
    for (pid_t pid : killed) {
      ::waitpid(pid, nullptr, WNOHANG);
      any = any || alive(pid);
    }
    if (any) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return counted;
}

int kill_run_leftovers(const std::string& run_id, std::set<LeftoverAttempt>* attempts) {
  const std::string entry = "BATON_RUN_ID=" + run_id;
  std::set<pid_t> killed;
  int counted = 0;
  // A process found may fork again before its SIGKILL lands, and its child may leave the group
  // at once: scan again until a scan finds nobody new (a killed process is a zombie, whose
  // environment reads empty). Bounded, in case something keeps outrunning the scan.
  for (int round = 0; round < 10; ++round) {
    std::vector<pid_t> found = processes_with(entry);
    std::erase_if(found, [&](pid_t pid) { return killed.contains(pid); });
    if (found.empty()) break;
    std::set<pid_t> groups;
    for (pid_t pid : found) {
      if (attempts) {
        if (auto attempt = attempt_of(pid); !attempt.task.empty() && attempt.number > 0) {
          attempts->insert(std::move(attempt));
        }
      }
      pid_t group = ::getpgid(pid);
      if (group_of_run(group, entry)) groups.insert(group);
      if (!dying(pid)) ++counted;
      ::kill(pid, SIGKILL);  // In case it left its group.
      killed.insert(pid);
    }
    for (pid_t group : groups) ::kill(-group, SIGKILL);
  }
  // SIGKILL is not instant: wait until they are gone (or are zombies of a dead parent).
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < give_up) {
    bool any = false;
    for (pid_t pid : killed) any = any || alive(pid);
    if (!any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return counted;
}

}  // namespace baton::exec
