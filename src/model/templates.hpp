// `${{ ... }}` templates (SPEC 1.4): finding them in a string and telling what each one names.
// Expansion at run time lives with the engine; this is the static part both share.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baton::model {

struct TemplateExpr {
  std::string text;        ///< Between the braces, trimmed: `item`, `tasks.build.outputs.version`.
  std::size_t offset = 0;  ///< Where `${{` starts in the string.
};

struct TemplateScan {
  std::vector<TemplateExpr> exprs;
  std::string error;  ///< Empty if the string is well formed.
  std::size_t error_offset = 0;
};

TemplateScan scan_templates(std::string_view text);

enum class TemplateKind { kItem, kItemIndex, kRunId, kTaskOutput, kUnknown };

struct TemplateMeaning {
  TemplateKind kind = TemplateKind::kUnknown;
  std::string ref;  ///< kTaskOutput: the task reference (may be a dotted path).
  std::string key;  ///< kTaskOutput: the output key.
};

/// `item_name` is the fan-out variable in scope (`as`, default `item`); `NAME_index` and
/// `item_index` are its index.
TemplateMeaning classify_template(std::string_view expr, std::string_view item_name);

/// Replaces every `${{ expr }}` in `text` with `value(expr)`. If a value is missing, returns
/// nullopt and sets `missing` to that expression. The result is data: it is never parsed again,
/// so a value cannot inject a template or a command.
std::optional<std::string> expand_templates(
    std::string_view text, const std::function<std::optional<std::string>(std::string_view)>& value,
    std::string& missing);

/// `BATON_OUT_<TASK>_<KEY>`: upper-cased, every other character than A-Z and 0-9 turned to `_`
/// (`build.compile`, `version` -> `BATON_OUT_BUILD_COMPILE_VERSION`).
std::string output_variable(std::string_view task_path, std::string_view key);

}  // namespace baton::model
