#include "cli/tty_progress.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include "cli/line_writer.hpp"
#include "cli/time_left.hpp"
#include "exec/signals_blocked.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {

using engine::TaskState;

LiveStatus::LiveStatus(LogContext context, Style style, Clock::time_point started, int jobs)
    : context_(std::move(context)), style_(style), started_(started), jobs_(jobs) {}

void LiveStatus::add_new_units(const engine::RunGraph& graph) {
  // Units are only ever appended (a dynamic fan-out's instances): look at the new ones only.
  for (auto u = static_cast<engine::UnitIndex>(state_.size()); u < graph.units().size(); ++u) {
    const engine::Unit& unit = graph.unit(u);
    if (unit.kind != engine::UnitKind::kLeaf) {
      state_.push_back(kNotLeaf);
      continue;
    }
    state_.push_back(static_cast<std::uint8_t>(unit.state));
    ++count_[static_cast<std::size_t>(unit.state)];
    ++total_;
  }
}

void LiveStatus::move_to(engine::UnitIndex u, TaskState state) {
  if (u >= state_.size() || state_[u] == kNotLeaf) return;
  --count_[state_[u]];
  state_[u] = static_cast<std::uint8_t>(state);
  ++count_[state_[u]];
}

void LiveStatus::apply(const engine::RunEvent& event, Clock::time_point now) {
  int max_attempts = -1;
  if (event.graph != nullptr) {
    add_new_units(*event.graph);
    if (event.unit != nullptr) {
      auto u = static_cast<engine::UnitIndex>(event.unit - event.graph->units().data());
      move_to(u, event.unit->state);
      if (event.kind == engine::RunEventKind::kTaskRetrying) {
        retry_at_[u] = now + (event.unit->next_attempt_at - event.at);
      } else if (!retry_at_.empty()) {
        retry_at_.erase(u);
      }
      max_attempts = event.graph->node_of(u).settings().retry.effective_max_attempts();
    }
    // The first success gives a run without estimates its first figure: not half a second
    // later, while the status line would extrapolate from the pace of a single task.
    bool first_figure = !left_ && event.kind == engine::RunEventKind::kTaskSucceeded;
    if (now >= next_estimate_at_ || first_figure) estimate_time_left(*event.graph, now);
  }
  std::string line = log_line(event, max_attempts, context_, style_);
  if (!line.empty()) log(std::move(line));
}

void LiveStatus::estimate_time_left(const engine::RunGraph& graph, Clock::time_point now) {
  auto began = Clock::now();
  left_ = time_left(graph, jobs_, std::chrono::system_clock::now());
  left_at_ = now;
  // A graph of a million units takes tens of milliseconds: at most a tenth of the run's time.
  next_estimate_at_ =
      now + std::max<Clock::duration>(kEstimateInterval, (Clock::now() - began) * 10);
}

void LiveStatus::log(std::string line) {
  pending_ += line;
  pending_ += '\n';
}

StatusView LiveStatus::view(Clock::time_point now) const {
  auto n = [this](TaskState s) { return count_[static_cast<std::size_t>(s)]; };
  StatusView v;
  v.total = total_;
  for (auto s : {TaskState::kSucceeded, TaskState::kFailed, TaskState::kSkipped,
                 TaskState::kCancelled, TaskState::kCompensated, TaskState::kCompensationFailed}) {
    v.done += n(s);
  }
  v.running = n(TaskState::kRunning);
  v.retrying = n(TaskState::kRetrying);
  v.waiting = n(TaskState::kWaiting);
  v.failed = n(TaskState::kFailed);
  v.compensating = n(TaskState::kCompensating);
  v.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_);
  if (left_) {
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - left_at_);
    v.estimated_left = std::max(*left_ - since, std::chrono::milliseconds(0));
  }
  if (!retry_at_.empty()) {
    auto soonest = std::min_element(retry_at_.begin(), retry_at_.end(), [](auto& a, auto& b) {
                     return a.second < b.second;
                   })->second;
    if (soonest > now) {
      v.next_retry = std::chrono::duration_cast<std::chrono::milliseconds>(soonest - now);
    }
  }
  return v;
}

std::string LiveStatus::frame(Clock::time_point now, std::size_t width) {
  std::string status = status_line(view(now), width, style_);
  if (pending_.empty() && status == drawn_) return {};
  std::string out = clear();
  out += status;
  drawn_ = std::move(status);
  return out;
}

std::string LiveStatus::clear() {
  std::string out = drawn_.empty() ? std::string() : "\r\x1b[2K";
  out += pending_;
  pending_.clear();
  drawn_.clear();
  return out;
}

namespace {

// Nowhere to write: the progress is not worth failing the run for.
void write_to_stderr(const std::string& text) { write_all(STDERR_FILENO, text); }

std::size_t terminal_width() {
  winsize size{};
  return ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

class TtyProgress : public Progress {
 public:
  TtyProgress(const std::string& run_id, const std::string& state_flag, int jobs)
      : run_id_(run_id),
        live_({run_id, state_flag}, Style(stderr), LiveStatus::Clock::now(), jobs) {}

  ~TtyProgress() override {
    if (finished_) return;
    // Ended without run_finished (the store failed): leave no status line behind.
    stop();
    write_to_stderr(live_.clear());
  }

  void run_started(const std::string& workflow, std::chrono::system_clock::time_point) override {
    {
      std::lock_guard lock(mutex_);
      live_.log(fmt::format("run {} started ({})", report::one_line(workflow), run_id_));
    }
    // The drawing thread takes no signal: the executor reads SIGINT, SIGTERM, SIGHUP and SIGCHLD
    // from a signalfd, which sees only those that every thread blocks.
    exec::AllSignalsBlocked for_the_thread;
    try {
      drawer_ = std::thread([this] { draw_until_stopped(); });
    } catch (const std::system_error&) {
      // No thread: the log and the final line are written at the end.
    }
  }

  void on_event(const engine::RunEvent& event) override {
    std::lock_guard lock(mutex_);
    live_.apply(event, LiveStatus::Clock::now());
  }

  void run_finished(const engine::RunResult& result) override {
    stop();
    finished_ = true;
    auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(result.ended - result.started);
    std::string out = live_.clear();
    out += final_line(result.status, took, live_.view(LiveStatus::Clock::now()), Style(stderr));
    out += '\n';
    write_to_stderr(out);
  }

 private:
  void draw_until_stopped() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, kFrameInterval, [this] { return stopping_; })) {
      std::string out = live_.frame(LiveStatus::Clock::now(), terminal_width());
      if (out.empty()) continue;
      lock.unlock();  // The run's thread goes on while the terminal takes its time.
      write_to_stderr(out);
      lock.lock();
    }
  }

  void stop() {
    if (!drawer_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    drawer_.join();
  }

  std::string run_id_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  ///< Guarded by mutex_.
  bool finished_ = false;
  LiveStatus live_;  ///< Guarded by mutex_ while drawer_ runs.
  std::thread drawer_;
};

}  // namespace

std::unique_ptr<Progress> make_tty_progress(const std::string& run_id,
                                            const std::string& state_flag, int jobs) {
  return std::make_unique<TtyProgress>(run_id, state_flag, jobs);
}

}  // namespace baton::cli
