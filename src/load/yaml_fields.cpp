#include "load/yaml_fields.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "model/duration.hpp"

namespace baton::load {

void DiagnosticSink::error(model::SourcePos pos, std::string message, std::string hint) {
  ++count_;
  if (diagnostics_.size() < kMaxDiagnosticsPerFile) {
    diagnostics_.push_back({file_, pos.line, pos.column, std::move(message), std::move(hint)});
  }
}

Diagnostics DiagnosticSink::take() {
  Diagnostics out = std::move(diagnostics_);
  if (count_ > out.size()) {
    out.push_back({file_, 0, 0,
                   fmt::format("{} more errors not shown (first {} listed)", count_ - out.size(),
                               kMaxDiagnosticsPerFile),
                   {}});
  }
  return out;
}

model::SourcePos position_of(const YAML::Node& node) {
  if (!node.IsDefined()) return {};
  auto mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  constexpr std::size_t kMaxShown = 40;
  const std::string& text = node.Scalar();
  if (text.size() > kMaxShown) return "'" + text.substr(0, kMaxShown) + "...'";
  return "'" + text + "'";
}

bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

void FieldReader::error(const YAML::Node& at, std::string message, std::string hint) {
  sink_.error(position_of(at), std::move(message), std::move(hint));
}

std::optional<std::string> FieldReader::string(const YAML::Node& value, std::string_view key) {
  if (value.IsScalar()) return value.Scalar();
  error(value, fmt::format("'{}' expects a string, got {}", key, describe(value)));
  return std::nullopt;
}

std::optional<long long> FieldReader::integer(const YAML::Node& value, std::string_view key,
                                              long long min, long long max) {
  if (is_plain_scalar(value)) {
    const std::string& text = value.Scalar();
    long long parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size() && parsed >= min && parsed <= max) {
      return parsed;
    }
  }
  constexpr long long kIntMin = std::numeric_limits<int>::min();
  constexpr long long kIntMax = std::numeric_limits<int>::max();
  std::string range;
  if (min > kIntMin && max < kIntMax) range = fmt::format(" from {} to {}", min, max);
  if (min > kIntMin && max >= kIntMax) range = fmt::format(" >= {}", min);
  error(value, fmt::format("'{}' expects an integer{}, got {}", key, range, describe(value)));
  return std::nullopt;
}

std::optional<double> FieldReader::number(const YAML::Node& value, std::string_view key,
                                          double min, double max) {
  if (is_plain_scalar(value) && !value.Scalar().empty()) {
    const std::string& text = value.Scalar();
    char* end = nullptr;
    double parsed = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size() && std::isfinite(parsed) && parsed >= min &&
        parsed <= max) {
      return parsed;
    }
  }
  std::string range = std::isinf(max) ? fmt::format(">= {:g}", min)
                                      : fmt::format("from {:g} to {:g}", min, max);
  error(value, fmt::format("'{}' expects a number {}, got {}", key, range, describe(value)));
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const YAML::Node& value, std::string_view key) {
  if (is_plain_scalar(value)) {
    if (value.Scalar() == "true") return true;
    if (value.Scalar() == "false") return false;
  }
  error(value, fmt::format("'{}' expects true or false, got {}", key, describe(value)));
  return std::nullopt;
}

std::optional<Duration> FieldReader::duration(const YAML::Node& value, std::string_view key) {
  if (value.IsScalar()) {
    if (auto parsed = model::parse_duration(value.Scalar())) return parsed;
  }
  error(value, fmt::format("'{}' expects a duration such as 30s, 250ms, 1.5m or 1h30m, got {}", key,
                           describe(value)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> FieldReader::strings(const YAML::Node& value,
                                                             std::string_view key,
                                                             bool allow_single) {
  if (allow_single && value.IsScalar()) return std::vector<std::string>{value.Scalar()};
  if (!value.IsSequence()) {
    error(value, fmt::format("'{}' expects a list of strings, got {}", key, describe(value)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : value) {
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else {
      error(item, fmt::format("'{}' expects a list of strings, got {} in it", key, describe(item)));
      ok = false;
    }
  }
  return ok ? std::optional(std::move(out)) : std::nullopt;
}

std::optional<std::vector<model::Reference>> FieldReader::references(const YAML::Node& value,
                                                                     std::string_view key) {
  if (value.IsScalar()) return std::vector<model::Reference>{{value.Scalar(), position_of(value)}};
  if (!value.IsSequence()) {
    error(value, fmt::format("'{}' expects a list of task references, got {}", key, describe(value)));
    return std::nullopt;
  }
  std::vector<model::Reference> out;
  for (const auto& item : value) {
    if (item.IsScalar()) {
      out.push_back({item.Scalar(), position_of(item)});
    } else {
      error(item, fmt::format("'{}' expects task references (strings), got {} in it", key,
                              describe(item)));
    }
  }
  return out;
}

std::optional<model::EnvMap> FieldReader::env(const YAML::Node& value, std::string_view key) {
  if (!value.IsMap()) {
    error(value, fmt::format("'{}' expects a mapping of names to values, got {}", key,
                             describe(value)));
    return std::nullopt;
  }
  model::EnvMap out;
  for (const auto& entry : value) {
    const auto& name = entry.first;
    if (!name.IsScalar() || name.Scalar().empty() ||
        name.Scalar().find_first_of("=\0", 0, 2) != std::string::npos) {
      error(name, fmt::format("'{}' has an invalid variable name {}", key, describe(name)));
      continue;
    }
    if (!entry.second.IsScalar()) {
      error(entry.second, fmt::format("'{}.{}' expects a string, number or boolean, got {}", key,
                                      name.Scalar(), describe(entry.second)));
      continue;
    }
    if (!out.emplace(name.Scalar(), entry.second.Scalar()).second) {
      error(name, fmt::format("duplicate key '{}' in '{}'", name.Scalar(), key));
    }
  }
  return out;
}

std::optional<std::vector<int>> FieldReader::exit_codes(const YAML::Node& value,
                                                        std::string_view key) {
  if (!value.IsSequence()) {
    error(value, fmt::format("'{}' expects a list of exit codes (0 to 255), got {}", key,
                             describe(value)));
    return std::nullopt;
  }
  std::vector<int> out;
  for (const auto& item : value) {
    if (auto code = integer(item, key, 0, 255)) out.push_back(static_cast<int>(*code));
  }
  return out;
}

bool FieldReader::mapping(const YAML::Node& node, std::string_view what,
                          const std::vector<std::string_view>& allowed, const KeyVisitor& visit) {
  if (!node.IsMap()) {
    error(node, fmt::format("{} expects a mapping of keys, got {}", what, describe(node)));
    return false;
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node) {
    const auto& key_node = entry.first;
    if (!key_node.IsScalar()) {
      error(key_node, fmt::format("keys of {} must be names, got {}", what, describe(key_node)));
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(key_node, fmt::format("unknown key '{}' in {}", key, what), did_you_mean(key, allowed));
      continue;
    }
    if (!seen.insert(key).second) {
      error(key_node, fmt::format("duplicate key '{}' in {}", key, what));
      continue;
    }
    visit(key, key_node, entry.second);
  }
  return true;
}

void FieldReader::enum_error(const YAML::Node& value, std::string_view key,
                             const std::vector<std::string_view>& names) {
  std::string word = value.IsScalar() ? value.Scalar() : std::string();
  error(value,
        fmt::format("'{}' expects one of {}, got {}", key, fmt::join(names, ", "), describe(value)),
        did_you_mean(word, names));
}

}  // namespace baton::load
