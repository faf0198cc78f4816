// The HTML report page: header, summary cards, next steps, the two figures and the tables.
// The figures are built in html_gantt.cpp and html_graph.cpp; this file lays out the page.
#include "report/html.hpp"

#include <algorithm>
#include <future>
#include <map>

#include "baton/version.hpp"
#include "report/html_sections.hpp"
#include "report/html_text.hpp"
#include "report/html_view.hpp"
#include "report/json_report.hpp"

namespace baton::report {
namespace {

using html::escape;
using html::field_array;
using html::field_number;
using html::field_object;
using html::field_text;
using json = nlohmann::ordered_json;

std::string or_dash(const std::string& text) { return text.empty() ? "—" : text; }

std::string badge(std::string_view status) {
  return "<span class=\"badge " + std::string(html::status_class(status)) + "\">" +
         escape(html::status_label(status)) + "</span>";
}

// `{"epic": 1, "task": 12}` → "1 epic, 12 tasks"; a string stays as it is.
std::string level_counts(const json& run) {
  if (const auto text = field_text(run, "level_counts"); !text.empty()) return text;
  static constexpr std::pair<const char*, const char*> kLevels[] = {
      {"epic", "epics"}, {"story", "stories"}, {"task", "tasks"}, {"subtask", "subtasks"}};
  const json& counts = field_object(run, "level_counts");
  std::string out;
  for (const auto& [one, many] : kLevels) {
    const auto n = static_cast<long long>(field_number(counts, one).value_or(0));
    if (n == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
  }
  return out;
}

std::string domains(const json& run) {
  if (const auto text = field_text(run, "domains"); !text.empty()) return text;
  std::string out;
  for (const auto& domain : field_array(run, "domains")) {
    if (domain.is_string()) out += (out.empty() ? "" : ", ") + domain.get<std::string>();
  }
  return out;
}

std::string run_name(const json& run) {
  const auto name = field_text(run, "name");
  return name.empty() ? or_dash(field_text(run, "workflow")) : name;
}

std::string meta_item(std::string_view label, const std::string& value, bool mono = false) {
  return "<div><dt>" + std::string(label) + "</dt><dd" + (mono ? " class=\"mono\"" : "") + ">" +
         escape(or_dash(value)) + "</dd></div>\n";
}

std::string header(const json& report, double span) {
  const json& run = field_object(report, "run");
  const auto makespan =
      field_number(run, "makespan_s")
          .value_or(field_number(field_object(report, "metrics"), "makespan_s").value_or(span));
  std::string out = "<header>\n<div class=\"eyebrow\">baton · Orchestration Report</div>\n";
  out += "<h1>" + escape(run_name(run)) + " " + badge(field_text(run, "status")) + "</h1>\n";
  if (const auto description = field_text(run, "description"); !description.empty()) {
    out += "<p class=\"description\">" + escape(description) + "</p>\n";
  }
  out += "<dl class=\"meta\">\n";
  out += meta_item("Run", field_text(run, "id"), true);
  out += meta_item("Started", html::display_time(field_text(run, "started")));
  out += meta_item("Ended", html::display_time(field_text(run, "ended")));
  out += meta_item("Makespan", html::format_seconds(makespan));
  out += meta_item("Workflow", field_text(run, "workflow"), true);
  const auto strategy_title = field_text(run, "strategy_title");
  out +=
      meta_item("Strategy", strategy_title.empty() ? field_text(run, "strategy") : strategy_title);
  out += meta_item("Tasks", level_counts(run));
  out += meta_item("Domains", domains(run));
  return out + "</dl>\n</header>\n";
}

struct Card {
  std::string label;
  std::string value;
  std::string sub;
  std::optional<double> meter;  // 0..1, drawn as a bar
  bool quiet = false;           // a zero: shown faint
  std::string_view meter_class = "s-active";
};

std::string render_card(const Card& card) {
  std::string out = std::string("<div class=\"card") + (card.quiet ? " quiet" : "") +
                    "\"><div class=\"label\">" + escape(card.label) +
                    "</div><div class=\"value\">" + escape(card.value) + "</div>";
  if (card.meter) {
    const double percent = std::clamp(*card.meter, 0.0, 1.0) * 100;
    out += "<div class=\"meter " + std::string(card.meter_class) +
           "\"><span style=\"width:" + html::format_number(percent, 1) + "%\"></span></div>";
  }
  if (!card.sub.empty()) out += "<div class=\"sub\">" + escape(card.sub) + "</div>";
  return out + "</div>\n";
}

// A count from the metrics, else `fallback` computed from the tasks.
long long count(const json& metrics, std::string_view key, long long fallback) {
  const json& value =
      metrics.is_object() && metrics.contains(key) ? metrics.at(std::string(key)) : json();
  if (value.is_array()) return static_cast<long long>(value.size());
  return static_cast<long long>(field_number(metrics, key).value_or(static_cast<double>(fallback)));
}

std::string plural(long long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// Tasks completed, with what became of the others ("1 failed · 3 skipped").
Card tasks_card(const json& metrics, const html::ReportView& view) {
  std::map<std::string, long long> by_status;
  for (const auto& task : view.tasks) ++by_status[task.status];
  const long long total = count(metrics, "tasks_total", static_cast<long long>(view.tasks.size()));
  const long long done = count(metrics, "tasks_completed", by_status["succeeded"]);
  std::string others;
  for (const auto& [status, n] : by_status) {
    if (status == "succeeded" || status == "compensated") continue;
    std::string label = status;
    std::replace(label.begin(), label.end(), '_', ' ');
    others += (others.empty() ? "" : " · ") + std::to_string(n) + " " + label;
  }
  const auto fraction =
      total > 0 ? std::optional<double>(double(done) / double(total)) : std::nullopt;
  return {"Tasks completed",
          std::to_string(done) + "/" + std::to_string(total),
          others,
          fraction,
          false,
          "s-ok"};
}

std::vector<Card> efficiency_cards(const json& metrics) {
  const auto parallel = field_number(metrics, "parallel_efficiency");
  const auto critical = field_number(metrics, "critical_path_efficiency");
  const auto speedup = field_number(metrics, "speedup");
  const auto peak = field_number(metrics, "peak_parallelism");
  return {
      {"Parallel efficiency", parallel ? html::format_percent(*parallel) : "—",
       peak ? "peak " + html::format_number(*peak, 0) + " running at once" : "", parallel, false},
      {"Critical-path efficiency", critical ? html::format_percent(*critical) : "—",
       "longest chain ÷ makespan", critical, false},
      {"Speedup", speedup ? html::format_number(*speedup, 2) + "×" : "—", "task time ÷ makespan",
       std::nullopt, false},
  };
}

// Retries, breaker trips, compensations and ignored failures: from the metrics, else counted.
std::vector<Card> failure_cards(const json& report, const json& metrics,
                                const html::ReportView& view) {
  long long extra_attempts = 0;
  long long ignored = 0;
  for (const auto& task : view.tasks) {
    extra_attempts += std::max<long long>(0, static_cast<long long>(task.attempts.size()) - 1);
    ignored += task.status == "failed (ignored)";
  }
  const long long retries = count(metrics, "retries", extra_attempts);
  const auto retried = static_cast<long long>(field_object(metrics, "retries_by_task").size());
  const json& transitions = field_array(report, "breakers");
  long long trips = 0;
  for (const auto& t : transitions) trips += field_text(t, "to") == "open";
  trips = count(metrics, "breaker_trips", trips);
  const json& compensations = field_array(report, "compensations");
  long long compensated = 0;
  for (const auto& c : compensations) compensated += field_text(c, "status") == "compensated";
  compensated = count(metrics, "compensations_succeeded", compensated);
  const long long undone =
      count(metrics, "compensations", static_cast<long long>(compensations.size()));
  ignored = count(metrics, "ignored_failures", ignored);
  const auto n_transitions = static_cast<long long>(transitions.size());
  return {
      {"Retries", std::to_string(retries),
       retried > 0 ? "in " + plural(retried, "task", "tasks") : "", std::nullopt, retries == 0},
      {"Breaker trips", std::to_string(trips),
       n_transitions > 0 ? plural(n_transitions, "transition", "transitions") : "", std::nullopt,
       trips == 0},
      {"Compensations", std::to_string(undone),
       undone > 0 ? std::to_string(compensated) + " succeeded" : "", std::nullopt, undone == 0},
      {"Ignored failures", std::to_string(ignored), "", std::nullopt, ignored == 0},
  };
}

std::string cards(const json& report, const html::ReportView& view) {
  const json& metrics = field_object(report, "metrics");
  std::string out = "<section class=\"cards\">\n" + render_card(tasks_card(metrics, view));
  for (const auto& card : efficiency_cards(metrics)) out += render_card(card);
  for (const auto& card : failure_cards(report, metrics, view)) out += render_card(card);
  return out + "</section>\n";
}

std::string next_steps(const json& report) {
  const json& steps = field_array(report, "next_steps");
  if (steps.empty()) return "";
  std::string out =
      "<section class=\"panel\" id=\"next-steps\">\n<div class=\"panel-head\"><h2>Next "
      "steps</h2><p class=\"hint\">What did not succeed, and how to go on.</p></div>\n"
      "<table class=\"grid\"><thead><tr><th>#</th><th>Task</th><th>Reason and command</th></tr>"
      "</thead><tbody>\n";
  int n = 0;
  for (const auto& step : steps) {
    const auto path = field_text(step, "path");
    const auto command = field_text(step, "command");
    const auto log = field_text(step, "log");
    out += "<tr data-task=\"" + escape(path) + "\"><td class=\"num\">" + std::to_string(++n) +
           "</td><td class=\"path\">" +
           (path.empty() ? "<span class=\"dim\">the run</span>" : escape(path)) + "</td><td>" +
           escape(or_dash(field_text(step, "reason")));
    if (!log.empty()) out += "<div class=\"log\">log: <code>" + escape(log) + "</code></div>";
    std::string tail;
    for (const auto& line : field_array(step, "log_tail")) {
      if (line.is_string()) tail += html::truncate(line.get<std::string>(), 400) + "\n";
    }
    if (!tail.empty()) {
      tail.pop_back();
      out += "<pre class=\"log-tail\">" + escape(tail) + "</pre>";
    }
    if (!command.empty()) out += "<pre class=\"command\">" + escape(command) + "</pre>";
    out += "</td></tr>\n";
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string text_list(const json& items) {
  std::string out;
  for (const auto& item : items) {
    if (item.is_string()) out += "<li>" + escape(item.get<std::string>()) + "</li>\n";
  }
  return out.empty() ? "" : "<ul>\n" + out + "</ul>\n";
}

// SPEC 6's Research Applied: the patterns found, the coordination strategy, the policies.
std::string research(const json& report) {
  const json& research = field_object(report, "research");
  const std::string patterns = text_list(field_array(research, "patterns"));
  const std::string coordination = field_text(research, "coordination");
  const std::string failure = text_list(field_array(research, "failure_handling"));
  if (patterns.empty() && coordination.empty() && failure.empty()) return "";
  std::string out =
      "<section class=\"panel research\" id=\"research\">\n<div class=\"panel-head\"><h2>Research "
      "applied</h2></div>\n<div class=\"columns\"><div>";
  if (!patterns.empty()) out += "<h3>Workflow patterns</h3>\n" + patterns;
  if (!coordination.empty()) {
    out += "<h3>Coordination strategy</h3>\n<p>" + escape(coordination) + "</p>\n";
  }
  out += "</div><div>";
  if (!failure.empty()) out += "<h3>Failure handling</h3>\n" + failure;
  return out + "</div></div>\n</section>\n";
}

std::string figure_panel(std::string_view id, std::string_view title, std::string_view hint,
                         bool timeline, const std::string& body) {
  return "<section class=\"panel\" id=\"" + std::string(id) +
         "\">\n<div class=\"panel-head\"><h2>" + std::string(title) + "</h2><p class=\"hint\">" +
         std::string(hint) + "</p></div>\n" + html::render_legend(timeline) +
         "<div class=\"figure\">\n" + body + "</div>\n</section>\n";
}

std::string outputs_cell(const html::TaskView& task) {
  if (task.outputs.empty()) return "";
  std::string out = "<details><summary>" +
                    plural(static_cast<long long>(task.outputs.size()), "output", "outputs") +
                    "</summary><dl class=\"outputs\">";
  for (const auto& [key, value] : task.outputs) {
    out += "<dt>" + escape(key) + "</dt><dd>" + escape(html::truncate(value, 500)) + "</dd>";
  }
  return out + "</dl></details>";
}

std::string tasks_table(const html::ReportView& view) {
  std::string out =
      "<section class=\"panel\" id=\"tasks\">\n<div class=\"panel-head\"><h2>Tasks</h2>"
      "<p class=\"hint\">" +
      plural(static_cast<long long>(view.tasks.size()), "task", "tasks") +
      ", in phase order.</p></div>\n<table class=\"grid tasks\"><colgroup><col style=\"width:27%\">"
      "<col style=\"width:15%\"><col style=\"width:9%\"><col style=\"width:9%\">"
      "<col style=\"width:22%\"><col "
      "style=\"width:18%\"></colgroup><thead><tr><th>Task</th><th>Status</th>"
      "<th class=\"num\">Attempts</th><th class=\"num\">Duration</th><th>Depends on</th>"
      "<th>Reason</th></tr></thead><tbody>\n";
  for (const auto& task : view.tasks) {
    std::string dependencies;
    for (const auto& d : task.dependencies) {
      dependencies += (dependencies.empty() ? "" : ", ") + escape(d);
    }
    std::string name = escape(task.path);
    if (!task.item.empty()) name += " <span class=\"dim\">(" + escape(task.item) + ")</span>";
    out += "<tr data-task=\"" + escape(task.path) + "\"><td class=\"path\">" + name + "</td><td>" +
           badge(task.status) + "</td><td class=\"num\">" + std::to_string(task.attempts.size()) +
           "</td><td class=\"num\">" +
           (task.duration ? html::format_seconds(*task.duration) : "—") +
           "</td><td class=\"path deps\">" + (dependencies.empty() ? "—" : dependencies) +
           "</td><td>" + escape(task.reason) + outputs_cell(task) + "</td></tr>\n";
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string retries_table(const json& report) {
  const json& retries = field_object(field_object(report, "metrics"), "retries_by_task");
  if (retries.empty()) return "<p class=\"note\">No retries.</p>\n";
  std::string out =
      "<table class=\"grid\"><thead><tr><th>Task</th><th class=\"num\">Retries</th></tr></thead>"
      "<tbody>\n";
  for (const auto& [path, n] : retries.items()) {
    out += "<tr data-task=\"" + escape(path) + "\"><td class=\"path\">" + escape(path) +
           "</td><td class=\"num\">" + escape(n.is_number() ? n.dump() : "—") + "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string breakers_table(const json& report) {
  const json& transitions = field_array(report, "breakers");
  if (transitions.empty()) return "<p class=\"note\">No breaker transitions.</p>\n";
  std::string out =
      "<table class=\"grid\"><thead><tr><th>Breaker</th><th>From</th><th>To</th><th>At</th></tr>"
      "</thead><tbody>\n";
  for (const auto& t : transitions) {
    const auto to = field_text(t, "to");
    out += "<tr><td class=\"path\">" + escape(field_text(t, "name")) + "</td><td>" +
           escape(field_text(t, "from")) + "</td><td><span class=\"badge " +
           (to == "open"     ? "s-fail"
            : to == "closed" ? "s-ok"
                             : "s-active") +
           "\">" + escape(to) + "</span></td><td class=\"mono\">" +
           escape(html::display_clock(field_text(t, "at"))) + "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string compensations_table(const json& report) {
  const json& compensations = field_array(report, "compensations");
  if (compensations.empty()) return "<p class=\"note\">No compensations.</p>\n";
  std::string out =
      "<table class=\"grid\"><thead><tr><th>Task</th><th>Status</th><th>Started</th>"
      "<th class=\"num\">Duration</th></tr></thead><tbody>\n";
  for (const auto& c : compensations) {
    const auto start = html::parse_time(field_text(c, "start"));
    const auto end = html::parse_time(field_text(c, "end"));
    const auto path = field_text(c, "path");
    out += "<tr data-task=\"" + escape(path) + "\"><td class=\"path\">" + escape(path) +
           "</td><td>" + badge(field_text(c, "status")) + "</td><td class=\"mono\">" +
           escape(html::display_clock(field_text(c, "start"))) + "</td><td class=\"num\">" +
           (start && end ? html::format_seconds(*end - *start) : "—") + "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string failure_handling(const json& report) {
  return "<section class=\"panel\" id=\"failure-handling\">\n<div class=\"panel-head\"><h2>Failure "
         "handling</h2></div>\n<div class=\"columns\"><div><h3>Retries by task</h3>\n" +
         retries_table(report) + "<h3>Breaker transitions</h3>\n" + breakers_table(report) +
         "</div><div><h3>Compensations</h3>\n" + compensations_table(report) +
         "</div></div>\n</section>\n";
}

}  // namespace

std::string render_html(const json& report) {
  const html::ReportView view = html::read_view(report);
  // A large run's graph takes a third of the page's time: it is laid out on a thread meanwhile
  // (at the end of a run, a core is free).
  auto graph = std::async(
      view.tasks.size() >= kTasksForTwoThreads ? std::launch::async : std::launch::deferred,
      [&view] { return html::render_graph(view); });
  const json& run = field_object(report, "run");
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escape(run_name(run)) + " · " + escape(or_dash(field_text(run, "id"))) +
         " · baton report</title>\n<style>" + std::string(html::style_sheet()) +
         "</style>\n</head>\n<body>\n<main>\n";
  out += header(report, view.span);
  out += cards(report, view);
  out += next_steps(report);
  out += figure_panel("timeline", "Execution timeline",
                      "One bar per attempt; hover a bar for its details.", true,
                      html::render_gantt(view));
  out += figure_panel("graph", "Dependency graph",
                      "Edges implied by a longer path are left out; hover a task to trace it.",
                      false, graph.get());
  out += research(report);
  out += failure_handling(report);
  out += tasks_table(view);
  out += "<footer>Generated by baton " + std::string(kVersion) + "</footer>\n</main>\n<script>" +
         std::string(html::hover_script()) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace baton::report
