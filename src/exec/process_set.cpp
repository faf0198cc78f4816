// The process executor (see process_set.hpp). One epoll set holds the timerfd, the signalfd and,
// with Reaping::kPidfdPerAttempt, one pidfd per running attempt; wait() is the only call that
// blocks. Timeouts, kill-grace escalations and user timers share one min-heap, and the timerfd
// is armed for its top. How a child is started is in process_set_spawn.cpp.
#include "exec/process_set.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace baton::exec {
namespace {

// epoll keys: the three fixed fds, then one per attempt slot.
constexpr std::uint64_t kTimerKey = 0;
constexpr std::uint64_t kSignalKey = 1;
constexpr std::uint64_t kWakeKey = 2;
constexpr std::uint64_t kFirstSlotKey = 3;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("baton: process executor: " + what + ": " + std::strerror(errno));
}

// The stopping signals and SIGUSR1 (a Wakeup) are read from the signalfd, SIGCHLD only while
// orphans are awaited (see watch_orphans). Every signal whose default would end baton and that
// someone may send it stops the run: left to its default, it would kill baton and leave the
// attempts, each in a process group of its own, running. SIGHUP (the terminal or the SSH
// connection went away), SIGUSR2 and SIGALRM as SIGTERM does; SIGQUIT (Ctrl-\) as a second
// Ctrl-C does, at once.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM};

// Ctrl-Z (SIGTSTP) suspends the run, not baton alone: the attempts, in sessions of their own,
// would not get it from the terminal and would run on unwatched (see suspend()).
// Two signals that baton was started with ignored stay ignored, since that is what ignoring them
// is for: SIGHUP under nohup, SIGTSTP where the parent wants no job control. (A script's
// background job starts with SIGINT ignored too, but SPEC 2.6 wants SIGINT to stop a run.)
sigset_t signals_to_read() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : kStopSignals) sigaddset(&set, signal);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTSTP);
  for (int signal : {SIGHUP, SIGTSTP}) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) == 0 &&
        current.sa_handler == SIG_IGN) {
      sigdelset(&set, signal);
    }
  }
  return set;
}

sigset_t with_child(sigset_t set, bool child) {
  if (child) sigaddset(&set, SIGCHLD);
  return set;
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0u)); }

bool epoll_add(int epoll_fd, int fd, std::uint64_t key) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = key;
  return ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

// SIGNAL to the process group that `pid` leads. A child started detached leads one only once
// it has called setsid(); until then the signal goes to the child alone, which still has every
// signal blocked and acts on it when it unblocks them, just before it execs.
void signal_group_of(pid_t pid, int signal) {
  if (::killpg(pid, signal) != 0 && errno == ESRCH) ::kill(pid, signal);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Takes an attempt's pidfd out of the epoll set, then closes it. close() alone would not do: a
// child started since holds a copy until it has closed its descriptors, and until then the
// pidfd would stay in the set and report this exit again, under a slot that may be reused.
void forget_pidfd(int epoll_fd, int& pidfd) {
  if (pidfd < 0) return;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, pidfd, nullptr);
  close_fd(pidfd);
}

// Opens the log for appending, creating its folder only when the open says it is missing, so
// that the common case costs one syscall.
// A descriptor a child is given must not be 0, 1 or 2 (the child's dups would clobber it), which
// open() returns when baton was started with one of them closed: moved above them.
int above_stdio(int fd) {
  if (fd < 0 || fd > STDERR_FILENO) return fd;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  int error = errno;
  ::close(fd);
  errno = error;
  return moved;
}

int open_log(const std::string& path, int extra_flags = 0) {
  const int kFlags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | extra_flags;
  int fd = ::open(path.c_str(), kFlags, 0644);
  if (fd >= 0 || errno != ENOENT) return above_stdio(fd);
  auto folder = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (folder.empty() || !std::filesystem::create_directories(folder, error)) {
    if (error) errno = error.value();
    if (error || folder.empty()) return -1;
  }
  return above_stdio(::open(path.c_str(), kFlags, 0644));
}

}  // namespace

ProcessSet::ProcessSet(Reaping reaping) : reaping_(reaping), signals_(signals_to_read()) {
  const sigset_t handled = with_child(signals_, true);
  const sigset_t read_now = with_child(signals_, reaping == Reaping::kAnyChild);
  try {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) fail("epoll_create1");
    timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_fd_ < 0) fail("timerfd_create");
    signal_fd_ = ::signalfd(-1, &read_now, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd_ < 0) fail("signalfd");
    dev_null_fd_ = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (dev_null_fd_ < 0) fail("open /dev/null");
    if (!epoll_add(epoll_fd_, timer_fd_, kTimerKey) ||
        !epoll_add(epoll_fd_, signal_fd_, kSignalKey)) {
      fail("epoll_ctl");
    }
    if (reaping == Reaping::kPidfdPerAttempt) {
      int probe = pidfd_open(::getpid());
      if (probe < 0) fail("pidfd_open (Linux 5.3 or later is needed)");
      ::close(probe);
    }
    if (::prctl(PR_GET_CHILD_SUBREAPER, &old_subreaper_) != 0 ||
        ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
      fail("prctl PR_SET_CHILD_SUBREAPER");
    }
  } catch (...) {
    for (int* fd : {&epoll_fd_, &timer_fd_, &signal_fd_, &dev_null_fd_}) close_fd(*fd);
    throw;
  }

  if (const char* path = std::getenv("PATH")) own_path_ = path;
  pthread_sigmask(SIG_BLOCK, &handled, &old_mask_);
}

ProcessSet::~ProcessSet() {
  // SIGKILL cannot be ignored, so the blocking reaps below end promptly; every group is killed
  // first, so that they die together.
  kill_all();
  std::vector<pid_t> groups = orphan_groups_;
  for (auto& [id, slot] : by_id_) {
    Attempt& attempt = slots_[slot];
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(attempt.pid), &info, WEXITED) != 0 && errno == EINTR) {
    }
    close_fd(attempt.pidfd);
    groups.push_back(attempt.pid);
  }
  for (pid_t group : groups) {
    while (::waitpid(-group, nullptr, 0) > 0 || errno == EINTR) {
    }
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, old_subreaper_);
  for (const auto& prepared : prepared_logs_) discard_prepared_log(prepared);  // Never started.

  // Signals received but never reported would be delivered by the unblocking; drop them.
  watch_orphans(true);
  std::array<signalfd_siginfo, 8> dropped;
  while (::read(signal_fd_, dropped.data(), sizeof dropped) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  for (int* fd : {&epoll_fd_, &timer_fd_, &signal_fd_, &dev_null_fd_}) close_fd(*fd);
}

pid_t ProcessSet::start(const LaunchSpec& spec) {
  if (by_id_.contains(spec.id)) {
    ready_.push_back(SpawnFailed{
        spec.id, "attempt " + std::to_string(spec.id) + " is running already [this is a bug]"});
    return 0;
  }
  if (spec.argv.empty()) {
    ready_.push_back(SpawnFailed{spec.id, "nothing to run: the command is empty"});
    return 0;
  }
  std::uint32_t slot = new_slot();
  Attempt& attempt = slots_[slot];
  if (!attempt.launch) attempt.launch = std::make_unique<Launch>();
  attempt.launch->spec = spec;  // Assigned, not built: the slot's strings keep their capacity.
  pid_t pid = launch(slot, Spawner::kCanStartDetached, false);
  if (pid == 0) free_slots_.push_back(slot);
  return pid;
}

pid_t ProcessSet::launch(std::uint32_t slot, bool detached, bool again) {
  Launch& launch = *slots_[slot].launch;
  const LaunchSpec& spec = launch.spec;
  int log_fd = again ? -1 : take_prepared_log(spec.log_path);
  if (log_fd < 0) log_fd = open_log(spec.log_path);
  if (log_fd < 0) {
    ready_.push_back(SpawnFailed{spec.id, describe("cannot open log", spec.log_path, errno)});
    return 0;
  }
  const Clock::time_point start = again ? slots_[slot].start : Clock::now();
  int shell_status = 0;
  Result<pid_t> spawned = spawn(launch, log_fd, shell_status, detached);
  ::close(log_fd);          // The child has its own copy, made by clone().
  if (shell_status != 0) {  // Ended as /bin/sh would have ended it: see LaunchSpec::as_shell.
    AttemptExited exited;
    exited.id = spec.id;
    exited.exit_code = shell_status;
    exited.start = start;
    exited.end = Clock::now();
    ready_.push_back(exited);
    return 0;
  }
  if (!spawned) {
    ready_.push_back(SpawnFailed{spec.id, spawned.error().message});
    return 0;
  }
  const pid_t pid = *spawned;

  int pidfd = -1;
  if (reaping_ == Reaping::kAnyChild) {
    by_pid_.emplace(pid, slot);
  } else if ((pidfd = pidfd_open(pid)) < 0 || !epoll_add(epoll_fd_, pidfd, kFirstSlotKey + slot)) {
    // Out of descriptors or memory: an attempt baton cannot watch must not run.
    int error = errno;
    if (pidfd >= 0) ::close(pidfd);
    signal_group_of(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    ready_.push_back(SpawnFailed{spec.id, describe("cannot watch", spec.argv[0], error)});
    return 0;
  }
  Attempt& attempt = slots_[slot];
  attempt.pid = pid;
  attempt.pidfd = pidfd;
  attempt.detached = detached;
  if (again) return pid;  // The same attempt, its timers and all.
  attempt.id = spec.id;
  attempt.serial = next_serial_++;
  attempt.slot = slot;
  attempt.start = start;
  attempt.kill_grace = spec.kill_grace;
  attempt.timed_out = false;
  attempt.terminating = false;
  by_id_.emplace(spec.id, slot);
  if (spec.timeout) push_timer(start + *spec.timeout, TimerKind::kTimeout, attempt.serial, slot);
  return pid;
}

void ProcessSet::prepare_log(const std::string& log_path) {
  for (const auto& [path, fd] : prepared_logs_) {
    if (path == log_path) return;
  }
  // O_EXCL: only a file made here may be removed unused, never an earlier session's log.
  int fd = open_log(log_path, O_EXCL);
  if (fd < 0) return;
  if (prepared_logs_.size() == kMaxPreparedLogs) {
    // The oldest was most likely a wrong guess (its task was skipped): it goes, so that wrong
    // guesses never use up the room. Were its task to start after all, it makes its log anew.
    discard_prepared_log(prepared_logs_.front());
    prepared_logs_.erase(prepared_logs_.begin());
  }
  prepared_logs_.emplace_back(log_path, fd);
}

void ProcessSet::discard_prepared_log(const std::pair<std::string, int>& prepared) {
  ::close(prepared.second);
  ::unlink(prepared.first.c_str());
}

int ProcessSet::take_prepared_log(const std::string& log_path) {
  for (auto it = prepared_logs_.begin(); it != prepared_logs_.end(); ++it) {
    if (it->first != log_path) continue;
    int fd = it->second;
    prepared_logs_.erase(it);
    return fd;
  }
  return -1;
}

std::uint32_t ProcessSet::new_slot() {
  if (free_slots_.empty()) {
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  std::uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

ProcessSet::Attempt* ProcessSet::find(std::uint64_t id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &slots_[it->second];
}

void ProcessSet::signal_group(Attempt& attempt, int signal) {
  // The leader is reaped only in on_exit(), so until then its pid names this group and no other.
  signal_group_of(attempt.pid, signal);
}

bool ProcessSet::begin_terminate(Attempt& attempt, Clock::time_point now) {
  if (attempt.terminating) return false;
  attempt.terminating = true;
  signal_group(attempt, SIGTERM);
  signal_group(attempt, SIGCONT);  // A stopped process would not act on SIGTERM.
  push_timer(now + attempt.kill_grace, TimerKind::kEscalate, attempt.serial, attempt.slot);
  return true;
}

void ProcessSet::terminate(std::uint64_t id) {
  if (Attempt* attempt = find(id)) begin_terminate(*attempt, Clock::now());
}

void ProcessSet::kill(std::uint64_t id) {
  if (Attempt* attempt = find(id)) signal_group(*attempt, SIGKILL);
}

void ProcessSet::terminate_all() {
  const Clock::time_point now = Clock::now();
  for (auto& [id, slot] : by_id_) begin_terminate(slots_[slot], now);
}

void ProcessSet::kill_all() {
  for (auto& [id, slot] : by_id_) signal_group(slots_[slot], SIGKILL);
}

void ProcessSet::add_timer(Clock::time_point when, std::uint64_t token) {
  push_timer(when, TimerKind::kUser, token, 0);
}

void ProcessSet::push_timer(Clock::time_point when, TimerKind kind, std::uint64_t key,
                            std::uint32_t slot) {
  timers_.push_back(Timer{when, next_timer_seq_++, kind, key, slot});
  std::push_heap(timers_.begin(), timers_.end(), TimerLater{});
}

bool ProcessSet::is_stale(const Timer& timer) const {
  return timer.kind != TimerKind::kUser && slots_[timer.slot].serial != timer.key;
}

void ProcessSet::arm_timerfd() {
  // Entries of attempts that have ended are dropped when they reach the top, so the heap holds
  // little more than the running attempts' timers.
  while (!timers_.empty() && is_stale(timers_.front())) {
    std::pop_heap(timers_.begin(), timers_.end(), TimerLater{});
    timers_.pop_back();
  }
  std::optional<Clock::time_point> want;
  if (!timers_.empty()) want = timers_.front().when;
  if (want == armed_) return;
  itimerspec spec{};  // All zero disarms.
  if (want) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(want->time_since_epoch());
    long long count = std::max<long long>(ns.count(), 1);  // Zero would disarm instead.
    spec.it_value.tv_sec = static_cast<time_t>(count / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(count % 1'000'000'000);
  }
  // steady_clock is CLOCK_MONOTONIC, so its time points are the timerfd's absolute times.
  if (::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) fail("timerfd_settime");
  armed_ = want;
}

void ProcessSet::fire_due_timers(Clock::time_point now) {
  while (!timers_.empty() && timers_.front().when <= now) {
    std::pop_heap(timers_.begin(), timers_.end(), TimerLater{});
    Timer timer = timers_.back();
    timers_.pop_back();
    if (timer.kind == TimerKind::kUser) {
      ready_.push_back(TimerFired{timer.key});
    } else if (!is_stale(timer)) {
      Attempt& attempt = slots_[timer.slot];
      if (timer.kind == TimerKind::kEscalate) {
        signal_group(attempt, SIGKILL);
      } else if (begin_terminate(attempt, now)) {
        attempt.timed_out = true;
      }
    }
  }
}

void ProcessSet::on_exit(std::uint32_t slot, Clock::time_point now) {
  Attempt& attempt = slots_[slot];
  // Kill the rest of the group while the unreaped leader still pins its id (a zombie counts as
  // a member, so this succeeds either way), then ask after reaping whether anyone is left.
  ::killpg(attempt.pid, SIGKILL);
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(attempt.pid), &info, WEXITED) != 0 && errno == EINTR) {
  }
  AttemptExited exited;
  exited.id = attempt.id;
  exited.timed_out = attempt.timed_out;
  exited.start = attempt.start;
  exited.end = now;
  exited.pid = attempt.pid;
  if (info.si_code == CLD_EXITED) {
    exited.exit_code = info.si_status;
  } else if (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED) {
    exited.signal = info.si_status;
  }
  if (::killpg(attempt.pid, 0) == 0) {
    if (orphan_groups_.empty()) watch_orphans(true);
    orphan_groups_.push_back(attempt.pid);
    reap_orphans();
  }
  forget_pidfd(epoll_fd_, attempt.pidfd);
  if (reaping_ == Reaping::kAnyChild) by_pid_.erase(attempt.pid);
  if (attempt.detached && !attempt.terminating && attempt.launch->child.failure()) {
    // It could not exec. Started again the way that waits for the exec, it fails the same way
    // and says why in the words of every other start (or, a script without `#!`, runs in sh).
    if (launch(slot, false, true) > 0) return;
  } else {
    ready_.push_back(exited);
  }
  by_id_.erase(attempt.id);
  attempt.serial = 0;
  free_slots_.push_back(slot);
}

void ProcessSet::suspend() {
  // As the terminal would have done had the attempts been in baton's process group, they stop,
  // then baton does until it is continued (fg, bg, SIGCONT; `baton cancel` sends one). SIGSTOP,
  // not SIGTSTP: in a session of its own an attempt's group is orphaned, and the kernel discards
  // SIGTSTP sent to an orphaned group.
  for (auto& [id, slot] : by_id_) signal_group(slots_[slot], SIGSTOP);
  const Clock::time_point stopped = Clock::now();
  ::kill(::getpid(), SIGSTOP);  // Returns once baton is continued.
  const Clock::duration paused = Clock::now() - stopped;
  for (auto& [id, slot] : by_id_) signal_group(slots_[slot], SIGCONT);
  // A stopped attempt does not run: its timeout and kill grace do not count the pause. (Wall
  // clock waits, a retry's backoff or a gate's timeout, do.)
  for (Timer& timer : timers_) {
    if (timer.kind != TimerKind::kUser) timer.when += paused;
  }
  std::make_heap(timers_.begin(), timers_.end(), TimerLater{});
}

void ProcessSet::reap_orphans() {
  // A killed group member that was re-parented to us (we are a subreaper) is our zombie now.
  // A group is done when it has no member left at all, children of ours or not.
  std::erase_if(orphan_groups_, [](pid_t group) {
    while (::waitpid(-group, nullptr, WNOHANG) > 0) {
    }
    return ::killpg(group, 0) != 0 && errno == ESRCH;
  });
  if (orphan_groups_.empty()) watch_orphans(false);
}

void ProcessSet::watch_orphans(bool on) {
  // SIGCHLD stays blocked throughout, so one sent while it is not read stays pending and
  // wakes the loop as soon as it is read again. Reading it only while orphans are awaited
  // spares the loop a wake-up and a read for every attempt that leaves nothing behind.
  if (reaping_ == Reaping::kAnyChild) return;  // SIGCHLD is always read.
  const sigset_t set = with_child(signals_, on);
  ::signalfd(signal_fd_, &set, 0);
}

void ProcessSet::on_signals(Clock::time_point now) {
  std::array<signalfd_siginfo, 8> infos;
  bool child = false;
  ssize_t n = 0;
  do {  // A short read has drained the signalfd.
    n = ::read(signal_fd_, infos.data(), sizeof infos);
    for (std::size_t i = 0; n > 0 && i < static_cast<std::size_t>(n) / sizeof infos[0]; ++i) {
      int signal = static_cast<int>(infos[i].ssi_signo);
      if (signal == SIGCHLD) {
        child = true;
      } else if (signal == SIGTSTP) {
        suspend();
      } else if (signal == SIGUSR1) {
        ready_.emplace_back(std::in_place_type<Wakeup>);
      } else {
        // Ctrl-\ means now: it counts as the second interrupt, whatever came before.
        interrupts_ = signal == SIGQUIT ? std::max(interrupts_ + 1, 2) : interrupts_ + 1;
        ready_.emplace_back(std::in_place_type<Interrupted>, Interrupted{signal, interrupts_});
      }
    }
  } while (n == static_cast<ssize_t>(sizeof infos));
  if (child && reaping_ == Reaping::kAnyChild) reap_exited_children(now);
  if (child && !orphan_groups_.empty()) reap_orphans();
}

void ProcessSet::reap_exited_children(Clock::time_point now) {
  // One SIGCHLD may stand for several exits, so ask until no child is left to reap.
  for (;;) {
    siginfo_t info{};
    // WNOWAIT: an attempt's leader stays a zombie, pinning its group's id, until on_exit() has
    // killed the rest of the group.
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) continue;
      return;  // ECHILD: no child at all.
    }
    if (info.si_pid == 0) return;  // Children, none of them exited.
    if (auto it = by_pid_.find(info.si_pid); it != by_pid_.end()) {
      on_exit(it->second, now);
      continue;
    }
    // Not an attempt: an orphan of one, re-parented to this subreaper. Reap it.
    const auto pid = static_cast<id_t>(info.si_pid);
    while (::waitid(P_PID, pid, &info, WEXITED) != 0 && errno == EINTR) {
    }
  }
}

std::vector<Event> ProcessSet::wait(std::optional<Clock::time_point> deadline) {
  std::array<epoll_event, 64> events;
  for (;;) {
    arm_timerfd();
    int timeout_ms = -1;
    if (!ready_.empty()) {
      timeout_ms = 0;  // Collect whatever else is ready, without blocking.
    } else if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) fail("epoll_wait");
    const Clock::time_point now = Clock::now();
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      std::uint64_t key = events[static_cast<std::size_t>(i)].data.u64;
      if (key == kWakeKey) {
        woken = true;
      } else if (key == kTimerKey) {
        std::uint64_t expirations = 0;
        if (::read(timer_fd_, &expirations, sizeof expirations) > 0) armed_.reset();
      } else if (key == kSignalKey) {
        on_signals(now);
      } else {
        on_exit(static_cast<std::uint32_t>(key - kFirstSlotKey), now);
      }
    }
    fire_due_timers(now);
    if (!ready_.empty() || woken) return std::exchange(ready_, {});
    if (deadline && now >= *deadline) return {};
  }
}

void ProcessSet::wake_on(int fd) {
  if (!epoll_add(epoll_fd_, fd, kWakeKey)) fail("epoll_ctl");
}

}  // namespace baton::exec
