#include "cli/report_output.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>

#include "cli/left_to_exit.hpp"
#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"
#include "report/html.hpp"
#include "report/json_report.hpp"
#include "report/json_text.hpp"
#include "report/markdown.hpp"

namespace baton::cli {
namespace {

struct Rendered {
  report::RunReport report;
  report::Metrics metrics;
};

Rendered read(store::Store& store, const store::RunRow& run, const std::string& state_flag,
              RunAtHand at_hand = {}) {
  report::ReportContext context;
  context.workflow = at_hand.workflow;
  context.plan = std::move(at_hand.plan);
  context.state_flag = state_flag;
  context.process_alive = run.status == "running" && run_process_alive(run);
  context.apply_overrides = apply_overrides;
  Rendered r{
      at_hand.workflow && at_hand.tasks
          ? report::make_run_report(run, std::move(*at_hand.tasks), store.breakers(run.id), context)
          : report::read_run_report(store, run, context),
      {}};
  r.metrics = report::compute_metrics(r.report);
  return r;
}

// Writes the file with `write(out)`, beside it first and then renamed over it: a crash or a full
// disk midway leaves the report that was there whole, and a symlink a task left at `path` is
// replaced, not written through.
template <typename Write>
Result<void> write_file_with(const std::filesystem::path& path, Write write) {
  std::filesystem::path partial = path;
  partial += ".partial";
  std::error_code ec;
  std::filesystem::remove(partial, ec);  // A symlink planted there goes too.
  errno = 0;
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  write(out);
  out.close();
  if (out) std::filesystem::rename(partial, path, ec);
  if (!out || ec) {
    const int error = ec ? ec.value() : errno;
    std::filesystem::remove(partial, ec);
    return unexpected(
        Error::io(fmt::format("cannot write {}{}", path.string(),
                              error != 0 ? std::string(": ") + std::strerror(error) : "")));
  }
  return {};
}

Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
  return write_file_with(path, [&text](std::ostream& out) { out << text; });
}

}  // namespace

std::string render_report(store::Store& store, const store::RunRow& run,
                          const std::string& state_flag, ReportFormat format) {
  auto r = read(store, run, state_flag);
  switch (format) {
    case ReportFormat::kMarkdown:
      return report::render_markdown(r.report, r.metrics);
    case ReportFormat::kJson:
      return report::json_text(report::report_json(r.report, r.metrics));
    case ReportFormat::kHtml:
      return report::render_html(report::report_json(r.report, r.metrics));
  }
  return {};
}

Result<std::string> write_run_reports(store::Store& store, const store::RunRow& run,
                                      const std::string& state_flag,
                                      const std::filesystem::path& dir, RunAtHand at_hand) {
  auto r = read(store, run, state_flag, std::move(at_hand));
  auto document = report::report_json(r.report, r.metrics);
  // The HTML page takes as long as the other two together; the run's processes are done, so a
  // core is free for it. Both threads only read the document.
  auto html = std::async(std::launch::async, [&document] { return report::render_html(document); });
  auto markdown = report::render_markdown(r.report, r.metrics);
  auto written = write_file(dir / "report.md", markdown);
  if (written) {
    written = write_file_with(dir / "report.json", [&document](std::ostream& out) {
      report::write_json_text(document, out);
    });
  }
  if (written) written = write_file(dir / "report.html", html.get());
  if (html.valid()) html.wait();  // Its thread reads the document.
  leave_to_exit(std::move(document));
  leave_to_exit(std::move(r));
  if (!written) return unexpected(written.error());
  return markdown;
}

}  // namespace baton::cli
