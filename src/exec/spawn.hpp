// Starting one attempt's process: what posix_spawn does for baton, without its per-call costs.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
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

namespace detail {
// What a child reads from the parent's memory until it has exec'd, and where it says why not.
struct ChildState {
  const SpawnRequest* request = nullptr;
  const int* reset_signals = nullptr;
  std::size_t reset_count = 0;
  volatile int error = 0;  // Written by a child that fails, before it exits.
  volatile bool in_chdir = false;
};

// A child's stack: mapped once, with a guard page below it, reused by child after child.
class ChildStack {
 public:
  ChildStack();
  ~ChildStack();
  ChildStack(const ChildStack&) = delete;
  ChildStack& operator=(const ChildStack&) = delete;
  char* top() const { return static_cast<char*>(base_) + size_; }

 private:
  void* base_ = nullptr;
  std::size_t size_ = 0;
};
}  // namespace detail

/// A child started by Spawner::start(), which returns before the child has exec'd: the child
/// runs on this object's stack and reads `request` and all it points at until then, so the
/// caller keeps them, unchanged, until the child has been reaped. One child at a time.
class DetachedChild {
 public:
  SpawnRequest request;

  /// Once the child has been reaped: why it could not exec (it then exited 127), if it could
  /// not. Undefined while it runs.
  std::optional<SpawnError> failure() const;

 private:
  friend class Spawner;
  detail::ChildStack stack_;
  detail::ChildState state_;
};

/// Starts children with clone(CLONE_VM) on a stack mapped once, as glibc's posix_spawn does
/// with a stack it maps and unmaps on every call. Measured here, that mmap and munmap were ~10%
/// of baton's CPU per task, and posix_spawn's child resets all 64 signal dispositions while the
/// parent waits; this child resets only those that need it. Each child starts in a session and
/// process group of its own (no controlling terminal), with nothing blocked, SIGPIPE, SIGINT,
/// SIGTERM, SIGUSR1 and SIGCHLD (and any signal with a handler when the Spawner was made) at
/// their defaults, the given stdin and output, no other descriptor, and in `cwd`.
///
/// spawn() waits for the exec (CLONE_VFORK), as posix_spawn does, and so can say at once why
/// a child could not start. start() does not wait: while the child sets itself up and execs,
/// baton goes on (on a 2-core VM, 8–23% off a run of 10,000 short tasks: no sleep and wake
/// around each start), and learns of a failure once it reaps the child.
///
/// Thread safety: one spawn() at a time per Spawner (it has one stack).
class Spawner {
 public:
  /// Whether start() exists on this machine: its child must make system calls that leave
  /// errno alone (the parent's thread, running meanwhile, shares it), written here for x86-64
  /// and AArch64.
#if defined(__x86_64__) || defined(__aarch64__)
  static constexpr bool kCanStartDetached = true;
#else
  static constexpr bool kCanStartDetached = false;
#endif

  Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  /// The child's pid, or why it could not be started (it has then exited and been reaped).
  pid_t spawn(const SpawnRequest& request, SpawnError& error);

  /// Starts `child.request` and returns its pid at once, or -1 with `error` if no child could
  /// be made (clone failed). Whether it could exec, child.failure() says once it is reaped.
  /// Only where kCanStartDetached.
  pid_t start(DetachedChild& child, SpawnError& error);

 private:
  pid_t clone_child(detail::ChildState& state, char* stack_top, int flags, SpawnError& error);

  detail::ChildStack stack_;        // spawn()'s.
  std::vector<int> reset_signals_;  // Set to SIG_DFL in the child.
};

}  // namespace baton::exec
