/* The spawn limit of a shape (SPEC 9): bench/spawn_limit.c's loop, posix_spawn of /bin/true with
 * at most J running and waitpid to reap, that also follows the shape's dependencies. A task
 * starts once every task it needs has exited; among ready tasks the one with the longest chain
 * of tasks after it goes first, then file order (SPEC 2.3's order when every task has the same
 * estimate, as on a benchmark's). No checks of exit codes beyond counting failures, no trigger
 * rules, no state: what any orchestrator must do to run the shape, and nothing else.
 *
 * spawn_limit runs N tasks J at a time whatever the shape. A chain can only run one at a time,
 * and a layered DAG's join tasks run alone, so for those shapes it is a floor no orchestrator
 * that honours the dependencies can reach; this is the floor for the shape itself.
 *
 * DEPS_FILE has a line per task in file order with the 0-based lines of the tasks it needs
 * (bench/gen_workflow.py SHAPE N --format deps). With LOGS_DIR, each task also gets a process
 * group and a log file of its own (LOGS_DIR/I.log), as SPEC 2.1 asks, as spawn_limit does.
 *
 *   cc -O2 -o bench/out/dag_limit bench/dag_limit.c
 *   bench/gen_workflow.py layered 10000 --format deps -o /var/tmp/layered.deps
 *   bench/out/dag_limit /var/tmp/layered.deps 2 [LOGS_DIR]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn_true.h"

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void* grow(void* block, size_t count, size_t size) {
  void* out = realloc(block, count * size);
  if (!out) {
    fprintf(stderr, "dag_limit: out of memory\n");
    exit(1);
  }
  return out;
}

/* The DAG as edges from each task to the tasks that need it (compressed rows). */
struct Dag {
  long tasks;
  long* waiting;    /* per task: needs not yet exited */
  long* first_out;  /* per task + 1: start of its dependents in `dependents` */
  long* dependents;
  long* after;      /* per task: the longest chain of tasks that need it, itself included */
};

static int read_dag(const char* path, struct Dag* dag) {
  FILE* in = fopen(path, "r");
  if (!in) {
    fprintf(stderr, "dag_limit: %s: %s\n", path, strerror(errno));
    return -1;
  }
  long tasks = 0, edges = 0, edge_room = 1024, task_room = 1024;
  long* from = grow(NULL, (size_t)edge_room, sizeof(long)); /* edge: from -> to (to needs from) */
  long* to = grow(NULL, (size_t)edge_room, sizeof(long));
  long* waiting = grow(NULL, (size_t)task_room, sizeof(long));
  char* line = NULL;
  size_t line_room = 0;
  while (getline(&line, &line_room, in) >= 0) {
    if (tasks == task_room) waiting = grow(waiting, (size_t)(task_room *= 2), sizeof(long));
    waiting[tasks] = 0;
    for (char *word = line, *end;; word = end) {
      long need = strtol(word, &end, 10);
      if (end == word) break;
      if (need < 0 || need >= tasks) {
        fprintf(stderr, "dag_limit: %s:%ld: task %ld needs %ld, not an earlier line\n", path,
                tasks + 1, tasks, need);
        return -1;
      }
      if (edges == edge_room) {
        edge_room *= 2;
        from = grow(from, (size_t)edge_room, sizeof(long));
        to = grow(to, (size_t)edge_room, sizeof(long));
      }
      from[edges] = need;
      to[edges] = tasks;
      ++edges;
      ++waiting[tasks];
    }
    ++tasks;
  }
  free(line);
  fclose(in);
  if (tasks == 0) {
    fprintf(stderr, "dag_limit: %s has no tasks\n", path);
    return -1;
  }
  dag->tasks = tasks;
  dag->waiting = waiting;
  dag->first_out = calloc((size_t)tasks + 1, sizeof(long));
  dag->dependents = grow(NULL, (size_t)edges + 1, sizeof(long));
  dag->after = grow(NULL, (size_t)tasks, sizeof(long));
  for (long e = 0; e < edges; ++e) ++dag->first_out[from[e] + 1];
  for (long t = 0; t < tasks; ++t) dag->first_out[t + 1] += dag->first_out[t];
  long* fill = grow(NULL, (size_t)tasks, sizeof(long));
  memcpy(fill, dag->first_out, (size_t)tasks * sizeof(long));
  for (long e = 0; e < edges; ++e) dag->dependents[fill[from[e]]++] = to[e];
  free(fill);
  free(from);
  free(to);
  /* Every need is an earlier line: one pass from the last task back. */
  for (long t = tasks - 1; t >= 0; --t) {
    long longest = 0;
    for (long e = dag->first_out[t]; e < dag->first_out[t + 1]; ++e) {
      if (dag->after[dag->dependents[e]] > longest) longest = dag->after[dag->dependents[e]];
    }
    dag->after[t] = longest + 1;
  }
  return 0;
}

/* The ready tasks, a binary heap: longer chain after it first, then file order. */
static const struct Dag* order_of;
static long* ready;
static long ready_count;

static int goes_first(long a, long b) {
  if (order_of->after[a] != order_of->after[b]) return order_of->after[a] > order_of->after[b];
  return a < b;
}

static void push_ready(long task) {
  long at = ready_count++;
  while (at > 0 && goes_first(task, ready[(at - 1) / 2])) {
    ready[at] = ready[(at - 1) / 2];
    at = (at - 1) / 2;
  }
  ready[at] = task;
}

static long pop_ready(void) {
  long top = ready[0], last = ready[--ready_count], at = 0;
  for (;;) {
    long child = 2 * at + 1;
    if (child >= ready_count) break;
    if (child + 1 < ready_count && goes_first(ready[child + 1], ready[child])) ++child;
    if (!goes_first(ready[child], last)) break;
    ready[at] = ready[child];
    at = child;
  }
  if (ready_count > 0) ready[at] = last;
  return top;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: dag_limit DEPS_FILE [J [LOGS_DIR]]   (default J: 2, no logs)\n");
    return 2;
  }
  double begin = now_seconds();
  long jobs = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
  const char* logs = argc > 3 ? argv[3] : NULL;
  if (jobs < 1) {
    fprintf(stderr, "dag_limit: J must be at least 1\n");
    return 2;
  }
  struct Dag dag;
  if (read_dag(argv[1], &dag) != 0) return 1;
  order_of = &dag;
  ready = grow(NULL, (size_t)dag.tasks, sizeof(long));
  for (long t = 0; t < dag.tasks; ++t) {
    if (dag.waiting[t] == 0) push_ready(t);
  }
  pid_t* slot_pid = calloc((size_t)jobs, sizeof(pid_t)); /* 0: a free slot */
  long* slot_task = calloc((size_t)jobs, sizeof(long));
  long finished = 0, running = 0, failed = 0;
  while (finished < dag.tasks) {
    for (long slot = 0; slot < jobs && ready_count > 0; ++slot) {
      if (slot_pid[slot] != 0) continue;
      long task = pop_ready();
      pid_t pid;
      int rc = spawn_true(task, logs, &pid);
      if (rc != 0) {
        fprintf(stderr, "dag_limit: posix_spawn /bin/true: %s\n", strerror(rc));
        return 1;
      }
      slot_pid[slot] = pid;
      slot_task[slot] = task;
      ++running;
    }
    if (running == 0) {
      fprintf(stderr, "dag_limit: nothing ready and nothing running: a cycle?\n");
      return 1;
    }
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      perror("dag_limit: waitpid");
      return 1;
    }
    long slot = 0;
    while (slot < jobs && slot_pid[slot] != pid) ++slot;
    if (slot == jobs) continue; /* Not one of ours (an orphan re-parented to us). */
    slot_pid[slot] = 0;
    --running;
    ++finished;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    long task = slot_task[slot];
    for (long e = dag.first_out[task]; e < dag.first_out[task + 1]; ++e) {
      if (--dag.waiting[dag.dependents[e]] == 0) push_ready(dag.dependents[e]);
    }
  }
  double seconds = now_seconds() - begin;
  printf("%ld x /bin/true in dependency order, %ld at a time%s: %.3f s, %.0f tasks/s%s\n",
         dag.tasks, jobs, logs ? ", a process group and a log file each" : "", seconds,
         (double)dag.tasks / seconds, failed ? " (some failed)" : "");
  return failed ? 1 : 0;
}
