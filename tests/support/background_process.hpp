// Test support for end-to-end tests that signal a running program: start it in the background
// (stdout and stderr to files, SIGINT and SIGTERM at their defaults whatever the test runner
// set), wait for it with a deadline, and tell whether a process id is still alive. Header-only:
// the test build globs *_test.cpp only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "exec/proc_file.hpp"

extern char** environ;

namespace baton::testing {

/// A program started in the background; killed with SIGKILL and reaped at scope exit if the
/// test did not wait for it, so a failing test leaves nothing running.
class BackgroundProcess {
 public:
  /// Starts `argv[0]` (an absolute path, or a name looked up in PATH) with stdin /dev/null and
  /// stdout, stderr appended to `out_path`, `err_path`; `extra_env` (KEY=VALUE) is added to this
  /// process's environment.
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& out_path,
                    const std::string& err_path, const std::vector<std::string>& extra_env = {}) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> env;
    for (auto& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);

    int rc =
        posix_spawnp(&pid_, argv.at(0).c_str(), &actions, &attributes, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
      throw std::runtime_error("posix_spawnp " + argv[0] + ": " + std::strerror(rc));
    }
  }
  ~BackgroundProcess() {
    if (!reaped_) {
      kill(pid_, SIGKILL);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }

  void signal(int sig) const { kill(pid_, sig); }

  /// The exit status (or 128 + the signal that ended it) once it has exited, or nullopt if it
  /// is still running after `limit`.
  std::optional<int> wait_for(std::chrono::milliseconds limit) {
    if (reaped_) return exit_code_;
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (r < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  pid_t pid_ = 0;
  bool reaped_ = false;
  int exit_code_ = -1;
};

/// True while `pid` names a process that is not a zombie. A zombie has been killed already; it
/// only waits for a parent (here possibly a PID 1 that never reaps) to collect its status.
inline bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0) return errno != ESRCH;
  auto text = exec::read_proc_file("/proc/" + std::to_string(pid) + "/stat");  // "" once gone.
  auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return false;
  return text[paren + 2] != 'Z' && text[paren + 2] != 'X';
}

/// Waits up to `limit` for `pid` to be gone (exited, or a zombie); true if it is.
inline bool wait_until_gone(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (process_alive(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace baton::testing
