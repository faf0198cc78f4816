#include "load/yaml_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "model/duration.hpp"

namespace baton::load {

void DiagnosticSink::error(model::SourcePos pos, std::string message, std::string hint) {
  ++count_;
  if (diagnostics_.size() < kMaxDiagnosticsKept) {
    diagnostics_.push_back({file_, pos.line, pos.column, std::move(message), std::move(hint)});
  }
}

Diagnostics DiagnosticSink::take() {
  Diagnostics out = std::move(diagnostics_);
  // In file order, as a compiler lists them; positionless ones (whole-file problems) first.
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  // Once each: a YAML alias reuses its anchor's nodes, whose errors would repeat word for word.
  std::set<std::tuple<int, int, std::string_view>> seen;
  std::vector<bool> repeated(out.size(), false);
  for (std::size_t i = 0; i < out.size(); ++i) {
    repeated[i] = !seen.emplace(out[i].line, out[i].column, out[i].message).second;
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (repeated[i]) continue;
    if (kept != i) out[kept] = std::move(out[i]);
    ++kept;
  }
  count_ -= out.size() - kept;
  out.resize(kept);
  if (count_ > out.size()) {
    out.push_back({file_,
                   0,
                   0,
                   fmt::format("{} more errors not kept (the first {} are listed)",
                               count_ - out.size(), out.size()),
                   {}});
  }
  return out;
}

std::string describe(const yaml::Node& node) {
  if (!node.defined() || node.is_null()) return "nothing";
  if (node.is_sequence()) return "a list";
  if (node.is_map()) return "a mapping";
  constexpr std::size_t kMaxShown = 40;
  const std::string& text = node.text();
  if (text.size() > kMaxShown) return "'" + text.substr(0, kMaxShown) + "...'";
  return "'" + text + "'";
}

std::string shown(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  if (text.size() <= kMaxShown) return std::string(text);
  std::size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return std::string(text.substr(0, cut)) + "...";
}

void FieldReader::error(const yaml::Node& at, std::string message, std::string hint) {
  sink_.error(at.pos(), std::move(message), std::move(hint));
}

std::optional<std::string> FieldReader::string(const yaml::Node& value, std::string_view key) {
  if (value.is_scalar()) return value.text();
  error(value, fmt::format("'{}' expects a string, got {}", key, describe(value)));
  return std::nullopt;
}

namespace {

bool is_integer_text(std::string_view text) {
  std::size_t i = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  return i < text.size() && text.find_first_not_of("0123456789", i) == std::string_view::npos;
}

}  // namespace

std::optional<long long> FieldReader::integer(const yaml::Node& value, std::string_view key,
                                              long long min, long long max) {
  if (value.is_plain()) {
    const std::string& text = value.text();
    long long parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size() && parsed >= min && parsed <= max) {
      return parsed;
    }
  }
  std::string got = describe(value);
  std::string hint;
  if (value.is_scalar() && !value.is_plain()) {
    long long ignored = 0;
    auto text = value.scalar();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ignored);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
      got = fmt::format("the string \"{}\"", text);
      hint = "remove the quotes";
    }
  }
  constexpr long long kIntMin = std::numeric_limits<int>::min();
  constexpr long long kIntMax = std::numeric_limits<int>::max();
  if (value.is_plain() && is_integer_text(value.text())) {
    long long parsed = 0;
    const std::string& text = value.text();
    auto [end, ec] =
        std::from_chars(text.data() + (text[0] == '+'), text.data() + text.size(), parsed);
    if (ec == std::errc::result_out_of_range || parsed < kIntMin || parsed > kIntMax) {
      error(value, fmt::format("'{}' is out of range: expected an integer from {} to {}, got {}",
                               key, min, max, text));
      return std::nullopt;
    }
  }
  std::string range;
  if (min > kIntMin && max < kIntMax) range = fmt::format(" from {} to {}", min, max);
  if (min > kIntMin && max >= kIntMax) range = fmt::format(" >= {}", min);
  error(value, fmt::format("'{}' expects an integer{}, got {}", key, range, got), hint);
  return std::nullopt;
}

std::optional<double> FieldReader::number(const yaml::Node& value, std::string_view key, double min,
                                          double max) {
  if (value.is_plain() && !value.text().empty()) {
    const std::string& text = value.text();
    char* end = nullptr;
    double parsed = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size() && std::isfinite(parsed) && parsed >= min &&
        parsed <= max) {
      return parsed;
    }
  }
  std::string range =
      std::isinf(max) ? fmt::format(">= {:g}", min) : fmt::format("from {:g} to {:g}", min, max);
  error(value, fmt::format("'{}' expects a number {}, got {}", key, range, describe(value)));
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const yaml::Node& value, std::string_view key) {
  if (value.is_plain()) {
    if (value.text() == "true") return true;
    if (value.text() == "false") return false;
  }
  error(value, fmt::format("'{}' expects true or false, got {}", key, describe(value)));
  return std::nullopt;
}

namespace {

// A number as YAML 1.2's core schema and JSON write one: [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?
bool is_yaml_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > from;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  bool whole = digits();
  bool fraction = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (!whole && !fraction) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

}  // namespace

std::optional<Duration> FieldReader::duration(const yaml::Node& value, std::string_view key) {
  std::string hint;
  if (value.is_plain() && is_yaml_number(value.text())) {  // Seconds: 30, 1.5, .5, 1e2.
    double seconds = std::strtod(value.text().c_str(), nullptr);
    if (auto parsed = model::duration_from_seconds(seconds)) return parsed;
    error(value, seconds < 0 ? fmt::format("'{}' cannot be negative, got {}", key, value.text())
                             : fmt::format("'{}' is out of range: at most 1e12 seconds (about "
                                           "31,000 years), got {}",
                                           key, value.text()));
    return std::nullopt;
  }
  if (value.is_scalar() && !value.text().empty()) {
    const std::string& text = value.text();
    if (text[0] == '-' && model::parse_duration(text.substr(1))) {
      error(value, fmt::format("'{}' cannot be negative, got {}", key, text));
      return std::nullopt;
    }
    if (!model::parse_duration(text) && model::is_duration_shape(text)) {
      error(value, fmt::format("'{}' is out of range: at most 1e12 seconds (about 31,000 years), "
                               "got {}",
                               key, shown(text)));
      return std::nullopt;
    }
  }
  if (value.is_scalar()) {
    auto parsed = model::parse_duration(value.text());
    // SPEC 1.1: a number, or a string of unit terms; a quoted number is neither.
    bool unitless = value.text().find_first_not_of("0123456789.") == std::string::npos;
    if (parsed && (value.is_plain() || !unitless)) return parsed;
    if (parsed) {
      hint = fmt::format("a string needs a unit: write {0} (seconds) without quotes, or \"{0}s\"",
                         value.text());
    }
  }
  error(
      value,
      fmt::format("'{}' expects a duration such as 30s, 250ms, 1.5m or 1h30m, got {}", key,
                  hint.empty() ? describe(value) : fmt::format("the string \"{}\"", value.text())),
      hint);
  return std::nullopt;
}

std::optional<std::vector<std::string>> FieldReader::strings(const yaml::Node& value,
                                                             std::string_view key,
                                                             bool allow_single) {
  if (allow_single && value.is_scalar()) return std::vector<std::string>{value.text()};
  if (!value.is_sequence()) {
    error(value, fmt::format("'{}' expects a list of strings, got {}", key, describe(value)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (auto item : value.items()) {
    if (item.is_scalar()) {
      out.push_back(item.text());
    } else {
      error(item, fmt::format("'{}' expects a list of strings, got {} in it", key, describe(item)));
      ok = false;
    }
  }
  return ok ? std::optional(std::move(out)) : std::nullopt;
}

std::optional<std::vector<model::Reference>> FieldReader::references(const yaml::Node& value,
                                                                     std::string_view key) {
  if (value.is_scalar()) return std::vector<model::Reference>{{value.text(), value.pos()}};
  if (!value.is_sequence()) {
    error(value,
          fmt::format("'{}' expects a list of task references, got {}", key, describe(value)));
    return std::nullopt;
  }
  std::vector<model::Reference> out;
  for (auto item : value.items()) {
    if (item.is_scalar()) {
      out.push_back({item.text(), item.pos()});
    } else {
      error(item, fmt::format("'{}' expects task references (strings), got {} in it", key,
                              describe(item)));
    }
  }
  return out;
}

std::optional<model::EnvMap> FieldReader::env(const yaml::Node& value, std::string_view key) {
  if (!value.is_map()) {
    error(value,
          fmt::format("'{}' expects a mapping of names to values, got {}", key, describe(value)));
    return std::nullopt;
  }
  model::EnvMap out;
  for (auto entry : value.entries()) {
    const auto& name = entry.key;
    if (!name.is_scalar() || name.text().empty() ||
        name.text().find_first_of("=\0", 0, 2) != std::string::npos) {
      error(name, fmt::format("'{}' has an invalid variable name {}", key, describe(name)));
      continue;
    }
    if (!entry.value.is_scalar()) {
      error(entry.value, fmt::format("'{}.{}' expects a string, number or boolean, got {}", key,
                                     name.text(), describe(entry.value)));
      continue;
    }
    // `NAME: ~` (or nothing) is an empty value, as in GitHub Actions, not the text "~".
    std::string text = entry.value.is_null() ? std::string() : entry.value.text();
    if (!out.emplace(name.text(), std::move(text)).second) {
      error(name, fmt::format("duplicate key '{}' in '{}'", name.text(), key));
    }
  }
  return out;
}

std::optional<std::vector<int>> FieldReader::exit_codes(const yaml::Node& value,
                                                        std::string_view key) {
  if (!value.is_sequence()) {
    error(value, fmt::format("'{}' expects a list of exit codes (0 to 255), got {}", key,
                             describe(value)));
    return std::nullopt;
  }
  std::vector<int> out;
  for (auto item : value.items()) {
    if (auto code = integer(item, key, 0, 255)) out.push_back(static_cast<int>(*code));
  }
  return out;
}

namespace {

// Keys that users of GitHub Actions, Airflow, Compose or Ansible write, and what baton calls
// them: a better hint than the nearest spelling (`if` is not `id`).
std::string key_from_another_tool(std::string_view key,
                                  const std::vector<std::string_view>& allowed) {
  if (key == "<<") {
    return "YAML merge keys are not supported: put shared settings in a group's 'defaults:'";
  }
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kOurs = {
      {"needs", {"depends_on", "depends", "dependencies", "requires", "after", "upstream"}},
      {"run", {"command", "cmd", "script", "shell", "exec", "bash", "sh"}},
      {"env", {"environment", "vars", "variables"}},
      {"trigger", {"if", "when", "condition", "trigger_rule"}},
      {"timeout", {"timeout_minutes", "timeout_seconds", "execution_timeout"}},
      {"retry", {"retries", "max_retries", "attempts"}},
      {"cwd", {"working_directory", "working-directory", "workdir", "dir", "chdir"}},
      {"tasks", {"steps", "jobs", "subtasks", "children"}},
      {"foreach", {"matrix", "for_each", "each", "items", "loop", "with_items"}},
  };
  for (const auto& [ours, theirs] : kOurs) {
    if (std::find(theirs.begin(), theirs.end(), key) == theirs.end()) continue;
    if (std::find(allowed.begin(), allowed.end(), ours) == allowed.end()) return {};
    return fmt::format("baton calls it '{}'", ours);
  }
  return {};
}

}  // namespace

bool FieldReader::mapping(const yaml::Node& node, std::string_view what,
                          const std::vector<std::string_view>& allowed, const KeyVisitor& visit) {
  if (!node.is_map()) {
    error(node, fmt::format("{} expects a mapping of keys, got {}", what, describe(node)));
    return false;
  }
  std::vector<std::string_view> seen;  // A handful of keys: a vector beats a set here.
  for (auto entry : node.entries()) {
    const auto& key_node = entry.key;
    if (!key_node.is_scalar()) {
      error(key_node, fmt::format("keys of {} must be names, got {}", what, describe(key_node)));
      continue;
    }
    std::string_view key = key_node.scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string hint = key_from_another_tool(key, allowed);
      if (hint.empty()) hint = did_you_mean(key, allowed);
      if (hint.empty()) hint = fmt::format("{} accepts {}", what, fmt::join(allowed, ", "));
      error(key_node, fmt::format("unknown key '{}' in {}", shown(key), what), hint);
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(key_node, fmt::format("duplicate key '{}' in {}", key, what));
      continue;
    }
    seen.push_back(key);
    visit(key, key_node, entry.value);
  }
  return true;
}

void FieldReader::enum_error(const yaml::Node& value, std::string_view key,
                             const std::vector<std::string_view>& names) {
  std::string word = value.is_scalar() ? value.text() : std::string();
  error(value,
        fmt::format("'{}' expects one of {}, got {}", key, fmt::join(names, ", "), describe(value)),
        did_you_mean(word, names));
}

}  // namespace baton::load
