// What `baton run` shows: progress on stderr while it runs (tty: a live status line under the
// finished tasks, in tty_progress; plain: a line per transition; json: an event per line, SPEC
// 8). The Orchestration Report at the end is report_output's.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/run_event.hpp"
#include "engine/run_graph.hpp"
#include "engine/scheduler.hpp"

namespace baton::cli {

class Progress {
 public:
  virtual ~Progress() = default;
  /// `at`: when the run started, as recorded (a resumed session: when it resumed).
  virtual void run_started(const std::string& workflow,
                           std::chrono::system_clock::time_point at) = 0;
  virtual void on_event(const engine::RunEvent& event) = 0;
  virtual void run_finished(const engine::RunResult& result) = 0;
};

/// `mode`: auto (tty when stderr is a terminal, else plain), tty, plain, json or none. `state_flag`
/// (" --state DIR", or empty for the default folder) completes the commands printed for approval
/// gates; `jobs` (the run's slots) goes into the live line's ETA.
std::unique_ptr<Progress> make_progress(const std::string& mode, const std::string& run_id,
                                        const std::string& state_flag = {}, int jobs = 1);

/// True while `unit` is an approval gate waiting for its verdict (SPEC 3.6).
bool is_approval_gate(const engine::Unit& unit);

/// What to type in another shell to approve or reject a gate (SPEC 3.6).
std::string approval_commands(const std::string& run_id, const std::string& path,
                              const std::string& state_flag);

}  // namespace baton::cli
