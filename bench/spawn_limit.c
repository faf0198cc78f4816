/* The physical limit the engine benchmark compares against (SPEC 9): posix_spawn /bin/true N
 * times with at most J running, reaping with waitpid, and nothing else: no process groups, no
 * log files, no event loop.
 *
 * With LOGS_DIR, each task also gets what SPEC 2.1 asks of any run: a process group of its own
 * and a log file of its own (LOGS_DIR/I.log, created by this process and made the child's
 * stdout and stderr). That is the floor for an orchestrator that follows the spec, and shows
 * how much of baton's distance to the bare limit is the log files alone.
 *
 *   cc -O2 -o bench/out/spawn_limit bench/spawn_limit.c && bench/out/spawn_limit 10000 2
 *   bench/out/spawn_limit 10000 2 /var/tmp/logs   (LOGS_DIR must exist)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn_true.h"

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long total = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  long jobs = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
  const char* logs = argc > 3 ? argv[3] : NULL;
  if (argc > 4 || total < 1 || jobs < 1) {
    fprintf(stderr, "usage: spawn_limit [N [J [LOGS_DIR]]]   (defaults: 10000 2, no logs)\n");
    return 2;
  }
  long started = 0, running = 0, failed = 0;
  double begin = now_seconds();
  while (started < total || running > 0) {
    while (started < total && running < jobs) {
      pid_t pid;
      int rc = spawn_true(started, logs, &pid);
      if (rc != 0) {
        fprintf(stderr, "spawn_limit: posix_spawn /bin/true: %s\n", strerror(rc));
        return 1;
      }
      ++started;
      ++running;
    }
    int status;
    if (waitpid(-1, &status, 0) < 0) {
      if (errno == EINTR) continue;
      perror("spawn_limit: waitpid");
      return 1;
    }
    --running;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  double seconds = now_seconds() - begin;
  /* This process's own CPU time (children excluded): the part a scheduler adds to, and far
   * less noisy than the wall time on a shared machine. */
  struct rusage self;
  getrusage(RUSAGE_SELF, &self);
  double cpu = (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
               (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
  printf(
      "%ld x /bin/true, %ld at a time%s: %.3f s, %.0f tasks/s, %.1f us/task, parent CPU %.1f "
      "us/task%s\n",
      total, jobs, logs ? ", a process group and a log file each" : "", seconds,
      (double)total / seconds, seconds * 1e6 / (double)total, cpu * 1e6 / (double)total,
      failed ? " (some failed)" : "");
  return failed ? 1 : 0;
}
