// The `baton` program.
#include <signal.h>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  // `baton approve` nudges a running baton with SIGUSR1 (read from a signalfd once the run is
  // under way); blocked from the start, an early nudge waits instead of killing this process.
  sigset_t nudge;
  sigemptyset(&nudge);
  sigaddset(&nudge, SIGUSR1);
  sigprocmask(SIG_BLOCK, &nudge, nullptr);
  // A reader of stderr or stdout that goes away (`baton run … 2>&1 | head`) must not kill baton
  // with SIGPIPE and leave its tasks running: the write fails instead, and the run goes on.
  // Tasks get the default back (exec/spawn.cpp).
  signal(SIGPIPE, SIG_IGN);
  return baton::cli::run(argc, argv);
}
