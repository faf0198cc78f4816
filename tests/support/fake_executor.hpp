// A scripted Executor for scheduler tests (Ninja's PlanTest style): nothing runs; each started
// attempt finishes with the exit code the test chose for its task, and the fake remembers what
// was started, terminated and timed. By default nothing sleeps: attempts end one per wait() in
// start order and timers fire, in the order they were set, only when nothing runs. With
// `real_time`, attempts last `duration` and timers fire at their due time, the fake sleeping
// until the next of them (for deadlines and breaker resets, which the scheduler reads from
// steady_clock; keep those durations to tens of milliseconds).
#pragma once

#include <algorithm>
#include <atomic>
#include <csignal>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/executor.hpp"

namespace baton::testing {

class FakeExecutor : public engine::Executor {
 public:
  /// The exit code of an attempt, by its name and its 1-based number (BATON_ATTEMPT). The name
  /// is the task's path (BATON_TASK), or "PATH (compensate)" for an attempt of its `compensate`
  /// step (BATON_COMPENSATING=1), numbered on their own. Default 0.
  std::function<int(const std::string& task, int attempt)> exit_code = [](const std::string&, int) {
    return 0;
  };
  /// `real_time` only: how long an attempt runs, by the same name and number. Default 0.
  std::function<engine::Clock::duration(const std::string& task, int attempt)> duration =
      [](const std::string&, int) { return engine::Clock::duration(0); };
  /// Outputs a task writes, as the text of its $BATON_OUTPUT file.
  std::map<std::string, std::string> outputs;
  /// Finish this many attempts per wait() (1: strictly one event at a time). Not in real time,
  /// where every wait() reports the one next event.
  std::size_t finish_per_wait = 1;
  /// Attempts end `duration` after they start, timers at their due time, and terminate() ends an
  /// attempt at once; each wait() sleeps until the earliest of them (an attempt before a timer
  /// due at the same instant). Default false.
  bool real_time = false;
  /// The first wait() reports Interrupted{SIGINT, 1} instead of anything else.
  bool interrupt_after_first_start = false;
  /// Once this many attempts have started (compensations included), the next wait() reports
  /// Interrupted{SIGINT, 1} instead of anything else. 0: never.
  std::size_t interrupt_after_starts = 0;
  /// The N-th call of wait() (1-based) reports Interrupted{SIGINT, 1} instead. 0: never.
  std::size_t interrupt_at_wait = 0;
  /// start() throws once this many attempts have started: a runaway retry loop fails the test
  /// instead of hanging it.
  std::size_t max_starts = 10'000;

  /// Called with an attempt's name (see exit_code) as it starts, before anything is recorded.
  std::function<void(const std::string& task)> on_start;

  std::vector<std::string> started;  ///< Attempt names (see exit_code), in start order.
  /// How many have started, for another thread to read (a store's writer thread).
  std::atomic<std::size_t> start_count{0};
  std::vector<engine::LaunchSpec> launches;   ///< What each of `started` was started with.
  std::vector<std::size_t> running_at_start;  ///< Per start: attempts running, itself included.
  std::vector<std::string> terminated;        ///< Names, per terminate() or *_all() call.
  std::vector<engine::Clock::duration> timer_delays;
  std::vector<std::string> prepared_logs;  ///< Per prepare_log() call, in order.
  std::vector<bool> log_was_prepared;      ///< Per start: its log had been prepare_log()ged.
  std::size_t max_running = 0;
  std::size_t max_running_compensations = 0;

  std::int64_t start(const engine::LaunchSpec& spec) override {
    std::string task = env(spec, "BATON_TASK");
    if (env(spec, "BATON_COMPENSATING") == "1") task += " (compensate)";
    if (started.size() >= max_starts) {
      throw std::logic_error("FakeExecutor::start: more than max_starts attempts");
    }
    int attempt = std::stoi(env(spec, "BATON_ATTEMPT"));
    if (on_start) on_start(task);
    started.push_back(task);
    ++start_count;
    launches.push_back(spec);
    log_was_prepared.push_back(std::find(prepared_logs.begin(), prepared_logs.end(),
                                         spec.log_path) != prepared_logs.end());
    if (auto it = outputs.find(task); it != outputs.end()) {
      std::ofstream(env(spec, "BATON_OUTPUT")) << it->second;
    }
    auto now = engine::Clock::now();
    running_.push_back({spec.id, task, attempt, now, now + duration(task, attempt), false,
                        task.ends_with(" (compensate)")});
    running_at_start.push_back(running_.size());
    max_running = std::max(max_running, running_.size());
    max_running_compensations = std::max(
        max_running_compensations,
        static_cast<std::size_t>(std::count_if(running_.begin(), running_.end(),
                                               [](const Running& r) { return r.compensation; })));
    return 0;  // No process.
  }
  /// Recorded; the attempt then reports SIGTERM when it ends (at once, in real time).
  void terminate(std::uint64_t id) override {
    for (auto& r : running_) {
      if (r.id == id) stop(r);
    }
  }
  void kill(std::uint64_t id) override { terminate(id); }
  void prepare_log(const std::string& log_path) override { prepared_logs.push_back(log_path); }
  void terminate_all() override {
    for (auto& r : running_) stop(r);
  }
  void kill_all() override { terminate_all(); }
  void add_timer(engine::Clock::time_point when, std::uint64_t token) override {
    timer_delays.push_back(when - engine::Clock::now());
    timers_.push_back({when, token});
  }
  std::size_t running() const override { return running_.size(); }

  /// Throws if nothing runs and no timer is set: the caller would wait forever.
  std::vector<engine::Event> wait(std::optional<engine::Clock::time_point>) override {
    std::vector<engine::Event> events;
    ++waits_;
    bool interrupt = interrupt_after_first_start ||
                     (interrupt_after_starts > 0 && started.size() >= interrupt_after_starts) ||
                     (interrupt_at_wait > 0 && waits_ >= interrupt_at_wait);
    if (interrupt && !interrupted_) {
      interrupted_ = true;
      events.push_back(engine::Interrupted{SIGINT, 1});
      return events;
    }
    if (running_.empty() && timers_.empty()) {
      throw std::logic_error("FakeExecutor::wait: nothing runs and no timer is set");
    }
    if (real_time) {
      events.push_back(next_in_real_time());
      return events;
    }
    for (std::size_t i = 0; i < finish_per_wait && !running_.empty(); ++i) {
      events.push_back(exit_of(running_.begin()));
    }
    if (events.empty()) {
      events.push_back(engine::TimerFired{timers_.front().token});
      timers_.pop_front();
    }
    return events;
  }

 private:
  struct Running {
    std::uint64_t id;
    std::string task;
    int attempt;
    engine::Clock::time_point start, ends_at;
    bool terminated;
    bool compensation;
  };
  struct Timer {
    engine::Clock::time_point due;
    std::uint64_t token;
  };

  static std::string env(const engine::LaunchSpec& spec, const std::string& name) {
    for (const auto& entry : spec.env) {
      if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
    }
    return {};
  }

  void stop(Running& r) {
    terminated.push_back(r.task);
    r.terminated = true;
    if (real_time) r.ends_at = std::min(r.ends_at, engine::Clock::now());
  }

  engine::Event exit_of(std::deque<Running>::iterator it) {
    Running r = *it;
    running_.erase(it);
    engine::AttemptExited exited;
    exited.id = r.id;
    exited.start = r.start;
    exited.end = engine::Clock::now();
    if (r.terminated) {
      exited.exit_code = -1;
      exited.signal = SIGTERM;
    } else {
      exited.exit_code = exit_code(r.task, r.attempt);
    }
    return exited;
  }

  // The earliest ending attempt or due timer (ties: attempts first, then start or set order).
  engine::Event next_in_real_time() {
    auto attempt =
        std::min_element(running_.begin(), running_.end(),
                         [](const Running& a, const Running& b) { return a.ends_at < b.ends_at; });
    auto timer = std::min_element(timers_.begin(), timers_.end(),
                                  [](const Timer& a, const Timer& b) { return a.due < b.due; });
    if (attempt != running_.end() && (timer == timers_.end() || attempt->ends_at <= timer->due)) {
      std::this_thread::sleep_until(attempt->ends_at);
      return exit_of(attempt);
    }
    std::this_thread::sleep_until(timer->due);
    engine::TimerFired fired{timer->token};
    timers_.erase(timer);
    return fired;
  }

  std::deque<Running> running_;
  std::deque<Timer> timers_;
  std::size_t waits_ = 0;
  bool interrupted_ = false;
};

}  // namespace baton::testing
