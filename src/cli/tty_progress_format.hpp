// The text of the live progress on a terminal (SPEC 5): the log line of each finished task and
// the one status line under them. Pure functions of their arguments, so that every line is
// tested verbatim without a terminal; tty_progress.cpp decides when they are drawn.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "cli/terminal.hpp"
#include "engine/run_event.hpp"
#include "engine/scheduler.hpp"

namespace baton::cli {

/// A task as progress shows it: its path, and for a fan-out instance (or a task inside one) its
/// item, `build.compile[0] (linux-amd64)` (SPEC 2.5). An item is a task's bytes: shown on one
/// line, with no escape sequence reaching the terminal.
std::string shown_path(const engine::Unit& unit);

/// `0:42`, `12:03`, `1:02:03`: whole seconds, rounded down.
std::string clock_text(std::chrono::milliseconds d);

/// A task's duration: `0.20s` under a minute, else as clock_text (`1:05`).
std::string duration_text(std::chrono::milliseconds d);

/// What the status line shows. Counts are of leaves.
struct StatusView {
  std::size_t done = 0;   ///< In a terminal state.
  std::size_t total = 0;  ///< Known so far: a dynamic fan-out adds its instances as it expands.
  std::size_t running = 0;
  std::size_t retrying = 0;
  std::size_t waiting = 0;
  std::size_t failed = 0;  ///< Ignored failures included.
  std::size_t compensating = 0;
  std::chrono::milliseconds elapsed{0};
  std::optional<std::chrono::milliseconds> next_retry;  ///< Until the soonest retry is due.
  /// From the tasks' estimates and history (time_left.hpp), when they give one.
  std::optional<std::chrono::milliseconds> estimated_left;
};

/// The time left: `estimated_left` when there is one, else the pace so far, elapsed × (total −
/// done) / done (nullopt before the first leaf is done). Nullopt once every leaf is done.
std::optional<std::chrono::milliseconds> eta(const StatusView& view);

/// `[12/40] 3 running · 1 retrying · 1 failed · 0:42 elapsed · ETA 1:10 · next retry in 3s`,
/// with `N waiting` and `N compensating` after `failed` when there are any. Parts are dropped
/// from the end until it fits in `width` − 1 columns (0: no limit): a line that wrapped could not
/// be cleared with one "\r\x1b[2K".
std::string status_line(const StatusView& view, std::size_t width, const Style& style);

/// The line that replaces the status line at the end: `run failed in 2.01s · 5/6 done · 2
/// failed`.
std::string final_line(engine::RunStatus status, std::chrono::milliseconds took,
                       const StatusView& view, const Style& style);

/// What completes the log lines of one run.
struct LogContext {
  std::string run_id;      ///< For the approval commands.
  std::string state_flag;  ///< " --state DIR", or empty for the default folder.
};

/// The log line of `event` (no newline), or "" for an event that finishes nothing (a task or a
/// compensation started):
///
///     ✓ build  1.23s
///     ✗ test  exit 3  0.41s (attempt 3 of 3)
///     ↻ fetch  exit 1, retry in 2s (attempt 2 of 3)
///     ⏸ deploy  waiting for approval: run `baton approve RUN deploy` or `baton reject …`
///     - notify  skipped: upstream_failed: test
///     ↩ reserve  compensated  0.02s
///     ! breaker payments: closed → open (3 consecutive failures)
///
/// `max_attempts` is the task's retry budget (0: unlimited), for `attempt N of M`. A task that
/// failed for good is followed by the end of its last attempt's log (see failed_log_tail).
std::string log_line(const engine::RunEvent& event, int max_attempts, const LogContext& context,
                     const Style& style);

/// SPEC 2.1: the last 20 lines of the log of a task's last, failed attempt, each after `indent`
/// and ending with a newline, control characters escaped; "" for an empty or missing log.
std::string failed_log_tail(const engine::Unit& unit, std::string_view indent);

}  // namespace baton::cli
