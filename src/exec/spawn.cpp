// Written by hand, not with posix_spawn: see spawn.hpp for what it costs and why. The child
// shares baton's memory until it execs (the parent is suspended meanwhile, as with vfork), so it
// calls only async-signal-safe functions, allocates nothing, and reports a failure through the
// request's shared result before _exit.
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

struct Child {
  const SpawnRequest* request;
  const int* reset_signals;
  std::size_t reset_count;
  volatile int error = 0;  // Written by the child before it exits; read once the parent resumes.
  volatile bool in_chdir = false;
};

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

BATON_CHILD_CODE long raw(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  return ::syscall(number, a, b, c, d);
}

BATON_CHILD_CODE [[noreturn]] void child_fails(Child& child, bool in_chdir) {
  child.in_chdir = in_chdir;
  child.error = errno == 0 ? EINVAL : errno;
  for (;;) raw(SYS_exit_group, 127);
}

BATON_CHILD_CODE void exec(const char* program, const SpawnRequest& r) {
  raw(SYS_execve, reinterpret_cast<long>(program), reinterpret_cast<long>(r.argv),
      reinterpret_cast<long>(r.envp));
}

// execvp's search, in the child: every PATH entry in turn (an empty one is the working
// directory); a candidate that exists but may not be run is remembered as EACCES; a script
// without a `#!` line is not handed to /bin/sh (posix_spawnp does not either).
BATON_CHILD_CODE void exec_searching(const SpawnRequest& r) {
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
      exec(candidate, r);
      switch (errno) {
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
          return;  // A real failure (E2BIG, ENOMEM, ...): say it.
      }
    }
    if (*end == '\0') break;
    begin = end + 1;
  }
  errno = denied ? EACCES : ENOENT;
}

BATON_CHILD_CODE int child_main(void* argument) {
  auto& child = *static_cast<Child*>(argument);
  const SpawnRequest& r = *child.request;
  // A session of its own, not only a process group: with no controlling terminal, a command that
  // opens /dev/tty (sudo's or ssh's password prompt) fails at once, where in a background group
  // of baton's terminal it would stop on SIGTTIN and wait for input that never comes.
  if (raw(SYS_setsid) < 0) child_fails(child, false);
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
  if (raw(SYS_dup3, r.stdin_fd, STDIN_FILENO, 0) < 0 ||
      raw(SYS_dup3, r.output_fd, STDOUT_FILENO, 0) < 0 ||
      raw(SYS_dup3, r.output_fd, STDERR_FILENO, 0) < 0) {
    child_fails(child, false);
  }
  raw(SYS_close_range, STDERR_FILENO + 1, ~0U, 0);
  if (r.cwd && *r.cwd && raw(SYS_chdir, reinterpret_cast<long>(r.cwd)) != 0) {
    child_fails(child, true);
  }
  unsigned long none = 0;
  raw(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&none), 0, sizeof none);
  if (r.search) {
    exec_searching(r);
  } else {
    exec(r.program, r);
  }
  child_fails(child, false);
}

}  // namespace

Spawner::Spawner() {
  const long page = ::sysconf(_SC_PAGESIZE);
  stack_size_ = kStackSize + static_cast<std::size_t>(page);
  stack_ = ::mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack_ == MAP_FAILED) {
    stack_ = nullptr;
    throw std::runtime_error(std::string("baton: cannot map a stack for starting tasks: ") +
                             std::strerror(errno));
  }
  ::mprotect(stack_, static_cast<std::size_t>(page), PROT_NONE);  // The stack grows down to it.

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

Spawner::~Spawner() {
  if (stack_) ::munmap(stack_, stack_size_);
}

pid_t Spawner::spawn(const SpawnRequest& request, SpawnError& error) {
  Child child{&request, reset_signals_.data(), reset_signals_.size()};
  // No signal may run a handler in the child before it has reset them: block all until then.
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &previous);
  char* top = static_cast<char*>(stack_) + stack_size_;
  pid_t pid = start_child(child_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
  const int clone_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) {
    error = {clone_error, false};
    return -1;
  }
  if (child.error != 0) {
    error = {child.error, child.in_chdir};
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return -1;
  }
  return pid;
}

}  // namespace baton::exec
