// What an executor is asked to run (LaunchSpec) and what it reports back (Event): plain
// values, so that the engine can be tested against a fake executor that speaks the same types.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace baton::engine {

/// The executor's clock: CLOCK_MONOTONIC, immune to wall-clock changes.
using Clock = std::chrono::steady_clock;

/// What an in-process attempt (a callable of the C++ library) may read: the values a process
/// gets through its environment, as data.
struct CallInput {
  std::string run_id;
  std::string task;  ///< The leaf's path.
  int attempt = 1;
  std::string item;     ///< In a fan-out instance.
  int item_index = -1;  ///< -1 outside fan-outs.
  bool compensating = false;
  /// Outputs of every task it needs, by task path (and, while compensating, its own).
  std::map<std::string, std::map<std::string, std::string>> outputs;
};

/// What an in-process attempt reports besides its exit: its outputs (a process writes them to a
/// file) and why it failed (an exception's message).
struct CallResult {
  std::map<std::string, std::string> outputs;
  std::string error;
  bool logged = false;  ///< Its log file exists: a callable's is made when it first logs.
};

/// One attempt of a task, as one process in its own process group, or one call of a callable.
struct LaunchSpec {
  /// The caller's attempt id, echoed in every event about this attempt. Unique among the
  /// attempts running at the same time. Default: 0.
  std::uint64_t id = 0;

  /// The program and its arguments; must not be empty. argv[0] without a '/' is looked up in
  /// the PATH of `env` (as a shell started with `env` would do), or in baton's own PATH when
  /// `env` has none.
  std::vector<std::string> argv;

  /// The environment of the process, "KEY=VALUE" each: `shared_env` (if set), then `env`. The
  /// shared part is built once for many attempts (baton's environment and the workflow's, most
  /// often); no name may appear in both. Default: empty.
  std::shared_ptr<const std::vector<std::string>> shared_env;
  std::vector<std::string> env;

  /// The working directory; relative to baton's. Default: empty, baton's own.
  std::string cwd;

  /// stdout and stderr are both appended to this file, created 0644 (with its folder) if
  /// missing. Relative to baton's working directory, not to `cwd`. Must not be empty.
  std::string log_path;

  /// Once this long has passed since the start, the attempt's process group gets SIGTERM, then
  /// SIGKILL after `kill_grace`, and the attempt reports `timed_out`. Default: none.
  std::optional<std::chrono::milliseconds> timeout;

  /// Time between SIGTERM and SIGKILL, on a timeout or terminate(). Default: 5 s.
  std::chrono::milliseconds kill_grace{5000};

  /// A `run` string that is run without /bin/sh (SPEC 2.1's fast path), "with the same result":
  /// a program that is not found or cannot be executed ends as the shell would end it, exit 127
  /// or 126 with a line in the log, rather than as an attempt that could not start.
  bool as_shell = false;

  /// An in-process attempt: the index of the callable to run, in the table of the executor
  /// that runs callables, and its input (argv and the environment are then unused). Default:
  /// -1, a process.
  std::int32_t callable = -1;
  std::shared_ptr<const CallInput> call;
};

/// An attempt's process has exited (or was killed) and has been reaped; what was left of its
/// process group has been sent SIGKILL.
struct AttemptExited {
  std::uint64_t id = 0;
  int exit_code = -1;       ///< The exit status, or -1 if a signal ended the process.
  int signal = 0;           ///< The signal that ended it, or 0.
  bool timed_out = false;   ///< The attempt's timeout expired and baton signalled it.
  Clock::time_point start;  ///< Just before the spawn.
  Clock::time_point end;    ///< When baton learnt of the exit.
  pid_t pid = 0;            ///< Also the process group id.

  /// Exit status 0, no signal, no timeout (SPEC 2.1).
  bool succeeded() const { return exit_code == 0 && !timed_out; }
};

/// The attempt could not be started; no process is left behind.
struct SpawnFailed {
  std::uint64_t id = 0;
  /// What failed, naming the program, folder or file: "cannot run 'nosuch': No such file or
  /// directory", "cannot change to directory 'x': …", "cannot open log 'y': …".
  std::string message;
};

/// A timer set with ProcessSet::add_timer is due.
struct TimerFired {
  std::uint64_t token = 0;
};

/// baton received SIGINT or SIGTERM.
struct Interrupted {
  int signal = 0;  ///< SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2 or SIGALRM.
  int count = 0;   ///< 1 for the first of any, 2 for the second (SIGQUIT: at least 2), and so on.
};

/// baton received SIGUSR1: another baton process asks this one to look at the store (`baton
/// approve` and `baton reject` gave a verdict).
struct Wakeup {};

/// Everything the executor reports; handle with std::visit.
using Event = std::variant<AttemptExited, SpawnFailed, TimerFired, Interrupted, Wakeup>;

}  // namespace baton::engine
