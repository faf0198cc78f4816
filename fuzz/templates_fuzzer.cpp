// Fuzzes `${{ ... }}` templates (SPEC 1.4): scanning a string, telling what each expression
// names, and expanding them. Expansion must ask for each expression once, in order, insert each
// value verbatim (a value is data: a template inside it is never expanded) and stop at the first
// missing value.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "model/templates.hpp"

namespace {

namespace model = baton::model;

void check_scan(std::string_view text, const model::TemplateScan& scan) {
  std::size_t previous_end = 0;
  for (const auto& expr : scan.exprs) {
    BATON_FUZZ_CHECK(expr.offset >= previous_end, "expressions overlap or go backwards");
    BATON_FUZZ_CHECK(text.substr(expr.offset, 3) == "${{", "an expression not at '${{'");
    BATON_FUZZ_CHECK(expr.text.find("}}") == std::string::npos, "an expression holds '}}'");
    if (!expr.text.empty()) {
      for (char end : {expr.text.front(), expr.text.back()}) {
        BATON_FUZZ_CHECK(end != ' ' && end != '\t', "an expression is not trimmed");
      }
    }
    previous_end = expr.offset + 3 + expr.text.size();
  }
  if (!scan.error.empty()) {
    BATON_FUZZ_CHECK(scan.error_offset >= previous_end, "the error is before an expression");
    BATON_FUZZ_CHECK(text.substr(scan.error_offset, 3) == "${{", "the error is not at '${{'");
  }
}

void check_meaning(std::string_view expr, std::string_view item_name) {
  auto meaning = model::classify_template(expr, item_name);
  if (meaning.kind != model::TemplateKind::kTaskOutput) return;
  BATON_FUZZ_CHECK(!meaning.ref.empty() && !meaning.key.empty(), "an empty task or key");
  BATON_FUZZ_CHECK("tasks." + meaning.ref + ".outputs." + meaning.key == expr,
                   "task output expression does not read back");
}

// Expands with values that are themselves templates, so that any re-expansion would show.
void check_expansion(std::string_view text, const model::TemplateScan& scan,
                     std::size_t missing_at) {
  std::vector<std::string> asked;
  auto value = [&](std::string_view expr) -> std::optional<std::string> {
    if (asked.size() == missing_at) {
      asked.emplace_back(expr);
      return std::nullopt;
    }
    asked.emplace_back(expr);
    return "${{ " + std::string(expr) + " }}";
  };
  std::string missing;
  auto result = model::expand_templates(text, value, missing);
  if (scan.exprs.empty()) {
    BATON_FUZZ_CHECK(result && *result == text, "a string without templates changed");
    return;
  }
  BATON_FUZZ_CHECK(asked.size() <= scan.exprs.size(), "asked for more values than expressions");
  for (std::size_t i = 0; i < asked.size(); ++i) {
    BATON_FUZZ_CHECK(asked[i] == scan.exprs[i].text, "asked out of order");
  }
  if (missing_at < scan.exprs.size()) {
    BATON_FUZZ_CHECK(!result, "a missing value was not reported");
    BATON_FUZZ_CHECK(missing == scan.exprs[missing_at].text, "the wrong expression is missing");
    return;
  }
  BATON_FUZZ_CHECK(result.has_value(), "expansion failed with every value present");
  BATON_FUZZ_CHECK(asked.size() == scan.exprs.size(), "an expression was not asked for");
  if (scan.error.empty()) {
    // Each value re-quotes its expression, so scanning the result finds the same expressions.
    auto rescan = model::scan_templates(*result);
    BATON_FUZZ_CHECK(rescan.error.empty(), "expansion made a malformed string");
    BATON_FUZZ_CHECK(rescan.exprs.size() == scan.exprs.size(), "expansion changed the count");
    for (std::size_t i = 0; i < scan.exprs.size(); ++i) {
      BATON_FUZZ_CHECK(rescan.exprs[i].text == scan.exprs[i].text, "expansion changed a value");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  std::string item_name = input.ConsumeRandomLengthString(16);
  std::size_t missing_at = input.ConsumeIntegralInRange<std::size_t>(0, 8);
  std::string text = input.ConsumeRemainingBytesAsString();

  auto scan = model::scan_templates(text);
  check_scan(text, scan);
  for (const auto& expr : scan.exprs) {
    check_meaning(expr.text, item_name);
    check_meaning(expr.text, "item");
  }
  check_expansion(text, scan, missing_at);
  return 0;
}
