// The process executor: runs attempts as process groups and reports exits, timers and signals
// through one epoll loop on one thread (one timerfd, one signalfd, and a pidfd per child unless
// the process's every child is the set's), so that the scheduler never polls, sleeps or needs a
// thread per task.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "baton/result.hpp"
#include "exec/launch.hpp"
#include "exec/spawn.hpp"

namespace baton::exec {

/// How a ProcessSet learns that an attempt exited.
enum class Reaping {
  /// A pidfd per attempt in the epoll set: only the set's own children are ever reaped, so the
  /// rest of the process may have children of its own (a program using the library).
  kPidfdPerAttempt,
  /// SIGCHLD on the signalfd, then waitid(P_ALL): no pidfd per attempt (on Linux 6.18 opening,
  /// registering and closing one costs ~10 µs, as much as creating the attempt's log file), but
  /// any child of the process is reaped. Only for a process whose every child is the set's:
  /// the baton command.
  kAnyChild,
};

/// Starts and supervises task attempts. Each attempt is a process started by a Spawner in a
/// session and process group of its own (no controlling terminal), stdin from /dev/null, stdout and
/// stderr appended to its log file (the output never passes through baton), signal mask and the
/// dispositions of SIGINT, SIGTERM, SIGPIPE and SIGCHLD reset. When the process exits, whatever is
/// left of its group is sent SIGKILL and reaped, so nothing an attempt started outlives it; only a
/// process that leaves its group (setsid, a daemon) escapes.
///
/// While a ProcessSet lives it blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM,
/// SIGUSR1, SIGTSTP and SIGCHLD in the calling thread (they are read from a signalfd; the first
/// six become Interrupted events, SIGQUIT counting as a second one; SIGUSR1 a Wakeup; SIGTSTP
/// (Ctrl-Z) stops every attempt's process group and then this process, and once it is continued
/// continues them and moves their timeouts by the time they were stopped) and makes this process
/// a child subreaper, so that orphans of the attempts are re-parented here and reaped.
/// The destructor SIGKILLs every attempt still running, reaps it, discards the interrupting signals
/// received but not yet reported, and restores the signal mask and the subreaper setting.
///
/// Thread safety: none. Create, use and destroy a ProcessSet on one thread, at most one per
/// thread at a time. Other threads of the process must block those signals (AllSignalsBlocked),
/// or they may go to them instead.
class ProcessSet {
 public:
  /// Sets up epoll, the timerfd and the signalfd. Throws std::runtime_error if the kernel
  /// refuses (Linux 5.3 or later is needed for pidfds); nothing else fails.
  explicit ProcessSet(Reaping reaping = Reaping::kPidfdPerAttempt);
  ~ProcessSet();
  ProcessSet(const ProcessSet&) = delete;
  ProcessSet& operator=(const ProcessSet&) = delete;

  /// Starts the attempt and returns at once with its pid (also its process group), without
  /// waiting for the exec. If it cannot start, a later wait() returns a SpawnFailed event (or,
  /// for a shell command, the AttemptExited /bin/sh would have made, with pid 0) instead of its
  /// exit, and the attempt counts as running until then; start() returns 0 when that is known
  /// at once. `spec.id` must not be running already.
  pid_t start(const LaunchSpec& spec);

  /// SIGTERM to the attempt's process group now, SIGKILL after its kill_grace if it is still
  /// running then. No effect on an id that is not running (or is terminating already).
  void terminate(std::uint64_t id);

  /// SIGKILL to the attempt's process group now. No effect on an id that is not running.
  void kill(std::uint64_t id);

  /// terminate() / kill() every running attempt.
  void terminate_all();
  void kill_all();

  /// Creates the log file at `log_path` now, for the attempt that will start() with it, if it
  /// does not exist yet: a scheduler with nothing else to do takes the file's creation (~10 µs
  /// on ext4, far more in a folder emptied recently) off the way from one task to the next.
  /// A prepared log that no attempt used is removed when the set is destroyed, or to make room:
  /// at most kMaxPreparedLogs are kept, the oldest goes first. On any error it does nothing.
  void prepare_log(const std::string& log_path);
  static constexpr std::size_t kMaxPreparedLogs = 8;

  /// A TimerFired{token} event at `when` (at once if it has passed). Timers due together fire
  /// in the order of `when`, then in the order they were added.
  void add_timer(Clock::time_point when, std::uint64_t token);

  /// The attempts started and not yet reported by an AttemptExited event.
  std::size_t running() const { return by_id_.size(); }

  /// Blocks until at least one event is ready and returns every event ready now, in the order
  /// they happened. Returns an empty vector once `deadline` has passed with no event. Called
  /// with no deadline, no attempt running and no timer set, it waits for SIGINT or SIGTERM.
  /// Throws std::runtime_error only if the kernel refuses epoll_wait or timerfd_settime, which
  /// would be a bug.
  std::vector<Event> wait(std::optional<Clock::time_point> deadline = std::nullopt);

  /// Also wakes wait() when `fd` becomes readable: wait() then returns what is ready, possibly
  /// nothing. The caller owns `fd` and must drain it (an eventfd that other threads write to
  /// when they have work for this one: the library's worker pool). At most one fd.
  void wake_on(int fd);

 private:
  // An attempt's child reads all this until it has exec'd (see DetachedChild), so it is kept
  // with the slot, on the heap where moving slots_ leaves it be, and reused by the next attempt.
  struct Launch {
    LaunchSpec spec;
    std::string program;            // What is exec'd: spec.argv[0], or where it was found.
    std::vector<char*> argv, envp;  // Point into spec.
    DetachedChild child;
  };

  struct Attempt {
    std::uint64_t id = 0;
    std::uint64_t serial = 0;  // 0: a free slot. Tells a live attempt from a reused slot.
    std::uint32_t slot = 0;    // Its own index in slots_.
    pid_t pid = 0;
    int pidfd = -1;
    Clock::time_point start;
    std::chrono::milliseconds kill_grace{0};
    bool timed_out = false;
    bool terminating = false;
    bool detached = false;  // Started by Spawner::start(): an exec failure is known at the exit.
    std::unique_ptr<Launch> launch;
  };

  enum class TimerKind { kUser, kTimeout, kEscalate };
  struct Timer {
    Clock::time_point when;
    std::uint64_t seq = 0;  // Ties between equal `when`s go in the order of add.
    TimerKind kind = TimerKind::kUser;
    std::uint64_t key = 0;  // The user's token, or the attempt's serial.
    std::uint32_t slot = 0;
  };
  struct TimerLater {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };

  // Starts the slot's launch: its pid, or 0 once the event that says why not is queued.
  // `again`: the slot's detached child could not exec; this start waits for the exec.
  pid_t launch(std::uint32_t slot, bool detached, bool again);
  // process_set_spawn.cpp: the child started, or why not.
  Result<pid_t> spawn(Launch& launch, int log_fd, int& shell_status, bool detached);
  /// "WHAT 'NAME': strerror(error)", the wording of every failure to start.
  static std::string describe(std::string_view what, std::string_view name, int error);
  int take_prepared_log(const std::string& log_path);  // -1 if it was not prepared.
  static void discard_prepared_log(const std::pair<std::string, int>& prepared);
  std::uint32_t new_slot();
  void push_timer(Clock::time_point when, TimerKind kind, std::uint64_t key, std::uint32_t slot);
  bool is_stale(const Timer& timer) const;
  void arm_timerfd();
  void fire_due_timers(Clock::time_point now);
  void on_exit(std::uint32_t slot, Clock::time_point now);
  void on_signals(Clock::time_point now);
  void reap_exited_children(Clock::time_point now);
  void suspend();  // SIGTSTP: stops the attempts and baton; returns once continued.
  void reap_orphans();
  void watch_orphans(bool on);
  void signal_group(Attempt& attempt, int signal);
  bool begin_terminate(Attempt& attempt, Clock::time_point now);  // false: terminating already
  Attempt* find(std::uint64_t id);

  Reaping reaping_;
  sigset_t signals_;  // What the signalfd reads, but SIGCHLD.
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int signal_fd_ = -1;
  int dev_null_fd_ = -1;
  sigset_t old_mask_{};
  int old_subreaper_ = 0;
  Spawner spawner_;
  std::optional<std::string> own_path_;  // baton's PATH: the child searches it for us.

  std::vector<Attempt> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_id_;
  std::unordered_map<pid_t, std::uint32_t> by_pid_;  // Reaping::kAnyChild only.
  std::uint64_t next_serial_ = 1;

  std::vector<Timer> timers_;  // A min-heap by TimerLater; entries of ended attempts are stale.
  std::uint64_t next_timer_seq_ = 0;
  std::optional<Clock::time_point> armed_;  // What timer_fd_ is set to.

  std::vector<std::pair<std::string, int>> prepared_logs_;  // Created, not used yet.
  std::vector<pid_t> orphan_groups_;  // Groups whose leader exited, killed but not yet empty.
  int interrupts_ = 0;
  std::vector<Event> ready_;
};

}  // namespace baton::exec
