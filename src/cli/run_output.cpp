#include "cli/run_output.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli/line_writer.hpp"
#include "cli/terminal.hpp"
#include "cli/tty_progress.hpp"
#include "cli/tty_progress_format.hpp"
#include "model/duration.hpp"
#include "report/run_report.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {
namespace {

using engine::TaskState;
using engine::Unit;

double seconds_between(std::chrono::system_clock::time_point a,
                       std::chrono::system_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The makespan as report.json gives it (SPEC 8): both ends at the store's millisecond.
double makespan_seconds(const engine::RunResult& result) {
  const auto millis = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  return static_cast<double>(millis(result.ended) - millis(result.started)) / 1000.0;
}

std::string clock_time(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()) % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(t)), ms.count());
}

std::string local_time(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()) % 1000;
  return fmt::format("{:%H:%M:%S}.{:03}", fmt::localtime(std::chrono::system_clock::to_time_t(t)),
                     ms.count());
}

std::string last_decision(const Unit& unit) {
  return unit.attempts.empty() ? std::string() : unit.attempts.back().decision;
}

class PlainProgress : public Progress {
 public:
  PlainProgress(std::string run_id, std::string state_flag)
      : run_id_(std::move(run_id)), state_flag_(std::move(state_flag)) {}
  void run_started(const std::string& workflow, std::chrono::system_clock::time_point) override {
    out_.print("run {} started\n", report::one_line(workflow));
  }
  void on_event(const engine::RunEvent& event) override {
    using K = engine::RunEventKind;
    if (event.kind == K::kBreaker) {
      const auto& t = *event.transition;
      out_.print("  breaker    {}: {} -> {} ({})\n", t.breaker, engine::to_string(t.from),
                 engine::to_string(t.to), t.why);
      return;
    }
    const Unit& unit = *event.unit;
    // A reason may quote a task's bytes (an output key, an item): no escape reaches the terminal.
    const std::string reason = report::one_line(unit.reason);
    switch (event.kind) {
      case K::kTaskStarted:
        out_.print("  started    {} (attempt {})\n", shown_path(unit), unit.attempts.size());
        break;
      case K::kTaskSucceeded:
        if (unit.attempts.empty()) {  // An approval gate.
          out_.print("  succeeded  {} ({})\n", shown_path(unit), reason);
        } else {
          out_.print("  succeeded  {} ({:.2f}s)\n", shown_path(unit), duration(unit.attempts));
        }
        break;
      case K::kTaskFailed: {
        std::string decision = last_decision(unit);
        out_.print("  failed     {}: {}{}\n{}", shown_path(unit), reason,
                   decision.empty() ? "" : " (" + decision + ")",
                   failed_log_tail(unit, "             | "));
        break;
      }
      case K::kTaskRetrying:
        out_.print("  retrying   {}{}: {} (next attempt at {})\n", shown_path(unit),
                   unit.state == TaskState::kCompensating ? " compensation" : "", reason,
                   local_time(unit.next_attempt_at));
        break;
      case K::kTaskWaiting:
        out_.print(
            "  waiting    {}: {}\n", shown_path(unit),
            is_approval_gate(unit) ? approval_commands(run_id_, unit.path, state_flag_) : reason);
        break;
      case K::kTaskSkipped:
        out_.print("  skipped    {}: {}\n", shown_path(unit), reason);
        break;
      case K::kTaskCancelled:
        out_.print("  cancelled  {}\n", shown_path(unit));
        break;
      case K::kCompensationStarted:
        out_.print("  compensating {}\n", shown_path(unit));
        break;
      case K::kCompensationFinished:
        if (unit.state == TaskState::kCompensated) {
          out_.print("  compensated  {} ({:.2f}s)\n", shown_path(unit),
                     duration(unit.compensations));
        } else {
          out_.print("  compensation failed {}: {}\n", shown_path(unit), reason);
        }
        break;
      case K::kBreaker:
        break;
    }
  }
  void run_finished(const engine::RunResult& result) override {
    out_.print("run {} in {:.2f}s\n", engine::to_string(result.status),
               seconds_between(result.started, result.ended));
    if (std::size_t dropped = out_.dropped(); dropped > 0) {
      out_.print("({} progress line{} dropped: stderr was not being read)\n", dropped,
                 dropped == 1 ? " was" : "s were");
    }
    out_.flush();  // Before the report, and before anything else on stderr.
  }

 private:
  static double duration(const std::vector<engine::AttemptRecord>& attempts) {
    if (attempts.empty()) return 0;
    return seconds_between(attempts.back().start, std::chrono::system_clock::now());
  }
  std::string run_id_, state_flag_;
  LineWriter out_;  // stderr, written on a thread of its own.
};

class JsonProgress : public Progress {
 public:
  JsonProgress(std::string run_id, std::string state_flag)
      : run_id_(std::move(run_id)), state_flag_(std::move(state_flag)) {}
  void run_started(const std::string& workflow, std::chrono::system_clock::time_point at) override {
    emit("run_started", at, {{"workflow", workflow}});
  }
  void on_event(const engine::RunEvent& event) override {
    using K = engine::RunEventKind;
    nlohmann::ordered_json extra;
    if (event.kind == K::kBreaker) {
      const auto& t = *event.transition;
      extra = {{"breaker", t.breaker},
               {"from", engine::to_string(t.from)},
               {"to", engine::to_string(t.to)},
               {"why", t.why}};
    } else {
      const Unit& unit = *event.unit;
      const auto& attempts = engine::event_attempts(event);
      const bool compensation = &attempts == &unit.compensations;  // About the compensation.
      // An event of a task that never had an attempt (skipped, a gate, a fan-out that could
      // not expand) has none to name: null, as on the run's own events.
      nlohmann::ordered_json attempt = nullptr;
      if (int number = engine::event_attempt(event); number > 0) attempt = number;
      extra = {{"task", unit.path}, {"attempt", attempt}};
      if (event.kind == K::kTaskRetrying) {
        extra["next_attempt_at"] = clock_time(unit.next_attempt_at);
      }
      if (event.kind == K::kCompensationFinished) {
        extra["status"] = engine::to_string(unit.state);
      }
      if (compensation) extra["compensation"] = true;
      if (!unit.reason.empty()) extra["reason"] = unit.reason;
      if (event.kind == K::kTaskFailed && unit.failure_ignored) extra["failure_ignored"] = true;
      if (event.kind == K::kTaskWaiting && is_approval_gate(unit)) {
        extra["approve"] = fmt::format("baton approve {} {}{}", run_id_,
                                       report::shell_word(unit.path), state_flag_);
        extra["reject"] = fmt::format("baton reject {} {}{}", run_id_,
                                      report::shell_word(unit.path), state_flag_);
      }
      if (!attempts.empty() && !attempts.back().decision.empty() &&
          (event.kind == K::kTaskFailed || event.kind == K::kTaskRetrying ||
           event.kind == K::kCompensationFinished)) {
        extra["decision"] = attempts.back().decision;
      }
    }
    emit(std::string(engine::to_string(event.kind)).c_str(), event.at, std::move(extra));
  }
  void run_finished(const engine::RunResult& result) override {
    nlohmann::ordered_json extra = {{"status", engine::to_string(result.status)},
                                    {"makespan_s", makespan_seconds(result)}};
    if (std::size_t dropped = out_.dropped(); dropped > 0)
      extra["progress_lines_dropped"] = dropped;
    emit("run_finished", event_time_now(), std::move(extra));
    out_.flush();  // Before the report, and before anything else on stderr.
  }

 private:
  static std::chrono::system_clock::time_point event_time_now() {
    return std::chrono::system_clock::now();
  }
  void emit(const char* event, std::chrono::system_clock::time_point at,
            nlohmann::ordered_json extra) {
    // SPEC 8's fixed fields are on every line: null where an event is not about a task.
    nlohmann::ordered_json line = {{"ts", clock_time(at)},
                                   {"event", event},
                                   {"run", run_id_},
                                   {"task", nullptr},
                                   {"attempt", nullptr}};
    for (auto& [key, value] : extra.items()) line[key] = value;
    // Items and reasons may hold a task's bytes, not necessarily UTF-8: replaced, not fatal.
    out_.print("{}\n", line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  std::string run_id_, state_flag_;
  LineWriter out_;  // stderr, written on a thread of its own.
};

// No progress, but an approval gate still says what to type (SPEC 3.6): without it, a run
// would wait for a verdict nobody was asked for.
class NoProgress : public Progress {
 public:
  NoProgress(std::string run_id, std::string state_flag)
      : run_id_(std::move(run_id)), state_flag_(std::move(state_flag)) {}
  void run_started(const std::string&, std::chrono::system_clock::time_point) override {}
  void on_event(const engine::RunEvent& event) override {
    if (event.kind == engine::RunEventKind::kTaskWaiting && is_approval_gate(*event.unit)) {
      out_.print("{}: {}\n", event.unit->path,
                 approval_commands(run_id_, event.unit->path, state_flag_));
    }
  }
  void run_finished(const engine::RunResult&) override { out_.flush(); }

 private:
  std::string run_id_, state_flag_;
  LineWriter out_;  // stderr, written on a thread of its own.
};

// A terminal that can take the live line: a dumb one cannot clear a line.
bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) && (term == nullptr || std::string_view(term) != "dumb");
}

}  // namespace

std::unique_ptr<Progress> make_progress(const std::string& mode, const std::string& run_id,
                                        const std::string& state_flag, int jobs) {
  if (mode == "json") return std::make_unique<JsonProgress>(run_id, state_flag);
  if (mode == "none") return std::make_unique<NoProgress>(run_id, state_flag);
  if (mode == "tty" || (mode == "auto" && stderr_is_terminal())) {
    return make_tty_progress(run_id, state_flag, jobs);
  }
  return std::make_unique<PlainProgress>(run_id, state_flag);
}

bool is_approval_gate(const engine::Unit& unit) { return unit.reason == "waiting for approval"; }

std::string approval_commands(const std::string& run_id, const std::string& path,
                              const std::string& state_flag) {
  return fmt::format(
      "waiting for approval: run `baton approve {0} {1}{2}` or `baton reject {0} "
      "{1}{2}` in another shell",
      run_id, report::shell_word(path), state_flag);
}

}  // namespace baton::cli
