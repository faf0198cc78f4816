/* spawn_limit.c's loop with a process group and a log file per task (SPEC 2.1), but each child
 * started as baton's Spawner::start() starts it: clone(CLONE_VM) on a stack of its own, without
 * CLONE_VFORK, so the parent does not sleep until the child has exec'd. posix_spawn (glibc)
 * always waits. On a 2-core VM the parent's sleep and wake around each start cost more than
 * the log file: this loop, log files and all, beat the bare posix_spawn loop there.
 *
 * The child makes its calls through syscall(), which writes errno on a failure: fine here,
 * where a child that fails ends the benchmark. baton's child uses system calls that leave the
 * parent's errno alone (src/exec/spawn.cpp).
 *
 *   cc -O2 -o bench/out/detached_limit bench/detached_limit.c
 *   mkdir -p /dev/shm/logs && bench/out/detached_limit 10000 2 /dev/shm/logs
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STACK_SIZE (64 * 1024)
#define MAX_JOBS 64

extern char** environ;
static char* true_argv[] = {"/bin/true", NULL};

struct slot {
  pid_t pid; /* 0: free */
  int log_fd;
  char* stack;
};

static int child_main(void* argument) {
  const struct slot* s = argument;
  syscall(SYS_setpgid, 0, 0);
  syscall(SYS_dup2, s->log_fd, STDOUT_FILENO);
  syscall(SYS_dup2, s->log_fd, STDERR_FILENO);
  sigset_t none;
  sigemptyset(&none);
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(long));
  syscall(SYS_execve, true_argv[0], true_argv, environ);
  syscall(SYS_exit_group, 127);
  return 0;
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long total = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  long jobs = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
  const char* logs = argc > 3 ? argv[3] : NULL;
  if (argc != 4 || total < 1 || jobs < 1 || jobs > MAX_JOBS) {
    fprintf(stderr, "usage: detached_limit N J LOGS_DIR   (J at most %d)\n", MAX_JOBS);
    return 2;
  }
  struct slot slots[MAX_JOBS] = {{0}};
  for (long i = 0; i < jobs; ++i) {
    slots[i].stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (slots[i].stack == MAP_FAILED) {
      perror("detached_limit: mmap");
      return 1;
    }
  }
  sigset_t all, previous;
  sigfillset(&all);
  long started = 0, running = 0, failed = 0;
  double begin = now_seconds();
  while (started < total || running > 0) {
    for (long i = 0; i < jobs && started < total; ++i) {
      struct slot* s = &slots[i];
      if (s->pid != 0) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%ld.log", logs, started);
      s->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (s->log_fd < 0) {
        fprintf(stderr, "detached_limit: %s: %s\n", path, strerror(errno));
        return 1;
      }
      /* No handler may run in the child, which shares our memory: all blocked until it execs. */
      sigprocmask(SIG_BLOCK, &all, &previous);
      s->pid = clone(child_main, s->stack + STACK_SIZE, CLONE_VM | SIGCHLD, s);
      sigprocmask(SIG_SETMASK, &previous, NULL);
      if (s->pid < 0) {
        perror("detached_limit: clone");
        return 1;
      }
      close(s->log_fd); /* The child has its own copy, made by clone(). */
      ++started;
      ++running;
    }
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      perror("detached_limit: waitpid");
      return 1;
    }
    for (long i = 0; i < jobs; ++i) {
      if (slots[i].pid == pid) slots[i].pid = 0; /* Its stack is free again. */
    }
    --running;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  double seconds = now_seconds() - begin;
  printf(
      "%ld x /bin/true, %ld at a time, detached, a process group and a log file each: "
      "%.3f s, %.0f tasks/s, %.1f us/task\n",
      total, jobs, seconds, (double)total / seconds, seconds * 1e6 / (double)total);
  if (failed) {
    fprintf(stderr, "detached_limit: %ld tasks failed\n", failed);
    return 1;
  }
  return 0;
}
