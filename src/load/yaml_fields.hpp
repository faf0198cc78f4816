// Typed reads of YAML values with precise diagnostics: every read either returns the value or
// records "file:line:col: 'key' expects ..., got ..." and returns nullopt, so that loading goes
// on and reports every error of a file at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "baton/diagnostic.hpp"
#include "load/did_you_mean.hpp"
#include "load/yaml_document.hpp"
#include "model/enums.hpp"
#include "model/workflow.hpp"

namespace baton::load {

/// The most diagnostics one file keeps: hostile input cannot make more (the rest are counted).
inline constexpr std::size_t kMaxDiagnosticsKept = 100'000;

/// The diagnostics of one file: every one found, up to kMaxDiagnosticsKept.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

  void error(model::SourcePos pos, std::string message, std::string hint = {});
  bool has_errors() const { return count_ > 0; }
  std::size_t count() const { return count_; }
  const std::string& file() const { return file_; }
  /// All of them in file order (SPEC 1.1: every error, like a compiler), plus one line counting
  /// those beyond the bound, if any.
  Diagnostics take();

 private:
  std::string file_;
  Diagnostics diagnostics_;
  std::size_t count_ = 0;
};

/// "a list", "a mapping", "nothing", or the scalar quoted (shortened): for "got ..." messages.
std::string describe(const yaml::Node& node);

/// Text from the file for a message, cut after 80 characters (then "..."), so that a value of
/// megabytes cannot flood the terminal.
std::string shown(std::string_view text);

class FieldReader {
 public:
  explicit FieldReader(DiagnosticSink& sink) : sink_(sink) {}

  DiagnosticSink& sink() { return sink_; }

  std::optional<std::string> string(const yaml::Node& value, std::string_view key);
  std::optional<long long> integer(const yaml::Node& value, std::string_view key, long long min,
                                   long long max);
  std::optional<double> number(const yaml::Node& value, std::string_view key, double min,
                               double max);
  std::optional<bool> boolean(const yaml::Node& value, std::string_view key);
  std::optional<Duration> duration(const yaml::Node& value, std::string_view key);
  /// A list of strings; with `allow_single`, a lone string is a list of one.
  std::optional<std::vector<std::string>> strings(const yaml::Node& value, std::string_view key,
                                                  bool allow_single);
  /// Like strings(), keeping where each was written.
  std::optional<std::vector<model::Reference>> references(const yaml::Node& value,
                                                          std::string_view key);
  /// A mapping of names to scalars (numbers and booleans become their text).
  std::optional<model::EnvMap> env(const yaml::Node& value, std::string_view key);
  std::optional<std::vector<int>> exit_codes(const yaml::Node& value, std::string_view key);

  template <typename E>
  std::optional<E> enumeration(const yaml::Node& value, std::string_view key) {
    auto names = model::enum_names<E>();
    if (value.is_scalar()) {
      if (auto parsed = model::parse_enum<E>(value.scalar())) return parsed;
    }
    enum_error(value, key, names);
    return std::nullopt;
  }

  using KeyVisitor = std::function<void(std::string_view key, const yaml::Node& key_node,
                                        const yaml::Node& value)>;
  /// Visits each key of a mapping; reports unknown keys (with a suggestion among `allowed`) and
  /// duplicate keys. `what` names the mapping in messages ("task 'build'", "retry").
  /// Returns false (after reporting) if `node` is not a mapping.
  bool mapping(const yaml::Node& node, std::string_view what,
               const std::vector<std::string_view>& allowed, const KeyVisitor& visit);

  void error(const yaml::Node& at, std::string message, std::string hint = {});

 private:
  void enum_error(const yaml::Node& value, std::string_view key,
                  const std::vector<std::string_view>& names);

  DiagnosticSink& sink_;
};

}  // namespace baton::load
