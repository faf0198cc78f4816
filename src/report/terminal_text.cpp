#include "report/terminal_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace baton::report {
namespace {

std::string escaped(std::string_view text, bool keep_lines) {
  const bool clean = std::none_of(text.begin(), text.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && !(keep_lines && (c == '\n' || c == '\t'))) || c == 0x7f || c == 0xc2;
  });
  if (clean) return std::string(text);  // Nearly always: one pass, no escapes.
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (keep_lines && (c == '\n' || c == '\t')) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[++i]));  // C1 in UTF-8.
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string one_line(std::string_view text) { return escaped(text, false); }

std::string without_controls(std::string_view text) { return escaped(text, true); }

}  // namespace baton::report
