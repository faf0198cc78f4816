// Test support for end-to-end tests: run a program (the real `baton`, or a tool such as `dot`)
// with posix_spawn, feed it stdin, capture stdout, stderr and the exit code; and a fresh
// temporary directory per test for workflow files. Header-only: the test build globs *_test.cpp
// only, so a .cpp here would not be compiled.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace baton::testing {

struct ProcessResult {
  int exit_code = -1;  ///< The exit status, or 128 + the signal that ended the process.
  std::string out;
  std::string err;
};

namespace detail {

[[noreturn]] inline void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

inline void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
}

}  // namespace detail

/// Runs `argv[0]` (an absolute path, or a name looked up in PATH) with `argv`, writing `input`
/// to its stdin; returns once it has exited. Reads both pipes with poll, so a child that fills
/// one while the other is unread cannot deadlock the test. `extra_env` entries (KEY=VALUE) are
/// added to this process's environment.
inline ProcessResult run_process(const std::vector<std::string>& argv, std::string_view input = {},
                                 const std::vector<std::string>& extra_env = {}) {
  if (argv.empty()) throw std::invalid_argument("run_process: empty argv");
  int in[2], out[2], err[2];
  detail::make_pipe(in);
  detail::make_pipe(out);
  detail::make_pipe(err);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    errno = rc;
    detail::fail("posix_spawnp " + argv[0]);
  }

  // A child that exits without reading stdin must not kill the test with SIGPIPE.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);

  ProcessResult result;
  std::size_t written = 0;
  int stdin_fd = in[1];
  if (input.empty()) {
    close(stdin_fd);
    stdin_fd = -1;
  } else {
    fcntl(stdin_fd, F_SETFL, fcntl(stdin_fd, F_GETFL) | O_NONBLOCK);
  }
  int open_outputs = 2;
  pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {stdin_fd, POLLOUT, 0}};
  char buffer[65536];
  while (open_outputs > 0 || fds[2].fd >= 0) {
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      detail::fail("poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_outputs;
      }
    }
    if (fds[2].fd >= 0 && fds[2].revents != 0) {
      bool done = true;  // Also when the child closed its stdin (POLLERR, POLLHUP).
      if (fds[2].revents & POLLOUT) {
        ssize_t n = write(fds[2].fd, input.data() + written, input.size() - written);
        if (n > 0) {
          written += static_cast<std::size_t>(n);
          done = written == input.size();
        } else {
          done = !(n < 0 && (errno == EAGAIN || errno == EINTR));
        }
      }
      if (done) {
        close(fds[2].fd);
        fds[2].fd = -1;
      }
    }
  }
  sigaction(SIGPIPE, &previous, nullptr);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) detail::fail("waitpid");
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

/// Runs the `baton` binary under test. NO_COLOR keeps its output plain even if a test runner
/// gives it a terminal.
inline ProcessResult run_baton(const std::vector<std::string>& args, std::string_view input = {}) {
  std::vector<std::string> argv{BATON_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input, {"NO_COLOR=1"});
}

/// A fresh directory under $TMPDIR (else /tmp), removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/baton-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) detail::fail("mkdtemp " + pattern);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes `text` to `name` inside the directory; returns the file's full path.
  std::string write(const std::string& name, std::string_view text) const {
    auto file = path_ / name;
    std::ofstream stream(file, std::ios::binary);
    stream << text;
    if (!stream) throw std::runtime_error("cannot write " + file.string());
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace baton::testing
