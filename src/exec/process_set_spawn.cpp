// How ProcessSet::spawn turns a LaunchSpec into a running child: the program looked up in the
// task's PATH when it differs from baton's, a file the kernel will not execute run by /bin/sh
// as sh would, and the failures worded as sh words them (exit 127 or 126 for a shell command).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exec/process_set.hpp"

namespace baton::exec {
namespace {

// E2BIG: Linux takes at most 128 KiB in one argument or variable (MAX_ARG_STRLEN), and about
// a quarter of the stack limit in all; a big output passed on as BATON_OUT_* is the usual cause.
std::string too_big(const LaunchSpec& spec) {
  std::string_view largest;
  std::size_t total = 0;
  auto consider = [&](std::string_view s) {
    total += s.size() + 1;
    if (s.size() > largest.size()) largest = s;
  };
  for (const auto& arg : spec.argv) consider(arg);
  if (spec.shared_env) {
    for (const auto& entry : *spec.shared_env) consider(entry);
  }
  for (const auto& entry : spec.env) consider(entry);
  constexpr std::size_t kMaxArgument = 32 * 4096;  // MAX_ARG_STRLEN, with its NUL.
  std::string name(largest.substr(0, std::min<std::size_t>(largest.find('='), 80)));
  std::string why =
      largest.size() + 1 > kMaxArgument
          ? "'" + name + "' is " + std::to_string(largest.size()) + " bytes, more than the " +
                std::to_string(kMaxArgument - 1) + " one argument or variable may hold"
          : "they take " + std::to_string(total) + " bytes, more than the system allows";
  return "cannot run '" + spec.argv[0] + "': its arguments and environment are too big (" + why +
         "); pass big values in a file";
}

// The value of PATH in a "KEY=VALUE" environment.
std::optional<std::string_view> path_of(const std::vector<std::string>& env) {
  for (const auto& entry : env) {
    if (entry.starts_with("PATH=")) return std::string_view(entry).substr(5);
  }
  return std::nullopt;
}

// What sh will not read as a script after the kernel refused to execute it: an ELF file (for
// another machine, or damaged), or anything with a NUL byte near its start.
bool looks_binary(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char head[512];
  ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  if (n <= 0) return false;
  std::string_view text(head, static_cast<std::size_t>(n));
  return text.starts_with(
             "\x7f"
             "ELF") ||
         text.find('\0') != std::string_view::npos;
}

// Looks `name` up in `dirs` as execvp would in the child: the first executable regular file
// wins, an empty entry is the current directory, and relative entries are taken from `cwd`.
// Returns the path to exec (relative ones are resolved again after the child's chdir), or
// sets `error` to EACCES if only non-executable candidates were found, else ENOENT.
std::string search_path(std::string_view dirs, const std::string& name, const std::string& cwd,
                        int& error) {
  error = ENOENT;
  for (std::size_t begin = 0; begin <= dirs.size();) {
    std::size_t end = std::min(dirs.find(':', begin), dirs.size());
    std::string_view dir = dirs.substr(begin, end - begin);
    begin = end + 1;
    std::string candidate = dir.empty() ? name : std::string(dir) + "/" + name;
    std::string seen_from = candidate;
    if (!cwd.empty() && candidate.front() != '/') seen_from = cwd + "/" + candidate;
    struct stat info {};
    if (::stat(seen_from.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    if (::access(seen_from.c_str(), X_OK) == 0) return candidate;
    error = EACCES;
  }
  return {};
}

}  // namespace

std::string ProcessSet::describe(std::string_view what, std::string_view name, int error) {
  return std::string(what) + " '" + std::string(name) + "': " + std::strerror(error);
}

Result<pid_t> ProcessSet::spawn(Launch& launch, int log_fd, int& shell_status, bool detached) {
  const LaunchSpec& spec = launch.spec;
  // Only a PATH different from baton's needs a lookup here; the child searches baton's own.
  const std::string& name = spec.argv[0];
  launch.program = name;
  bool search = name.find('/') == std::string::npos;
  // What /bin/sh says and exits with when it cannot run `name`.
  auto as_shell_would = [&](int error) -> Result<pid_t> {
    bool missing = error == ENOENT || error == ENOTDIR;
    shell_status = missing ? 127 : 126;
    std::string line =
        name + ": " + (missing ? std::string("not found") : std::strerror(error)) + "\n";
    [[maybe_unused]] auto written = ::write(log_fd, line.data(), line.size());
    return unexpected(Error::io(describe("cannot run", name, error)));
  };
  if (search) {
    std::optional<std::string_view> path = path_of(spec.env);
    if (!path && spec.shared_env) path = path_of(*spec.shared_env);
    if (path && (!own_path_ || *path != *own_path_)) {
      int error = 0;
      launch.program = search_path(*path, name, spec.cwd, error);
      if (launch.program.empty()) {
        if (spec.as_shell) return as_shell_would(error);
        return unexpected(Error::io(describe("cannot run", name, error)));
      }
      search = false;
    }
  }

  auto& argv = launch.argv;
  argv.clear();
  for (const auto& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  auto& envp = launch.envp;
  envp.clear();
  if (spec.shared_env) {
    for (const auto& entry : *spec.shared_env) envp.push_back(const_cast<char*>(entry.c_str()));
  }
  for (const auto& entry : spec.env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  SpawnRequest& request = launch.child.request;
  request.program = launch.program.c_str();
  request.search = search;
  request.path = own_path_ ? own_path_->c_str() : nullptr;
  request.argv = argv.data();
  request.envp = envp.data();
  request.stdin_fd = dev_null_fd_;
  request.output_fd = log_fd;
  request.cwd = spec.cwd.c_str();
  SpawnError failure;
  // Detached, an exec failure shows at the exit, and the attempt is started again with spawn().
  pid_t pid = detached ? spawner_.start(launch.child, failure) : spawner_.spawn(request, failure);
  if (pid > 0) return pid;
  std::string script;  // Outlives the second try, which points at it.
  if (spec.as_shell && failure.error == ENOEXEC && !failure.in_chdir) {
    // A file the kernel will not execute (no `#!`) is a script to /bin/sh, as sh and execvp
    // run it: ["/bin/sh", FILE, ARGS…].
    int error = 0;
    script = search ? search_path(own_path_.value_or(""), name, spec.cwd, error) : launch.program;
    if (script.empty()) return as_shell_would(error);
    if (looks_binary(script.front() == '/' || spec.cwd.empty() ? script
                                                               : spec.cwd + "/" + script)) {
      return as_shell_would(ENOEXEC);  // The shell refuses a binary too: 126.
    }
    argv.front() = script.data();
    argv.insert(argv.begin(), const_cast<char*>("/bin/sh"));
    request.program = "/bin/sh";
    request.search = false;
    request.argv = argv.data();
    pid = spawner_.spawn(request, failure);
    if (pid > 0) return pid;
  }
  if (failure.in_chdir) {
    return unexpected(Error::io(describe("cannot change to directory", spec.cwd, failure.error)));
  }
  if (failure.error == E2BIG) return unexpected(Error::io(too_big(spec)));
  if (spec.as_shell &&
      (failure.error == ENOENT || failure.error == ENOTDIR || failure.error == EACCES ||
       failure.error == EPERM || failure.error == EISDIR)) {
    return as_shell_would(failure.error);  // What dash exits 127 or 126 on.
  }
  return unexpected(Error::io(describe("cannot run", name, failure.error)));
}

}  // namespace baton::exec
