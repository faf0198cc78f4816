// The Gantt chart of attempts as inline SVG: a row per task grouped by phase, a bar per attempt
// coloured by outcome, dashed backoff waits between attempts, hatched compensation bars, and
// outlined bars for the time a task spent waiting (a gate for its verdict, a task for a breaker).
#include <algorithm>
#include <array>
#include <cmath>

#include "report/html_sections.hpp"
#include "report/html_text.hpp"

namespace baton::report::html {
namespace {

constexpr double kWidth = 1160;
constexpr double kLabelWidth = 270;
constexpr double kRightPad = 24;
constexpr double kAxisHeight = 30;
constexpr double kRowHeight = 24;
constexpr double kPhaseHeight = 26;
constexpr double kBarHeight = 14;
constexpr double kMinBarWidth = 3;
constexpr std::size_t kMaxRows = 2000;

std::string num(double v) { return format_number(v, 1); }

// Where a time falls on the chart.
struct Scale {
  double span = 1;
  double x(double seconds) const {
    const double chart = kWidth - kLabelWidth - kRightPad;
    return kLabelWidth + std::clamp(seconds / span, 0.0, 1.0) * chart;
  }
};

// The tick step giving about `target` ticks: 1-2-5 steps below a minute, clock steps above.
double tick_step(double span, int target) {
  static constexpr std::array kSteps = {0.001, 0.002, 0.005,  0.01,   0.02,   0.05,  0.1,
                                        0.2,   0.5,   1.0,    2.0,    5.0,    10.0,  15.0,
                                        30.0,  60.0,  120.0,  300.0,  600.0,  900.0, 1800.,
                                        3600., 7200., 10800., 21600., 43200., 86400.};
  const double raw = span / target;
  for (double step : kSteps) {
    if (step >= raw) return step;
  }
  return std::ceil(raw / 86400.0) * 86400.0;
}

void draw_axis(std::string& out, const Scale& scale, double height) {
  const double step = tick_step(scale.span, 10);
  out += "<g class=\"axis\">\n";
  for (int i = 0; i * step <= scale.span * 1.0001; ++i) {
    const double t = i * step;
    const std::string x = num(scale.x(t));
    out += "<line class=\"tick\" x1=\"" + x + "\" y1=\"" + num(kAxisHeight - 6) + "\" x2=\"" + x +
           "\" y2=\"" + num(height - 4) + "\"/><text x=\"" + x + "\" y=\"" + num(kAxisHeight - 12) +
           "\">" + format_tick(t) + "</text>\n";
  }
  out += "</g>\n";
}

std::string attempt_title(const TaskView& task, const AttemptView& a, bool compensation,
                          std::size_t of) {
  std::string title =
      task.path + (compensation ? " — compensation attempt " : " — attempt ") + std::to_string(a.n);
  if (!compensation && of > 1) title += " of " + std::to_string(of);
  title += "\nstarted " + display_clock(a.start_text) + " (+" + format_seconds(a.start) + ")";
  title += a.finished ? "\nran " + format_seconds(a.end - a.start) : "\nstill running";
  if (a.finished) title += "\n" + a.outcome;
  if (!a.decision.empty()) title.append("\ndecision: ").append(a.decision);
  if (!a.error.empty()) title += "\nerror: " + truncate(a.error, 300);
  if (!a.log.empty()) title.append("\nlog: ").append(a.log);
  return title;
}

void draw_bar(std::string& out, const Scale& scale, double y, const TaskView& task,
              const AttemptView& a, bool compensation, std::size_t of) {
  const double x0 = scale.x(a.start);
  const double w = std::max(kMinBarWidth, scale.x(a.end) - x0);
  const double top = y + (kRowHeight - kBarHeight) / 2;
  out += std::string("<rect class=\"bar ") + (compensation ? "compensation " : "attempt ") +
         a.status_class + "\" data-task=\"" + escape(task.path) + "\" data-n=\"" +
         std::to_string(a.n) + "\" x=\"" + num(x0) + "\" y=\"" + num(top) + "\" width=\"" + num(w) +
         "\" height=\"" + num(kBarHeight) + "\" rx=\"3\"><title>" +
         escape(attempt_title(task, a, compensation, of)) + "</title></rect>\n";
}

// The backoff between two attempts: a dashed line from one's end to the next one's start.
void draw_wait(std::string& out, const Scale& scale, double y, const AttemptView& before,
               const AttemptView& after) {
  const double x0 = scale.x(before.end);
  const double x1 = scale.x(after.start);
  if (after.start <= before.end) return;
  const std::string mid = num(y + kRowHeight / 2);
  out += "<line class=\"wait\" x1=\"" + num(x0) + "\" y1=\"" + mid + "\" x2=\"" +
         num(std::max(x1, x0 + 1)) + "\" y2=\"" + mid + "\"><title>" +
         escape("waited " + format_seconds(after.start - before.end) + " before attempt " +
                std::to_string(after.n)) +
         "</title></line>\n";
}

// A span the task spent waiting (a gate for its verdict, a task for an open breaker): an outlined
// bar, which holds no slot.
void draw_waiting(std::string& out, const Scale& scale, double y, const TaskView& task,
                  const AttemptView& w) {
  const double x0 = scale.x(w.start);
  const double width = std::max(kMinBarWidth, scale.x(w.end) - x0);
  std::string title = task.path + " — waited " + format_seconds(w.end - w.start) +
                      (w.finished ? "" : " so far") + "\nfrom " + display_clock(w.start_text);
  if (task.attempts.empty() && !task.reason.empty()) title += "\n" + task.reason;
  out += "<rect class=\"bar waiting\" data-task=\"" + escape(task.path) + "\" x=\"" + num(x0) +
         "\" y=\"" + num(y + (kRowHeight - kBarHeight) / 2) + "\" width=\"" + num(width) +
         "\" height=\"" + num(kBarHeight) + "\" rx=\"3\"><title>" + escape(title) +
         "</title></rect>\n";
}

void draw_row(std::string& out, const Scale& scale, double y, const TaskView& task,
              std::string_view prefix, bool odd) {
  out += "<g class=\"row\" data-task=\"" + escape(task.path) + "\">\n";
  out += "<rect class=\"band" + std::string(odd ? " odd" : "") + "\" x=\"0\" y=\"" + num(y) +
         "\" width=\"" + num(kWidth) + "\" height=\"" + num(kRowHeight) + "\"/>\n";
  const std::string baseline = num(y + kRowHeight / 2 + 4);
  out += "<circle class=\"dot " + std::string(status_class(task.status)) + "\" cx=\"18\" cy=\"" +
         num(y + kRowHeight / 2) + "\" r=\"4\"/>\n";
  out += "<text class=\"label\" x=\"30\" y=\"" + baseline + "\"><title>" +
         escape(task.path + "\n" + task.status) + "</title>" +
         escape(truncate(short_path(task.path, prefix), 30)) + "</text>\n";
  out += "<text class=\"duration\" x=\"" + num(kLabelWidth - 10) + "\" y=\"" + baseline + "\">" +
         (task.duration ? format_seconds(*task.duration) : "") + "</text>\n";
  if (task.attempts.empty() && task.compensation.empty() && task.waits.empty()) {
    std::string note = task.status;
    if (!task.reason.empty()) note += " — " + task.reason;
    out += "<text class=\"row-note\" x=\"" + num(kLabelWidth + 6) + "\" y=\"" + baseline + "\">" +
           escape(truncate(note, 110)) + "</text>\n";
  }
  for (const auto* attempts : {&task.attempts, &task.compensation}) {
    for (std::size_t i = 1; i < attempts->size(); ++i) {
      draw_wait(out, scale, y, (*attempts)[i - 1], (*attempts)[i]);
    }
  }
  for (const auto& w : task.waits) draw_waiting(out, scale, y, task, w);
  for (const auto& a : task.attempts) draw_bar(out, scale, y, task, a, false, task.attempts.size());
  for (const auto& a : task.compensation) draw_bar(out, scale, y, task, a, true, 0);
  out += "</g>\n";
}

void draw_phase(std::string& out, double y, std::string_view phase) {
  out += "<g class=\"phase\"><rect x=\"0\" y=\"" + num(y) + "\" width=\"" + num(kWidth) +
         "\" height=\"" + num(kPhaseHeight) + "\"/><text x=\"10\" y=\"" +
         num(y + kPhaseHeight / 2 + 4) + "\">" +
         escape(phase.empty() ? "Top-level tasks" : truncate(phase, 120)) + "</text></g>\n";
}

void draw_marks(std::string& out, const Scale& scale, const ReportView& view, double height) {
  for (const auto& mark : view.marks) {
    const std::string x = num(scale.x(mark.at));
    const std::string_view kind = mark.to == "open" ? " opens" : mark.to == "closed" ? "" : " half";
    out += "<g class=\"mark" + std::string(kind) + "\"><title>" +
           escape(mark.text + " at +" + format_seconds(mark.at)) + "</title><line x1=\"" + x +
           "\" y1=\"" + num(kAxisHeight - 4) + "\" x2=\"" + x + "\" y2=\"" + num(height - 4) +
           "\"/><path d=\"M" + x + " " + num(kAxisHeight - 2) + " l-5 -7 h10 z\"/></g>\n";
  }
}

std::string defs() {
  std::string out = "<defs>";
  for (std::string_view kind : {"comp", "compfail"}) {
    out += "<pattern id=\"hatch-" + std::string(kind) +
           "\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
           "patternTransform=\"rotate(45)\"><rect class=\"hatch-bg-" +
           std::string(kind) + "\" width=\"6\" height=\"6\"/><rect class=\"hatch-line-" +
           std::string(kind) + "\" width=\"3\" height=\"6\"/></pattern>";
  }
  return out + "</defs>\n";
}

}  // namespace

std::string render_gantt(const ReportView& view) {
  if (view.tasks.empty()) return "<p class=\"note\">No tasks.</p>\n";
  const std::size_t rows = std::min(view.tasks.size(), kMaxRows);
  std::size_t phase_rows = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    phase_rows += i == 0 || view.tasks[i].phase != view.tasks[i - 1].phase ? 1 : 0;
  }
  const double height = kAxisHeight + rows * kRowHeight + phase_rows * kPhaseHeight + 8;
  const Scale scale{view.span > 0 ? view.span : 1};

  std::string out = "<svg class=\"gantt\" id=\"gantt-svg\" width=\"" + num(kWidth) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(kWidth) + " " +
                    num(height) + "\" role=\"img\" aria-label=\"Gantt chart of attempts\">\n";
  out += defs();
  draw_axis(out, scale, height);
  double y = kAxisHeight;
  std::string prefix;
  for (std::size_t i = 0; i < rows; ++i) {
    const TaskView& task = view.tasks[i];
    if (i == 0 || task.phase != view.tasks[i - 1].phase) {
      draw_phase(out, y, task.phase);
      y += kPhaseHeight;
      std::vector<std::string_view> paths;
      for (std::size_t j = i; j < rows && view.tasks[j].phase == task.phase; ++j) {
        paths.push_back(view.tasks[j].path);
      }
      prefix = common_prefix(paths);
    }
    draw_row(out, scale, y, task, prefix, i % 2 == 1);
    y += kRowHeight;
  }
  draw_marks(out, scale, view, height);
  out += "</svg>\n";
  if (rows < view.tasks.size()) {
    out += "<p class=\"note\">The chart shows the first " + std::to_string(rows) + " of " +
           std::to_string(view.tasks.size()) + " tasks; the table below lists them all.</p>\n";
  }
  return out;
}

}  // namespace baton::report::html
