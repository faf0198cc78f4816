// Test support for the hostile-input and hostile-task tests: run the real `baton` as a measured
// child (wall time, and peak RSS from wait4, which is this child's own and that of the children
// it reaped), optionally as another user or under a file-size limit set between fork and exec;
// find processes by an entry of their environment; generate big files at run time (nothing big
// is committed). Header-only: the test build globs *_test.cpp only.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/baton_run.hpp"

namespace baton::hostile {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

/// The unprivileged user (nobody) that tests which need permissions to bite run baton as when
/// they run as root, for whom chmod, RLIMIT_NPROC and the like change nothing.
inline constexpr uid_t kNobody = 65534;

inline bool is_root() { return ::geteuid() == 0; }

/// Added to every peak-RSS bound when built with AddressSanitizer (scripts/sanitize): its shadow
/// memory is about 80 MiB resident before main, and freed blocks stay resident in its quarantine.
/// The bounds are meant for the normal build; under ASan they are loosened, not dropped.
#ifdef __SANITIZE_ADDRESS__
inline constexpr long kSanitizerRssKb = 256 * 1024;
#else
inline constexpr long kSanitizerRssKb = 0;
#endif

struct Measured {
  int exit_code = -1;  ///< The exit status, or 128 + the signal that ended it.
  std::string out;
  std::string err;
  milliseconds elapsed{0};
  long max_rss_kb = 0;  ///< Peak resident set of the child (or of a child it reaped), in KiB.

  std::string describe() const {
    return "exit " + std::to_string(exit_code) + " after " + std::to_string(elapsed.count()) +
           " ms, peak RSS " + std::to_string(max_rss_kb / 1024) + " MiB\n--- stdout\n" +
           out.substr(0, 4000) + "\n--- stderr\n" + err.substr(0, 4000);
  }
};

struct Launch {
  std::vector<std::string> argv;                    ///< argv[0]: an absolute path.
  std::vector<std::string> env;                     ///< KEY=VALUE, added to this process's.
  std::optional<uid_t> user;                        ///< Run as this user (and group): root only.
  std::optional<rlim_t> file_size_limit;            ///< RLIMIT_FSIZE soft limit, SIGXFSZ ignored.
  fs::path output_dir = fs::temp_directory_path();  ///< Where stdout and stderr are kept.
};

namespace detail {

[[noreturn]] inline void child_fail(const char* what) {
  // Async-signal-safe: write(2) and _exit only.
  [[maybe_unused]] auto a = ::write(STDERR_FILENO, what, std::strlen(what));
  [[maybe_unused]] auto b = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

}  // namespace detail

/// Runs `launch` to completion; stdout and stderr go to files (so that a child writing much
/// cannot block on a pipe), read back afterwards.
inline Measured run_measured(const Launch& launch) {
  const std::string out_path = (launch.output_dir / "measured.out").string();
  const std::string err_path = (launch.output_dir / "measured.err").string();
  // Everything the child needs is built before fork: between fork and exec only syscalls.
  std::vector<char*> args;
  for (const auto& a : launch.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings{"NO_COLOR=1"};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), launch.env.begin(), launch.env.end());
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) detail::child_fail("cannot open the output files");
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE}) ::signal(sig, SIG_DFL);
    if (launch.file_size_limit) {
      ::signal(SIGXFSZ, SIG_IGN);  // Writes past the limit fail with EFBIG instead.
      rlimit limit{*launch.file_size_limit, RLIM_INFINITY};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) detail::child_fail("setrlimit RLIMIT_FSIZE");
    }
    if (launch.user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(*launch.user) != 0 ||
          ::setuid(*launch.user) != 0) {
        detail::child_fail("cannot change user");
      }
    }
    ::execve(args[0], args.data(), env.data());
    detail::child_fail("execve failed");
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
  }
  Measured m;
  m.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  m.max_rss_kb = usage.ru_maxrss;
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.out = testing::read_file(out_path);
  m.err = testing::read_file(err_path);
  return m;
}

/// `baton ARGS…`, measured, its output kept in `dir`.
inline Measured baton(const fs::path& dir, std::vector<std::string> args,
                      const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), BATON_BINARY);
  Launch launch;
  launch.argv = std::move(args);
  launch.env = env;
  launch.output_dir = dir;
  return run_measured(launch);
}

/// The processes (other than this one) whose environment holds `entry` ("KEY=VALUE"), zombies
/// left out. As root that covers every user's processes.
inline std::vector<pid_t> processes_with(const std::string& entry) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator("/proc", ec)) {
    const auto name = dir.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid() || !testing::process_alive(pid)) continue;
    std::ifstream in(dir.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::size_t pos = 0; pos < env.size();) {
      auto end = std::min(env.find('\0', pos), env.size());
      if (env.compare(pos, end - pos, entry) == 0) {
        found.push_back(pid);
        break;
      }
      pos = end + 1;
    }
  }
  return found;
}

/// The first line of `text` that contains `needle`, or "".
inline std::string line_with(const std::string& text, std::string_view needle) {
  for (const auto& line : testing::split_lines(text)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return {};
}

/// The longest line of `text`, in bytes.
inline std::size_t longest_line(const std::string& text) {
  std::size_t longest = 0;
  for (const auto& line : testing::split_lines(text)) longest = std::max(longest, line.size());
  return longest;
}

/// The id of the run whose report `text` holds: the report's `Run` row starts with it.
inline std::string run_id_in(const std::string& text) {
  constexpr std::string_view kRow = "| Run         | ";
  auto pos = text.find(kRow);
  if (pos == std::string::npos) return {};
  pos += kRow.size();
  return text.substr(pos, text.find_first_of(", \n", pos) - pos);
}

}  // namespace baton::hostile
