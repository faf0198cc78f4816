// What a run needs to know besides its workflow: where its files go, how wide it may run.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace baton::engine {

class Journal;
struct RunEvent;
struct Unit;

/// A verdict on an approval gate (SPEC 3.6), given with `baton approve` or `baton reject`.
struct Verdict {
  std::string path;
  bool approved = false;
  std::string by;  ///< Who gave it.
};

struct RunOptions {
  int jobs = 1;                        ///< Leaves running at once (>= 1).
  std::string run_id;                  ///< BATON_RUN_ID and `${{ run.id }}`.
  std::filesystem::path run_dir;       ///< STATE/runs/RUN: logs/ and outputs/ go here.
  std::filesystem::path workflow_dir;  ///< Tasks' default working directory.
  std::vector<std::string> base_env;   ///< baton's own environment, "KEY=VALUE".
  /// Nothing really runs (--dry-run): a dynamic fan-out whose items are unknown gets one
  /// stand-in instance. Default: false.
  bool dry_run = false;
  /// Called for every event of the run (progress output), right after the change it reports.
  /// Default: none.
  std::function<void(const RunEvent&)> on_event;
  /// Where the run is made durable (SPEC 4). Default: none, nothing is recorded.
  Journal* journal = nullptr;
  /// Resume: called for each unit as it is created (at the start, and for the instances of a
  /// dynamic fan-out when it expands), before it is evaluated, to put back what an earlier
  /// session of the run recorded. A leaf it marks succeeded is done and never runs again. It
  /// returns true when the unit is not as recorded (a success whose compensation failed is a
  /// success again), so that the journal writes it again. Default: none.
  std::function<bool(Unit&)> restore;
  /// The verdicts on approval gates not taken yet (from the store). Asked when a gate starts
  /// waiting and when the executor reports a Wakeup. Default: none, gates wait until their
  /// timeout or deadline.
  std::function<std::vector<Verdict>()> verdicts;
  /// Told when a gate is decided by its verdict, which is then taken for good.
  std::function<void(const std::string& path)> verdict_taken;
  /// Also asked every this often while a gate waits: for a process that cannot be nudged with
  /// SIGUSR1 (a program using the library, whose other threads may not block it). Default:
  /// never, the Wakeup is enough.
  std::optional<std::chrono::milliseconds> verdict_poll;
};

}  // namespace baton::engine
