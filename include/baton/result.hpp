// Result<T>: a value or an Error, for operational failures (I/O, a missing run, a bad store).
// The API mirrors std::expected so that it can become an alias once baton moves to C++23.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace baton {

/// What went wrong in an operation baton could not complete. Not used for user-input problems
/// (those are Diagnostics) nor for failed task attempts (those are data).
struct Error {
  enum class Code { kNotFound, kInvalidArgument, kIo, kCorrupt, kInternal };

  Code code = Code::kInternal;
  std::string message;

  static Error not_found(std::string_view what, std::string_view name) {
    return {Code::kNotFound, std::string(what) + " '" + std::string(name) + "' not found"};
  }
  static Error invalid_argument(std::string message) {
    return {Code::kInvalidArgument, std::move(message)};
  }
  static Error io(std::string message) { return {Code::kIo, std::move(message)}; }
  static Error internal(std::string message) { return {Code::kInternal, std::move(message)}; }
};

/// Wraps an Error so that `return unexpected(err);` reads like std::expected.
struct Unexpected {
  Error error;
};
inline Unexpected unexpected(Error error) { return {std::move(error)}; }

/// A T or an Error. Check with `has_value()` / `operator bool` before `value()` / `*`.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}         // NOLINT: implicit like std::expected
  Result(Unexpected u) : state_(std::move(u.error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Result of an operation that yields nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace baton
