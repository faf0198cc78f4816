// ProcessSet as the engine's Executor: attempts are processes on this machine.
#pragma once

#include "engine/executor.hpp"
#include "exec/process_set.hpp"

namespace baton::exec {

class ProcessExecutor : public engine::Executor {
 public:
  explicit ProcessExecutor(Reaping reaping = Reaping::kPidfdPerAttempt) : set_(reaping) {}
  std::int64_t start(const LaunchSpec& spec) override { return set_.start(spec); }
  void terminate(std::uint64_t id) override { set_.terminate(id); }
  void kill(std::uint64_t id) override { set_.kill(id); }
  void terminate_all() override { set_.terminate_all(); }
  void kill_all() override { set_.kill_all(); }
  void add_timer(Clock::time_point when, std::uint64_t token) override {
    set_.add_timer(when, token);
  }
  std::size_t running() const override { return set_.running(); }
  void prepare_log(const std::string& log_path) override { set_.prepare_log(log_path); }
  std::vector<Event> wait(std::optional<Clock::time_point> deadline) override {
    return set_.wait(deadline);
  }

 private:
  ProcessSet set_;
};

}  // namespace baton::exec
