#include "cli/report_output.hpp"

#include <fmt/format.h>

#include <fstream>

#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"
#include "report/html.hpp"
#include "report/json_report.hpp"
#include "report/markdown.hpp"

namespace baton::cli {
namespace {

struct Rendered {
  report::RunReport report;
  report::Metrics metrics;
};

Rendered read(store::Store& store, const store::RunRow& run, const std::string& state_flag) {
  report::ReportContext context;
  context.state_flag = state_flag;
  context.process_alive = run.status == "running" && run_process_alive(run);
  context.apply_overrides = apply_overrides;
  Rendered r{report::read_run_report(store, run, context), {}};
  r.metrics = report::compute_metrics(r.report);
  return r;
}

// The document as nlohmann::json (keys sorted, as render_html takes it), node by node: a third
// of the cost of printing it and parsing the text back.
nlohmann::json unordered(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : value.items()) out.emplace(key, unordered(item));
      return out;
    }
    case nlohmann::ordered_json::value_t::array: {
      nlohmann::json out = nlohmann::json::array();
      out.get_ref<nlohmann::json::array_t&>().reserve(value.size());
      for (const auto& item : value) out.push_back(unordered(item));
      return out;
    }
    case nlohmann::ordered_json::value_t::string:
      return value.get_ref<const std::string&>();
    case nlohmann::ordered_json::value_t::boolean:
      return value.get<bool>();
    case nlohmann::ordered_json::value_t::number_integer:
      return value.get<std::int64_t>();
    case nlohmann::ordered_json::value_t::number_unsigned:
      return value.get<std::uint64_t>();
    case nlohmann::ordered_json::value_t::number_float:
      return value.get<double>();
    default:
      return nullptr;
  }
}

// The HTML report is drawn from the JSON document alone (report/html.hpp).
std::string html_of(const nlohmann::ordered_json& document) {
  return report::render_html(unordered(document));
}

Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return unexpected(Error::io(fmt::format("cannot write {}", path.string())));
  return {};
}

}  // namespace

std::string render_report(store::Store& store, const store::RunRow& run,
                          const std::string& state_flag, ReportFormat format) {
  auto r = read(store, run, state_flag);
  switch (format) {
    case ReportFormat::kMarkdown:
      return report::render_markdown(r.report, r.metrics);
    case ReportFormat::kJson:
      return report::report_json(r.report, r.metrics).dump(2) + "\n";
    case ReportFormat::kHtml:
      return html_of(report::report_json(r.report, r.metrics));
  }
  return {};
}

Result<std::string> write_run_reports(store::Store& store, const store::RunRow& run,
                                      const std::string& state_flag,
                                      const std::filesystem::path& dir) {
  auto r = read(store, run, state_flag);
  auto markdown = report::render_markdown(r.report, r.metrics);
  auto document = report::report_json(r.report, r.metrics);
  if (auto written = write_file(dir / "report.md", markdown); !written) {
    return unexpected(written.error());
  }
  if (auto written = write_file(dir / "report.json", document.dump(2) + "\n"); !written) {
    return unexpected(written.error());
  }
  if (auto written = write_file(dir / "report.html", html_of(document)); !written) {
    return unexpected(written.error());
  }
  return markdown;
}

}  // namespace baton::cli
