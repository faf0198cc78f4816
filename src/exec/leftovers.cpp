#include "exec/leftovers.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

namespace baton::exec {
namespace {

bool environment_holds(pid_t pid, const std::string& entry) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  if (!in) return false;  // Gone, or not ours.
  std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t pos = 0; pos < env.size();) {
    auto end = env.find('\0', pos);
    if (end == std::string::npos) end = env.size();
    if (env.compare(pos, end - pos, entry) == 0) return true;
    pos = end + 1;
  }
  return false;
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

}  // namespace

int kill_run_leftovers(const std::string& run_id) {
  const std::string entry = "BATON_RUN_ID=" + run_id;
  auto found = processes_with(entry);
  std::set<pid_t> groups;
  for (pid_t pid : found) {
    pid_t group = ::getpgid(pid);
    if (group > 0 && group != ::getpgrp()) groups.insert(group);
    ::kill(pid, SIGKILL);  // In case it left its group.
  }
  for (pid_t group : groups) ::kill(-group, SIGKILL);
  // SIGKILL is not instant: wait until they are gone (or are zombies of a dead parent).
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < give_up) {
    bool alive = false;
    for (pid_t pid : found) {
      std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
      std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
      auto close = text.rfind(')');
      if (close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z') {
        alive = true;
      }
    }
    if (!alive) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return static_cast<int>(found.size());
}

}  // namespace baton::exec
