// Starting one attempt's process: what posix_spawn does for baton, without its per-call costs.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace baton::exec {

/// What to start, and with which descriptors. Every pointer must stay valid during spawn().
struct SpawnRequest {
  const char* program = nullptr;  ///< A path, or with `search` a name looked up in PATH.
  bool search = false;            ///< Look `program` up in `path`, as execvp does.
  const char* path = nullptr;     ///< The PATH to search: baton's own.
  char* const* argv = nullptr;    ///< Null-terminated.
  char* const* envp = nullptr;    ///< Null-terminated.
  int stdin_fd = -1;              ///< Becomes the child's stdin.
  int output_fd = -1;             ///< Becomes its stdout and stderr.
  const char* cwd = nullptr;      ///< Null or empty: baton's own working directory.
};

/// Why a start failed: the errno, and whether it was the change of directory (else the exec).
struct SpawnError {
  int error = 0;
  bool in_chdir = false;
};

/// Starts children with clone(CLONE_VM | CLONE_VFORK) on a stack mapped once, as glibc's
/// posix_spawn does with a stack it maps and unmaps on every call. Measured here, that mmap and
/// munmap were ~10% of baton's CPU per task, and posix_spawn's child resets all 64 signal
/// dispositions while the parent waits; this child resets only those that need it. Each child
/// starts in a session and process group of its own (no controlling terminal), with nothing
/// blocked, SIGPIPE, SIGINT, SIGTERM, SIGUSR1
/// and SIGCHLD (and any signal with a handler when the Spawner was made) at their defaults, the
/// given stdin and output, no other descriptor, and in `cwd`.
///
/// Thread safety: one spawn() at a time per Spawner (it has one stack).
class Spawner {
 public:
  Spawner();
  ~Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  /// The child's pid, or why it could not be started (it has then exited and been reaped).
  pid_t spawn(const SpawnRequest& request, SpawnError& error);

 private:
  void* stack_ = nullptr;  // Mapped once, with a guard page below it.
  std::size_t stack_size_ = 0;
  std::vector<int> reset_signals_;  // Set to SIG_DFL in the child.
};

}  // namespace baton::exec
