// Hand-written: the format is GitHub Actions' `$GITHUB_OUTPUT`, a few lines of grammar that no
// packaged library parses.
#include "engine/outputs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace baton::engine {
namespace {

Unexpected bad_line(std::size_t line, std::string_view why) {
  return unexpected(Error::invalid_argument(fmt::format("outputs line {}: {}", line, why)));
}

// Splits off the next line (without its '\n'); false at the end of the text.
bool next_line(std::string_view& text, std::string_view& line) {
  if (text.empty()) return false;
  auto end = text.find('\n');
  line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

// For a message: a NUL written as `\0`.
std::string without_nul(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '\0' ? std::string("\\0") : std::string(1, c);
  return out;
}

}  // namespace

Result<Outputs> parse_outputs(std::string_view text) {
  if (text.size() > kMaxOutputBytes) {
    return unexpected(Error::invalid_argument(
        fmt::format("outputs are {} bytes, more than the limit of 1 MiB", text.size())));
  }
  Outputs outputs;
  std::string_view line;
  std::size_t number = 0;
  while (next_line(text, line)) {
    ++number;
    if (line.empty()) continue;
    auto eq = line.find('=');
    auto heredoc = line.find("<<");
    if (heredoc != std::string_view::npos && (eq == std::string_view::npos || heredoc < eq)) {
      std::string key(line.substr(0, heredoc));
      std::string_view delimiter = line.substr(heredoc + 2);
      if (key.empty()) return bad_line(number, "empty key before '<<'");
      if (delimiter.empty()) return bad_line(number, "empty delimiter after '<<'");
      std::string value;
      bool closed = false, first = true;
      std::size_t start = number;
      while (next_line(text, line)) {
        ++number;
        if (line == delimiter) {
          closed = true;
          break;
        }
        if (!first) value += '\n';
        value.append(line);
        first = false;
      }
      if (!closed) {
        return bad_line(start, fmt::format("'{}' is never closed by a line '{}'", key, delimiter));
      }
      outputs[key] = std::move(value);
      continue;
    }
    if (eq == std::string_view::npos) return bad_line(number, "expected key=value or key<<DELIM");
    if (eq == 0) return bad_line(number, "empty key before '='");
    outputs[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return checked_outputs(outputs);
}

Result<Outputs> checked_outputs(const Outputs& outputs) {
  std::size_t bytes = 0;
  for (const auto& [key, value] : outputs) {
    if (key.empty()) return unexpected(Error::invalid_argument("an output has an empty key"));
    // Outputs reach tasks as arguments and environment variables, which end at a NUL: the
    // value would arrive cut short, unlike what the store and the report show.
    if (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      return unexpected(Error::invalid_argument(fmt::format(
          "output '{}' holds a NUL byte, which no argument or environment variable can carry",
          without_nul(key))));
    }
    bytes += key.size() + value.size();
  }
  if (bytes > kMaxOutputBytes) {
    return unexpected(Error::invalid_argument(
        fmt::format("outputs are {} bytes, more than the limit of 1 MiB", bytes)));
  }
  return outputs;
}

Result<Outputs> read_outputs_file(const std::string& path) {
  // O_NONBLOCK: a task may have left a FIFO there, whose open would wait for a writer forever.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return Outputs{};
    return unexpected(
        Error::io(fmt::format("cannot read outputs {}: {}", path, std::strerror(errno))));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return unexpected(Error::invalid_argument(
        fmt::format("outputs {} is not a regular file ($BATON_OUTPUT must be one)", path)));
  }
  if (static_cast<std::uint64_t>(info.st_size) > kMaxOutputBytes) {
    ::close(fd);
    return unexpected(Error::invalid_argument(
        fmt::format("outputs are {} bytes, more than the limit of 1 MiB", info.st_size)));
  }
  std::string text;
  char buffer[65536];
  while (text.size() <= kMaxOutputBytes) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse_outputs(text);
}

std::vector<std::string> fanout_items(const std::string& value) {
  auto json = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (json.is_array() &&
      std::all_of(json.begin(), json.end(), [](const auto& item) { return item.is_string(); })) {
    return json.get<std::vector<std::string>>();
  }
  std::vector<std::string> items;
  std::string_view rest = value, line;
  while (next_line(rest, line)) {
    if (line.find_first_not_of(" \t") != std::string_view::npos) items.emplace_back(line);
  }
  return items;
}

}  // namespace baton::engine
