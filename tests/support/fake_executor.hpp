// A scripted Executor for scheduler tests (Ninja's PlanTest style): nothing runs; each started
// attempt finishes on the next wait() with the exit code the test chose for its task, and the
// fake remembers what was started, terminated and timed.
#pragma once

#include <algorithm>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/executor.hpp"

namespace baton::testing {

class FakeExecutor : public engine::Executor {
 public:
  /// The exit code of a task's attempt (BATON_TASK, BATON_ATTEMPT); default 0.
  std::function<int(const std::string& task, int attempt)> exit_code = [](const std::string&, int) {
    return 0;
  };
  /// Outputs a task writes, as the text of its $BATON_OUTPUT file.
  std::map<std::string, std::string> outputs;
  /// Finish this many attempts per wait() (1: strictly one event at a time).
  std::size_t finish_per_wait = 1;

  std::vector<std::string> started;  ///< Task paths, in start order.
  std::vector<std::string> terminated;
  std::vector<engine::Clock::duration> timer_delays;
  std::size_t max_running = 0;
  bool interrupt_after_first_start = false;

  void start(const engine::LaunchSpec& spec) override {
    std::string task = env(spec, "BATON_TASK");
    started.push_back(task);
    if (auto it = outputs.find(task); it != outputs.end()) {
      std::ofstream(env(spec, "BATON_OUTPUT")) << it->second;
    }
    running_.push_back({spec.id, task, std::stoi(env(spec, "BATON_ATTEMPT"))});
    max_running = std::max(max_running, running_.size());
  }
  void terminate(std::uint64_t id) override {
    for (const auto& r : running_) {
      if (r.id == id) terminated.push_back(r.task);
    }
  }
  void kill(std::uint64_t id) override { terminate(id); }
  void terminate_all() override {
    for (const auto& r : running_) terminated.push_back(r.task);
  }
  void kill_all() override { terminate_all(); }
  void add_timer(engine::Clock::time_point when, std::uint64_t token) override {
    timer_delays.push_back(when - engine::Clock::now());
    timers_.push_back(token);
  }
  std::size_t running() const override { return running_.size(); }

  std::vector<engine::Event> wait(std::optional<engine::Clock::time_point>) override {
    std::vector<engine::Event> events;
    if (interrupt_after_first_start && !interrupted_) {
      interrupted_ = true;
      events.push_back(engine::Interrupted{2, 1});
      return events;
    }
    for (std::size_t i = 0; i < finish_per_wait && !running_.empty(); ++i) {
      auto r = running_.front();
      running_.pop_front();
      engine::AttemptExited exited;
      exited.id = r.id;
      exited.exit_code = exit_code(r.task, r.attempt);
      events.push_back(exited);
    }
    if (events.empty() && !timers_.empty()) {
      events.push_back(engine::TimerFired{timers_.front()});
      timers_.pop_front();
    }
    return events;
  }

 private:
  struct Running {
    std::uint64_t id;
    std::string task;
    int attempt;
  };
  static std::string env(const engine::LaunchSpec& spec, const std::string& name) {
    for (const auto& entry : spec.env) {
      if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
    }
    return {};
  }
  std::deque<Running> running_;
  std::deque<std::uint64_t> timers_;
  bool interrupted_ = false;
};

}  // namespace baton::testing
