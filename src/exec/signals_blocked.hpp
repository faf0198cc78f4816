// A thread starts with the signal mask of the thread that creates it. baton's loop reads its
// stopping signals and SIGCHLD from a signalfd, which sees a process-directed signal only if
// every thread blocks it: so every helper thread (store writer, progress drawer, workers) is
// created with all signals blocked, under this guard.
#pragma once

#include <signal.h>

namespace baton::exec {

/// Blocks every signal in the calling thread while it lives; restores the previous mask after.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous_);
  }
  ~AllSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  sigset_t previous_;
};

}  // namespace baton::exec
