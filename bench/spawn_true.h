/* One task of the spawn limits (spawn_limit.c, dag_limit.c): posix_spawn /bin/true, and with
 * LOGS (a folder) what SPEC 2.1 asks of every task as well: a process group of its own and a log
 * file of its own, LOGS/TASK.log, made its stdout and stderr. Returns posix_spawn's error (an
 * errno for a log that cannot be opened, said on stderr); sets *pid. */
#ifndef BATON_BENCH_SPAWN_TRUE_H
#define BATON_BENCH_SPAWN_TRUE_H

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

static int spawn_true(long task, const char* logs, pid_t* pid) {
  static char* argv[] = {"/bin/true", NULL};
  if (!logs) return posix_spawn(pid, argv[0], NULL, NULL, argv, environ);
  static posix_spawnattr_t group;
  static int group_made = 0;
  if (!group_made) {
    posix_spawnattr_init(&group);
    posix_spawnattr_setflags(&group, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&group, 0);
    group_made = 1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%ld.log", logs, task);
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    int error = errno;
    fprintf(stderr, "%s: %s\n", path, strerror(error));
    return error;
  }
  posix_spawn_file_actions_t output;
  posix_spawn_file_actions_init(&output);
  posix_spawn_file_actions_adddup2(&output, fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&output, fd, STDERR_FILENO);
  int rc = posix_spawn(pid, argv[0], &output, &group, argv, environ);
  posix_spawn_file_actions_destroy(&output);
  close(fd);
  return rc;
}

#endif
