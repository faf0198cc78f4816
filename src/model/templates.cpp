#include "model/templates.hpp"

#include <cctype>

namespace baton::model {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

TemplateScan scan_templates(std::string_view text) {
  TemplateScan out;
  std::size_t at = 0;
  while ((at = text.find("${{", at)) != std::string_view::npos) {
    std::size_t close = text.find("}}", at + 3);
    if (close == std::string_view::npos) {
      out.error = "unclosed '${{': expected '}}'";
      out.error_offset = at;
      return out;
    }
    out.exprs.push_back({std::string(trim(text.substr(at + 3, close - at - 3))), at});
    at = close + 2;
  }
  return out;
}

TemplateMeaning classify_template(std::string_view expr, std::string_view item_name) {
  if (expr == "run.id") return {TemplateKind::kRunId, {}, {}};
  if (expr == item_name) return {TemplateKind::kItem, {}, {}};
  if (expr == "item_index" ||
      (expr.size() == item_name.size() + 6 && expr.substr(0, item_name.size()) == item_name &&
       expr.substr(item_name.size()) == "_index")) {
    return {TemplateKind::kItemIndex, {}, {}};
  }
  constexpr std::string_view kTasks = "tasks.";
  constexpr std::string_view kOutputs = ".outputs.";
  if (expr.substr(0, kTasks.size()) == kTasks) {
    auto mid = expr.rfind(kOutputs);
    if (mid != std::string_view::npos && mid > kTasks.size() &&
        mid + kOutputs.size() < expr.size()) {
      return {TemplateKind::kTaskOutput,
              std::string(expr.substr(kTasks.size(), mid - kTasks.size())),
              std::string(expr.substr(mid + kOutputs.size()))};
    }
  }
  return {};
}

std::optional<std::string> expand_templates(
    std::string_view text, const std::function<std::optional<std::string>(std::string_view)>& value,
    std::string& missing) {
  auto scan = scan_templates(text);
  if (scan.exprs.empty()) return std::string(text);
  std::string out;
  std::size_t at = 0;
  for (const auto& expr : scan.exprs) {
    out.append(text.substr(at, expr.offset - at));
    auto v = value(expr.text);
    if (!v) {
      missing = expr.text;
      return std::nullopt;
    }
    out += *v;
    at = text.find("}}", expr.offset + 3) + 2;
  }
  out.append(text.substr(at));
  return out;
}

std::string output_variable(std::string_view task_path, std::string_view key) {
  std::string name = "BATON_OUT_";
  auto append = [&name](std::string_view part) {
    for (char c : part) {
      auto u = static_cast<unsigned char>(c);
      name += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
    }
  };
  append(task_path);
  name += '_';
  append(key);
  return name;
}

}  // namespace baton::model
