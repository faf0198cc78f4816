#include "report/json_text.hpp"

#include <charconv>
#include <cmath>
#include <ostream>
#include <string_view>

namespace baton::report {
namespace {

using json = nlohmann::ordered_json;

// The text so far, handed to `sink` (if any) in pieces of about kPiece bytes: a 10,000-task
// report is 10 MB, which as one string cost a page fault for every 4 KB of it.
struct Text {
  static constexpr std::size_t kPiece = 64 * 1024;
  std::string out;
  std::ostream* sink = nullptr;

  void hand_over() {
    if (!sink || out.size() < kPiece) return;
    sink->write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  }
};

std::string dump_one(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Printable ASCII other than '"' and '\': what JSON holds unescaped and UTF-8 needs no check for.
bool is_plain(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_string(std::string& out, std::string_view text) {
  if (!is_plain(text)) {
    out += dump_one(json(text));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// As dump() prints a double: null if not finite, else nlohmann's own shortest round trip
// (`1.0`, `0.001`, `1e-05`). Called directly because dump() of a single value sets up a
// serializer each time, which cost more than the rest of the report's text.
void append_float(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char digits[64];
  const char* end = nlohmann::detail::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void append(Text& text, const json& value, int depth) {
  std::string& out = text.out;
  const auto newline_and_indent = [&out](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  switch (value.type()) {
    case json::value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      // The containers themselves: items() builds a proxy object per member.
      for (const auto& [key, member] : value.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        newline_and_indent(depth + 1);
        append_string(out, key);
        out += ": ";
        append(text, member, depth + 1);
        text.hand_over();
      }
      newline_and_indent(depth);
      out += '}';
      return;
    }
    case json::value_t::array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& element : value.get_ref<const json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        newline_and_indent(depth + 1);
        append(text, element, depth + 1);
        text.hand_over();
      }
      newline_and_indent(depth);
      out += ']';
      return;
    }
    case json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::number_integer:
      append_integer(out, value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      append_integer(out, value.get<std::uint64_t>());
      return;
    case json::value_t::number_float:
      append_float(out, value.get<double>());
      return;
    default:  // Binary and discarded values: never in a report.
      out += dump_one(value);
      return;
  }
}

}  // namespace

std::string json_text(const nlohmann::ordered_json& document) {
  Text text;
  append(text, document, 0);
  text.out += '\n';
  return std::move(text.out);
}

void write_json_text(const nlohmann::ordered_json& document, std::ostream& out) {
  Text text{.out = {}, .sink = &out};
  text.out.reserve(2 * Text::kPiece);
  append(text, document, 0);
  text.out += '\n';
  out.write(text.out.data(), static_cast<std::streamsize>(text.out.size()));
}

}  // namespace baton::report
