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

class PlainProgress : public Progress {
 public:
  void run_started(const std::string& workflow) override {
    fmt::print(stderr, "run {} started\n", workflow);
  }
  void leaf_changed(const Unit& unit) override {
    switch (unit.state) {
      case TaskState::kRunning:
        fmt::print(stderr, "  started    {} (attempt {})\n", unit.path, unit.attempts.size());
        break;
      case TaskState::kSucceeded:
        fmt::print(stderr, "  succeeded  {} ({:.2f}s)\n", unit.path, duration(unit));
        break;
      case TaskState::kFailed:
        fmt::print(stderr, "  failed     {}: {}\n", unit.path, unit.reason);
        break;
      case TaskState::kSkipped:
        fmt::print(stderr, "  skipped    {}: {}\n", unit.path, unit.reason);
        break;
      case TaskState::kCancelled:
        fmt::print(stderr, "  cancelled  {}\n", unit.path);
        break;
      default:
        break;
    }
  }
  void run_finished(const engine::RunResult& result) override {
    fmt::print(stderr, "run {} in {:.2f}s\n", engine::to_string(result.status),
               seconds_between(result.started, result.ended));
  }

 private:
  static double duration(const Unit& unit) {
    if (unit.attempts.empty()) return 0;
    return seconds_between(unit.attempts.back().start, std::chrono::system_clock::now());
  }
};

class JsonProgress : public Progress {
 public:
  explicit JsonProgress(std::string run_id) : run_id_(std::move(run_id)) {}
  void run_started(const std::string& workflow) override {
    emit("run_started", {{"workflow", workflow}});
  }
  void leaf_changed(const Unit& unit) override {
    static const std::map<TaskState, const char*> kEvents = {
        {TaskState::kRunning, "task_started"},
        {TaskState::kSucceeded, "task_succeeded"},
        {TaskState::kFailed, "task_failed"},
        {TaskState::kSkipped, "task_skipped"},
        {TaskState::kCancelled, "task_cancelled"}};
    auto it = kEvents.find(unit.state);
    if (it == kEvents.end()) return;
    nlohmann::ordered_json extra = {{"task", unit.path}, {"attempt", unit.attempts.size()}};
    if (!unit.reason.empty()) extra["reason"] = unit.reason;
    emit(it->second, std::move(extra));
  }
  void run_finished(const engine::RunResult& result) override {
    emit("run_finished", {{"status", engine::to_string(result.status)},
                          {"makespan_s", seconds_between(result.started, result.ended)}});
  }

 private:
  void emit(const char* event, nlohmann::ordered_json extra) {
    nlohmann::ordered_json line = {
        {"ts", clock_time(std::chrono::system_clock::now())}, {"event", event}, {"run", run_id_}};
    for (auto& [key, value] : extra.items()) line[key] = value;
    fmt::print(stderr, "{}\n", line.dump());
  }
  std::string run_id_;
};

class NoProgress : public Progress {
 public:
  void run_started(const std::string&) override {}
  void leaf_changed(const Unit&) override {}
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

std::unique_ptr<Progress> make_progress(const std::string& mode, const std::string& run_id) {
  if (mode == "json") return std::make_unique<JsonProgress>(run_id);
  if (mode == "none") return std::make_unique<NoProgress>();
  return std::make_unique<PlainProgress>();  // auto and tty: the live line comes with reports.
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
    std::string mark = unit.state == TaskState::kSucceeded ? style.green("✓")
                       : unit.state == TaskState::kFailed  ? style.red("✗")
                                                           : "-";
    std::string detail = unit.reason;
    if (!unit.attempts.empty()) {
      const auto& last = unit.attempts.back();
      std::string took = fmt::format("{:.2f}s", seconds_between(last.start, last.end));
      if (unit.attempts.size() > 1) took += fmt::format(" (attempt {})", unit.attempts.size());
      detail = detail.empty() ? took : detail + ", " + took;
    }
    // SPEC 2.5: an instance is displayed with its item.
    std::string name = unit.item_index >= 0 && unit.parent != engine::kNoUnit &&
                               graph.unit(unit.parent).kind == engine::UnitKind::kFanout
                           ? fmt::format("{} ({})", unit.path, unit.item)
                           : unit.path;
    out += fmt::format("  {} {:<32} {:<17} {}\n", mark, name, state, detail);
    std::error_code ec;
    if (unit.state == TaskState::kFailed && !unit.attempts.empty() &&
        std::filesystem::exists(unit.attempts.back().log_path, ec)) {
      out += fmt::format("      log: {}\n", unit.attempts.back().log_path);
      out += log_tail(unit.attempts.back().log_path);
    }
  }
  std::vector<std::string> parts;
  for (const auto& [state, n] : counts) parts.push_back(fmt::format("{} {}", n, state));
  out += fmt::format("{}; peak parallelism {}\n", fmt::join(parts, ", "), result.peak_parallelism);
  return out;
}

}  // namespace baton::cli
