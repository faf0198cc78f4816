// Progress on a terminal (SPEC 5): a scrolling log of finished tasks above one live status line
// at the bottom of stderr. The engine emits an event per transition, thousands a second on big
// runs, so the run's thread only records them; a drawing thread brings the screen up to date ten
// times a second, which also keeps the elapsed time and the retry countdown ticking while no
// event comes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/run_output.hpp"
#include "cli/terminal.hpp"
#include "cli/tty_progress_format.hpp"
#include "engine/run_event.hpp"
#include "engine/run_graph.hpp"

namespace baton::cli {

/// How often the screen is brought up to date, at most.
inline constexpr std::chrono::milliseconds kFrameInterval{100};

/// What the live display knows, fed with run events and drawn into frames: the text to write to
/// the terminal. No I/O, no clock and no locking of its own, so it is tested without a terminal.
/// Counts are kept per state as events come (O(1) an event); the leaves are counted as units
/// appear in the graph, so instances of a dynamic fan-out join the total when it expands and
/// the leaves a resumed run had already finished count as done.
class LiveStatus {
 public:
  using Clock = std::chrono::steady_clock;

  /// `jobs`: the run's slots, for the ETA.
  LiveStatus(LogContext context, Style style, Clock::time_point started, int jobs = 1);

  /// Records `event` (which happened at `now`); its log line, if any, waits for the next frame.
  void apply(const engine::RunEvent& event, Clock::time_point now);
  /// Adds a line to the log, for the next frame.
  void log(std::string line);

  /// What to write to bring the screen up to date at `now` on a terminal `width` columns wide
  /// (0: unknown): the status line cleared, the log lines since the last frame, the status line
  /// drawn again. Empty if that would change nothing on the screen.
  std::string frame(Clock::time_point now, std::size_t width);
  /// The status line cleared and the log lines not drawn yet; no status line after them.
  std::string clear();
  /// The counts at `now`.
  StatusView view(Clock::time_point now) const;

 private:
  void add_new_units(const engine::RunGraph& graph);
  void estimate_time_left(const engine::RunGraph& graph, Clock::time_point now);
  void move_to(engine::UnitIndex u, engine::TaskState state);

  static constexpr std::uint8_t kNotLeaf = 0xFF;
  static constexpr std::size_t kStates =
      static_cast<std::size_t>(engine::TaskState::kCompensationFailed) + 1;

  LogContext context_;
  Style style_;
  Clock::time_point started_;
  std::vector<std::uint8_t> state_;           ///< Per unit: the state last counted, or kNotLeaf.
  std::array<std::size_t, kStates> count_{};  ///< Leaves per state.
  std::size_t total_ = 0;
  std::unordered_map<engine::UnitIndex, Clock::time_point> retry_at_;  ///< Retrying leaves.
  std::string pending_;  ///< Log lines not drawn yet, each ending in '\n'.
  std::string drawn_;    ///< The status line on the screen; empty if none.
  int jobs_ = 1;
  /// The last estimate of the time left, when it was made, and when the next may be: a walk of
  /// the whole graph, made on the run's thread at most every kEstimateInterval (longer if it
  /// was slow), between which the drawn ETA counts down.
  std::optional<std::chrono::milliseconds> left_;
  Clock::time_point left_at_, next_estimate_at_;
};

/// How often the ETA is estimated again from the graph, at least.
inline constexpr std::chrono::milliseconds kEstimateInterval{500};

/// The terminal progress: a LiveStatus fed by the run's thread and drawn to stderr by a thread
/// of its own every kFrameInterval. At the end, the status line gives way to a final line.
std::unique_ptr<Progress> make_tty_progress(const std::string& run_id,
                                            const std::string& state_flag, int jobs);

}  // namespace baton::cli
