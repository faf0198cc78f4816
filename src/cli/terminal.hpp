// Colour only on a terminal, and never with NO_COLOR set to a non-empty value
// (https://no-color.org: an empty NO_COLOR counts as unset).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace baton::cli {

class Style {
 public:
  explicit Style(std::FILE* stream) : on_(::isatty(::fileno(stream)) && !no_color()) {}
  /// Colour on or off whatever the stream (tests, and text written elsewhere later).
  static Style with_colour(bool on) { return Style(on); }

  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }

 private:
  explicit Style(bool on) : on_(on) {}
  static bool no_color() {
    const char* value = std::getenv("NO_COLOR");
    return value != nullptr && *value != '\0';
  }
  std::string wrap(std::string_view code, std::string_view s) const {
    if (!on_) return std::string(s);
    return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
  }
  bool on_;
};

}  // namespace baton::cli
