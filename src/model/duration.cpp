// Hand-written because no Debian library parses Go-style duration strings; the grammar is tiny.
#include "model/duration.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <limits>

namespace baton::model {
namespace {

constexpr double kMaxMilliseconds = 1e15;  // ~31,000 years: anything larger is a typo.

std::optional<double> unit_milliseconds(std::string_view unit) {
  if (unit == "ms") return 1.0;
  if (unit == "s") return 1e3;
  if (unit == "m") return 60e3;
  if (unit == "h") return 3600e3;
  if (unit == "d") return 86400e3;
  return std::nullopt;
}

// Reads `digits[.digits]` at the front of `text`; advances it past the number.
std::optional<double> take_number(std::string_view& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return std::nullopt;
  if (i < text.size() && text[i] == '.') {
    std::size_t j = i + 1;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j == i + 1) return std::nullopt;
    i = j;
  }
  double value = std::stod(std::string(text.substr(0, i)));
  text.remove_prefix(i);
  return value;
}

}  // namespace

std::optional<Duration> duration_from_seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds * 1e3 > kMaxMilliseconds) {
    return std::nullopt;
  }
  return Duration(static_cast<Duration::rep>(std::llround(seconds * 1e3)));
}

bool is_duration_shape(std::string_view text) {
  if (text.empty()) return false;
  std::string_view rest = text;
  while (!rest.empty()) {
    if (!take_number(rest)) return false;
    std::size_t unit_len = 0;
    while (unit_len < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_len]))) {
      ++unit_len;
    }
    if (!unit_milliseconds(rest.substr(0, unit_len))) return false;
    rest.remove_prefix(unit_len);
  }
  return true;
}

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string_view rest = text;
  auto bare = rest;
  if (auto number = take_number(bare); number && bare.empty()) {
    return duration_from_seconds(*number);
  }
  double total = 0;
  while (!rest.empty()) {
    auto number = take_number(rest);
    if (!number) return std::nullopt;
    std::size_t unit_len = 0;
    while (unit_len < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_len]))) {
      ++unit_len;
    }
    auto scale = unit_milliseconds(rest.substr(0, unit_len));
    if (!scale) return std::nullopt;
    rest.remove_prefix(unit_len);
    total += *number * *scale;
    if (total > kMaxMilliseconds) return std::nullopt;
  }
  return Duration(static_cast<Duration::rep>(std::llround(total)));
}

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) {
    return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000)
                          : fmt::format("{:.3g}s", static_cast<double>(ms) / 1000.0);
  }
  auto s = ms / 1000;
  auto h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
  std::string out;
  if (h) out += fmt::format("{}h", h);
  if (m) out += fmt::format("{}m", m);
  if (sec && !h) out += fmt::format("{}s", sec);
  return out.empty() ? "0s" : out;
}

}  // namespace baton::model
