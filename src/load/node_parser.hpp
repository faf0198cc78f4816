// Reads the `tasks:` tree (and `defaults:` blocks) of a workflow into model nodes, checking every
// key's type and range. References, templates and inheritance are handled by later passes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "load/yaml_document.hpp"
#include "load/yaml_fields.hpp"
#include "model/workflow.hpp"

namespace baton::load {

/// A string that may hold `${{ ... }}` templates, recorded for the template pass.
struct TemplateSite {
  model::NodeIndex node = model::kNoNode;
  std::string key;  ///< `argv`, `env.NAME`, `cwd`, `run`, `compensate`.
  std::string text;
  model::SourcePos pos;
  bool is_shell = false;  ///< A shell string: templates are forbidden there (SPEC 1.4).
  /// Where each `${{` of `text` is written, in order, when the file's text was at hand; errors
  /// about one expression point at it rather than at the start of the string.
  std::vector<model::SourcePos> expr_pos;
};

/// Fills each site's `expr_pos` from the file's `text`: the n-th `${{` at or after the start of
/// the string, which holds in every scalar style (plain, quoted, block).
void locate_templates(std::string_view text, std::vector<TemplateSite>& sites);

/// A pool or breaker named somewhere, checked once the whole file is read.
struct NamedUse {
  std::string kind;  ///< "pool" or "breaker".
  std::string name;
  model::SourcePos pos;
};

class NodeParser {
 public:
  NodeParser(FieldReader& reader, model::Workflow& workflow)
      : reader_(reader), workflow_(workflow) {}

  /// Parses a list of nodes as the children of `parent` (appended to workflow.nodes).
  void parse_children(const yaml::Node& list, model::NodeIndex parent);
  /// Parses a `defaults:` mapping into `settings`, recording template sites for `owner`.
  void parse_defaults(const yaml::Node& value, model::Settings& settings, model::NodeIndex owner);

  /// Parses an `env:` mapping into `settings()`, recording its template sites for `owner`.
  void parse_env(const yaml::Node& value, const std::function<model::Settings&()>& settings,
                 model::NodeIndex owner);

  const std::vector<TemplateSite>& template_sites() const { return template_sites_; }
  const std::vector<NamedUse>& named_uses() const { return named_uses_; }

 private:
  void parse_node(const yaml::Node& yaml, model::NodeIndex parent);
  /// Reads one settings key (retry, timeout, ... env) into `settings()`, which it calls only
  /// for such a key; false if `key` is not one.
  bool parse_setting(std::string_view key, const yaml::Node& value,
                     const std::function<model::Settings&()>& settings, model::NodeIndex owner);
  void parse_retry(const yaml::Node& value, RetryPolicy& retry);
  void parse_foreach(const yaml::Node& value, model::Foreach& foreach);
  std::optional<model::Command> parse_command(const yaml::Node& value, std::string_view key,
                                              model::NodeIndex owner);
  void check_node_shape(model::Node& node, const yaml::Node& yaml,
                        const std::vector<std::string_view>& keys);
  void record_site(model::NodeIndex node, std::string key, const yaml::Node& value, bool is_shell);

  FieldReader& reader_;
  model::Workflow& workflow_;
  std::vector<TemplateSite> template_sites_;
  std::vector<NamedUse> named_uses_;
};

}  // namespace baton::load
