#include "lib/local_executor.hpp"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace baton::lib {

CancelSignal::CancelSignal() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("baton: eventfd failed");
}

CancelSignal::~CancelSignal() { ::close(fd_); }

void CancelSignal::request() {
  requested_.store(true, std::memory_order_release);
  wake();
}

void CancelSignal::wake() const {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

void CancelSignal::drain() const {
  std::uint64_t count = 0;
  [[maybe_unused]] auto n = ::read(fd_, &count, sizeof count);
}

LocalExecutor::LocalExecutor(const std::vector<Callable>& callables, int threads,
                             std::shared_ptr<CancelSignal> cancel)
    : callables_(callables), cancel_(std::move(cancel)), pool_(threads) {
  processes_.wake_on(cancel_->fd());
}

LocalExecutor::~LocalExecutor() {
  for (auto& [id, call] : calls_) call.token.cancel();
}

std::int64_t LocalExecutor::start(const engine::LaunchSpec& spec) {
  if (spec.callable < 0) return processes_.start(spec);
  auto state = std::make_shared<detail::ContextState>();
  state->input = spec.call;
  state->log_path = spec.log_path;
  Call& call = calls_[spec.id];
  call.token = state->token;
  if (spec.timeout) call.timeout_at = engine::Clock::now() + *spec.timeout;
  pool_.submit([this, id = spec.id, callable = spec.callable, state = std::move(state)] {
    run_call(id, callable, state);
  });
  return 0;
}

// On a worker thread: the whole attempt, then its result for the engine's thread.
void LocalExecutor::run_call(std::uint64_t id, std::int32_t callable,
                             std::shared_ptr<detail::ContextState> state) {
  engine::AttemptExited exited;
  exited.id = id;
  exited.start = engine::Clock::now();
  auto result = std::make_shared<engine::CallResult>();
  try {
    Context context(*state);
    callables_[static_cast<std::size_t>(callable)](context);
    exited.exit_code = 0;
  } catch (const std::exception& e) {
    exited.exit_code = 1;
    result->error = e.what();
  } catch (...) {
    exited.exit_code = 1;
    result->error = "the callable threw something that is not a std::exception";
  }
  exited.end = engine::Clock::now();
  result->outputs = std::move(state->outputs);
  result->logged = state->log != nullptr;
  state.reset();  // Closes the log before the engine reads it.
  {
    std::lock_guard lock(finished_mutex_);
    finished_.push_back({exited, std::move(result)});
  }
  cancel_->wake();
}

void LocalExecutor::terminate(std::uint64_t id) {
  if (auto it = calls_.find(id); it != calls_.end()) {
    it->second.token.cancel();
  } else {
    processes_.terminate(id);
  }
}

void LocalExecutor::kill(std::uint64_t id) {
  if (auto it = calls_.find(id); it != calls_.end()) {
    it->second.token.cancel();  // A thread cannot be killed: the call is asked, once more.
  } else {
    processes_.kill(id);
  }
}

void LocalExecutor::terminate_all() {
  for (auto& [id, call] : calls_) call.token.cancel();
  processes_.terminate_all();
}

void LocalExecutor::kill_all() {
  for (auto& [id, call] : calls_) call.token.cancel();
  processes_.kill_all();
}

void LocalExecutor::add_timer(engine::Clock::time_point when, std::uint64_t token) {
  processes_.add_timer(when, token);
}

std::size_t LocalExecutor::running() const { return processes_.running() + calls_.size(); }

std::optional<engine::Clock::time_point> LocalExecutor::next_timeout() const {
  std::optional<engine::Clock::time_point> next;
  for (const auto& [id, call] : calls_) {
    if (call.timeout_at && !call.timed_out && (!next || *call.timeout_at < *next)) {
      next = call.timeout_at;
    }
  }
  return next;
}

// Calls that ended, and calls whose timeout passed (their token is cancelled: cooperative).
void LocalExecutor::collect(std::vector<engine::Event>& events) {
  cancel_->drain();
  std::vector<Finished> finished;
  {
    std::lock_guard lock(finished_mutex_);
    finished.swap(finished_);
  }
  for (auto& [exited, result] : finished) {
    auto it = calls_.find(exited.id);
    if (it == calls_.end()) continue;
    exited.timed_out = it->second.timed_out;
    calls_.erase(it);
    results_[exited.id] = std::move(result);
    events.emplace_back(exited);
  }
  auto now = engine::Clock::now();
  for (auto& [id, call] : calls_) {
    if (call.timeout_at && !call.timed_out && now >= *call.timeout_at) {
      call.timed_out = true;
      call.token.cancel();
    }
  }
  if (cancel_->requested() && !cancel_reported_) {
    cancel_reported_ = true;
    events.emplace_back(std::in_place_type<engine::Interrupted>, engine::Interrupted{SIGINT, 1});
  }
}

std::shared_ptr<const engine::CallResult> LocalExecutor::take_call_result(std::uint64_t id) {
  auto it = results_.find(id);
  if (it == results_.end()) return nullptr;
  auto result = std::move(it->second);
  results_.erase(it);
  return result;
}

std::vector<engine::Event> LocalExecutor::wait(std::optional<engine::Clock::time_point> deadline) {
  for (;;) {
    std::vector<engine::Event> events;
    collect(events);
    if (!events.empty()) return events;
    auto until = deadline;
    if (auto timeout = next_timeout(); timeout && (!until || *timeout < *until)) until = timeout;
    events = processes_.wait(until);
    collect(events);
    if (!events.empty()) return events;
    if (deadline && engine::Clock::now() >= *deadline) return events;
  }
}

}  // namespace baton::lib
