// Written by hand, not with posix_spawn: see spawn.hpp for what it costs and why. The child
// shares baton's memory until it execs (with spawn() the parent is suspended meanwhile, as with
// vfork; with start() it runs on), so it calls only async-signal-safe functions, allocates
// nothing, makes its system calls without touching errno, and reports a failure through its
// ChildState before it exits.
#include "exec/spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace baton::exec {
namespace {

constexpr std::size_t kStackSize = 64 * 1024;  // The child needs a path buffer and a few frames.

// The child runs on our memory with our thread's TLS: sanitizer runtimes would take it for this
// thread (and LeakSanitizer would check for leaks at _exit), and their interceptors of
// sigaction, dup2 or close_range would update tables we share. So its functions are not
// instrumented and it makes raw system calls.
#define BATON_CHILD_CODE __attribute__((no_sanitize("address", "thread", "undefined")))

using detail::ChildState;

// ThreadSanitizer intercepts clone() and handles it as a fork: its bookkeeping for the child,
// done in the memory the child shares with us, would mark this process as forked, and TSan then
// refuses to start any thread (a report thread, the live progress line). glibc's __clone is the
// same function, under the name TSan does not intercept.
#if defined(__SANITIZE_THREAD__)
extern "C" int __clone(int (*fn)(void*), void* stack, int flags, void* arg, ...);
int start_child(int (*fn)(void*), void* stack, int flags, void* arg) {
  return __clone(fn, stack, flags, arg);
}
#else
int start_child(int (*fn)(void*), void* stack, int flags, void* arg) {
  return ::clone(fn, stack, flags, arg);
}
#endif

// A system call that returns -errno on failure and leaves errno alone: the detached child's
// errno is the parent thread's, in use meanwhile.
#if defined(__x86_64__)
BATON_CHILD_CODE long raw(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  register long r10 asm("r10") = d;
  long result;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
               : "rcx", "r11", "memory");
  return result;
}
#elif defined(__aarch64__)
BATON_CHILD_CODE long raw(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  register long x8 asm("x8") = number;
  register long x0 asm("x0") = a;
  register long x1 asm("x1") = b;
  register long x2 asm("x2") = c;
  register long x3 asm("x3") = d;
  asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}
#else  // Only spawn()'s child, whose parent is suspended, runs here: errno is free to use.
BATON_CHILD_CODE long raw(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  long result = ::syscall(number, a, b, c, d);
  return result < 0 ? -errno : result;
}
#endif

BATON_CHILD_CODE [[noreturn]] void child_fails(ChildState& child, long error, bool in_chdir) {
  child.in_chdir = in_chdir;
  child.error = error == 0 ? EINVAL : static_cast<int>(error);
  for (;;) raw(SYS_exit_group, 127);
}

// Returns only if the exec failed: its errno.
BATON_CHILD_CODE long exec(const char* program, const SpawnRequest& r) {
  return -raw(SYS_execve, reinterpret_cast<long>(program), reinterpret_cast<long>(r.argv),
              reinterpret_cast<long>(r.envp));
}

// execvp's search, in the child: every PATH entry in turn (an empty one is the working
// directory); a candidate that exists but may not be run is remembered as EACCES; a script
// without a `#!` line is not handed to /bin/sh (posix_spawnp does not either). Returns only if
// no candidate could be run: the errno to report.
BATON_CHILD_CODE long exec_searching(const SpawnRequest& r) {
  const char* dirs = r.path && *r.path ? r.path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t name_size = 0;
  while (r.program[name_size] != '\0') ++name_size;
  char candidate[PATH_MAX];
  bool denied = false;
  for (const char* begin = dirs;;) {
    const char* end = begin;
    while (*end != '\0' && *end != ':') ++end;
    const auto dir_size = static_cast<std::size_t>(end - begin);
    if (dir_size + 1 + name_size < sizeof candidate) {
      std::size_t at = 0;
      for (; at < dir_size; ++at) candidate[at] = begin[at];
      if (dir_size > 0) candidate[at++] = '/';
      for (std::size_t i = 0; i <= name_size; ++i) candidate[at + i] = r.program[i];
      const long error = exec(candidate, r);
      switch (error) {
        case EACCES:
          denied = true;
          break;
        case ENOENT:
        case ENOTDIR:
        case ESTALE:
        case ENODEV:
        case ETIMEDOUT:
        case ELOOP:
        case ENAMETOOLONG:
          break;
        default:
          return error;  // A real failure (E2BIG, ENOMEM, ...): say it.
      }
    }
    if (*end == '\0') break;
    begin = end + 1;
  }
  return denied ? EACCES : ENOENT;
}

BATON_CHILD_CODE int child_main(void* argument) {
  auto& child = *static_cast<ChildState*>(argument);
  const SpawnRequest& r = *child.request;
  // A session of its own, not only a process group: with no controlling terminal, a command that
  // opens /dev/tty (sudo's or ssh's password prompt) fails at once, where in a background group
  // of baton's terminal it would stop on SIGTTIN and wait for input that never comes.
  if (long error = raw(SYS_setsid); error < 0) child_fails(child, -error, false);
  // The kernel's struct sigaction: handler, flags, restorer, mask; all zero is SIG_DFL.
  struct {
    long handler = 0, flags = 0, restorer = 0;
    unsigned long mask = 0;
  } default_action;
  for (std::size_t i = 0; i < child.reset_count; ++i) {
    raw(SYS_rt_sigaction, child.reset_signals[i], reinterpret_cast<long>(&default_action), 0,
        sizeof(long));
  }
  // The parent made sure that neither descriptor is 0, 1 or 2, so no dup undoes another.
  const int from[] = {r.stdin_fd, r.output_fd, r.output_fd};
  for (int to = STDIN_FILENO; to <= STDERR_FILENO; ++to) {
    if (long error = raw(SYS_dup3, from[to], to, 0); error < 0) child_fails(child, -error, false);
  }
  raw(SYS_close_range, STDERR_FILENO + 1, ~0U, 0);
  if (r.cwd && *r.cwd) {
    if (long error = raw(SYS_chdir, reinterpret_cast<long>(r.cwd)); error < 0) {
      child_fails(child, -error, true);
    }
  }
  unsigned long none = 0;
  raw(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&none), 0, sizeof none);
  child_fails(child, r.search ? exec_searching(r) : exec(r.program, r), false);
}

}  // namespace

namespace detail {

ChildStack::ChildStack() {
  const long page = ::sysconf(_SC_PAGESIZE);
  size_ = kStackSize + static_cast<std::size_t>(page);
  base_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                 -1, 0);
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    throw std::runtime_error(std::string("baton: cannot map a stack for starting tasks: ") +
                             std::strerror(errno));
  }
  ::mprotect(base_, static_cast<std::size_t>(page), PROT_NONE);  // The stack grows down to it.
}

ChildStack::~ChildStack() {
  if (base_) ::munmap(base_, size_);
}

}  // namespace detail

std::optional<SpawnError> DetachedChild::failure() const {
  if (state_.error == 0) return std::nullopt;
  return SpawnError{state_.error, state_.in_chdir};
}

Spawner::Spawner() {
  // What a child must not inherit: the signals baton reads or a parent may have ignored, and any
  // handler (a program using the library may have set some), which must never run in a child
  // that shares our memory.
  for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGUSR1, SIGCHLD}) reset_signals_.push_back(signal);
  for (int signal = 1; signal <= SIGRTMAX; ++signal) {
    struct sigaction current {};
    if (signal == SIGKILL || signal == SIGSTOP || ::sigaction(signal, nullptr, &current) != 0) {
      continue;
    }
    bool has_handler = (current.sa_flags & SA_SIGINFO) != 0 ||
                       (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN);
    if (has_handler) reset_signals_.push_back(signal);
  }
}

pid_t Spawner::clone_child(ChildState& state, char* stack_top, int flags, SpawnError& error) {
  state.reset_signals = reset_signals_.data();
  state.reset_count = reset_signals_.size();
  state.error = 0;
  state.in_chdir = false;
  // No signal may run a handler in the child before it has reset them: block all until then.
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &previous);
  pid_t pid = start_child(child_main, stack_top, flags | CLONE_VM | SIGCHLD, &state);
  const int clone_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) error = {clone_error, false};
  return pid;
}

pid_t Spawner::spawn(const SpawnRequest& request, SpawnError& error) {
  ChildState state;
  state.request = &request;
  pid_t pid = clone_child(state, stack_.top(), CLONE_VFORK, error);
  if (pid < 0) return -1;
  if (state.error != 0) {
    error = {state.error, state.in_chdir};
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return -1;
  }
  return pid;
}

pid_t Spawner::start(DetachedChild& child, SpawnError& error) {
  child.state_.request = &child.request;
  return clone_child(child.state_, child.stack_.top(), 0, error);
}

}  // namespace baton::exec
