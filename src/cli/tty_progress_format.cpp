#include "cli/tty_progress_format.hpp"

#include <fmt/format.h>

#include <vector>

#include "cli/run_output.hpp"
#include "engine/run_graph.hpp"
#include "report/next_steps.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {
namespace {

// A reason may quote a task's bytes (an output key, an item): on one line, with no escape
// sequence of its own reaching the terminal.
std::string reason_of(const engine::Unit& unit) { return report::one_line(unit.reason); }

using std::chrono::milliseconds;
using K = engine::RunEventKind;

milliseconds between(std::chrono::system_clock::time_point a,
                     std::chrono::system_clock::time_point b) {
  return std::chrono::duration_cast<milliseconds>(b - a);
}

// Whole seconds, rounded up: a countdown that shows 0s would already be over.
std::string countdown_text(milliseconds d) {
  auto up = std::chrono::ceil<std::chrono::seconds>(d);
  if (up < std::chrono::minutes(1)) return fmt::format("{}s", up.count());
  return clock_text(up);
}

// Terminal columns, counting each UTF-8 code point as one: every character the status line
// uses (`·` included) is one column wide.
std::size_t columns(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A piece of the status line: as measured, and as drawn (with colour codes, which take no
// columns).
struct Part {
  std::string text;
  std::string drawn;
};

// `[12/40] 3 running · 1 retrying`: the counts stand apart, the rest is separated by dots; as
// many parts as fit in `width` − 1 columns (0: all of them).
std::string join_fitting(const std::vector<Part>& parts, std::size_t width) {
  auto separator = [](std::size_t i) -> std::string_view {
    return i == 0 ? "" : i == 1 ? " " : " · ";
  };
  std::size_t keep = parts.size(), used = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    used += columns(separator(i)) + columns(parts[i].text);
    if (width > 0 && used > width - 1) {
      keep = i;
      break;
    }
  }
  if (keep == 0) {  // Not even the counts fit: as many of their characters as do.
    return width > 1 ? parts[0].text.substr(0, width - 1) : std::string();
  }
  std::string line;
  for (std::size_t i = 0; i < keep; ++i) {
    line += separator(i);
    line += parts[i].drawn;
  }
  return line;
}

// The duration of the last attempt of `attempts`; one not over yet ends at `now`.
std::string last_took(const std::vector<engine::AttemptRecord>& attempts,
                      std::chrono::system_clock::time_point now) {
  const auto& last = attempts.back();
  return duration_text(between(last.start, last.end >= last.start ? last.end : now));
}

// `attempt 2 of 3`; after a resume the numbers go on and the budget starts afresh (SPEC 4).
std::string attempt_text(const engine::Unit& unit, const engine::AttemptRecord& attempt,
                         int max_attempts) {
  if (max_attempts <= 0) return fmt::format("attempt {}", attempt.number);
  return fmt::format("attempt {} of {}", attempt.number, unit.attempt_base + max_attempts);
}

std::string succeeded_line(const engine::RunEvent& event, int max_attempts, const Style& style) {
  const engine::Unit& unit = *event.unit;
  std::string line = fmt::format("{} {}  ", style.green("✓"), shown_path(unit));
  if (unit.attempts.empty()) return line + reason_of(unit);  // An approval gate: `approved by …`.
  line += last_took(unit.attempts, event.at);
  if (unit.attempts.back().number > 1) {
    line += fmt::format(" ({})", attempt_text(unit, unit.attempts.back(), max_attempts));
  }
  return line;
}

std::string failed_line(const engine::RunEvent& event, int max_attempts, const Style& style) {
  const engine::Unit& unit = *event.unit;
  std::string line = fmt::format("{} {}  {}", style.red("✗"), shown_path(unit), reason_of(unit));
  if (unit.failure_ignored) line += " (ignored)";
  if (unit.attempts.empty()) return line;
  const auto& last = unit.attempts.back();
  line += "  " + last_took(unit.attempts, event.at);
  if (max_attempts == 1 && unit.attempt_base == 0) return line;
  // The decision is worth showing when attempts were left: it says why they were not made.
  bool budget_left = max_attempts <= 0 || last.number < unit.attempt_base + max_attempts;
  if (budget_left && !last.decision.empty()) {
    return line + fmt::format(" ({}; {})", attempt_text(unit, last, max_attempts), last.decision);
  }
  return line + fmt::format(" ({})", attempt_text(unit, last, max_attempts));
}

// The engine writes a retrying unit's reason as `CAUSE; attempt N of M in DELAY` and the
// attempt's decision as `retry in DELAY (attempt N of M)`: the line takes the cause from one and
// the rest from the other.
std::string retrying_line(const engine::Unit& unit, const Style& style) {
  bool compensation = unit.state == engine::TaskState::kCompensating;
  const auto& attempts = compensation ? unit.compensations : unit.attempts;
  std::string detail = reason_of(unit);
  if (!attempts.empty() && !attempts.back().decision.empty()) {
    auto cut = reason_of(unit).rfind("; ");
    detail = (cut == std::string::npos ? reason_of(unit) : reason_of(unit).substr(0, cut)) + ", " +
             attempts.back().decision;
  }
  return fmt::format("{} {}  {}", style.yellow("↻"), shown_path(unit), detail);
}

std::string compensation_line(const engine::RunEvent& event, const Style& style) {
  const engine::Unit& unit = *event.unit;
  if (unit.state != engine::TaskState::kCompensated) {
    return fmt::format("{} {}  {}", style.red("✗"), shown_path(unit), reason_of(unit));
  }
  std::string line = fmt::format("↩ {}  compensated", shown_path(unit));
  if (!unit.compensations.empty()) line += "  " + last_took(unit.compensations, event.at);
  return line;
}

}  // namespace

std::string shown_path(const engine::Unit& unit) {
  if (unit.item.empty()) return unit.path;
  return unit.path + " (" + report::one_line(unit.item) + ")";
}

std::string clock_text(milliseconds d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 0) s = 0;
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string duration_text(milliseconds d) {
  if (d < std::chrono::minutes(1)) return fmt::format("{:.2f}s", d.count() / 1000.0);
  return clock_text(d);
}

std::optional<milliseconds> eta(const StatusView& view) {
  if (view.done >= view.total) return std::nullopt;
  if (view.estimated_left) return view.estimated_left;
  if (view.done == 0) return std::nullopt;
  double left = static_cast<double>(view.total - view.done) / static_cast<double>(view.done);
  return milliseconds(static_cast<std::int64_t>(static_cast<double>(view.elapsed.count()) * left));
}

std::string status_line(const StatusView& view, std::size_t width, const Style& style) {
  std::vector<Part> parts;
  auto counts = fmt::format("[{}/{}]", view.done, view.total);
  parts.push_back({counts, style.bold(counts)});
  auto count = [&parts](std::size_t n, std::string_view what, bool always, auto colour) {
    if (n == 0 && !always) return;
    std::string text = fmt::format("{} {}", n, what);
    parts.push_back({text, n > 0 ? colour(text) : text});
  };
  auto plain = [](const std::string& s) { return s; };
  count(view.running, "running", true, plain);
  count(view.retrying, "retrying", true, [&](const std::string& s) { return style.yellow(s); });
  count(view.failed, "failed", true, [&](const std::string& s) { return style.red(s); });
  count(view.waiting, "waiting", false, plain);
  count(view.compensating, "compensating", false, plain);
  auto elapsed = clock_text(view.elapsed) + " elapsed";
  parts.push_back({elapsed, elapsed});
  if (auto left = eta(view)) {
    auto text = "ETA " + clock_text(std::chrono::ceil<std::chrono::seconds>(*left));
    parts.push_back({text, text});
  }
  if (view.next_retry) {
    auto text = "next retry in " + countdown_text(*view.next_retry);
    parts.push_back({text, text});
  }
  return join_fitting(parts, width);
}

std::string final_line(engine::RunStatus status, milliseconds took, const StatusView& view,
                       const Style& style) {
  std::string word(engine::to_string(status));
  std::string drawn = status == engine::RunStatus::kSucceeded ? style.green(word)
                      : status == engine::RunStatus::kFailed  ? style.red(word)
                                                              : style.yellow(word);
  std::string line =
      fmt::format("run {} in {} · {}/{} done", drawn, duration_text(took), view.done, view.total);
  if (view.failed > 0) line += fmt::format(" · {} failed", view.failed);
  return line;
}

std::string log_line(const engine::RunEvent& event, int max_attempts, const LogContext& context,
                     const Style& style) {
  if (event.kind == K::kBreaker) {
    const auto& t = *event.transition;
    return fmt::format("{} breaker {}: {} → {} ({})", style.yellow("!"), t.breaker,
                       engine::to_string(t.from), engine::to_string(t.to), t.why);
  }
  const engine::Unit& unit = *event.unit;
  switch (event.kind) {
    case K::kTaskSucceeded:
      return succeeded_line(event, max_attempts, style);
    case K::kTaskFailed: {
      std::string tail = failed_log_tail(unit, "    ");
      if (!tail.empty()) tail.pop_back();  // The caller ends the line.
      return failed_line(event, max_attempts, style) + (tail.empty() ? "" : "\n" + tail);
    }
    case K::kTaskRetrying:
      return retrying_line(unit, style);
    case K::kTaskWaiting:
      return fmt::format("{} {}  {}", style.yellow("⏸"), shown_path(unit),
                         is_approval_gate(unit)
                             ? approval_commands(context.run_id, unit.path, context.state_flag)
                             : "waiting: " + reason_of(unit));
    case K::kTaskSkipped:
      return fmt::format("{} {}  skipped: {}", style.dim("-"), shown_path(unit), reason_of(unit));
    case K::kTaskCancelled:
      return fmt::format("{} {}  cancelled", style.dim("-"), shown_path(unit));
    case K::kCompensationFinished:
      return compensation_line(event, style);
    case K::kTaskStarted:
    case K::kCompensationStarted:
    case K::kBreaker:
      break;
  }
  return {};
}

std::string failed_log_tail(const engine::Unit& unit, std::string_view indent) {
  if (unit.attempts.empty() || unit.attempts.back().log_path.empty()) return {};
  std::string out;
  for (auto& line : report::last_lines(unit.attempts.back().log_path, report::kLogTailLines)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // A CRLF log.
    out += fmt::format("{}{}\n", indent, report::without_controls(line));
  }
  return out;
}

}  // namespace baton::cli
