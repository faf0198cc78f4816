// Text for the HTML report: escaping, number and time formats, status classes.
#include "report/html_text.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "model/utf8.hpp"

namespace baton::report::html {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Reads exactly `width` digits at `pos`; advances `pos`.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t width) {
  if (pos + width > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view s, std::size_t& pos, std::string_view any_of) {
  if (pos >= s.size() || any_of.find(s[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

std::string printf_string(const char* format, double a, double b = 0, double c = 0) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), format, a, b, c);
  return buffer.data();
}

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t at = 0; at < s.size(); ++at) {
    const char c = s[at];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // The page says it is UTF-8: a byte that is not part of a character becomes U+FFFD, as in
      // report.json.
      std::size_t length = model::utf8_char_length(s, at);
      if (length == 0) {
        out += model::kReplacementCharacter;
      } else if (length == 2 && static_cast<unsigned char>(c) == 0xC2 &&
                 static_cast<unsigned char>(s[at + 1]) < 0xA0) {
        // A C1 control (U+0080 to U+009F): shown as one_line() shows it, not sent.
        out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[at + 1]));
        at += 1;
      } else {
        out.append(s.substr(at, length));
        at += length - 1;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += c;
        break;
      default:
        // Other control characters are not allowed in HTML, and an ESC would reach a terminal
        // that shows the file: written as text (`\x1b`), as the Markdown report does.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += is_continuation(c) ? 0 : 1;
  return n;
}

std::string truncate(std::string_view s, std::size_t max_chars) {
  if (char_count(s) <= max_chars) return std::string(s);
  if (max_chars == 0) return {};
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < s.size() && kept < max_chars - 1) {
    ++end;
    while (end < s.size() && is_continuation(s[end])) ++end;
    ++kept;
  }
  return std::string(s.substr(0, end)) + "…";
}

std::optional<double> parse_time(std::string_view s) {
  std::size_t pos = 0;
  const auto year = digits(s, pos, 4);
  if (!year || !expect(s, pos, "-")) return std::nullopt;
  const auto month = digits(s, pos, 2);
  if (!month || !expect(s, pos, "-")) return std::nullopt;
  const auto day = digits(s, pos, 2);
  if (!day || !expect(s, pos, "Tt ")) return std::nullopt;
  const auto hour = digits(s, pos, 2);
  if (!hour || !expect(s, pos, ":")) return std::nullopt;
  const auto minute = digits(s, pos, 2);
  if (!minute || !expect(s, pos, ":")) return std::nullopt;
  const auto second = digits(s, pos, 2);
  if (!second || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  double fraction = 0;
  if (pos < s.size() && s[pos] == '.') {
    double scale = 0.1;
    for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos) {
      fraction += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  int offset_minutes = 0;
  if (expect(s, pos, "Zz")) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos++] == '-' ? -1 : 1;
    const auto off_h = digits(s, pos, 2);
    if (!off_h || !expect(s, pos, ":")) return std::nullopt;
    const auto off_m = digits(s, pos, 2);
    if (!off_m) return std::nullopt;
    offset_minutes = sign * (*off_h * 60 + *off_m);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  const double seconds = static_cast<double>(days) * 86400.0 + *hour * 3600.0 + *minute * 60.0 +
                         *second - offset_minutes * 60.0;
  return seconds + fraction;
}

std::string display_time(std::string_view rfc3339) {
  if (rfc3339.empty()) return "—";
  std::string out(rfc3339);
  if (out.size() > 10 && (out[10] == 'T' || out[10] == 't')) out[10] = ' ';
  if (!out.empty() && (out.back() == 'Z' || out.back() == 'z')) {
    out.pop_back();
    out += " UTC";
  }
  return out;
}

std::string display_clock(std::string_view rfc3339) {
  const auto t = rfc3339.find_first_of("Tt");
  if (t == std::string_view::npos) return std::string(rfc3339);
  auto clock = rfc3339.substr(t + 1);
  if (!clock.empty() && (clock.back() == 'Z' || clock.back() == 'z')) clock.remove_suffix(1);
  return std::string(clock);
}

std::string format_seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "—";
  if (seconds < 1) return printf_string("%.0f ms", seconds * 1000);
  if (seconds < 10) return printf_string("%.2f s", seconds);
  if (seconds < 60) return printf_string("%.1f s", seconds);
  const auto total = static_cast<long long>(std::llround(seconds));
  const auto h = total / 3600;
  const auto m = total / 60 % 60;
  const auto s = total % 60;
  if (h == 0) return printf_string("%.0fm %02.0fs", double(m), double(s));
  return printf_string("%.0fh %02.0fm %02.0fs", double(h), double(m), double(s));
}

std::string format_tick(double seconds) {
  if (seconds <= 0) return "0";
  if (seconds < 1) return format_number(seconds * 1000, 1) + "ms";
  if (seconds < 60) return format_number(seconds, 2) + "s";
  const auto total = static_cast<long long>(std::llround(seconds));
  const auto h = total / 3600;
  const auto m = total / 60 % 60;
  const auto s = total % 60;
  std::string out;
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (s > 0) out += std::to_string(s) + "s";
  return out;
}

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) return "—";
  const double percent = fraction * 100;
  return format_number(percent, percent < 10 ? 1 : 0) + "%";
}

std::string format_number(double value, int decimals) {
  if (!std::isfinite(value)) return "—";
  // to_chars rounds exactly as printf's %.*f does, at a fraction of its cost: the HTML page
  // writes several numbers per task (SVG coordinates, durations).
  std::array<char, 352> buffer;  // The longest fixed-notation double, with decimals to spare.
  auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::fixed, decimals);
  if (error != std::errc{}) return "—";
  std::string out(buffer.data(), end);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}

std::string_view status_class(std::string_view status) {
  if (status == "succeeded" || status == "completed") return "s-ok";
  if (status == "failed") return "s-fail";
  if (status == "failed (ignored)" || status == "ignored") return "s-ignored";
  if (status == "compensated" || status == "rolled_back" || status == "compensating") {
    return "s-comp";
  }
  if (status == "compensation_failed") return "s-compfail";
  if (status == "running" || status == "retrying" || status == "waiting" || status == "ready") {
    return "s-active";
  }
  return "s-muted";  // skipped, cancelled, pending and anything unknown
}

std::string status_label(std::string_view status) {
  if (status.empty()) return "Unknown";
  std::string out(status);
  for (auto& c : out) c = c == '_' ? ' ' : c;
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace baton::report::html
