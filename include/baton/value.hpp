// Typed outputs as text. SPEC 2.2 outputs are strings (they travel through files, the store and
// the environment), so a typed value is written as text and read back: integers and floating
// point numbers in their shortest exact form, bools as `true`/`false`, a list of strings as a
// JSON array (what a dynamic fan-out reads, SPEC 2.5).
#pragma once

#include <charconv>
#include <concepts>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace baton {

namespace detail {
std::string list_to_json(const std::vector<std::string>& items);
/// A JSON array of strings, else one item per non-empty line (as a dynamic fan-out reads it).
std::vector<std::string> list_from_text(const std::string& text);
[[noreturn]] void throw_not_a(std::string_view type, std::string_view text);
}  // namespace detail

inline std::string to_value(std::string_view text) { return std::string(text); }
inline std::string to_value(const char* text) { return std::string(text); }
inline std::string to_value(const std::string& text) { return text; }
inline std::string to_value(bool flag) { return flag ? "true" : "false"; }
inline std::string to_value(const std::vector<std::string>& items) {
  return detail::list_to_json(items);
}
template <typename T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
std::string to_value(T number) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, end);
}

/// Reads a value written by to_value (or by a command task); throws std::invalid_argument if the
/// text is not a T.
template <typename T>
T from_value(const std::string& text) {
  if constexpr (std::is_same_v<T, std::string>) {
    return text;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    detail::throw_not_a("bool", text);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return detail::list_from_text(text);
  } else {
    static_assert(std::is_arithmetic_v<T>, "outputs read as strings, bools, numbers or lists");
    T number{};
    const char* end = text.data() + text.size();
    auto [last, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc() || last != end) detail::throw_not_a("number", text);
    return number;
  }
}

}  // namespace baton
