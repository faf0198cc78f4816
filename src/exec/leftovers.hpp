// After a crash (kill -9 of baton, a power cut in a container), a run's processes may still be
// running. Resume kills them before their tasks start over, so that two copies of one task never
// run at once (SPEC 4). They are found by the BATON_RUN_ID every attempt carries in its
// environment (and passes on to its children), so a recorded pid that has since been reused by
// an unrelated process is never signalled.
#pragma once

#include <compare>
#include <set>
#include <string>

namespace baton::exec {

/// The attempt a leftover process belongs to, as its environment says (BATON_TASK,
/// BATON_ATTEMPT, BATON_COMPENSATING).
struct LeftoverAttempt {
  std::string task;
  int number = 0;
  bool compensation = false;
  auto operator<=>(const LeftoverAttempt&) const = default;
};

/// SIGKILLs the process group of every process of this user whose environment holds
/// BATON_RUN_ID=`run_id`, and waits (up to 2 s) until they are gone. Returns how many processes
/// it found; adds to `attempts` (if given) the attempts they belonged to.
int kill_run_leftovers(const std::string& run_id, std::set<LeftoverAttempt>* attempts = nullptr);

/// SIGKILLs every process descended from this one, and waits (up to 2 s) until they are gone.
/// For the end of `baton run`: a task's process that left its process group and cleared its
/// environment is still found this way, re-parented to baton (a child subreaper). Returns how
/// many it killed. Not for a program that has children of its own besides baton's tasks.
int kill_descendants();

}  // namespace baton::exec
