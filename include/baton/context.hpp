// What a callable task receives when it runs (SPEC 7): who it is (task, attempt, fan-out item),
// a cooperative cancellation token, its upstreams' outputs and a way to set its own.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "baton/value.hpp"

namespace baton {

/// Set when the attempt should stop: the run was cancelled (RunHandle::cancel, SIGINT), the
/// attempt's timeout or deadline passed, or failure_mode cancel stopped the run. Callables are
/// never interrupted: they check the token and return (or throw Cancelled) on their own.
class CancellationToken {
 public:
  CancellationToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

  bool cancelled() const noexcept { return flag_->load(std::memory_order_acquire); }
  /// Throws Cancelled if cancellation was requested.
  void throw_if_cancelled() const;

  /// Requests cancellation; every copy of this token sees it.
  void cancel() const noexcept { flag_->store(true, std::memory_order_release); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

/// Thrown by CancellationToken::throw_if_cancelled; a callable that lets it escape ends its
/// attempt as cancelled (or timed out, if its timeout was the cause).
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

namespace detail {
struct ContextState;
}

/// A callable's view of its attempt. Valid only during the call, on the worker thread that runs
/// it. A callable fails by throwing: the exception's message becomes the attempt's error.
class Context {
 public:
  explicit Context(detail::ContextState& state) : state_(&state) {}

  const std::string& run_id() const;
  /// The task's path: `build.compile`, `shards[2]`.
  const std::string& task() const;
  /// 1-based; retries count up from the first attempt.
  int attempt() const;
  /// In a fan-out instance: its item and 0-based index; otherwise "" and -1.
  const std::string& item() const;
  int item_index() const;
  /// True while running the task's `compensate` step (SPEC 3.5).
  bool compensating() const;

  const CancellationToken& token() const;
  bool cancelled() const { return token().cancelled(); }
  void throw_if_cancelled() const { token().throw_if_cancelled(); }

  /// Sets an output of this task, readable by its dependents (SPEC 2.2). Values are stored as
  /// text (value.hpp says how each type is written); a later value for the same key wins.
  template <typename T>
  void set_output(std::string key, const T& value) {
    set_output_text(std::move(key), to_value(value));
  }

  /// The output `key` of `task` (a path, e.g. `build` or `shards[1]`), which this task must
  /// need, read as T. Throws std::out_of_range if there is no such output, std::invalid_argument
  /// if its text is not a T.
  template <typename T = std::string>
  T input(std::string_view task, std::string_view key) const {
    return from_value<T>(input_text(task, key));
  }
  /// The output as text, or none.
  std::optional<std::string> find_input(std::string_view task, std::string_view key) const;
  /// This task's own outputs so far (while compensating: those of the run it undoes).
  const std::map<std::string, std::string>& outputs() const;

  /// Appends a line to the attempt's log (`baton logs RUN PATH`).
  void log(std::string_view line);

 private:
  void set_output_text(std::string key, std::string value);
  const std::string& input_text(std::string_view task, std::string_view key) const;

  detail::ContextState* state_;
};

}  // namespace baton
