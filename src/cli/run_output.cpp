#include "cli/run_output.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/terminal.hpp"
#include "model/duration.hpp"

namespace baton::cli {
namespace {

using engine::TaskState;
using engine::Unit;

constexpr std::size_t kLogTailLines = 20;  // SPEC 2.1.

double seconds_between(std::chrono::system_clock::time_point a,
                       std::chrono::system_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
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

// A path as a shell word: `regions[0].sign_off` would be a glob to zsh; ids hold no quote.
std::string shell_word(const std::string& path) {
  return path.find_first_of("[]") == std::string::npos ? path : "'" + path + "'";
}

bool is_gate(const Unit& unit) { return unit.reason == "waiting for approval"; }

class PlainProgress : public Progress {
 public:
  PlainProgress(std::string run_id, std::string state_flag)
      : run_id_(std::move(run_id)), state_flag_(std::move(state_flag)) {}
  void run_started(const std::string& workflow) override {
    fmt::print(stderr, "run {} started\n", workflow);
  }
  void on_event(const engine::RunEvent& event) override {
    using K = engine::RunEventKind;
    if (event.kind == K::kBreaker) {
      const auto& t = *event.transition;
      fmt::print(stderr, "  breaker    {}: {} -> {} ({})\n", t.breaker, engine::to_string(t.from),
                 engine::to_string(t.to), t.why);
      return;
    }
    const Unit& unit = *event.unit;
    switch (event.kind) {
      case K::kTaskStarted:
        fmt::print(stderr, "  started    {} (attempt {})\n", unit.path, unit.attempts.size());
        break;
      case K::kTaskSucceeded:
        if (unit.attempts.empty()) {  // An approval gate.
          fmt::print(stderr, "  succeeded  {} ({})\n", unit.path, unit.reason);
        } else {
          fmt::print(stderr, "  succeeded  {} ({:.2f}s)\n", unit.path, duration(unit.attempts));
        }
        break;
      case K::kTaskFailed: {
        std::string decision = last_decision(unit);
        fmt::print(stderr, "  failed     {}: {}{}\n", unit.path, unit.reason,
                   decision.empty() ? "" : " (" + decision + ")");
        break;
      }
      case K::kTaskRetrying:
        fmt::print(stderr, "  retrying   {}{}: {} (next attempt at {})\n", unit.path,
                   unit.state == TaskState::kCompensating ? " compensation" : "", unit.reason,
                   local_time(unit.next_attempt_at));
        break;
      case K::kTaskWaiting:
        fmt::print(
            stderr, "  waiting    {}: {}\n", unit.path,
            is_gate(unit) ? approval_commands(run_id_, unit.path, state_flag_) : unit.reason);
        break;
      case K::kTaskSkipped:
        fmt::print(stderr, "  skipped    {}: {}\n", unit.path, unit.reason);
        break;
      case K::kTaskCancelled:
        fmt::print(stderr, "  cancelled  {}\n", unit.path);
        break;
      case K::kCompensationStarted:
        fmt::print(stderr, "  compensating {}\n", unit.path);
        break;
      case K::kCompensationFinished:
        if (unit.state == TaskState::kCompensated) {
          fmt::print(stderr, "  compensated  {} ({:.2f}s)\n", unit.path,
                     duration(unit.compensations));
        } else {
          fmt::print(stderr, "  compensation failed {}: {}\n", unit.path, unit.reason);
        }
        break;
      case K::kBreaker:
        break;
    }
  }
  void run_finished(const engine::RunResult& result) override {
    fmt::print(stderr, "run {} in {:.2f}s\n", engine::to_string(result.status),
               seconds_between(result.started, result.ended));
  }

 private:
  static double duration(const std::vector<engine::AttemptRecord>& attempts) {
    if (attempts.empty()) return 0;
    return seconds_between(attempts.back().start, std::chrono::system_clock::now());
  }
  std::string run_id_, state_flag_;
};

class JsonProgress : public Progress {
 public:
  JsonProgress(std::string run_id, std::string state_flag)
      : run_id_(std::move(run_id)), state_flag_(std::move(state_flag)) {}
  void run_started(const std::string& workflow) override {
    emit("run_started", event_time_now(), {{"workflow", workflow}});
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
      bool compensation = event.kind == K::kCompensationStarted ||
                          event.kind == K::kCompensationFinished ||
                          unit.state == TaskState::kCompensating;
      const auto& attempts = compensation ? unit.compensations : unit.attempts;
      extra = {{"task", unit.path}, {"attempt", attempts.size()}};
      if (event.kind == K::kTaskRetrying) {
        extra["attempt"] = attempts.size() + 1;  // The one due next.
        extra["next_attempt_at"] = clock_time(unit.next_attempt_at);
      }
      if (event.kind == K::kCompensationFinished) {
        extra["status"] = engine::to_string(unit.state);
      }
      if (compensation) extra["compensation"] = true;
      if (!unit.reason.empty()) extra["reason"] = unit.reason;
      if (event.kind == K::kTaskWaiting && is_gate(unit)) {
        extra["approve"] =
            fmt::format("baton approve {} {}{}", run_id_, shell_word(unit.path), state_flag_);
        extra["reject"] =
            fmt::format("baton reject {} {}{}", run_id_, shell_word(unit.path), state_flag_);
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
    emit("run_finished", event_time_now(),
         {{"status", engine::to_string(result.status)},
          {"makespan_s", seconds_between(result.started, result.ended)}});
  }

 private:
  static std::chrono::system_clock::time_point event_time_now() {
    return std::chrono::system_clock::now();
  }
  void emit(const char* event, std::chrono::system_clock::time_point at,
            nlohmann::ordered_json extra) {
    nlohmann::ordered_json line = {{"ts", clock_time(at)}, {"event", event}, {"run", run_id_}};
    for (auto& [key, value] : extra.items()) line[key] = value;
    fmt::print(stderr, "{}\n", line.dump());
  }
  std::string run_id_, state_flag_;
};

class NoProgress : public Progress {
 public:
  void run_started(const std::string&) override {}
  void on_event(const engine::RunEvent&) override {}
  void run_finished(const engine::RunResult&) override {}
};

std::string log_tail(const std::string& path) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > kLogTailLines) lines.pop_front();
  }
  std::string out;
  for (const auto& line : lines) out += "      | " + line + "\n";
  return out;
}

// Every leaf, depth first; and a fan-out that ended without instances (its items were missing,
// too many, or none), so that it is on the list with its reason.
std::vector<engine::UnitIndex> listed_units(const engine::RunGraph& graph) {
  std::vector<engine::UnitIndex> out, stack{engine::RunGraph::kRootUnit};
  while (!stack.empty()) {
    engine::UnitIndex u = stack.back();
    stack.pop_back();
    const Unit& unit = graph.unit(u);
    bool empty_fanout = unit.kind == engine::UnitKind::kFanout && unit.children.empty() &&
                        engine::is_terminal(unit.state);
    if (unit.kind == engine::UnitKind::kLeaf || empty_fanout) out.push_back(u);
    for (auto it = unit.children.rbegin(); it != unit.children.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

}  // namespace

std::unique_ptr<Progress> make_progress(const std::string& mode, const std::string& run_id,
                                        const std::string& state_flag) {
  if (mode == "json") return std::make_unique<JsonProgress>(run_id, state_flag);
  if (mode == "none") return std::make_unique<NoProgress>();
  // auto and tty: the live line comes with reports.
  return std::make_unique<PlainProgress>(run_id, state_flag);
}

std::string approval_commands(const std::string& run_id, const std::string& path,
                              const std::string& state_flag) {
  return fmt::format(
      "waiting for approval: run `baton approve {0} {1}{2}` or `baton reject {0} "
      "{1}{2}` in another shell",
      run_id, path, state_flag);
}

std::string run_summary(const engine::RunGraph& graph, const engine::RunResult& result,
                        const std::string& run_id) {
  Style style(stdout);
  std::string out =
      fmt::format("{} {} — {} in {:.2f}s\n", style.bold("Run"), run_id,
                  engine::to_string(result.status), seconds_between(result.started, result.ended));
  std::map<std::string, int> counts;
  // In file order: the unit tree depth first, so that instances created at run time stand where
  // their fan-out does.
  for (engine::UnitIndex u : listed_units(graph)) {
    const Unit& unit = graph.unit(u);
    std::string state(engine::to_string(unit.state));
    if (unit.state == TaskState::kFailed && unit.failure_ignored) state = "failed (ignored)";
    ++counts[state];
    bool good = unit.state == TaskState::kSucceeded || unit.state == TaskState::kCompensated;
    bool bad = unit.state == TaskState::kFailed || unit.state == TaskState::kCompensationFailed;
    std::string mark = good ? style.green("✓") : bad ? style.red("✗") : "-";
    std::string detail = unit.reason;
    if (!unit.attempts.empty()) {
      const auto& last = unit.attempts.back();
      std::string took = fmt::format("{:.2f}s", seconds_between(last.start, last.end));
      if (unit.attempts.size() > 1) took += fmt::format(" (attempt {})", unit.attempts.size());
      detail = detail.empty() ? took : detail + ", " + took;
    }
    if (!unit.compensations.empty()) {
      detail += fmt::format(
          ", compensation {:.2f}s",
          seconds_between(unit.compensations.back().start, unit.compensations.back().end));
      if (unit.compensations.size() > 1) {
        detail += fmt::format(" (attempt {})", unit.compensations.size());
      }
    }
    // SPEC 2.5: an instance is displayed with its item.
    std::string name = unit.item_index >= 0 && unit.parent != engine::kNoUnit &&
                               graph.unit(unit.parent).kind == engine::UnitKind::kFanout
                           ? fmt::format("{} ({})", unit.path, unit.item)
                           : unit.path;
    out += fmt::format("  {} {:<32} {:<19} {}\n", mark, name, state, detail);
    std::error_code ec;
    const auto& failed_attempts =
        unit.state == TaskState::kCompensationFailed ? unit.compensations : unit.attempts;
    bool show_log =
        unit.state == TaskState::kFailed || unit.state == TaskState::kCompensationFailed;
    if (show_log && !failed_attempts.empty() &&
        std::filesystem::exists(failed_attempts.back().log_path, ec)) {
      out += fmt::format("      log: {}\n", failed_attempts.back().log_path);
      out += log_tail(failed_attempts.back().log_path);
    }
  }
  for (const auto& t : result.breaker_transitions) {
    out += fmt::format("  breaker {}: {} -> {} at {} ({})\n", t.breaker, engine::to_string(t.from),
                       engine::to_string(t.to), local_time(t.at), t.why);
  }
  std::vector<std::string> parts;
  for (const auto& [state, n] : counts) parts.push_back(fmt::format("{} {}", n, state));
  out += fmt::format("{}; peak parallelism {}\n", fmt::join(parts, ", "), result.peak_parallelism);
  return out;
}

}  // namespace baton::cli
